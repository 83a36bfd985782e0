"""Data builders for the report tests: a small Hưng Yên year worked out by hand.

The `hung_yen_2026` fixture builds the data set that most report tests read. Its figures,
worked out by hand, are written as literals in the tests; this docstring is the worksheet.

Registry of province 33 (Agency.announced_on set = announced):
    Văn phòng UBND tỉnh Hưng Yên              province    mandatory   announced   not inspected
    Sở Khoa học và Công nghệ                  department  mandatory   announced   approved
    Sở Tư pháp                                department  mandatory   announced   approved
    Chi cục Tiêu chuẩn Đo lường Chất lượng    department  mandatory   announced   RETURNED
    UBND xã Bãi Sậy                           commune     encouraged  announced   approved
    UBND xã Ân Thi                            commune     encouraged  -           approved
    UBND phường Hồng Châu                     commune     encouraged  announced   submitted
    UBND xã Tiên Lữ                           commune     encouraged  -           DRAFT
    UBND huyện Khoái Châu (inactive)          district    mandatory   announced   -

Round 1/2026 holds the seven agencies that have an inspection. Counted (submitted or
approved): 5, of which 2 department-level and 3 communes; not finished: 2 (draft, returned).

Answers of the counted five (anything not listed is conforming; p = partial,
n = nonconforming, na = not applicable):
    Sở Khoa học và Công nghệ   CB02 na, HS01 p
    Sở Tư pháp                 CB02 na, MT01 n, KS01 p
    UBND phường Hồng Châu      all conforming
    UBND xã Bãi Sậy            CB02 p, RR01 n, KS01 na, DG01 n, XX01 n, KP01 n
    UBND xã Ân Thi             CB01 n, CB02 na, MT01 n, HS01 p, DG01 n, XX01 n
The returned inspection has every answer nonconforming and a stale "not_meeting" rating;
the draft has CB01 conforming and nothing else: neither may show in any figure.

Ratings: good = Sở KH&CN (score 95.5), Hồng Châu; meets = Sở Tư pháp;
not yet meeting = Bãi Sậy, Ân Thi.

Findings, with TODAY = 2026-06-15 (overdue = open and due before today):
    Sở Khoa học và Công nghệ   HS01 open due 2026-07-01
    Sở Tư pháp                 MT01 open due 2026-06-01 (overdue); KS01 submitted due 2026-06-01
    UBND xã Ân Thi             CB01 open due 2026-06-14 (overdue)
    UBND xã Bãi Sậy            CB02 verified; RR01 open due 2026-07-15; DG01 open due
                               2026-06-15 (due today: not overdue); XX01 open due 2026-05-31
                               (overdue); KP01 submitted
"""

import datetime
from types import SimpleNamespace

import pytest

from agencies.models import Agency
from agencies.tests.factories import make_agency, make_province
from inspections.models import Answer, Finding, Inspection
from inspections.tests.factories import make_round
from reports.tests.factories import (
    ANNOUNCED,
    COMMUNE,
    ENCOURAGED,
    NA,
    TODAY,
    YEAR,
    C,
    N,
    P,
    add_finding,
    inspection_of,
    set_answers,
    set_status,
)


