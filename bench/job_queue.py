"""Benchmark: a 15,000-row agency import through the queue vs the same import by the command.

For each database (a temporary SQLite file, then PostgreSQL when reachable) and each queue
storage (Huey's SQLite file, then Redis when reachable), a consumer process is started once,
as in production; then, alternately, the import is run by `import_agencies` (in-process
call_command, so Django's start-up is not counted against the command) and queued as the
admin's confirmation queues it, timed from the enqueue until the Job row says done. Also
times the admin's upload page, which only stores the file and queues the preview.
Target: queue ≤ 1.3 × command; upload page < 300 ms.

    .venv/bin/python bench/job_queue.py [--rows 15000] [--runs 5]
"""

import io
import os
import statistics
import subprocess
import sys
import time
import uuid

from common import ROOT, run, timed
from import_agencies import make_workbook

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def spread(values):
    median = statistics.median(values)
    return f"{median:6.2f} s (range {min(values):.2f}–{max(values):.2f})"


def consumer(kind, name, folder):
    from django.db import connection

    env = {**os.environ, "HUEY_NAME": name, "HUEY_IMMEDIATE": "0"}
    env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env.pop("REDIS_URL", None)
    if kind == "redis":
        env["REDIS_URL"] = REDIS_URL
    else:
        env["HUEY_FILE"] = f"{folder}/{name}.huey.sqlite3"
    connection.close()
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_huey",
            "-w",
            "2",
            "-k",
            "thread",
            "-n",
            "-q",
            "-d",
            "0.05",
            "-m",
            "0.2",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
    )


def storage_for(kind, name, folder):
    from huey.storage import RedisStorage, SqliteStorage

    if kind == "redis":
        return RedisStorage(name=name, url=REDIS_URL)
    return SqliteStorage(name=name, filename=f"{folder}/{name}.huey.sqlite3")


def redis_up():
    try:
        import redis

        return redis.Redis.from_url(REDIS_URL).ping()
    except Exception:
        return False


def wait_done(job):
    from jobs.models import Job

    while True:
        state = Job.objects.filter(pk=job.pk).values_list("state", flat=True).get()
        if state == Job.State.DONE:
            return
        if state == Job.State.FAILED:
            raise RuntimeError(Job.objects.get(pk=job.pk).message)
        time.sleep(0.02)


def measure(args):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from huey.contrib.djhuey import HUEY

    from agencies.models import Agency
    from agencies.tasks import IMPORT
    from jobs.models import Job
    from jobs.services import job_start

    folder = os.environ["MEDIA_ROOT"]
    data = make_workbook(args.rows, "A")
    path = f"{folder}/bench.xlsx"
    with open(path, "wb") as handle:
        handle.write(data)
    admin = get_user_model().objects.create_superuser("bench-admin", "b@example.org", "x")
    bench = Agency.objects.filter(code__startswith="BX-")

    def clear():
        bench.filter(parent__isnull=False).delete()
        bench.delete()

    kinds = ["sqlite"] + (["redis"] if redis_up() else [])
    print(f"{connection.vendor}" + ("" if "redis" in kinds else " (Redis not reachable)"))
    for kind in kinds:
        name = f"bench-{uuid.uuid4().hex[:8]}"
        HUEY.immediate = False
        HUEY.storage = storage_for(kind, name, folder)
        process = consumer(kind, name, folder)
        try:
            command, queued = [], []
            for number in range(args.runs):
                clear()
                command.append(timed(lambda: call_command(
                    "import_agencies", path, stdout=io.StringIO(), stderr=io.StringIO()
                )))  # fmt: skip
                assert bench.count() == args.rows
                clear()
                params = {"filename": "bench.xlsx", "run": number}

                def through_queue(params=params):
                    job = job_start(user=admin, kind=IMPORT, params=params, source=data)
                    wait_done(job)

                queued.append(timed(through_queue))
                assert bench.count() == args.rows
            client = Client()
            client.force_login(admin)
            uploads = []
            for number in range(args.runs):
                upload = SimpleUploadedFile(f"bench-{number}.xlsx", data + b"\0" * number)
                start = time.perf_counter()
                response = client.post(
                    reverse("admin:agencies_agency_import"),
                    {"resource": "0", "format": "0", "import_file": upload},
                )
                uploads.append(time.perf_counter() - start)
                assert response.status_code == 302, response.status_code
                # Measured with the queue idle: on SQLite a running import holds the one
                # write lock, which any request that writes must wait for.
                wait_done(Job.objects.latest("pk"))
        finally:
            process.terminate()
            process.wait(30)
            HUEY.storage.flush_all()
        ratio = statistics.median(queued) / statistics.median(command)
        print(f"  queue storage: {kind}")
        print(f"    import_agencies command   {spread(command)}")
        print(f"    through the queue         {spread(queued)}   ratio {ratio:4.2f}")
        upload_ms = [u * 1000 for u in uploads]
        print(
            f"    admin upload page         {statistics.median(upload_ms):6.0f} ms "
            f"(range {min(upload_ms):.0f}–{max(upload_ms):.0f})"
        )
        clear()


if __name__ == "__main__":
    run(
        __file__,
        measure,
        lambda args: (
            f"{args.rows} agencies from .xlsx, {args.runs} runs each; medians (ranges); "
            "target: queue ≤ 1.3 × command, upload page < 300 ms"
        ),
        lambda parser: (
            parser.add_argument("--rows", type=int, default=15000),
            parser.add_argument("--runs", type=int, default=5),
        ),
    )
