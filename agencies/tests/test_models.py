"""Rules on the agencies models: who sees which agency, and the stored search columns."""

import pytest

from agencies.models import Agency
from agencies.tests.factories import make_agency, make_user
from inspections.tests.factories import make_round

pytestmark = pytest.mark.django_db


def visible_to(user):
    return set(Agency.objects.for_user(user).values_list("code", flat=True))


def test_inspector_sees_exactly_the_agencies_of_the_inspections_assigned_to_them(
    province_a, province_b, inspector_a, inspector_b
):
    assigned = make_agency(province_a, code="33-A")
    also_assigned = make_agency(province_a, code="33-B")
    make_agency(province_a, code="33-NOT")  # in the province, in no round
    unassigned = make_agency(province_a, code="33-OTHER")
    elsewhere = make_agency(province_b, code="01-B")
    make_round(province_a, [assigned, also_assigned], inspectors=[inspector_a])
    make_round(province_a, [unassigned])
    make_round(province_b, [elsewhere], inspectors=[inspector_b])

    assert visible_to(inspector_a) == {"33-A", "33-B"}
    assert visible_to(inspector_b) == {"01-B"}


def test_agency_assigned_in_two_rounds_is_listed_once(province_a, inspector_a):
    agency = make_agency(province_a, code="33-TWICE")
    make_round(province_a, [agency], inspectors=[inspector_a])
    make_round(province_a, [agency], inspectors=[inspector_a])

    assert list(Agency.objects.for_user(inspector_a).values_list("code", flat=True)) == ["33-TWICE"]


def test_staff_see_their_province_and_national_roles_see_every_agency(
    province_a, province_b, staff_a, admin_user, viewer
):
    make_agency(province_a, code="33-A")
    make_agency(province_b, code="01-B")

    assert visible_to(staff_a) == {"33-A"}
    assert visible_to(admin_user) == visible_to(viewer) == {"33-A", "01-B"}
    assert visible_to(make_user()) == set()  # no role, nothing


def test_saving_only_the_name_also_stores_its_search_and_sort_columns(province_a):
    agency = make_agency(province_a, code="33-STP", name="Sở Tư pháp")
    agency.name = "Sở Y tế"
    agency.save(update_fields=["name"])

    stored = Agency.objects.get(pk=agency.pk)
    assert stored.name == "Sở Y tế"
    assert (stored.search_text, stored.sort_key) == (agency.search_text, agency.sort_key)
    assert list(Agency.objects.search("y te").values_list("code", flat=True)) == ["33-STP"]
    assert not Agency.objects.search("tu phap").exists()
