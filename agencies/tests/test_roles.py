"""Who may do what: each role rule of agencies/models.py, for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from agencies import models
from agencies.models import NATIONAL_SCOPE, Agency, Province
from agencies.tests.factories import make_agency, make_user

PERSONAS = ["admin_user", "staff_a", "inspector_a", "viewer", "no_role", "anonymous"]

# rule: whether each persona above may, in that order
MATRIX = {
    "can_fill_checklists": [False, False, True, False, False, False],
    "can_list_rounds": [True, True, True, True, False, False],
    "can_plan_rounds": [False, True, False, False, False, False],
    "can_read_reports": [True, True, False, True, False, False],
    "can_read_national": [True, False, False, True, False, False],
    "can_browse_agencies": [True, True, False, True, False, False],
    "can_import_agencies": [True, False, False, False, False, False],
    "can_administer": [True, False, False, False, False, False],
}


@pytest.fixture
def no_role(db):
    return make_user()


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.mark.parametrize("rule", MATRIX)
def test_each_role_rule_allows_exactly_its_roles(request, rule):
    allowed = [getattr(models, rule)(request.getfixturevalue(name)) for name in PERSONAS]
    assert dict(zip(PERSONAS, allowed, strict=True)) == dict(
        zip(PERSONAS, MATRIX[rule], strict=True)
    )


def test_a_deactivated_user_may_do_nothing(admin_user):
    admin_user.is_active = False
    assert not any(getattr(models, rule)(admin_user) for rule in MATRIX)


def test_the_national_scope_reads_like_a_national_viewer(province_a, province_b):
    make_agency(province_a)
    make_agency(province_b)
    allowed = {rule for rule in MATRIX if getattr(models, rule)(NATIONAL_SCOPE)}
    assert allowed == {
        "can_list_rounds",
        "can_read_reports",
        "can_read_national",
        "can_browse_agencies",
    }
    assert Province.objects.for_user(NATIONAL_SCOPE).count() == 2
    assert Agency.objects.for_user(NATIONAL_SCOPE).count() == 2
