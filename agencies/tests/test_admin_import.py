"""The admin's import page for agencies: preview, confirm, permission, and refusals."""

import csv
import html
import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import Agency
from agencies.tasks import IMPORT, PREVIEW
from agencies.tests.factories import HEADER, make_agency, make_province, make_user
from jobs.models import Job

pytestmark = pytest.mark.django_db

XLSX, CSV = "0", "1"  # indexes into AgencyAdmin.formats
IMPORT_URL = "admin:agencies_agency_import"
PROCESS_URL = "admin:agencies_agency_process_import"
PREVIEW_URL = "admin:agencies_agency_import_preview"


@pytest.fixture
def admin_client(client, admin_user):
    # English, chosen as a user would, so the assertions read the messages as written.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin_user)
    return client


def csv_upload(rows, name="agencies.csv", header=HEADER):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, ("\ufeff" + buffer.getvalue()).encode(), "text/csv")


def agency_row(code, name="Sở Tư pháp", level="department", province="33", parent=""):
    return [code, name, level, province, parent, "", "2015", "2024-05-01", ""]


def post_import(client, upload, file_format=CSV):
    return client.post(
        reverse(IMPORT_URL), {"resource": "0", "format": file_format, "import_file": upload}
    )


def page_text(response):
    return html.unescape(response.content.decode())


def preview_after(client, response):
    """The upload queued a preview job (run at once in tests): follow it to its page."""
    assert response.status_code == 302
    job = Job.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    assert job.kind == PREVIEW
    assert job.state == Job.State.DONE, job.message
    return client.get(reverse(PREVIEW_URL, args=[job.pk])), job


def confirm(client, job):
    response = client.post(reverse(PROCESS_URL), {"job": job.pk})
    assert response.status_code == 302
    return Job.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))


def test_admin_upload_shows_a_preview_and_writes_only_after_confirming(admin_client, provinces):
    make_agency(provinces[0], code="33-STP", name="Sở Tư pháp cũ")
    upload = csv_upload(
        [
            agency_row("33-STP", name="Sở Tư pháp"),
            agency_row("33-STC", name="Sở Tài chính"),
            agency_row("00070", name="UBND phường Hoàn Kiếm", level="commune", province="01"),
        ]
    )

    response, preview = preview_after(admin_client, post_import(admin_client, upload))

    assert response.status_code == 200
    assert f'action="{reverse(PROCESS_URL)}"' in page_text(response)
    assert (preview.data["new"], preview.data["changed"]) == (2, 1)
    assert Agency.objects.count() == 1
    assert Agency.objects.get(code="33-STP").name == "Sở Tư pháp cũ"

    job = confirm(admin_client, preview)

    assert (job.kind, job.state) == (IMPORT, Job.State.DONE)
    assert job.message == "Imported: 2 new, 1 changed, 0 unchanged."
    assert Agency.objects.count() == 3
    assert Agency.objects.get(code="33-STP").name == "Sở Tư pháp"
    commune = Agency.objects.get(code="00070")
    assert (commune.level, commune.province_id, commune.applicability) == (
        "commune",
        "01",
        "encouraged",
    )


