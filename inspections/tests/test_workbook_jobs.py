"""A large workbook on the round page: previewed and imported as jobs, scoped like the page."""

import io

import pytest
from django.urls import reverse

from inspections.models import Answer
from inspections.tests.test_workbooks import all_conforming, fill, round_a, workbook_bytes
from jobs.models import Job

__all__ = ["round_a"]  # the fixture, shared with the synchronous tests
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def large_from_one_byte(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.WORKBOOK_JOB_MIN_BYTES = 1  # every workbook counts as large here


def upload(round_):
    data = io.BytesIO(fill(workbook_bytes(round_), {"33-SNV": all_conforming()}))
    data.name = "filled.xlsx"
    return data


def job_of(response):
    assert response.status_code == 302
    return Job.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))


def test_a_large_workbook_is_previewed_by_a_job_then_imported_by_another(client, round_a, staff_a):
    client.force_login(staff_a)

    preview = job_of(
        client.post(reverse("round_import", args=[round_a.pk]), {"file": upload(round_a)})
    )

    assert preview.state == Job.State.DONE, preview.message
    assert not Answer.objects.filter(inspection__round=round_a).exclude(result="").exists()
    page = client.get(reverse("round_import", args=[round_a.pk]), {"job": preview.pk})
    assert page.context["report"]["new_answers"] == 12
    assert f'name="job" value="{preview.pk}"' in page.content.decode()

    imported = job_of(
        client.post(reverse("round_import_confirm", args=[round_a.pk]), {"job": preview.pk})
    )

    assert imported.state == Job.State.DONE, imported.message
    # In the language of the request that started it (Vietnamese by default).
    assert imported.message.startswith("Đã nhập filled.xlsx: 12 kết quả mới")
    assert Answer.objects.filter(inspection__round=round_a, result="conforming").count() == 12


def test_another_users_workbook_preview_is_404(client, round_a, staff_a, inspector_a):
    client.force_login(staff_a)
    preview = job_of(
        client.post(reverse("round_import", args=[round_a.pk]), {"file": upload(round_a)})
    )
    client.force_login(inspector_a)

    page = client.get(reverse("round_import", args=[round_a.pk]), {"job": preview.pk})
    confirm = client.post(reverse("round_import_confirm", args=[round_a.pk]), {"job": preview.pk})

    assert (page.status_code, confirm.status_code) == (404, 404)
    assert not Job.objects.filter(kind="inspections.workbook_import").exists()


def test_a_small_workbook_is_still_previewed_in_the_request(client, round_a, staff_a, settings):
    settings.WORKBOOK_JOB_MIN_BYTES = 10 * 1024 * 1024
    client.force_login(staff_a)

    response = client.post(reverse("round_import", args=[round_a.pk]), {"file": upload(round_a)})

    assert response.status_code == 200
    assert response.context["report"].new_answers == 12
    assert not Job.objects.exists()
