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
from agencies.tests.factories import HEADER, make_agency, make_province, make_user

pytestmark = pytest.mark.django_db

XLSX, CSV = "0", "1"  # indexes into AgencyAdmin.formats
IMPORT_URL = "admin:agencies_agency_import"
PROCESS_URL = "admin:agencies_agency_process_import"


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


def test_admin_upload_shows_a_preview_and_writes_only_after_confirming(admin_client, provinces):
    make_agency(provinces[0], code="33-STP", name="Sở Tư pháp cũ")
    upload = csv_upload(
        [
            agency_row("33-STP", name="Sở Tư pháp"),
            agency_row("33-STC", name="Sở Tài chính"),
            agency_row("00070", name="UBND phường Hoàn Kiếm", level="commune", province="01"),
        ]
    )

    response = post_import(admin_client, upload)

    assert response.status_code == 200
    confirm_form = response.context["confirm_form"]
    assert confirm_form is not None
    assert f'action="{reverse(PROCESS_URL)}"' in page_text(response)
    assert 'name="import_file_name"' in page_text(response)
    totals = response.context["result"].totals
    assert (totals["new"], totals["update"]) == (2, 1)
    assert Agency.objects.count() == 1
    assert Agency.objects.get(code="33-STP").name == "Sở Tư pháp cũ"

    response = admin_client.post(reverse(PROCESS_URL), confirm_form.initial)

    assert response.status_code == 302
    assert response.url == reverse("admin:agencies_agency_changelist")
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

    response = post_import(admin_client, upload, file_format=XLSX)

    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    assert response.context["result"].totals["new"] == 1
    assert not Agency.objects.exists()

    response = admin_client.post(reverse(PROCESS_URL), response.context["confirm_form"].initial)

    assert response.status_code == 302
    assert Agency.objects.get(code="33-STC").name == "Sở Tài chính"


def test_admin_preview_shows_the_values_about_to_be_imported(admin_client, provinces):
    make_agency(provinces[0], code="33-STP", name="Sở Tư pháp cũ")
    upload = csv_upload(
        [agency_row("33-STP", name="Sở Tư pháp mới"), agency_row("33-STC", name="Sở Tài chính")]
    )

    response = post_import(admin_client, upload)

    assert response.context["confirm_form"] is not None
    preview = page_text(response).split('class="import-preview"', 1)[1]
    assert "33-STC" in preview
    assert "Sở Tài chính" in preview
    # An update shows the old name struck out beside the new one; a new row just its values.
    assert "<del>Sở Tư pháp cũ</del> <ins>Sở Tư pháp mới</ins>" in preview
    assert "<del>" not in preview.split("33-STC", 1)[1].split("</tr>", 1)[0]
    assert Agency.objects.get(code="33-STP").name == "Sở Tư pháp cũ"


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
        {"import_file_name": "x", "original_file_name": "a.csv", "format": CSV, "resource": "0"},
    )
    assert response.status_code == 403
    assert not Agency.objects.exists()


def test_provincial_staff_cannot_reach_the_admin_import_page(client, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def shown_row_errors(response):
    """(row shown, column, message) for each invalid row on the preview page."""
    return re.findall(
        r'<tr>\s*<td>(\d+)\s*</td>\s*<td class="errors">.*?'
        r'validation-error-field-label">(\w+)</span>\s*<ul>\s*<li>(.*?)</li>',
        page_text(response),
        flags=re.DOTALL,
    )


def test_bad_row_is_shown_with_its_column_and_message_and_nothing_is_written(
    admin_client, provinces
):
    upload = csv_upload([agency_row("33-GOOD"), agency_row("33-BAD", level="ministry")])

    response = post_import(admin_client, upload)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    [(_row, column, message)] = shown_row_errors(response)
    assert column == "level"
    assert message == "'ministry' is not one of: province, department, district, commune."
    assert not Agency.objects.exists()


def test_bad_row_in_the_admin_is_numbered_as_its_spreadsheet_line(admin_client, provinces):
    upload = csv_upload(
        [agency_row("33-GOOD"), [""] * len(HEADER), agency_row("33-BAD", level="ministry")]
    )

    response = post_import(admin_client, upload)

    # As in the command's messages: header = line 1, and the blank line 3 still counts.
    assert [row for row, _column, _message in shown_row_errors(response)] == ["4"]
    assert not Agency.objects.exists()


def test_duplicate_code_in_the_admin_names_the_first_line(admin_client, provinces):
    upload = csv_upload([agency_row("33-A"), agency_row("33-A", name="Sở khác")])

    response = post_import(admin_client, upload)

    assert response.context.get("confirm_form") is None
    assert "'33-A' appears twice in the file: first on row 2." in page_text(response)
    assert not Agency.objects.exists()


def test_header_error_is_shown_in_the_admin_and_nothing_is_written(admin_client, provinces):
    header = [c for c in HEADER if c != "level"]
    upload = csv_upload([["33-GOOD", "Sở Tư pháp", "33", "", "", "", "", ""]], header=header)

    response = post_import(admin_client, upload)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert "missing column(s): level" in page_text(response)
    assert not Agency.objects.exists()


def test_csv_that_is_not_utf8_is_refused_in_the_admin_with_a_clear_message(admin_client, provinces):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([HEADER, agency_row("33-GOOD", name="Société générale")])
    upload = SimpleUploadedFile("a.csv", buffer.getvalue().encode("latin-1"), "text/csv")

    response = post_import(admin_client, upload)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert "save the CSV as UTF-8" in page_text(response)
    assert not Agency.objects.exists()


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

    response = post_import(admin_client, upload)

    note = (
        "1 row (2): old province code 27 (Bắc Ninh, before 1 July 2025) filed under "
        "today's province 24 Bắc Ninh."
    )
    assert note in page_text(response)
    response = admin_client.post(reverse(PROCESS_URL), response.context["confirm_form"].initial)
    assert Agency.objects.get(code="27-STP").province_id == "24"
    assert note in page_text(admin_client.get(response.url))
