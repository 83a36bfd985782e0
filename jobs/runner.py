"""Running one job: claim it, report progress and a heartbeat, write everything in one
transaction, and record the outcome in the language of the person who started it."""

import datetime
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import HUEY

from jobs.models import Job
from jobs.registry import JobFailed, kind_of

logger = logging.getLogger(__name__)
# How often progress is written at most: a 15,000-row import reports every row.
WRITE_EVERY = 0.5


class _Lost(Exception):
    """The job was marked failed (stalled) while it ran: its writes must not be kept."""


@dataclass(frozen=True)
class Live:
    done: int
    total: int
    beat: float  # time.time() of the last heartbeat


def _key(job_id):
    return f"job-progress:{job_id}"


def live_progress(job_id):
    """The running job's progress and heartbeat, from the queue's storage (None if none)."""
    value = HUEY.get(_key(job_id), peek=True)
    return Live(*value) if value else None


class Reporter:
    """The `progress(done, total)` callable a job's function receives.

    Progress and heartbeat go to the queue's storage (Redis, or Huey's own SQLite file), not
    to the database: the job's transaction may hold SQLite's write lock until it commits. A
    thread renews the heartbeat while the function works, so a long step (one PDF) does not
    look stalled, and a killed consumer stops it.
    """

    def __init__(self, job_id):
        self.job_id = job_id
        self.done = self.total = 0
        self._written = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def __call__(self, done, total):
        self.done, self.total = done, total
        if time.monotonic() - self._written >= WRITE_EVERY or done >= total:
            self._write()

    def _write(self):
        self._written = time.monotonic()
        HUEY.put(_key(self.job_id), (self.done, self.total, time.time()))

    def _beat(self):
        while not self._stop.wait(settings.JOB_HEARTBEAT_SECONDS):
            self._write()

    def __enter__(self):
        HUEY.put(_key(self.job_id), (self.done, self.total, time.time()))
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        HUEY.delete(_key(self.job_id))


def execute(job_id):
    """Run a queued job once; a job already claimed, finished or failed is left alone."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    kind = kind_of(job)
    with translation.override(job.language), Reporter(job.pk) as progress:
        try:
            if kind is None:
                raise JobFailed(_("This kind of job is no longer known."))
            with transaction.atomic():
                kind.run(job, progress)
                _finish(job, progress)
        except _Lost:
            _drop_result(job)
        except JobFailed as failure:
            _drop_result(job)
            _fail(job, failure.message, failure.problems)
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _drop_result(job)
            _fail(job, _("The job stopped on an unexpected error; nothing was changed."))


def _finish(job, progress):
    now = timezone.now()
    total = job.total or progress.total
    updated = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
        state=Job.State.DONE,
        done=total,
        total=total,
        message=job.message,
        problems=job.problems,
        data=job.data,
        result=job.result.name or "",
        result_name=job.result_name,
        result_content_type=job.result_content_type,
        finished_at=now,
        heartbeat_at=now,
        dedupe_key="",
    )
    if not updated:
        raise _Lost


def _fail(job, message, problems=()):
    now = timezone.now()
    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
        state=Job.State.FAILED,
        message=message,
        problems=list(problems),
        finished_at=now,
        heartbeat_at=now,
        dedupe_key="",
    )


def _drop_result(job):
    if job.result:
        job.result.delete(save=False)


def fail_stalled(*, now=None):
    """Mark failed the running jobs whose heartbeat stopped (a killed or lost consumer).

    Their writes were never committed: each job writes in one transaction.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.JOB_STALL_SECONDS)
    failed = 0
    for job in Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=cutoff):
        live = live_progress(job.pk)
        if live and live.beat >= cutoff.timestamp():
            continue
        with translation.override(job.language):
            message = _(
                "The worker running this job stopped before it finished; nothing was "
                "changed. Start it again."
            )
        failed += Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
            state=Job.State.FAILED, message=message, finished_at=now, dedupe_key=""
        )
        HUEY.delete(_key(job.pk))
    return failed


def delete_expired(*, now=None):
    """Delete finished jobs past the retention period, with their files."""
    deleted = 0
    for job in Job.expired(now=now):
        for field in (job.source, job.result):
            if field:
                field.delete(save=False)
        job.delete()
        deleted += 1
    return deleted
