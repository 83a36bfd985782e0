"""Shared personas and settings for every app's tests; the data builders are in
agencies/tests/factories.py and inspections/tests/factories.py."""

import shutil
import tempfile
from pathlib import Path

import pytest
from django.utils import translation

from agencies.models import Province, Role
from agencies.tests.factories import make_province, make_user


@pytest.fixture
def province_a(db):
    return make_province("33", "Hưng Yên")


@pytest.fixture
def province_b(db):
    return make_province("01", "Thành phố Hà Nội", Province.Kind.CITY)


@pytest.fixture
def admin_user(db):
    return make_user(Role.ADMIN, username="admin-a")


@pytest.fixture
def staff_a(province_a):
    return make_user(Role.PROVINCIAL_STAFF, province_a, username="staff-a")


@pytest.fixture
def staff_b(province_b):
    return make_user(Role.PROVINCIAL_STAFF, province_b, username="staff-b")


@pytest.fixture
def inspector_a(province_a):
    return make_user(Role.INSPECTOR, province_a, username="inspector-a")


@pytest.fixture
def inspector_b(province_b):
    """An inspector of province B, who must see nothing of province A."""
    return make_user(Role.INSPECTOR, province_b, username="inspector-b")


@pytest.fixture
def viewer(db):
    return make_user(Role.NATIONAL_VIEWER, username="viewer")


@pytest.fixture
def english():
    """Assert on messages as the code writes them; the Vietnamese catalogue is tested apart."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # A fast hasher: the suite creates many users and never needs a strong hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production serves hashed files made by collectstatic; tests read the sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite the test database is a file (in shared memory where there is some), so the
    queue tests' consumer process can open it; pytest-django's default is private memory."""
    from django.db import connections

    database = connections["default"].settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        folder = Path(tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")
        yield
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield


@pytest.fixture(autouse=True, scope="session")
def _queue_in_memory():
    """Jobs run inside the request, in memory, unless a test starts a real consumer
    (jobs/tests/test_consumer.py)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    return


@pytest.fixture
def queue_paused():
    """Jobs stay queued, as when no consumer has picked them up yet."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    HUEY.immediate = False
    HUEY.storage = MemoryStorage(HUEY.name)
    yield HUEY
    HUEY.immediate = True
