"""Benchmark: the app served by gunicorn under 10, 25 and 50 concurrent clients.

Creates a PostgreSQL database of its own (migrated, then dropped), collects the static
files, and starts gunicorn on 127.0.0.1 (a free port) with the production settings
(DEBUG=0, a generated SECRET_KEY, REDIS_URL, gunicorn.conf.py with WEB_CONCURRENCY workers
and GUNICORN_THREADS threads). Each client is an inspector logged in once through the
login form, filling its own checklist. The load comes from wrk (Debian's package `wrk`,
written in C, so that the load generator takes little of the cores the server runs on;
bench/load.lua is its script): for a bounded time (--seconds), --runs times at each
level, the clients send the login page (a bare view: the ceiling of this server), then
the checklist page, then autosaves, each with an idempotency key and the version its
previous save produced. One request per connection, as a proxy in front of gunicorn sends
them. It prints the median requests/s (and range) and p50/p95/p99 of each kind, with the
ratio to the ceiling. Afterwards it checks that every autosave answered 200 is in the
database exactly once and that each answer's version advanced once per stored save.
Targets with 2 workers: autosave >= 350 requests/s, checklist page >= 250 requests/s at
25 clients, p95 < 150 ms, no errors, nothing lost.

    .venv/bin/python bench/load.py [--clients 10,25,50] [--seconds 6] [--runs 3]
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
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


def current_versions(database_url):
    connection = _connect(database_url)
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT id, version FROM inspections_answer")
        versions = dict(cursor.fetchall())
    connection.close()
    return versions


def _connect(database_url):
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(database_url)
    return psycopg2.connect(
        dbname=config["NAME"], user=config["USER"], password=config["PASSWORD"],
        host=config["HOST"], port=config["PORT"],
    )  # fmt: skip


def lua_config(clients, versions):
    """The clients as a Lua table for load.lua: cookies, inspection, answers with versions."""

    def text(value):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    rows = []
    for client in clients:
        answers = ", ".join(
            f"{{id = {answer}, version = {versions[answer]}}}" for answer in client["answers"]
        )
        rows.append(
            f"{{session = {text(client['cookies']['sessionid'])}, "
            f"csrf = {text(client['cookies']['csrftoken'])}, "
            f"inspection = {client['inspection']}, answers = {{{answers}}}}}"
        )
    return "return {clients = {\n" + ",\n".join(rows) + "\n}}\n"


def run_wrk(port, clients, mode, seconds, run, versions, folder):
    """One bounded wrk run of `mode` by `clients`; its RESULT line as a dict."""
    config = Path(folder) / f"clients-{run}.lua"
    config.write_text(lua_config(clients, versions), encoding="utf-8")
    env = {**os.environ, "LOAD_CONFIG": str(config), "LOAD_MODE": mode, "LOAD_RUN": str(run)}
    command = [
        "wrk", "-t1", f"-c{len(clients)}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(Path(__file__).with_name("load.lua")), f"http://{HOST}:{port}",
    ]  # fmt: skip
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def check_saved(database_url, replied):
    """Every autosave answered 200 is stored exactly once, and nothing else was applied.

    `replied` holds (answer, version) of every 200. Each save carries its own key, so an
    answer's version must equal the number of keys stored for it (none applied twice or
    without its key); a save still in flight when a run ended may be stored unanswered,
    as for a client that gave up waiting.
    """
    connection = _connect(database_url)
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT answer_id, version FROM inspections_savekey")
        stored = cursor.fetchall()
        cursor.execute("SELECT id, version FROM inspections_answer WHERE version > 0")
        versions = dict(cursor.fetchall())
    connection.close()
    stored_set = set(stored)
    keys_per_answer = {}
    for answer, _version in stored:
        keys_per_answer[answer] = keys_per_answer.get(answer, 0) + 1
    replied_set = set(replied)
    return {
        "answered 200": len(replied),
        "stored once": sum(1 for record in replied_set if record in stored_set),
        "lost": sum(1 for record in replied_set if record not in stored_set),
        "answered twice": len(replied) - len(replied_set),
        "stored unanswered": len(stored_set - replied_set),
        "versions off": sum(1 for a, v in versions.items() if keys_per_answer.get(a) != v),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", default="10,25,50")
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--runs", type=int, default=3, help="runs of each kind at each level")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pg", default="postgres://postgres:postgres@127.0.0.1:5432/bench_load")
    parser.add_argument(
        "--redis", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    )
    parser.add_argument("--setup", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup_data(args.setup)
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk (the load generator, in C, so that it "
                 "takes little of the cores the server runs on).")  # fmt: skip
    levels = [int(n) for n in args.clients.split(",")]
    if not reset_postgres(args.pg):
        sys.exit("PostgreSQL not reachable: the load benchmark needs it.")
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": args.pg,
            "REDIS_URL": args.redis,
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
            run_load(args, env, levels, folder)
        finally:
            drop_database(args.pg)


KINDS = (("bare", "bare view (login page)"), ("page", "checklist page"), ("autosave", "autosave"))


def run_load(args, env, levels, folder):
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
    replied, run = [], 0
    try:
        for spec in specs:
            client = Client(port)
            client.log_in(spec["user"])
            spec["cookies"] = client.cookies
            client.connection.close()
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads, PostgreSQL, Redis "
            f"sessions, {os.cpu_count()} cores; wrk, one request per connection; "
            f"load average {os.getloadavg()[0]:.1f} at start"
        )
        for count in levels:
            results = {}
            for mode, name in KINDS:
                runs = []
                for _ in range(args.runs):
                    run += 1
                    # The saves still in flight when wrk stopped finish on the server.
                    time.sleep(1)
                    versions = current_versions(args.pg)
                    result = run_wrk(port, specs[:count], mode, args.seconds, run, versions, folder)
                    replied.extend(tuple(map(int, r.split(":"))) for r in result["saved"])
                    runs.append(result)
                results[name] = runs
            print_level(count, results)
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        server.terminate()
        server.wait(timeout=30)
    check = check_saved(args.pg, replied)
    print("autosaves: " + ", ".join(f"{k} {v}" for k, v in check.items()))
    if check["lost"] or check["answered twice"] or check["versions off"]:
        sys.exit("some autosaves were lost or applied twice")


def print_level(count, results):
    def median(runs, key):
        return statistics.median(run[key] for run in runs)

    def rps(run):
        return run["requests"] / run["seconds"]

    ceiling = statistics.median(rps(run) for run in results["bare view (login page)"])
    print(f"{count} clients (medians of {len(results['autosave'])} runs)")
    for name, runs in results.items():
        rates = [rps(run) for run in runs]
        rate = statistics.median(rates)
        failed = {}
        for run in runs:
            for code, n in run["statuses"].items():
                if code != "200":
                    failed[code] = failed.get(code, 0) + n
            if run["socket_errors"]:
                failed["socket"] = failed.get("socket", 0) + run["socket_errors"]
        errors = sum(failed.values())
        print(
            f"  {name:<24} {rate:6.0f} req/s "
            f"({min(rates):.0f}–{max(rates):.0f}, {rate / ceiling:4.2f} of bare)"
            f"   p50 {median(runs, 'p50'):6.1f}  p95 {median(runs, 'p95'):6.1f}"
            f"  p99 {median(runs, 'p99'):6.1f} ms"
            f"   {sum(run['requests'] for run in runs)} requests, {errors} errors"
            + (f" {failed}" if failed else "")
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
