"""reports/builder.py: the figures every rendering shows, checked against hand-worked sums.

The data set `hung_yen_2026` and its worksheet are in reports/tests/conftest.py.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import NATIONAL_SCOPE, Agency, Role
from agencies.tests.factories import make_agency, make_province, make_user
from inspections import services
from inspections.models import Answer, Inspection
from inspections.tests.factories import answer_all, make_round
from reports import builder
from reports.tests.factories import (
    ANNOUNCED,
    COMMUNE,
    DEPARTMENT,
    ENCOURAGED,
    MANDATORY,
    NA,
    TODAY,
    YEAR,
    C,
    N,
    P,
    add_finding,
    counted_round,
    inspection_of,
    populated_round,
    set_answers,
    set_status,
)

GOOD = Inspection.Rating.GOOD
MEETS = Inspection.Rating.MEETS
NOT_MEETING = Inspection.Rating.NOT_MEETING


def report_of(province, year=YEAR, round_number=None, today=TODAY, user=NATIONAL_SCOPE):
    return builder.province_report(province, year, round_number, today=today, user=user)


# Percentages


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (17, 104, 16),  # 16.35 -> 16
        (1, 8, 13),  # 12.5 -> 13: half up, where round() would give 12
        (5, 8, 63),  # 62.5 -> 63
        (5, 6, 83),  # 83.33 -> 83
        (1, 6, 17),  # 16.67 -> 17
        (307, 322, 95),  # 95.34 -> 95, the DOMAIN.md example
        (0, 5, 0),
        (5, 5, 100),
    ],
)
def test_percent_is_a_whole_number_rounded_half_up(part, whole, expected):
    assert builder.percent(part, whole) == expected


def test_percent_of_nothing_is_none_rather_than_a_division_error():
    assert builder.percent(0, 0) is None
    assert builder.Tally(0, 0).percent is None
    assert str(builder.Tally(0, 0)) == "0/0"


# Agencies inspected, and what is not counted


def test_inspected_agencies_are_counted_by_level(hung_yen_2026):
    report = report_of(hung_yen_2026.province)

    # Counted: Sở KH&CN, Sở Tư pháp (department); Bãi Sậy, Ân Thi, Hồng Châu (commune).
    assert report.inspected_by_level == {DEPARTMENT: 2, COMMUNE: 3}
    assert report.inspected == 5
    assert builder.levels_in_order(report.inspected_by_level) == [(DEPARTMENT, 2), (COMMUNE, 3)]


def test_rounds_are_listed_with_their_decision(hung_yen_2026):
    report = report_of(hung_yen_2026.province)

    assert [(r.number, r.decision_number, r.decision_date) for r in report.rounds] == [
        (1, "125/QĐ-SKHCN", datetime.date(2026, 3, 2))
    ]


def test_drafts_and_returned_inspections_are_not_counted_but_shown_as_not_finished(
    hung_yen_2026,
):
    report = report_of(hung_yen_2026.province)

    # The draft (Tiên Lữ) and the returned one (Chi cục TĐC), out of 7 in the round.
    assert report.not_finished == 2
    assert report.inspected == 5
    cb01 = report.criteria[0]
    # Counting the draft's conforming CB01 and the returned one's nonconforming CB01
    # would give 5/7.
    assert (cb01.code, cb01.conforming, cb01.nonconforming, cb01.applicable) == ("CB01", 4, 1, 5)
    # The returned inspection keeps its stale "not_meeting" rating: it must not be listed.
    assert "Chi cục Tiêu chuẩn Đo lường Chất lượng" not in report.not_meeting_agencies
    assert report.ratings[NOT_MEETING] == 2


# Criteria


def test_criterion_tallies_leave_out_not_applicable_and_count_partial_and_nonconforming_apart(
    hung_yen_2026,
):
    report = report_of(hung_yen_2026.province)

    rows = [
        (r.code, r.conforming, r.applicable, r.partial, r.nonconforming, r.not_applicable)
        for r in report.criteria
    ]
    assert rows == [
        ("CB01", 4, 5, 0, 1, 0),  # Ân Thi n
        ("CB02", 1, 2, 1, 0, 3),  # na: KH&CN, Tư pháp, Ân Thi; p: Bãi Sậy; c: Hồng Châu
        ("TC01", 5, 5, 0, 0, 0),
        ("CS01", 5, 5, 0, 0, 0),
        ("MT01", 3, 5, 0, 2, 0),  # n: Tư pháp, Ân Thi
        ("RR01", 4, 5, 0, 1, 0),  # n: Bãi Sậy
        ("QT01", 5, 5, 0, 0, 0),
        ("HS01", 3, 5, 2, 0, 0),  # p: KH&CN, Ân Thi
        ("KS01", 3, 4, 1, 0, 1),  # p: Tư pháp; na: Bãi Sậy
        ("DG01", 3, 5, 0, 2, 0),  # n: Bãi Sậy, Ân Thi
        ("XX01", 3, 5, 0, 2, 0),  # n: Bãi Sậy, Ân Thi
        ("KP01", 4, 5, 0, 1, 0),  # n: Bãi Sậy
    ]
    assert [str(r.tally) for r in report.criteria][:2] == ["4/5", "1/2"]


def test_criterion_percentages_are_whole_numbers(hung_yen_2026):
    report = report_of(hung_yen_2026.province)

    # 4/5, 1/2, 5/5, 5/5, 3/5, 4/5, 5/5, 3/5, 3/4, 3/5, 3/5, 4/5
    assert [r.tally.percent for r in report.criteria] == [
        80, 50, 100, 100, 60, 80, 100, 60, 75, 60, 60, 80
    ]  # fmt: skip


def test_one_conforming_in_eight_is_13_percent_and_a_criterion_nobody_applies_has_no_percent(
    province_a,
):
    agencies = [make_agency(province_a) for _ in range(8)]
    round_ = counted_round(province_a, agencies)
    Answer.objects.filter(inspection__round=round_, criterion__code="CB01").update(result=N)
    Answer.objects.filter(inspection__round=round_, criterion__code="CB02").update(result=NA)
    first = inspection_of(round_, agencies[0])
    Answer.objects.filter(inspection=first, criterion__code="CB01").update(result=C)

    report = report_of(province_a)

    cb01, cb02 = report.criteria[:2]
    assert (str(cb01.tally), cb01.tally.percent, cb01.nonconforming) == ("1/8", 13, 7)
    assert (str(cb02.tally), cb02.tally.percent, cb02.not_applicable) == ("0/0", None, 8)


# Ratings


def test_ratings_are_counted_per_tier_and_agencies_not_yet_meeting_are_named_in_vietnamese_order(
    hung_yen_2026,
):
    report = report_of(hung_yen_2026.province)

    assert report.ratings == {GOOD: 2, MEETS: 1, NOT_MEETING: 2}
    assert report.rated == 5
    # 2/5 = 40%, 1/5 = 20%, 2/5 = 40%
    assert [report.rating_tally(t).percent for t in (GOOD, MEETS, NOT_MEETING)] == [40, 20, 40]
    # "Ân" sorts before "Bãi" in Vietnamese; by code point or by id it would come after.
    assert report.not_meeting_agencies == ["UBND xã Ân Thi", "UBND xã Bãi Sậy"]


def test_five_good_in_six_rated_is_83_percent(province_a):
    agencies = [make_agency(province_a) for _ in range(6)]
    round_ = counted_round(province_a, agencies)
    set_status(inspection_of(round_, agencies[5]), Inspection.Status.APPROVED, MEETS, 80)

    report = report_of(province_a)

    # 5/6 = 83.3 -> 83; 1/6 = 16.7 -> 17; 0/6 = 0
    assert [str(report.rating_tally(t)) for t in (GOOD, MEETS, NOT_MEETING)] == [
        "5/6",
        "1/6",
        "0/6",
    ]
    assert [report.rating_tally(t).percent for t in (GOOD, MEETS, NOT_MEETING)] == [83, 17, 0]


# End to end through the services


def test_an_inspection_filled_submitted_and_approved_through_the_services_is_counted(
    province_a, inspector_a, staff_a
):
    agency = make_agency(province_a, name="Sở Khoa học và Công nghệ", announced_on=ANNOUNCED)
    waiting = make_agency(province_a, name="Sở Tài chính")
    round_ = make_round(province_a, [agency, waiting], inspectors=[inspector_a], number=1)
    inspection = inspection_of(round_, agency)
    answer_all(inspection, inspector_a)
    for code, result, note in [
        ("CB02", NA, ""),
        ("HS01", P, "Chưa có danh mục hồ sơ"),
        ("KS01", N, "Chưa khảo sát sự hài lòng"),
    ]:
        answer = inspection.answers.select_related("inspection").get(criterion__code=code)
        services.answer_save(
            answer=answer, user=inspector_a, result=result, note=note, base_version=answer.version
        )

    inspection = services.inspection_submit(inspection=inspection, user=inspector_a)
    submitted = report_of(province_a)
    services.inspection_approve(
        inspection=inspection,
        user=staff_a,
        version=inspection.version,
        today=datetime.date(2026, 6, 1),
    )
    approved = report_of(province_a)
    later = report_of(province_a, today=datetime.date(2026, 7, 2))

    # 9 conforming + ½ partial over 11 applicable (CB02 na) = 86.36 -> 86.4: meets.
    inspection.refresh_from_db()
    assert (str(inspection.score), inspection.rating) == ("86.4", MEETS)
    # Counted from submission on; Sở Tài chính is still a draft.
    assert (submitted.inspected_by_level, submitted.not_finished) == ({DEPARTMENT: 1}, 1)
    assert submitted.ratings == {MEETS: 1}
    rows = {r.code: (str(r.tally), r.partial, r.nonconforming, r.not_applicable)
            for r in submitted.criteria}  # fmt: skip
    assert rows["CB01"] == ("1/1", 0, 0, 0)
    assert rows["CB02"] == ("0/0", 0, 0, 1)
    assert rows["HS01"] == ("0/1", 1, 0, 0)
    assert rows["KS01"] == ("0/1", 0, 1, 0)
    # Before approval the shortfalls are shown apart, as not yet approved; approval opens a
    # finding per shortfall, due 30 days on (2026-07-01).
    assert [(f.agency, f.open, f.unapproved, f.unapproved_codes) for f in submitted.findings] == [
        ("Sở Khoa học và Công nghệ", 0, 2, "HS01, KS01")
    ]
    assert approved.findings[0].unapproved == 0
    assert [(f.agency, f.open, f.overdue) for f in approved.findings] == [
        ("Sở Khoa học và Công nghệ", 2, 0)
    ]
    assert later.findings_total.overdue == 2


# Findings


def test_findings_are_counted_per_agency_as_open_submitted_verified_and_overdue(hung_yen_2026):
    report = report_of(hung_yen_2026.province, today=TODAY)

    rows = [(f.agency, f.open, f.submitted, f.verified, f.overdue) for f in report.findings]
    assert rows == [
        ("Sở Khoa học và Công nghệ", 1, 0, 0, 0),  # HS01 due 07-01
        ("Sở Tư pháp", 1, 1, 0, 1),  # MT01 due 06-01 overdue; KS01 submitted
        ("UBND xã Ân Thi", 1, 0, 0, 1),  # CB01 due 06-14 overdue
        # RR01, DG01 (due today: not overdue), XX01 (overdue); KP01 submitted; CB02 verified
        ("UBND xã Bãi Sậy", 3, 1, 1, 1),
    ]
    total = report.findings_total
    assert (total.open, total.submitted, total.verified, total.overdue) == (6, 2, 1, 3)


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (datetime.date(2026, 6, 1), 1),  # only Bãi Sậy XX01 (due 05-31)
        (datetime.date(2026, 6, 15), 3),  # + Tư pháp MT01 (06-01), Ân Thi CB01 (06-14)
        (datetime.date(2026, 7, 16), 6),  # every open finding; submitted ones never
    ],
)
def test_overdue_findings_are_open_ones_due_before_the_day_passed_in(hung_yen_2026, today, overdue):
    report = report_of(hung_yen_2026.province, today=today)

    assert report.findings_total.overdue == overdue
    assert report.findings_total.open == 6


# Adoption coverage


def test_coverage_counts_announced_agencies_by_level_and_applicability_leaving_out_inactive(
    hung_yen_2026,
):
    report = report_of(hung_yen_2026.province)

    by_level = [(r.key, r.announced, r.total, r.tally.percent) for r in report.coverage_by_level]
    # The inactive district (announced) would add a district row 1/1.
    assert by_level == [
        ("province", 1, 1, 100),
        ("department", 3, 3, 100),  # the returned Chi cục is in the registry all the same
        ("commune", 2, 4, 50),  # Bãi Sậy, Hồng Châu of 4
    ]
    by_applicability = [
        (r.key, r.announced, r.total, r.tally.percent) for r in report.coverage_by_applicability
    ]
    assert by_applicability == [("mandatory", 4, 4, 100), ("encouraged", 2, 4, 50)]
    assert (str(report.coverage_total), report.coverage_total.percent) == ("6/8", 75)


def test_a_province_with_no_inspection_still_shows_its_registry_coverage(province_b):
    for announced in (True, True, False):
        make_agency(
            province_b,
            level=COMMUNE,
            applicability=ENCOURAGED,
            announced_on=ANNOUNCED if announced else None,
        )
    make_agency(province_b, level=DEPARTMENT, applicability=MANDATORY, announced_on=ANNOUNCED)

    report = report_of(province_b)

    assert report.inspected == 0
    assert report.rounds == []
    assert [(r.key, str(r.tally), r.tally.percent) for r in report.coverage_by_level] == [
        ("department", "1/1", 100),
        ("commune", "2/3", 67),  # 66.7 -> 67
    ]
    assert [(r.key, str(r.tally)) for r in report.coverage_by_applicability] == [
        ("mandatory", "1/1"),
        ("encouraged", "2/3"),
    ]
    assert str(report.coverage_total) == "3/4"


def test_an_empty_year_gives_zeros_and_no_division_error(hung_yen_2026):
    report = report_of(hung_yen_2026.province, year=2030)

    assert report.rounds == []
    assert report.inspected == 0
    assert report.not_finished == 0
    assert report.criteria == []
    assert report.ratings == {}
    assert report.rated == 0
    assert report.rating_tally(GOOD).percent is None
    assert report.not_meeting_agencies == []
    assert report.findings == []
    total = report.findings_total
    assert (total.open, total.submitted, total.verified, total.overdue) == (0, 0, 0, 0)
    # The registry does not depend on the year.
    assert str(report.coverage_total) == "6/8"


def test_an_empty_registry_has_no_coverage_rows_and_no_percent(province_b):
    report = report_of(province_b)

    assert report.coverage_by_level == []
    assert report.coverage_by_applicability == []
    assert str(report.coverage_total) == "0/0"
    assert report.coverage_total.percent is None


# Two rounds, round filter, other years and provinces


@pytest.fixture
def two_rounds(province_a):
    """Tiên Phong is inspected twice in 2026: not meeting in round 1, good in round 2."""
    twice = make_agency(province_a, name="UBND xã Tiên Phong", level=COMMUNE)
    once = make_agency(province_a, name="UBND xã Hoàn Long", level=COMMUNE)
    first = counted_round(province_a, [twice, once], number=1)
    set_answers(inspection_of(first, twice), CB01=N)
    set_status(inspection_of(first, twice), Inspection.Status.APPROVED, NOT_MEETING, 50)
    add_finding(inspection_of(first, twice), "CB01", datetime.date(2026, 5, 1))
    second = counted_round(province_a, [twice], number=2)
    return first, second


def test_an_agency_inspected_in_two_rounds_counts_once_with_its_latest_round_in_the_year(
    two_rounds, province_a
):
    report = report_of(province_a)

    assert [r.number for r in report.rounds] == [1, 2]
    assert report.inspected == 2  # Tiên Phong (round 2) and Hoàn Long, not 3
    cb01 = report.criteria[0]
    assert (str(cb01.tally), cb01.nonconforming) == ("2/2", 0)  # round 1's "n" is superseded
    assert report.ratings == {GOOD: 2}
    assert report.not_meeting_agencies == []


def test_each_round_report_counts_the_agency_inspected_in_it(two_rounds, province_a):
    first = report_of(province_a, round_number=1)
    second = report_of(province_a, round_number=2)

    assert [r.number for r in first.rounds] == [1]
    assert first.inspected == 2
    assert str(first.criteria[0].tally) == "1/2"
    assert first.ratings == {GOOD: 1, NOT_MEETING: 1}
    assert first.not_meeting_agencies == ["UBND xã Tiên Phong"]
    assert [(f.agency, f.open) for f in first.findings] == [("UBND xã Tiên Phong", 1)]

    assert [r.number for r in second.rounds] == [2]
    assert second.inspected == 1
    assert str(second.criteria[0].tally) == "1/1"
    assert second.ratings == {GOOD: 1}


def test_a_later_round_still_in_draft_does_not_replace_the_counted_inspection(
    two_rounds, province_a
):
    twice = Agency.objects.get(name="UBND xã Tiên Phong")
    make_round(province_a, [twice], number=3, year=YEAR)  # a draft

    report = report_of(province_a)

    assert report.inspected == 2
    assert report.not_finished == 1
    assert report.ratings == {GOOD: 2}  # round 2's rating, not round 3's blank


def test_the_province_report_counts_the_inspections_counted_inspections_gives(
    two_rounds, province_a
):
    # The rule is written twice: in the province report's SQL and in counted_inspections.
    twice = Agency.objects.get(name="UBND xã Tiên Phong")
    third = make_agency(province_a, name="UBND xã Hòa Bình", level=COMMUNE)
    counted_round(province_a, [third], number=3, status=Inspection.Status.SUBMITTED)
    make_round(province_a, [twice, third], number=4, year=YEAR)  # drafts, superseding nothing
    expected = builder.counted_inspections(YEAR, user=NATIONAL_SCOPE).filter(
        round__province=province_a
    )

    report = report_of(province_a)

    assert len(report.agencies) == 3
    assert sorted((a.code, a.round_number) for a in report.agencies) == sorted(
        expected.values_list("agency__code", "round__number")
    )


def test_round_filter_keeps_only_that_rounds_inspections(hung_yen_2026):
    late = make_agency(hung_yen_2026.province, name="Sở Nội vụ")
    counted_round(hung_yen_2026.province, [late], number=2)

    whole_year = report_of(hung_yen_2026.province)
    first = report_of(hung_yen_2026.province, round_number=1)
    second = report_of(hung_yen_2026.province, round_number=2)

    assert (whole_year.inspected, first.inspected, second.inspected) == (6, 5, 1)
    assert (whole_year.not_finished, first.not_finished, second.not_finished) == (2, 2, 0)
    assert str(second.criteria[0].tally) == "1/1"
    assert second.findings == []
    assert [r.number for r in second.rounds] == [2]


def test_inspections_of_other_years_and_other_provinces_are_not_counted(hung_yen_2026, province_b):
    counted_round(hung_yen_2026.province, [hung_yen_2026.office], number=1, year=2025)
    counted_round(province_b, [make_agency(province_b)], number=1)

    report = report_of(hung_yen_2026.province)

    assert report.inspected == 5
    assert str(report.criteria[0].tally) == "4/5"


def test_staff_of_another_province_gets_nothing_of_province_a_from_the_builder(
    hung_yen_2026, staff_b
):
    report = report_of(hung_yen_2026.province, user=staff_b)

    assert report.inspected == 0
    assert report.criteria == []
    assert str(report.coverage_total) == "0/0"


def test_not_finished_counts_only_inspections_the_user_may_see(hung_yen_2026):
    # This inspector sees the round through the draft they fill, not the returned one.
    inspector = make_user(Role.INSPECTOR, hung_yen_2026.province)
    inspection_of(hung_yen_2026.round, hung_yen_2026.tien_lu).inspectors.add(inspector)
    assert report_of(hung_yen_2026.province).not_finished == 2

    report = report_of(hung_yen_2026.province, user=inspector)
    national = builder.national_report(YEAR, today=TODAY, user=inspector)

    assert [r.number for r in report.rounds] == [1]
    assert report.not_finished == 1
    assert [(row.province.code, row.not_finished) for row in national.rows] == [("33", 1)]


# National report


def national_figures(row):
    return (
        row.province.code,
        row.agencies,
        row.announced,
        row.inspected,
        row.not_finished,
        row.good.part,
        row.meets.part,
        row.not_meeting.part,
        row.open_findings,
        row.overdue_findings,
    )


def test_national_report_has_one_row_per_province_with_its_figures(three_provinces):
    report = builder.national_report(YEAR, today=TODAY, user=NATIONAL_SCOPE)

    # In Vietnamese order: Hà Nội, Hồ Chí Minh, Hưng Yên.
    assert [national_figures(row) for row in report.rows] == [
        ("01", 3, 1, 1, 1, 0, 1, 0, 1, 1),
        ("79", 0, 0, 0, 0, 0, 0, 0, 0, 0),
        ("33", 8, 6, 5, 2, 2, 1, 2, 6, 3),
    ]
    hung_yen = report.rows[2]
    assert [hung_yen.good.percent, hung_yen.meets.percent, hung_yen.not_meeting.percent] == [
        40,
        20,
        40,
    ]
    assert (str(hung_yen.adoption), hung_yen.adoption.percent) == ("6/8", 75)
    empty = report.rows[1]
    assert (empty.good.percent, empty.adoption.percent) == (None, None)


def test_national_totals_add_up_the_province_rows(three_provinces):
    totals = builder.national_report(YEAR, today=TODAY, user=NATIONAL_SCOPE).totals

    # agencies 3+0+8, announced 1+0+6, inspected 1+0+5, not finished 1+0+2,
    # good 0+2, meets 1+1, not meeting 0+2, open 1+6, overdue 1+3
    assert (
        totals.agencies,
        totals.announced,
        totals.inspected,
        totals.not_finished,
        totals.good.part,
        totals.meets.part,
        totals.not_meeting.part,
        totals.open_findings,
        totals.overdue_findings,
    ) == (11, 7, 6, 3, 2, 2, 2, 7, 4)
    assert totals.good.percent == 33  # 2/6 = 33.3


def test_national_criteria_pool_every_province(three_provinces):
    report = builder.national_report(YEAR, today=TODAY, user=NATIONAL_SCOPE)

    cb01, cb02 = report.criteria[:2]
    # CB01: Hưng Yên 4/5 + Hà Nội 1/1 = 5/6 -> 83%; CB02: 1/2 + 1/1 = 2/3 -> 67%
    assert (str(cb01.tally), cb01.tally.percent) == ("5/6", 83)
    assert (str(cb02.tally), cb02.tally.percent) == ("2/3", 67)


def test_national_report_for_one_round_leaves_out_other_rounds(three_provinces, province_a):
    counted_round(province_a, [make_agency(province_a)], number=2)

    whole_year = builder.national_report(YEAR, today=TODAY, user=NATIONAL_SCOPE)
    second = builder.national_report(YEAR, 2, today=TODAY, user=NATIONAL_SCOPE)

    assert [r.inspected for r in whole_year.rows] == [1, 0, 6]
    assert [r.inspected for r in second.rows] == [0, 0, 1]
    assert [r.not_finished for r in second.rows] == [0, 0, 0]


def test_national_report_of_an_empty_year_has_zero_rows_and_no_division_error(
    three_provinces,
):
    report = builder.national_report(2030, today=TODAY, user=NATIONAL_SCOPE)

    assert [r.inspected for r in report.rows] == [0, 0, 0]
    assert report.criteria == []
    assert report.totals.good.percent is None


# Queries


def count_queries(function, *args, **kwargs):
    with CaptureQueriesContext(connection) as context:
        function(*args, **kwargs)
    return len(context.captured_queries)


def test_province_report_costs_the_same_queries_for_10_and_for_1000_agencies(
    province_a, province_b, django_assert_num_queries
):
    populated_round(province_a, 10)
    populated_round(province_b, 1000)
    small = count_queries(report_of, province_a)

    with django_assert_num_queries(small):
        report = report_of(province_b)

    assert report.inspected == 800  # one in five is a draft
    assert count_queries(report_of, province_b) == small


def test_national_report_costs_the_same_queries_for_small_and_larger_data(
    province_a, django_assert_num_queries
):
    populated_round(province_a, 10)
    small = count_queries(builder.national_report, YEAR, today=TODAY, user=NATIONAL_SCOPE)
    for code in ("01", "02", "04", "06", "08"):
        populated_round(make_province(code, f"Tỉnh thử {code}"), 200)

    with django_assert_num_queries(small):
        report = builder.national_report(YEAR, today=TODAY, user=NATIONAL_SCOPE)

    assert len(report.rows) == 6
    assert count_queries(builder.national_report, YEAR, today=TODAY, user=NATIONAL_SCOPE) == small


def test_a_user_with_no_role_gets_an_empty_province_report(hung_yen_2026):
    report = report_of(hung_yen_2026.province, user=make_user())

    assert (report.rounds, report.inspected, report.not_finished) == ([], 0, 0)
    assert (report.criteria, report.findings, report.agencies) == ([], [], [])
