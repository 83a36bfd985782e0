"""The Job record, its pages and the runner, with tasks run inside the test (immediate mode)."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import Province
from agencies.tests.factories import make_province
from jobs import runner
from jobs.models import Job
from jobs.progress import TerminalProgress
from jobs.registry import KINDS, JobFailed, register
from jobs.services import job_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_kinds():
    """Kinds that write a province and then succeed, fail, or crash."""

    def writes_then(outcome):
        def run(job, progress):
            make_province("99", "Tỉnh Thử")
            progress(3200, 15000)
            if outcome == "fail":
                raise JobFailed(translation.gettext("Nothing was imported."), ["Row 2: bad"])
            if outcome == "crash":
                raise RuntimeError("boom")
            job.result.save("out.txt", ContentFile(b"hello"), save=False)
            job.result_name = "ket-qua.txt"
            job.message = "ok"

        return run

    for outcome in ("ok", "fail", "crash"):
        register(f"test.{outcome}", label="Test", counts="%(done)s/%(total)s dòng")(
            writes_then(outcome)
        )
    yield
    for outcome in ("ok", "fail", "crash"):
        KINDS.pop(f"test.{outcome}")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_job_that_succeeds_keeps_its_writes_and_offers_its_file(test_kinds, media, staff_a):
    job = job_start(user=staff_a, kind="test.ok")

    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.message) == (Job.State.DONE, 15000, 15000, "ok")
    assert Province.objects.filter(code="99").exists()
    assert job.result.read() == b"hello"


@pytest.mark.parametrize("outcome", ["fail", "crash"])
def test_a_job_that_fails_writes_nothing_and_says_why_in_the_starters_language(
    test_kinds, media, staff_a, outcome
):
    with translation.override("vi"):
        job = job_start(user=staff_a, kind=f"test.{outcome}")

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert not Province.objects.filter(code="99").exists()
    expected = {
        "fail": "Không có gì được nhập.",
        "crash": "Công việc dừng do một lỗi không lường trước; không có gì bị thay đổi.",
    }
    assert job.message == expected[outcome]
    assert job.problems == (["Row 2: bad"] if outcome == "fail" else [])
    assert not job.result


def test_the_progress_partial_shows_counts_in_the_users_number_format(client, staff_a, test_kinds):
    job = Job.objects.create(user=staff_a, kind="test.ok", state=Job.State.RUNNING)
    client.force_login(staff_a)
    with runner.Reporter(job.pk) as progress:
        progress(3200, 15000)
        page = client.get(reverse("job_progress", args=[job.pk])).content.decode()

    assert "3.200/15.000 dòng" in page
    assert 'aria-valuenow="3200"' in page
    assert 'style="width: 21%"' in page
    assert 'hx-trigger="every 1s"' in page


def test_a_finished_job_stops_polling_and_offers_the_download(client, staff_a, test_kinds, media):
    job = job_start(user=staff_a, kind="test.ok")
    client.force_login(staff_a)

    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page
    assert reverse("job_download", args=[job.pk]) in page

    response = client.get(reverse("job_download", args=[job.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="ket-qua.txt"'
    assert b"".join(response.streaming_content) == b"hello"


def test_another_users_job_is_404_on_every_page(client, staff_a, staff_b, test_kinds, media):
    job = job_start(user=staff_a, kind="test.ok")
    client.force_login(staff_b)
    for name in ("job_detail", "job_progress", "job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert (
        reverse("job_detail", args=[job.pk]) not in client.get(reverse("job_list")).content.decode()
    )


def test_an_admin_sees_every_job(client, admin_user, staff_a, test_kinds, media):
    job = job_start(user=staff_a, kind="test.ok")
    client.force_login(admin_user)
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 200
    assert reverse("job_detail", args=[job.pk]) in client.get(reverse("job_list")).content.decode()


def test_the_job_list_costs_a_fixed_number_of_queries(
    client, staff_a, test_kinds, media, django_assert_max_num_queries
):
    for _ in range(30):
        Job.objects.create(user=staff_a, kind="test.ok", state=Job.State.DONE)
    client.force_login(staff_a)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("job_list"))
    assert response.content.decode().count('href="/jobs/') >= 60


def test_the_menu_links_to_my_jobs(client, inspector_a):
    client.force_login(inspector_a)
    page = client.get(reverse("job_list")).content.decode()
    assert f'href="{reverse("job_list")}"' in page


def test_two_clicks_start_one_job(staff_a, queue_paused):
    first = job_start(user=staff_a, kind="test.ok", source=b"same file", source_name="a.csv")
    second = job_start(user=staff_a, kind="test.ok", source=b"same file", source_name="a.csv")
    other = job_start(user=staff_a, kind="test.ok", source=b"other file", source_name="a.csv")

    assert first.pk == second.pk != other.pk
    assert Job.objects.count() == 2


def test_a_stalled_job_is_failed_by_housekeeping_and_a_live_one_is_not(staff_a, settings):
    settings.JOB_STALL_SECONDS = 60
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    stalled, alive = (
        Job.objects.create(user=staff_a, kind="x", state=Job.State.RUNNING, heartbeat_at=long_ago)
        for _ in range(2)
    )
    with runner.Reporter(alive.pk):
        assert runner.fail_stalled() == 1

    stalled.refresh_from_db()
    alive.refresh_from_db()
    assert stalled.state == Job.State.FAILED
    assert stalled.message.startswith("Máy chạy công việc")
    assert alive.state == Job.State.RUNNING


def test_a_job_failed_as_stalled_while_it_ran_cannot_be_marked_done(staff_a):
    # Housekeeping (another connection) failed it first; the task's last step must notice,
    # so that its transaction rolls back instead of committing under a failed job.
    job = Job.objects.create(user=staff_a, kind="x", state=Job.State.FAILED)

    with pytest.raises(runner._Lost):
        runner._finish(job, runner.Reporter(job.pk))

    job.refresh_from_db()
    assert job.state == Job.State.FAILED


def test_finished_jobs_and_their_files_are_deleted_after_the_retention_period(
    staff_a, media, settings
):
    settings.JOB_RETENTION_DAYS = 7
    now = timezone.now()
    jobs = {}
    cases = [("old", 8, "done"), ("recent", 6, "failed"), ("running", 30, "running")]
    for name, days, state in cases:
        job = Job(
            user=staff_a, kind="x", state=state, created_at=now - datetime.timedelta(days=days)
        )
        job.finished_at = None if state == "running" else job.created_at
        job.result.save(f"{name}.txt", ContentFile(b"x"), save=False)
        job.save()
        jobs[name] = job

    assert runner.delete_expired(now=now) == 1

    assert set(Job.objects.values_list("pk", flat=True)) == {jobs["recent"].pk, jobs["running"].pk}
    assert not (media / jobs["old"].result.name).exists()
    assert (media / jobs["recent"].result.name).exists()


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_commands_draw_a_progress_bar_on_a_terminal_and_nothing_otherwise():
    terminal, log = FakeTerminal(), io.StringIO()
    for stream in (terminal, log):
        with TerminalProgress(stream, every=0) as progress:
            progress(5, 10)
            progress(10, 10)

    assert "[###############...............] 5/10" in terminal.getvalue()
    assert terminal.getvalue().endswith("10/10\n")
    assert log.getvalue() == ""
