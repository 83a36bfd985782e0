"""Shared personas and settings for every app's tests; the data builders are in
agencies/tests/factories.py and inspections/tests/factories.py."""

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
