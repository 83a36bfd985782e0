"""Builders for agencies, provinces and users, shared by every app's tests."""

import itertools

from django.contrib.auth import get_user_model

from agencies.models import Agency, Profile, Province

_serial = itertools.count(1)

# The columns of an agency list, in the order DESIGN.md promises. Files with only these
# (made before the registry kept dates and lineage) still import.
HEADER = [
    "code",
    "name",
    "level",
    "province_code",
    "parent_code",
    "applicability",
    "iso_version",
    "announced_on",
    "reannounced_on",
]
# What an export writes: the columns above, then those added since, at the end.
EXPORT_HEADER = [
    *HEADER,
    "established_on",
    "dissolved_on",
    "successor_code",
    "contact_name",
    "contact_email",
    "contact_phone",
]


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
