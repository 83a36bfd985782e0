"""Sessions: with REDIS_URL (production) every request reads its session from Redis, the
database keeping the durable copy; without it (`make run`, SQLite) from the database."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Role
from agencies.tests.factories import make_user

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SHOW = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SESSION_ENGINE, settings.CACHES['default']['BACKEND'])"
)


@pytest.mark.parametrize(
    ("redis_url", "expected"),
    [
        ("", "django.contrib.sessions.backends.db django.core.cache.backends.locmem.LocMemCache"),
        (
            REDIS_URL,
            "django.contrib.sessions.backends.cached_db "
            "django.core.cache.backends.redis.RedisCache",
        ),
    ],
)
def test_sessions_live_in_redis_when_there_is_one(tmp_path, redis_url, expected):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "compliance.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": redis_url,
    }
    result = subprocess.run(
        [sys.executable, "-c", SHOW], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert (result.returncode, result.stdout.strip()) == (0, expected), result.stderr


@pytest.mark.django_db
def test_with_redis_a_page_reads_no_session_from_the_database(client, settings, province_a):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(make_user(Role.INSPECTOR, province_a, username="inspector-r"))
    # The durable copy is in the database.
    assert Session.objects.filter(session_key=client.session.session_key).exists()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("my_inspections"))

    assert response.status_code == 200
    assert response.context["user"].get_username() == "inspector-r"
    read = [q["sql"] for q in queries.captured_queries if Session._meta.db_table in q["sql"]]
    assert read == []

    client.logout()
    assert not Session.objects.exists()
    assert client.get(reverse("my_inspections")).status_code == 302