def test_admin_upload_of_an_xlsx_file_is_previewed_then_written(admin_client, provinces, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(agency_row("33-STC", name="Sở Tài chính"))
    book.save(tmp_path / "a.xlsx")
    upload = SimpleUploadedFile("a.xlsx", (tmp_path / "a.xlsx").read_bytes())

    response, preview = preview_after(admin_client, post_import(admin_client, upload, XLSX))

    assert response.status_code == 200
    assert preview.data["new"] == 1
    assert not Agency.objects.exists()

    confirm(admin_client, preview)

    assert Agency.objects.get(code="33-STC").name == "Sở Tài chính"


def test_admin_preview_shows_only_the_changed_columns_old_and_new(admin_client, provinces):
    make_agency(provinces[0], code="33-STP", name="Sở Tư pháp cũ")
    upload = csv_upload(
        [agency_row("33-STP", name="Sở Tư pháp mới"), agency_row("33-STC", name="Sở Tài chính")]
    )

    response, _preview = preview_after(admin_client, post_import(admin_client, upload))

    text = page_text(response)
    assert '<strong id="total-new">1</strong>' in text
    assert '<strong id="total-changed">1</strong>' in text
    changes = text.split('class="import-changes"', 1)[1]
    assert "Name <code>name</code>: <del>Sở Tư pháp cũ</del> → <ins>Sở Tư pháp mới</ins>" in changes
    # Only the changed column of a changed row; new rows are counted, not listed.
    assert "<code>level</code>" not in changes
    assert "33-STC" not in changes
    assert Agency.objects.get(code="33-STP").name == "Sở Tư pháp cũ"


def test_two_clicks_on_confirm_start_one_import(admin_client, provinces, request):
    _response, preview = preview_after(
        admin_client, post_import(admin_client, csv_upload([agency_row("33-STC")]))
    )
    # The first click's job is still waiting for a consumer when the second click comes.
    request.getfixturevalue("queue_paused")

    first = confirm(admin_client, preview)
    second = confirm(admin_client, preview)

    assert first.state == Job.State.QUEUED
    assert first.pk == second.pk
    assert Job.objects.filter(kind=IMPORT).count() == 1


def test_admin_cannot_confirm_a_preview_with_problems(admin_client, provinces):
    upload = csv_upload([agency_row("33-BAD", level="ministry")])
    _response, preview = preview_after(admin_client, post_import(admin_client, upload))

    response = admin_client.post(reverse(PROCESS_URL), {"job": preview.pk})

    assert response.status_code == 302
    assert response.url == reverse(PREVIEW_URL, args=[preview.pk])
    assert not Job.objects.filter(kind=IMPORT).exists()
    assert not Agency.objects.exists()


def test_admin_can_open_the_import_page(admin_client):
    response = admin_client.get(reverse(IMPORT_URL))
    assert response.status_code == 200
    assert 'name="import_file"' in page_text(response)


def test_staff_without_import_permission_gets_403(client, provinces):
    clerk = make_user(username="clerk", is_staff=True)
    clerk.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="agencies",
            codename__in=["view_agency", "add_agency", "change_agency"],
        )
    )
    client.force_login(clerk)
    assert client.get(reverse("admin:agencies_agency_changelist")).status_code == 200

    assert client.get(reverse(IMPORT_URL)).status_code == 403
    response = post_import(client, csv_upload([agency_row("33-STC")]))
    assert response.status_code == 403
    response = client.post(
        reverse(PROCESS_URL),
        {"job": "1"},
    )
    assert response.status_code == 403
    assert not Agency.objects.exists()


