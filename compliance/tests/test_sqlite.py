"""The default SQLite database serves concurrent writers without "database is locked".

Runs against its own SQLite file through the project's settings, whichever database the
rest of the suite uses.
"""

import os
import subprocess
import sys

from django.conf import settings

WRITERS = 4
ROUNDS = 40

# Each writer reads, then writes, in one transaction: the pattern of a submit or an
# approval (read the row, then save it). With SQLite's default deferred transactions the
# read lock cannot be upgraded once another writer has committed, and no timeout helps.
WRITER = f"""
import time, django
django.setup()
from django.db import connection, transaction
connection.cursor().execute("CREATE TABLE IF NOT EXISTS counter (n integer)")
for _ in range({ROUNDS}):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM counter")
            cursor.fetchone()
            time.sleep(0.002)
            cursor.execute("INSERT INTO counter VALUES (1)")
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0])
"""


def test_concurrent_read_then_write_transactions_all_succeed(tmp_path):
    database = tmp_path / "concurrent.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "compliance.settings",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WRITERS)
    ]
    results = [writer.communicate(timeout=60) + (writer.returncode,) for writer in writers]

    assert [(err.strip().splitlines()[-1:], code) for _out, err, code in results] == [
        ([], 0)
    ] * WRITERS
    assert [out.strip() for out, _err, _code in results] == ["wal"] * WRITERS

    import sqlite3

    with sqlite3.connect(database) as check:
        assert check.execute("SELECT count(*) FROM counter").fetchone() == (WRITERS * ROUNDS,)
