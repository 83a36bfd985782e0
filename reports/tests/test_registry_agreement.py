"""Registry and inspections agree, or the report says so (criterion CB01 against the
registry's announcement date), and staff can record the date from the round page."""

import datetime
import re

import pytest
from django.urls import reverse

from agencies.models import NATIONAL_SCOPE, Agency
from agencies.tests.factories import make_agency
from reports import builder
from reports.tests.factories import ANNOUNCED, TODAY, YEAR, N, counted_round, set_answers

GAPS = reverse("report_unrecorded_announcements")


@pytest.fixture
def gaps(province_a):
    """Three counted inspections with CB01 conforming, one agency registered as announced;
    a fourth found not announced (CB01 nonconforming) and not registered either."""
    agencies = [
        make_agency(province_a, name="UBND xã Tân Dân", level=Agency.Level.COMMUNE),
        make_agency(province_a, name="Sở Y tế", announced_on=ANNOUNCED),
        make_agency(province_a, name="UBND xã An Lạc", level=Agency.Level.COMMUNE),
        make_agency(province_a, name="UBND xã Bình Minh", level=Agency.Level.COMMUNE),
    ]
    round_ = counted_round(province_a, agencies)
    set_answers(round_.inspections.get(agency=agencies[3]), CB01=N)
    return round_


def test_the_report_counts_agencies_announced_per_inspection_but_not_in_the_registry(gaps):
    report = builder.province_report(gaps.province, YEAR, today=TODAY, user=NATIONAL_SCOPE)

    assert [a.name for a in report.unrecorded_announcements] == [
        "UBND xã An Lạc",
        "UBND xã Tân Dân",
    ]


def test_the_appendix_rows_hold_every_counted_agency(gaps):
    report = builder.province_report(gaps.province, YEAR, today=TODAY, user=NATIONAL_SCOPE)

    assert [(row.name, row.round_number, row.rating) for row in report.agencies] == [
        ("Sở Y tế", 1, "good"),
        ("UBND xã An Lạc", 1, "good"),
        ("UBND xã Bình Minh", 1, "good"),
        ("UBND xã Tân Dân", 1, "good"),
    ]


def test_the_report_page_says_how_many_and_links_staff_to_the_list(client, staff_a, gaps):
    client.force_login(staff_a)

    page = client.get(reverse("province_report"), {"year": YEAR}).content.decode()

    assert "02 cơ quan đã công bố HTQLCL theo kết quả kiểm tra (tiêu chí CB01)" in page
    assert GAPS in page


def test_the_round_page_links_staff_to_the_list_and_recording_empties_it(client, staff_a, gaps):
    client.force_login(staff_a)
    round_page = client.get(reverse("round_detail", args=[gaps.pk])).content.decode()
    query = {"province": "33", "year": YEAR, "round": 1}
    listed = client.get(GAPS, query)
    tan_dan = Agency.objects.get(name="UBND xã Tân Dân")

    client.post(
        reverse("agency_record_announcement", args=[tan_dan.code]),
        {"announced_on": "2024-03-15", "next": listed.context["back"]},
    )

    assert f"{GAPS}?province=33&amp;year={YEAR}&amp;round=1" in round_page
    assert [a.name for a in listed.context["agencies"]] == ["UBND xã An Lạc", "UBND xã Tân Dân"]
    assert [a.name for a in client.get(GAPS, query).context["agencies"]] == ["UBND xã An Lạc"]


def test_the_list_takes_the_date_as_the_user_writes_it(client, staff_a, gaps):
    client.force_login(staff_a)
    query = {"province": "33", "year": YEAR, "round": 1}
    listed = client.get(GAPS, query)
    tan_dan = Agency.objects.get(name="UBND xã Tân Dân")

    client.post(
        reverse("agency_record_announcement", args=[tan_dan.code]),
        {"announced_on": "15/03/2024", "next": listed.context["back"]},
    )

    inputs = re.findall(r'<input[^>]*name="announced_on"[^>]*>', listed.content.decode())
    assert len(inputs) == 2
    assert all('type="text"' in tag and 'placeholder="dd/mm/yyyy"' in tag for tag in inputs)
    assert Agency.objects.get(pk=tan_dan.pk).announced_on == datetime.date(2024, 3, 15)


@pytest.mark.parametrize("persona", ["staff_b", "viewer", "inspector_a"])
def test_others_get_404_for_the_list(client, request, persona, gaps):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(GAPS, {"province": "33", "year": YEAR}).status_code == 404


def test_the_list_costs_a_fixed_number_of_queries(
    client, staff_a, gaps, django_assert_max_num_queries
):
    client.force_login(staff_a)

    with django_assert_max_num_queries(12):
        assert client.get(GAPS, {"year": YEAR}).status_code == 200
