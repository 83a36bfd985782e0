"""What every benchmark shares: run the measuring part once per database, in a child
process whose DATABASE_URL names a fresh database (a temporary SQLite file, then
PostgreSQL when reachable); analyse the tables after building data, as a database in use
would have; time several runs and print the median with its range; measure memory as
the peak resident set of a process doing the work, not Python's heap alone."""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres:postgres@127.0.0.1:5432/bench_compliance"


def timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def median_ms(function, repeat):
    return statistics.median(timed(function) for _ in range(repeat)) * 1000


class Runs:
    """Times of several runs of one operation, in seconds."""

    def __init__(self, function, repeat, warm=1):
        for _ in range(warm):
            function()
        self.times = [timed(function) for _ in range(repeat)]

    @classmethod
    def alternating(cls, first, second, repeat, warm=1):
        """Two operations timed in turn, run after run, so that whatever else the machine
        does falls on both alike: for a ratio of one to the other."""
        runs = cls.__new__(cls), cls.__new__(cls)
        for _ in range(warm):
            first(), second()
        runs[0].times, runs[1].times = [], []
        for _ in range(repeat):
            runs[0].times.append(timed(first))
            runs[1].times.append(timed(second))
        return runs

    @property
    def median(self):
        return statistics.median(self.times)

    def ms(self):
        """'12.3 ms (11.9–14.0)': the median and the range of the runs."""
        low, high = min(self.times) * 1000, max(self.times) * 1000
        return f"{self.median * 1000:7.1f} ms ({low:.1f}–{high:.1f})"

    def s(self):
        return f"{self.median:6.2f} s ({min(self.times):.2f}–{max(self.times):.2f})"


def analyze():
    """Statistics for the planner, as autovacuum would have gathered on a database in use;
    without them PostgreSQL plans the freshly loaded tables blind."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def peak_rss_mb(function):
    """Run `function` in a forked child process and return (seconds, peak RSS in MB) of
    that process: the memory a worker doing this work holds at its peak, with Django and
    the data it loaded, not only Python's heap."""
    from django.db import connections

    connections.close_all()  # the child opens its own connection
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        code = 0
        try:
            seconds = timed(function)
            # This process's own peak, in kB on Linux.
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            os.write(write, f"{seconds} {peak}".encode())
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        message = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    if status:
        raise RuntimeError("the measured child process failed")
    seconds, peak = message.split()
    return float(seconds), int(peak) / 1024


def setup_django():
    """In the child: settings, migrations and the divisions, on the fresh database."""
    import io

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compliance.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Pages render with the source static files, as in tests: no collectstatic needed.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }

    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0, stdout=io.StringIO())


def run(script, measure, headline, add_arguments=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default=DEFAULT_PG)
    parser.add_argument("--db", choices=["both", "sqlite", "pg"], default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    if add_arguments:
        add_arguments(parser)
    args = parser.parse_args()
    if args.child:
        setup_django()
        measure(args)
        return
    print(headline(args))
    with tempfile.TemporaryDirectory() as folder:
        targets = [f"sqlite:///{folder}/bench.sqlite3"] if args.db != "pg" else []
        if args.db == "sqlite":
            pass
        elif reset_postgres(args.pg):
            targets.append(args.pg)
        else:
            print("PostgreSQL not reachable: skipped")
        for url in targets:
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DEBUG": "0",
                "MEDIA_ROOT": folder,
                "ALLOWED_HOSTS": "testserver",
                "PYTHONWARNINGS": "ignore::UserWarning",
            }
            command = [sys.executable, script, "--child", *sys.argv[1:]]
            subprocess.run(command, env=env, check=True)


def reset_postgres(url):
    try:
        import dj_database_url
        import psycopg2
    except ImportError:
        return False
    config = dj_database_url.parse(url)
    try:
        connection = psycopg2.connect(
            dbname="postgres",
            user=config["USER"],
            password=config["PASSWORD"],
            host=config["HOST"],
            port=config["PORT"],
        )
    except psycopg2.OperationalError:
        return False
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    connection.close()
    return True