def test_provincial_staff_cannot_reach_the_admin_import_page(client, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def shown_problems(response):
    return re.findall(r"<li>(.*?)</li>", page_text(response).split("import-problems", 1)[1])


def test_bad_row_is_shown_with_its_column_and_message_and_nothing_is_written(
    admin_client, provinces
):
    upload = csv_upload([agency_row("33-GOOD"), agency_row("33-BAD", level="ministry")])

    response, _preview = preview_after(admin_client, post_import(admin_client, upload))

    assert response.status_code == 200
    assert f'action="{reverse(PROCESS_URL)}"' not in page_text(response)
    assert shown_problems(response) == [
        "Row 3, column level: 'ministry' is not one of: province, department, district, commune."
    ]
    assert not Agency.objects.exists()


def test_bad_row_in_the_admin_is_numbered_as_its_spreadsheet_line(admin_client, provinces):
    upload = csv_upload(
        [agency_row("33-GOOD"), [""] * len(HEADER), agency_row("33-BAD", level="ministry")]
    )

    response, _preview = preview_after(admin_client, post_import(admin_client, upload))

    # As in the command's messages: header = line 1, and the blank line 3 still counts.
    [problem] = shown_problems(response)
    assert problem.startswith("Row 4, column level:")
    assert not Agency.objects.exists()


def test_every_problem_is_listed_a_page_at_a_time(admin_client, provinces):
    upload = csv_upload([agency_row(f"33-B{n}", level="ministry") for n in range(250)])

    response, preview = preview_after(admin_client, post_import(admin_client, upload))

    assert len(shown_problems(response)) == 200
    page_two = admin_client.get(reverse(PREVIEW_URL, args=[preview.pk]), {"problems_page": 2})
    assert len(shown_problems(page_two)) == 50
    assert shown_problems(page_two)[-1].startswith("Row 251, column level:")


def test_duplicate_code_in_the_admin_names_the_first_line(admin_client, provinces):
    upload = csv_upload([agency_row("33-A"), agency_row("33-A", name="Sở khác")])

    response, _preview = preview_after(admin_client, post_import(admin_client, upload))

    assert "'33-A' appears twice in the file: first on row 2." in page_text(response)
    assert not Agency.objects.exists()


def test_header_error_is_shown_in_the_admin_and_nothing_is_written(admin_client, provinces):
    header = [c for c in HEADER if c != "level"]
    upload = csv_upload([["33-GOOD", "Sở Tư pháp", "33", "", "", "", "", ""]], header=header)

    response, _preview = preview_after(admin_client, post_import(admin_client, upload))

    assert response.status_code == 200
    assert "missing column(s): level" in page_text(response)
    assert not Agency.objects.exists()


def test_csv_that_is_not_utf8_is_refused_in_the_admin_with_a_clear_message(admin_client, provinces):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([HEADER, agency_row("33-GOOD", name="Société générale")])
    upload = SimpleUploadedFile("a.csv", buffer.getvalue().encode("latin-1"), "text/csv")

    response, _preview = preview_after(admin_client, post_import(admin_client, upload))

    assert "save the CSV as UTF-8" in page_text(response)
    assert not Agency.objects.exists()


def test_preview_of_another_admins_upload_is_404_for_staff(client, admin_client, provinces):
    _response, preview = preview_after(
        admin_client, post_import(admin_client, csv_upload([agency_row("33-STC")]))
    )
    clerk = make_user(username="clerk", is_staff=True)
    clerk.user_permissions.set(
        Permission.objects.filter(content_type__app_label="agencies", codename="import_agency")
    )
    client.force_login(clerk)

    assert client.get(reverse(PREVIEW_URL, args=[preview.pk])).status_code == 404
    assert client.post(reverse(PROCESS_URL), {"job": preview.pk}).status_code == 404


def test_file_over_the_size_limit_is_refused_in_the_admin(admin_client, provinces, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([HEADER, agency_row("33-GOOD")])
    # Blank lines are dropped when reading, so only the size can make this file fail.
    data = buffer.getvalue().encode() + b"\r\n" * 600_000
    upload = SimpleUploadedFile("big.csv", data, "text/csv")

    response = post_import(admin_client, upload)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    form = response.context["form"]
    assert form.errors["import_file"] == ["The file is 1.1 MB; the limit is 1 MB."]
    assert "The file is 1.1 MB; the limit is 1 MB." in page_text(response)
    assert not Agency.objects.exists()


def test_admin_preview_and_result_say_which_rows_an_old_province_code_moved(admin_client, db):
    make_province("24", "Bắc Ninh")
    upload = csv_upload([agency_row("27-STP", province="27")])

    response, preview = preview_after(admin_client, post_import(admin_client, upload))

    note = (
        "1 row (2): old province code 27 (Bắc Ninh, before 1 July 2025) filed under "
        "today's province 24 Bắc Ninh."
    )
    assert note in page_text(response)
    job = confirm(admin_client, preview)
    assert Agency.objects.get(code="27-STP").province_id == "24"
    assert note in Job.objects.get(pk=job.pk).message


def test_the_upload_only_queues_the_preview_whatever_the_size(
    admin_client, provinces, queue_paused, django_assert_max_num_queries
):
    upload = csv_upload([agency_row(f"33-N{n:05d}") for n in range(15_000)])

    # Session, user, the duplicate check and the insert: nothing reads the rows.
    with django_assert_max_num_queries(8):
        response = post_import(admin_client, upload)

    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.state, job.done) == (PREVIEW, Job.State.QUEUED, 0)
    assert not Agency.objects.exists()


def test_the_preview_of_thousands_of_changed_rows_is_a_small_page(admin_client, provinces):
    Agency.objects.bulk_create(
        Agency(code=f"33-C{n:05d}", name=f"Sở cũ {n}", level="department", province=provinces[0])
        for n in range(3000)
    )
    upload = csv_upload([agency_row(f"33-C{n:05d}", name=f"Sở mới {n}") for n in range(3000)])

    response, preview = preview_after(admin_client, post_import(admin_client, upload))

    assert preview.data["changed"] == 3000
    assert len(response.content) < 100_000
    assert page_text(response).count("<del>Sở cũ") == 50
    last = admin_client.get(reverse(PREVIEW_URL, args=[preview.pk]), {"page": 60})
    assert "<del>Sở cũ 2999</del>" in page_text(last)
