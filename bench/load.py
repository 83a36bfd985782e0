"""Benchmark: the app served by gunicorn under 10, 25 and 50 concurrent clients.

Creates a PostgreSQL database of its own (migrated, then dropped), collects the static
files, and starts gunicorn on 127.0.0.1 (a free port) with the production settings
(DEBUG=0, a generated SECRET_KEY, gunicorn.conf.py with WEB_CONCURRENCY workers). Each
client is an inspector logged in once through the login form, on its own keep-alive
connection, filling its own checklist. For a bounded time (--seconds, and at most
--max-requests per client) the clients drive, in turn: the login page (a bare view, the
ceiling of this server), the checklist page, and autosaves (each with an idempotency
key). It prints requests/s and p50/p95/p99 of each, and the ratio to the ceiling.
Afterwards it checks that every autosave answered 200 is in the database exactly once
(its key stored once, the answer's version advanced once per save) and that no other
change was applied. Targets with 2 workers: autosave >= 350 requests/s, checklist page
>= 250 requests/s at 25 clients, p95 < 150 ms, no errors, nothing lost.

    .venv/bin/python bench/load.py [--clients 10,25,50] [--seconds 8] [--workers 2]
"""

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from common import reset_postgres

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Tai-khoan-thu-tai-2026"
HOST = "127.0.0.1"


def setup_data(count):
    """In a child process on the fresh database: a round of `count` agencies, one
    inspector assigned to each; prints what the clients need as JSON."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import setup_django

    setup_django()
    from django.contrib.auth import get_user_model

    from agencies.models import Agency, Profile, Province, Role
    from inspections.models import Answer, Checklist, Inspection
    from inspections.services import round_create

    province = Province.objects.get(code="33")
    agencies = [
        Agency(code=f"LT-{n:04d}", name=f"Cơ quan tải {n}", level="department", province=province)
        for n in range(count)
    ]
    for agency in agencies:
        agency.refresh_derived()
    Agency.objects.bulk_create(agencies)
    agencies = list(Agency.objects.filter(code__startswith="LT-").order_by("code"))
    users = []
    for n in range(count):
        user = get_user_model().objects.create_user(f"load-{n:03d}", password=PASSWORD)
        Profile.objects.create(user=user, role=Role.INSPECTOR, province=province)
        users.append(user)
    round_ = round_create(
        user=None,
        province=province,
        agencies=agencies,
        year=2026,
        number=1,
        checklist=Checklist.objects.get(code="QD19-2015"),
    )
    clients = []
    inspections = {i.agency_id: i for i in Inspection.objects.filter(round=round_)}
    for agency, user in zip(agencies, users, strict=True):
        inspection = inspections[agency.pk]
        inspection.inspectors.add(user)
        answers = list(Answer.objects.filter(inspection=inspection).values_list("pk", flat=True))
        clients.append({"user": user.username, "inspection": inspection.pk, "answers": answers})
    print(json.dumps(clients))


class Client:
    """One user on one keep-alive connection, with its cookies."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            # The server closed the kept-alive connection: reconnect once.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, data

    def log_in(self, username):
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"csrfmiddlewaretoken": token.decode(), "username": username, "password": PASSWORD}
        status, _ = self.request("POST", "/accounts/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login failed for {username}: {status}")


class Autosaver:
    """A client's autosaves on its own checklist: every save a change, with a new key."""

    def __init__(self, client, spec):
        self.client, self.spec = client, spec
        self.versions = dict.fromkeys(spec["answers"], 0)
        self.sent = []  # (key, answer, version after) of every save answered 200
        self.number = 0

    def __call__(self):
        answer = self.spec["answers"][self.number % len(self.spec["answers"])]
        self.number += 1
        key = str(uuid.uuid4())
        form = {
            "result": "partial" if self.number % 2 else "conforming",
            "note": f"Ghi chú {self.number}",
            "version": self.versions[answer],
            "key": key,
        }
        path = f"/inspections/{self.spec['inspection']}/answers/{answer}/"
        status, data = self.client.request(
            "POST", path, form, {"X-CSRFToken": self.client.cookies["csrftoken"]}
        )
        if status == 200:
            self.versions[answer] = json.loads(data)["version"]
            self.sent.append((key, answer, self.versions[answer]))
        return status


def drive(clients, action_of, seconds, max_requests):
    """Each client in its own thread, sending `action_of(index)()` until the time or the
    count runs out. Returns (latencies, errors, elapsed seconds)."""
    latencies, errors = [], []
    lock = threading.Lock()
    start_line = threading.Barrier(len(clients) + 1)

    def worker(index):
        action = action_of(index)
        mine, failed = [], []
        start_line.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline and len(mine) < max_requests:
            began = time.perf_counter()
            status = action()
            mine.append(time.perf_counter() - began)
            if status != 200:
                failed.append(status)
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - began


