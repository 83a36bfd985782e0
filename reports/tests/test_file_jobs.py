"""Report files prepared as jobs: the page queues one, the job offers the file, scope holds."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jobs.models import Job
from reports.tests.factories import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def prepared(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302
    return Job.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))


def test_the_report_pages_offer_to_prepare_each_file(client, staff_a, viewer, hung_yen_2026):
    client.force_login(staff_a)
    page = client.get(reverse("province_report"), {"year": YEAR}).content.decode()
    assert f'action="{reverse("province_report_prepare", args=["xlsx"])}"' in page
    client.force_login(viewer)
    page = client.get(reverse("national_report"), {"year": YEAR}).content.decode()
    assert f'action="{reverse("national_report_prepare", args=["pdf"])}"' in page


def test_staff_prepares_the_province_excel_file_and_downloads_it(client, staff_a, hung_yen_2026):
    client.force_login(staff_a)

    job = prepared(
        client,
        reverse("province_report_prepare", args=["xlsx"]),
        {"province": "33", "year": YEAR, "round": "1"},
    )

    assert job.state == Job.State.DONE, job.message
    response = client.get(reverse("job_download", args=[job.pk]))
    assert (
        response["Content-Disposition"] == 'attachment; filename="bao-cao-iso-33-2026-dot-1.xlsx"'
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    # Below the title row and the header, as the direct download gives.
    assert book["Tiêu chí"]["C3"].value == 4


def test_viewer_prepares_the_national_pdf(client, viewer, three_provinces):
    client.force_login(viewer)

    job = prepared(client, reverse("national_report_prepare", args=["pdf"]), {"year": YEAR})

    assert job.state == Job.State.DONE, job.message
    assert job.result.read().startswith(b"%PDF")


def test_staff_cannot_prepare_another_provinces_file_or_the_national_one(
    client, staff_a, province_b
):
    client.force_login(staff_a)
    url = reverse("province_report_prepare", args=["pdf"])
    assert client.post(url, {"province": "01", "year": YEAR}).status_code == 404
    assert client.post(reverse("national_report_prepare", args=["xlsx"])).status_code == 404
    assert not Job.objects.exists()


def test_inspectors_cannot_prepare_report_files(client, inspector_a):
    client.force_login(inspector_a)
    url = reverse("province_report_prepare", args=["xlsx"])
    assert client.post(url, {"province": "33", "year": YEAR}).status_code == 404
    assert not Job.objects.exists()


def test_a_staff_member_cannot_download_anothers_report_file(
    client, staff_a, viewer, three_provinces
):
    client.force_login(viewer)
    job = prepared(client, reverse("national_report_prepare", args=["xlsx"]), {"year": YEAR})
    client.force_login(staff_a)
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404
