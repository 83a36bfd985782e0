"""A real queue for the tests that need one: a `manage.py run_huey` process, on Redis or on
Huey's SQLite storage, reading the test database through its committed rows."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from huey.storage import RedisStorage, SqliteStorage

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def database_url():
    """The URL of the test database, for the consumer process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "")
    password = quote(db["PASSWORD"] or "")
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{db['NAME']}"


class Consumer:
    def __init__(self, env, log):
        self.env = env
        self.log = log
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_huey",
                "-w",
                "2",
                "-k",
                "thread",
                "-n",
                "-d",
                "0.05",
                "-m",
                "0.2",
            ],  # fmt: skip
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self):
        """As an operator's `kill -9` or a lost machine: no clean shutdown."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(params=["redis", "sqlite"])
def live_queue(request, settings, tmp_path):
    """A consumer process and this process's queue pointed at the same real storage."""
    from huey.contrib.djhuey import HUEY

    name = f"test-{uuid.uuid4().hex[:12]}"  # parallel runs never share a queue
    settings.MEDIA_ROOT = tmp_path / "media"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "compliance.settings",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "HUEY_NAME": name,
        "HUEY_IMMEDIATE": "0",
        "JOB_HEARTBEAT_SECONDS": "0.5",
    }
    env.pop("REDIS_URL", None)
    if request.param == "redis":
        storage = RedisStorage(name=name, url=REDIS_URL)
        env["REDIS_URL"] = REDIS_URL
    else:
        storage = SqliteStorage(name=name, filename=str(tmp_path / "huey.sqlite3"))
        env["HUEY_FILE"] = str(tmp_path / "huey.sqlite3")
    settings.JOB_HEARTBEAT_SECONDS = 0.5
    HUEY.immediate = False
    HUEY.storage = storage
    log = open(tmp_path / "consumer.log", "w")  # noqa: SIM115
    consumer = Consumer(env, log)
    consumer.start()
    consumer.kind = request.param
    try:
        yield consumer
    finally:
        consumer.stop()
        log.close()
        storage.flush_all()
        HUEY.immediate = True


def wait_for(condition, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