def summary(latencies, elapsed):
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "rps": len(latencies) / elapsed,
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
    }


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(env, port):
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"{HOST}:{port}",
        "compliance.wsgi",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            with socket.create_connection((HOST, port), timeout=0.1):
                return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def check_saved(database_url, savers):
    """Every autosave answered 200 is stored exactly once, and nothing else was applied."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(database_url)
    connection = psycopg2.connect(
        dbname=config["NAME"], user=config["USER"], password=config["PASSWORD"],
        host=config["HOST"], port=config["PORT"],
    )  # fmt: skip
    sent = [record for saver in savers for record in saver.sent]
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT key::text, answer_id, version FROM inspections_savekey")
        stored = {(key, answer, version) for key, answer, version in cursor.fetchall()}
        cursor.execute("SELECT id, version FROM inspections_answer WHERE version > 0")
        versions = dict(cursor.fetchall())
    connection.close()
    missing = [record for record in sent if record not in stored]
    expected = {}
    for saver in savers:
        for answer, version in saver.versions.items():
            if version:
                expected[answer] = version
    # Each answer's version counts the saves applied to it: one per save sent, no more.
    per_answer = {}
    for _key, answer, _version in sent:
        per_answer[answer] = per_answer.get(answer, 0) + 1
    return {
        "sent": len(sent),
        "stored once": len(sent) - len(missing),
        "lost": len(missing),
        "extra keys": len(stored) - len(sent) + len(missing),
        "versions off": sum(1 for a, v in versions.items() if per_answer.get(a) != v),
        "versions as replied": versions == expected,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", default="10,25,50")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pg", default="postgres://postgres:postgres@127.0.0.1:5432/bench_load")
    parser.add_argument("--setup", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup_data(args.setup)
        return
    levels = [int(n) for n in args.clients.split(",")]
    if not reset_postgres(args.pg):
        sys.exit("PostgreSQL not reachable: the load benchmark needs it.")
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": args.pg,
            "DJANGO_SETTINGS_MODULE": "compliance.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "STATIC_ROOT": f"{folder}/static",
            "MEDIA_ROOT": f"{folder}/media",
            "WEB_CONCURRENCY": str(args.workers),
            "GUNICORN_THREADS": str(args.threads),
            "PYTHONWARNINGS": "ignore::UserWarning",
        }
        try:
            run_load(args, env, levels)
        finally:
            drop_database(args.pg)


def run_load(args, env, levels):
    setup = [sys.executable, __file__, "--setup", str(max(levels)), "--pg", args.pg]
    specs = json.loads(subprocess.run(setup, env=env, check=True, capture_output=True).stdout)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "-c", "import django, os; django.setup(); "
         "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    port = free_port()
    server = start_server(env, port)
    try:
        clients = []
        for spec in specs:
            client = Client(port)
            client.log_in(spec["user"])
            clients.append(client)
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads, PostgreSQL, "
            f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start"
        )
        # One autosaver per client for the whole run: a client used again at a higher level
        # goes on from the versions it reached, as a person's browser would.
        savers = [Autosaver(client, spec) for client, spec in zip(clients, specs, strict=True)]
        for count in levels:
            active = clients[:count]
            results = {}

            def bare(i, active=active):
                return lambda: active[i].request("GET", "/accounts/login/")[0]

            def page(i, active=active):
                path = f"/inspections/{specs[i]['inspection']}/"
                return lambda: active[i].request("GET", path)[0]

            for name, action_of in (
                ("bare view (login page)", bare),
                ("checklist page", page),
                ("autosave", lambda i: savers[i]),
            ):
                latencies, errors, elapsed = drive(
                    active, action_of, args.seconds, args.max_requests
                )
                results[name] = (summary(latencies, elapsed), len(latencies), errors)
            print_level(count, results)
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        server.terminate()
        server.wait(timeout=30)
    check = check_saved(args.pg, savers)
    print("autosaves: " + ", ".join(f"{k} {v}" for k, v in check.items()))
    if check["lost"] or check["extra keys"] or check["versions off"]:
        sys.exit("some autosaves were lost or applied twice")


def print_level(count, results):
    ceiling = results["bare view (login page)"][0]["rps"]
    print(f"{count} clients")
    for name, (figures, requests, errors) in results.items():
        print(
            f"  {name:<24} {figures['rps']:7.0f} req/s ({figures['rps'] / ceiling:4.2f} of bare)"
            f"   p50 {figures['p50']:6.1f}  p95 {figures['p95']:6.1f}  p99 {figures['p99']:6.1f} ms"
            f"   {requests} requests, {len(errors)} errors"
            + (f" {sorted(set(errors))}" if errors else "")
        )


def drop_database(url):
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname="postgres", user=config["USER"], password=config["PASSWORD"],
        host=config["HOST"], port=config["PORT"],
    )  # fmt: skip
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
    connection.close()


if __name__ == "__main__":
    main()
