"""The queue's tasks for jobs: run one job, and the periodic housekeeping of jobs."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jobs import runner


# A claim that fails (e.g. SQLite busy past its timeout) is tried again; a claimed job
# never runs twice, so retrying is safe.
@db_task(retries=3, retry_delay=10)
def run_job(job_id):
    runner.execute(job_id)


@db_periodic_task(crontab(minute="*"))
def jobs_housekeeping():
    """Every minute: fail stalled jobs, delete expired ones and their files."""
    runner.fail_stalled()
    runner.delete_expired()
