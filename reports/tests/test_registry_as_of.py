"""Reports read the registry as it stood at the end of their period (issue: past periods).

Worked out by hand:

Two-wave district (province 33): 19 communes; 2 announced on 2017-06-15, the other 17 on
2018-10-20. As at 31/12/2017: 2/19 (11%); as at 31/12/2018: 19/19 (100%). Round 1/2018 ends
on 2018-06-30: 2/19; round 2/2018 has no end date, so it ends with the year: 19/19.

The 2025 merger (province 01): communes X and Y (announced 2019-03-01) were dissolved on
2025-07-01 into ward W, established that day (announced 2025-09-01); commune Z goes on.
    2024: X, Y, Z exist; X, Y announced -> 2/3
    2025: W, Z exist (X, Y gone on 1 July) ; W announced -> 1/2
    2026: the same -> 1/2
X was inspected in round 1/2024 (approved, rated good): the 2024 report counts it.
"""

import datetime

import pytest
from django.urls import reverse

from agencies.models import NATIONAL_SCOPE, Agency
from agencies.tests.factories import make_agency
from reports import builder
from reports.tests.factories import COMMUNE, ENCOURAGED, TODAY, counted_round

JUNE_2017 = datetime.date(2017, 6, 15)
OCTOBER_2018 = datetime.date(2018, 10, 20)
MERGER = datetime.date(2025, 7, 1)


def commune(province, **fields):
    return make_agency(province, level=COMMUNE, applicability=ENCOURAGED, **fields)


@pytest.fixture
def two_wave_district(province_a):
    for index in range(19):
        commune(province_a, announced_on=JUNE_2017 if index < 2 else OCTOBER_2018)
    return province_a


def coverage_of(province, year, round_number=None):
    report = builder.province_report(province, year, round_number, today=TODAY, user=NATIONAL_SCOPE)
    return str(report.coverage_total), report.coverage_total.percent, report.coverage_as_of


def test_the_2017_report_counts_the_announcements_made_by_the_end_of_2017(two_wave_district):
    assert coverage_of(two_wave_district, 2017) == ("2/19", 11, datetime.date(2017, 12, 31))
    assert coverage_of(two_wave_district, 2018) == ("19/19", 100, datetime.date(2018, 12, 31))


def test_a_round_report_counts_announcements_up_to_the_rounds_end_or_the_years(
    two_wave_district,
):
    counted_round(two_wave_district, [], number=1, year=2018, ends_on=datetime.date(2018, 6, 30))
    counted_round(two_wave_district, [], number=2, year=2018)  # no end date

    assert coverage_of(two_wave_district, 2018, 1) == ("2/19", 11, datetime.date(2018, 6, 30))
    assert coverage_of(two_wave_district, 2018, 2) == ("19/19", 100, datetime.date(2018, 12, 31))


def test_a_re_announcement_counts_from_its_own_date(province_a):
    commune(province_a, reannounced_on=OCTOBER_2018)  # a record keeping only the latest date

    assert coverage_of(province_a, 2017)[0] == "0/1"
    assert coverage_of(province_a, 2018)[0] == "1/1"


def test_the_national_report_counts_the_same_way(two_wave_district):
    for year, expected in ((2017, "2/19"), (2018, "19/19")):
        report = builder.national_report(year, today=TODAY, user=NATIONAL_SCOPE)
        (row,) = report.rows
        assert str(row.adoption) == expected
        assert report.coverage_as_of == datetime.date(year, 12, 31)


def test_the_national_report_for_a_round_is_dated_by_its_latest_end(two_wave_district, province_b):
    counted_round(two_wave_district, [], number=1, year=2018, ends_on=datetime.date(2018, 6, 30))
    counted_round(province_b, [], number=1, year=2018, ends_on=datetime.date(2018, 5, 31))

    report = builder.national_report(2018, 1, today=TODAY, user=NATIONAL_SCOPE)

    assert report.coverage_as_of == datetime.date(2018, 6, 30)
    assert [str(row.adoption) for row in report.rows if row.province == two_wave_district] == [
        "2/19"
    ]


@pytest.fixture
def merger(province_b):
    x = commune(province_b, name="UBND xã X", announced_on=datetime.date(2019, 3, 1))
    y = commune(province_b, name="UBND xã Y", announced_on=datetime.date(2019, 3, 1))
    commune(province_b, name="UBND xã Z")
    round_2024 = counted_round(province_b, [x], number=1, year=2024)
    w = commune(
        province_b,
        name="UBND phường W",
        established_on=MERGER,
        announced_on=datetime.date(2025, 9, 1),
    )
    for dissolved in (x, y):
        dissolved.dissolved_on, dissolved.successor = MERGER, w
        dissolved.save()
    assert not Agency.objects.get(pk=x.pk).active  # dissolved before today
    return province_b, round_2024


@pytest.mark.parametrize(("year", "expected"), [(2024, "2/3"), (2025, "1/2"), (2026, "1/2")])
def test_agencies_dissolved_in_2025_count_in_2024_and_their_successor_after(merger, year, expected):
    province, _round = merger

    assert coverage_of(province, year)[0] == expected


def test_the_inspection_of_a_dissolved_agency_still_counts_in_its_years_report(merger):
    province, _round = merger

    report = builder.province_report(province, 2024, today=TODAY, user=NATIONAL_SCOPE)

    assert report.inspected_by_level == {COMMUNE: 1}
    assert report.ratings == {"good": 1}
    national = builder.national_report(2024, today=TODAY, user=NATIONAL_SCOPE)
    assert [(row.inspected, str(row.adoption)) for row in national.rows] == [(1, "2/3")]


def test_the_report_page_says_as_of_which_day_it_counts(client, staff_a, two_wave_district):
    client.force_login(staff_a)

    page = client.get(reverse("province_report"), {"year": 2017}).content.decode()

    assert "tính đến ngày 31/12/2017" in page
    assert "<td>2/19</td>" in page