@pytest.fixture
def hung_yen_2026(province_a, inspector_a):
    """The data set worked out in this module's docstring."""
    a = province_a
    office = make_agency(
        a,
        name="Văn phòng UBND tỉnh Hưng Yên",
        level=Agency.Level.PROVINCE,
        announced_on=ANNOUNCED,
    )
    science = make_agency(a, name="Sở Khoa học và Công nghệ", announced_on=ANNOUNCED)
    justice = make_agency(a, name="Sở Tư pháp", announced_on=ANNOUNCED)
    standards = make_agency(
        a, name="Chi cục Tiêu chuẩn Đo lường Chất lượng", announced_on=ANNOUNCED
    )
    # Bãi Sậy is made before Ân Thi: listed by id or by code point it would come first,
    # in Vietnamese order it comes second.
    bai_say = make_agency(
        a, name="UBND xã Bãi Sậy", level=COMMUNE, applicability=ENCOURAGED, announced_on=ANNOUNCED
    )
    an_thi = make_agency(a, name="UBND xã Ân Thi", level=COMMUNE, applicability=ENCOURAGED)
    hong_chau = make_agency(
        a,
        name="UBND phường Hồng Châu",
        level=COMMUNE,
        applicability=ENCOURAGED,
        announced_on=ANNOUNCED,
    )
    tien_lu = make_agency(a, name="UBND xã Tiên Lữ", level=COMMUNE, applicability=ENCOURAGED)
    khoai_chau = make_agency(
        a,
        name="UBND huyện Khoái Châu",
        level=Agency.Level.DISTRICT,
        announced_on=ANNOUNCED,
        active=False,
    )
    round_ = make_round(
        a,
        [science, justice, standards, bai_say, an_thi, hong_chau, tien_lu],
        inspectors=[inspector_a],
        number=1,
        year=YEAR,
        title="Kiểm tra việc áp dụng HTQLCL năm 2026",
        decision_number="125/QĐ-SKHCN",
        decision_date=datetime.date(2026, 3, 2),
    )

    inspection = inspection_of(round_, science)
    set_answers(inspection, CB02=NA, HS01=P)
    # 10 conforming + ½ partial over 11 applicable = 95.45 -> 95.5, good: what
    # inspection_submit computes (test_builder.py goes through the services end to end).
    set_status(inspection, Inspection.Status.APPROVED, Inspection.Rating.GOOD, 95.5)
    add_finding(inspection, "HS01", datetime.date(2026, 7, 1))

    inspection = inspection_of(round_, justice)
    set_answers(inspection, CB02=NA, MT01=N, KS01=P)
    set_status(inspection, Inspection.Status.APPROVED, Inspection.Rating.MEETS, 86.4)
    add_finding(inspection, "MT01", datetime.date(2026, 6, 1))
    add_finding(inspection, "KS01", datetime.date(2026, 6, 1), Finding.Status.SUBMITTED)

    inspection = inspection_of(round_, hong_chau)
    set_answers(inspection)
    set_status(inspection, Inspection.Status.SUBMITTED, Inspection.Rating.GOOD, 100)

    inspection = inspection_of(round_, bai_say)
    set_answers(inspection, CB02=P, RR01=N, KS01=NA, DG01=N, XX01=N, KP01=N)
    set_status(inspection, Inspection.Status.APPROVED, Inspection.Rating.NOT_MEETING, 59.1)
    add_finding(inspection, "CB02", datetime.date(2026, 5, 1), Finding.Status.VERIFIED)
    add_finding(inspection, "RR01", datetime.date(2026, 7, 15))
    add_finding(inspection, "DG01", TODAY)
    add_finding(inspection, "XX01", datetime.date(2026, 5, 31))
    add_finding(inspection, "KP01", datetime.date(2026, 6, 30), Finding.Status.SUBMITTED)

    inspection = inspection_of(round_, an_thi)
    set_answers(inspection, CB01=N, CB02=NA, MT01=N, HS01=P, DG01=N, XX01=N)
    set_status(inspection, Inspection.Status.APPROVED, Inspection.Rating.NOT_MEETING, 59.1)
    add_finding(inspection, "CB01", datetime.date(2026, 6, 14))

    inspection = inspection_of(round_, standards)
    set_answers(inspection, default=N)
    set_status(inspection, Inspection.Status.RETURNED, Inspection.Rating.NOT_MEETING, 0)

    inspection = inspection_of(round_, tien_lu)
    Answer.objects.filter(inspection=inspection, criterion__code="CB01").update(result=C)

    return SimpleNamespace(
        province=a,
        round=round_,
        office=office,
        science=science,
        justice=justice,
        standards=standards,
        bai_say=bai_say,
        an_thi=an_thi,
        hong_chau=hong_chau,
        tien_lu=tien_lu,
        khoai_chau=khoai_chau,
    )


@pytest.fixture
def three_provinces(hung_yen_2026, province_b):
    """Hưng Yên as worked out, Hà Nội with one approved inspection, Hồ Chí Minh empty.

    Hà Nội: 3 active agencies (1 announced) and an inactive one; Sở Y tế approved, all
    conforming, rated meets, with one open finding due 2026-06-01 (overdue at TODAY) and one
    submitted; Sở Xây dựng still a draft.
    """
    b = province_b
    health = make_agency(b, name="Sở Y tế", announced_on=ANNOUNCED)
    building = make_agency(b, name="Sở Xây dựng")
    make_agency(b, name="UBND phường Ba Đình", level=COMMUNE)
    make_agency(b, name="UBND quận Ba Đình", announced_on=ANNOUNCED, active=False)
    round_ = make_round(b, [health, building], number=1, year=YEAR)
    inspection = inspection_of(round_, health)
    set_answers(inspection)
    set_status(inspection, Inspection.Status.APPROVED, Inspection.Rating.MEETS, 85)
    add_finding(inspection, "HS01", datetime.date(2026, 6, 1))
    add_finding(inspection, "KS01", datetime.date(2026, 6, 1), Finding.Status.SUBMITTED)
    make_province("79", "Thành phố Hồ Chí Minh")
