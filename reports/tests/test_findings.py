import datetime

import pytest

from agencies.models import NATIONAL_SCOPE
from agencies.tests.factories import make_agency
from inspections.models import Answer, Finding, Inspection
from inspections.tests.factories import make_round
from reports import builder

TODAY = datetime.date(2026, 11, 21)


def approve_with_findings(round_, agency, count, due_on):
    inspection = round_.inspections.get(agency=agency)
    Answer.objects.filter(inspection=inspection).update(result="conforming")
    Inspection.objects.filter(pk=inspection.pk).update(status="approved", rating="meets")
    for answer in inspection.answers.order_by("pk")[:count]:
        Finding.objects.create(inspection=inspection, answer=answer, description="x", due_on=due_on)
    return inspection


@pytest.fixture
def twins(province_a):
    return [
        make_agency(province_a, code="33-X1", name="UBND xã Tân Tiến", level="commune"),
        make_agency(province_a, code="33-X2", name="UBND xã Tân Tiến", level="commune"),
    ]


def test_two_agencies_with_the_same_name_keep_their_own_findings_rows(province_a, twins):
    round_ = make_round(province_a, twins, number=1)
    approve_with_findings(round_, twins[0], 2, datetime.date(2026, 1, 1))
    approve_with_findings(round_, twins[1], 3, datetime.date(2027, 1, 1))
    report = builder.province_report(province_a, 2026, today=TODAY, user=NATIONAL_SCOPE)
    rows = [(row.agency, row.open, row.overdue) for row in report.findings]
    assert sorted(rows) == [("UBND xã Tân Tiến", 2, 2), ("UBND xã Tân Tiến", 3, 0)]


def test_a_later_round_does_not_erase_the_findings_of_an_earlier_one(province_a, twins):
    first = make_round(province_a, twins[:1], number=1)
    second = make_round(province_a, twins[:1], number=2)
    approve_with_findings(first, twins[0], 4, datetime.date(2026, 3, 1))
    approve_with_findings(second, twins[0], 1, datetime.date(2027, 3, 1))
    year = builder.province_report(province_a, 2026, today=TODAY, user=NATIONAL_SCOPE)
    assert year.inspected == 1  # counted once, with its latest round
    assert (year.findings_total.open, year.findings_total.overdue) == (5, 4)
    national = builder.national_report(2026, today=TODAY, user=NATIONAL_SCOPE)
    row = next(r for r in national.rows if r.province.code == "33")
    assert (row.open_findings, row.overdue_findings) == (5, 4)
    round_two = builder.province_report(province_a, 2026, 2, today=TODAY, user=NATIONAL_SCOPE)
    assert round_two.findings_total.open == 1
