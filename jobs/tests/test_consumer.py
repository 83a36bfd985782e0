"""A real consumer process, on Redis and on Huey's SQLite storage: jobs started through the
web pages finish there with the right result, and a killed consumer leaves nothing behind."""

import csv
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import Agency
from agencies.tests.factories import HEADER, make_agency
from jobs import runner
from jobs.models import Job
from jobs.tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def agencies_csv(rows, province="33", name="Sở Kiểm thử"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n in range(rows):
        writer.writerow(
            [f"T-{n:05d}", f"{name} {n}", "department", province, "", "", "2015", "", ""]
        )
    return SimpleUploadedFile("agencies.csv", buffer.getvalue().encode(), "text/csv")


def job_of(response):
    assert response.status_code == 302, response.content[:500]
    return Job.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))


def finished(job, timeout=60):
    def done():
        job.refresh_from_db()
        return job.state in (Job.State.DONE, Job.State.FAILED)

    wait_for(done, timeout, f"job {job.pk} ({job.kind}) to finish")
    return job


@pytest.fixture
def admin_client(client, admin_user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin_user)
    return client


def test_admin_import_runs_on_the_consumer_preview_then_import(
    live_queue, admin_client, province_a
):
    make_agency(province_a, code="T-00000", name="Tên cũ")
    upload = agencies_csv(300)

    response = admin_client.post(
        reverse("admin:agencies_agency_import"),
        {"resource": "0", "format": "1", "import_file": upload},
    )

    preview = finished(job_of(response))
    assert preview.state == Job.State.DONE, preview.message
    assert (preview.data["new"], preview.data["changed"]) == (299, 1)
    assert Agency.objects.count() == 1
    page = admin_client.get(reverse("admin:agencies_agency_import_preview", args=[preview.pk]))
    assert "<del>Tên cũ</del>" in page.content.decode()

    imported = finished(job_of(admin_client.post(
        reverse("admin:agencies_agency_process_import"), {"job": preview.pk}
    )))  # fmt: skip

    assert imported.state == Job.State.DONE, imported.message
    assert imported.message == "Imported: 299 new, 1 changed, 0 unchanged."
    assert Agency.objects.count() == 300
    assert Agency.objects.get(code="T-00000").name == "Sở Kiểm thử 0"


def test_national_excel_file_is_made_on_the_consumer_and_downloaded(
    live_queue, client, viewer, province_a
):
    client.force_login(viewer)

    job = finished(
        job_of(client.post(reverse("national_report_prepare", args=["xlsx"]), {"year": 2026}))
    )

    assert job.state == Job.State.DONE, job.message
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="bao-cao-iso-toan-quoc-2026.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = {value for sheet in book.worksheets for row in sheet.values for value in row}
    assert province_a.name in values


def test_killing_the_consumer_mid_import_leaves_the_registry_unchanged_and_the_job_failed(
    live_queue, admin_client, province_a, settings
):
    make_agency(province_a, code="T-00000", name="Tên cũ")
    preview = finished(job_of(admin_client.post(
        reverse("admin:agencies_agency_import"),
        {"resource": "0", "format": "1", "import_file": agencies_csv(6000)},
    )), timeout=120)  # fmt: skip
    job = job_of(
        admin_client.post(reverse("admin:agencies_agency_process_import"), {"job": preview.pk})
    )

    def halfway():
        live = runner.live_progress(job.pk)
        return live and 0 < live.done < live.total

    wait_for(halfway, 60, "the import to be under way")
    live_queue.kill()

    job.refresh_from_db()
    assert job.state == Job.State.RUNNING  # nobody has noticed yet
    assert Agency.objects.count() == 1
    assert Agency.objects.get(code="T-00000").name == "Tên cũ"
    settings.JOB_STALL_SECONDS = 1
    wait_for(lambda: runner.fail_stalled() == 1, 10, "housekeeping to fail the stalled job")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    page = admin_client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "The worker running this job stopped before it finished; nothing was changed." in page
    assert Agency.objects.count() == 1
