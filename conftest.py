"""Shared personas and data builders for every app's tests."""

import itertools

import pytest
from django.contrib.auth import get_user_model

from agencies.models import Agency, Profile, Province, Role

_serial = itertools.count(1)


def make_province(code="33", name="Hưng Yên", kind=Province.Kind.PROVINCE):
    province, _created = Province.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind}
    )
    return province


def make_agency(province, **fields):
    number = next(_serial)
    defaults = {
        "code": f"{province.code}-T{number:04d}",
        "name": f"Sở thử nghiệm {number}",
        "level": Agency.Level.DEPARTMENT,
        "applicability": Agency.Applicability.MANDATORY,
    }
    defaults.update(fields)
    return Agency.objects.create(province=province, **defaults)


def make_user(role=None, province=None, username=None, **fields):
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_serial)}", password="pw-for-tests-only", **fields
    )
    if role:
        Profile.objects.create(user=user, role=role, province=province)
    return user


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


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # A fast hasher: the suite creates many users and never needs a strong hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production serves hashed files made by collectstatic; tests read the sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_round(province, agencies, inspectors=(), number=None, year=2026, **fields):
    """A round on the default checklist with a draft inspection per agency."""
    from inspections.default_checklist import ensure_default_checklist
    from inspections.models import Checklist, Criterion
    from inspections.services import round_create

    # Transactional tests empty every table, the migrated checklist included.
    ensure_default_checklist(Checklist, Criterion)

    return round_create(
        user=None,
        province=province,
        agencies=agencies,
        inspectors=list(inspectors),
        year=year,
        number=number or next(_serial),
        checklist=fields.pop("checklist", None) or Checklist.objects.get(code="QD19-2015"),
        **fields,
    )


def answer_all(inspection, user, result="conforming", note=""):
    """Answer every criterion of an inspection through the service, as the page does."""
    from inspections.services import answer_save

    for answer in inspection.answers.select_related("inspection"):
        answer_save(answer=answer, user=user, result=result, note=note, base_version=answer.version)
