"""Production settings pass Django's own deployment check, read fresh from the environment."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# The production environment the README documents.
PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "iso.example.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://iso.example.gov.vn",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "TRUST_PROXY": "1",
}


def run(args, tmp_path, **variables):
    # A clean environment: nothing of the test run's own (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly reports) leaks in.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "compliance.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **variables,
    }
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )


def test_check_deploy_is_silent_with_the_production_environment(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(50),
        **PRODUCTION,
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


SHOW_PROXY_HEADER = (
    "import django; django.setup(); from django.conf import settings; "
    "print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
)


@pytest.mark.parametrize(
    ("trust_proxy", "header"),
    [("", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")],
)
def test_a_forwarded_https_is_believed_only_when_a_proxy_is_trusted(tmp_path, trust_proxy, header):
    result = run(["-c", SHOW_PROXY_HEADER], tmp_path, TRUST_PROXY=trust_proxy)
    assert (result.stdout.strip(), result.returncode) == (header, 0)


FREEZE_IN_WORKER = (
    "import gc, runpy, sys, django; django.setup(); "
    "conf = runpy.run_path('gunicorn.conf.py'); "
    "print(gc.get_freeze_count(), 'inspections.views' in sys.modules); "
    "conf['post_worker_init'](None); "
    "print(gc.get_freeze_count() > 10000, 'inspections.views' in sys.modules)"
)


def test_a_gunicorn_worker_freezes_what_it_loaded_out_of_the_collectors_reach(tmp_path):
    """A full collection in a worker walks only what requests made: every view, form and
    model, imported at start-up, is frozen first (a full collection took 77 ms without)."""
    result = run(["-c", FREEZE_IN_WORKER], tmp_path, SECRET_KEY="x" * 50)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n") == ["0 False", "True True", ""]
