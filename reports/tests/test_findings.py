import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import NATIONAL_SCOPE
from agencies.tests.factories import make_agency
from inspections.models import Answer, Finding, Inspection
from inspections.tests.factories import make_round
from reports import builder
from reports.document import appendix_table, findings_table
from reports.excel import national_workbook, province_workbook
from reports.narrative import findings_sentences
from reports.tests.factories import N, P, add_finding, set_answers, set_status

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


def test_a_returned_finding_awaits_action_and_counts_as_open_in_every_part_of_the_reports(
    province_a, twins, english
):
    """Open means awaiting the agency (Finding.AWAITING_ACTION): the appendix, section 4,
    the national rows and totals, and each rendering show the same count."""
    round_ = make_round(province_a, twins[:1], number=1)
    inspection = approve_with_findings(round_, twins[0], 3, datetime.date(2026, 11, 1))
    first, second, third = inspection.findings.order_by("pk")
    Finding.objects.filter(pk=second.pk).update(status=Finding.Status.RETURNED)
    Finding.objects.filter(pk=third.pk).update(status=Finding.Status.SUBMITTED)

    report = builder.province_report(province_a, 2026, today=TODAY, user=NATIONAL_SCOPE)
    (agency,) = report.agencies
    assert agency.open_findings == 2
    assert (report.findings_total.open, report.findings_total.overdue) == (2, 2)
    assert appendix_table(report).rows[0][-1] == 2  # the PDF's and the Word file's appendix
    assert findings_table(report).rows[0][1].startswith("2 (")
    assert "02 not yet corrected" in findings_sentences(report)[0]
    national = builder.national_report(2026, today=TODAY, user=NATIONAL_SCOPE)
    row = next(r for r in national.rows if r.province.code == "33")
    assert (row.open_findings, row.overdue_findings) == (2, 2)
    assert national.totals.open_findings == 2
    sheet = load_workbook(io.BytesIO(national_workbook(national))).worksheets[0]
    hung_yen = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "33")
    assert hung_yen[-2:] == (2, 2)


# Section 4: every inspection the report counts, approved or not yet, with criteria codes


@pytest.fixture
def section_four(province_a, staff_a):
    """Sở Nội vụ approved with four findings in four states; xã An Bình submitted, not yet
    approved, with two shortfalls (HS01 partial, KS01 nonconforming) and no finding yet."""
    approved = make_agency(province_a, code="33-S1", name="Sở Nội vụ")
    waiting = make_agency(province_a, code="33-X9", name="UBND xã An Bình", level="commune")
    round_ = make_round(province_a, [approved, waiting], number=1)
    done = round_.inspections.get(agency=approved)
    set_answers(done, CB01=N, MT01=P, DG01=N, KP01=P)
    set_status(done, Inspection.Status.APPROVED, rating="meets")
    add_finding(done, "CB01", datetime.date(2026, 11, 1))  # open, overdue on TODAY
    add_finding(done, "MT01", datetime.date(2026, 12, 1))  # open, not yet due
    add_finding(done, "DG01", datetime.date(2026, 10, 1), Finding.Status.SUBMITTED)
    add_finding(done, "KP01", datetime.date(2026, 10, 1), Finding.Status.VERIFIED)
    pending = round_.inspections.get(agency=waiting)
    set_answers(pending, HS01=P, KS01=N)
    set_status(pending, Inspection.Status.SUBMITTED)
    return round_


def test_section_four_counts_each_state_with_its_criteria_and_unapproved_shortfalls(
    section_four, province_a
):
    report = builder.province_report(province_a, 2026, today=TODAY, user=NATIONAL_SCOPE)
    rows = [(r.agency, r.code, r.cells) for r in report.findings]
    assert rows == [
        ("Sở Nội vụ", "33-S1",
         [(2, "CB01, MT01"), (1, "CB01"), (1, "DG01"), (1, "KP01"), (0, "")]),
        ("UBND xã An Bình", "33-X9", [(0, ""), (0, ""), (0, ""), (0, ""), (2, "HS01, KS01")]),
    ]  # fmt: skip
    total = report.findings_total
    assert (total.open, total.overdue, total.submitted, total.verified, total.unapproved) == (
        2, 1, 1, 1, 2,
    )  # fmt: skip


def test_a_report_with_only_unapproved_shortfalls_never_says_there_is_no_finding(
    province_a, english
):
    agency = make_agency(province_a, name="UBND xã Tân Tiến", level="commune")
    inspection = make_round(province_a, [agency], number=1).inspections.get()
    set_answers(inspection, KS01=N)
    set_status(inspection, Inspection.Status.SUBMITTED)
    report = builder.province_report(province_a, 2026, today=TODAY, user=NATIONAL_SCOPE)
    assert report.findings_total.unapproved == 1
    assert findings_sentences(report) == [
        "01 more shortfalls were recorded in inspections not yet approved."
    ]
    assert findings_table(report).rows[0] == ["UBND xã Tân Tiến", 0, 0, 0, 0, "1 (KS01)"]


def test_the_page_excel_and_document_show_section_four_alike(
    client, staff_a, section_four, province_a
):
    client.force_login(staff_a)
    page = client.get(reverse("province_report"), {"province": "33", "year": 2026, "round": 1})
    html = page.content.decode()
    assert "Chưa phê duyệt" in html
    assert "(HS01, KS01)" in html
    assert (
        f"/findings/?province=33&amp;year=2026&amp;round={section_four.pk}&amp;agency=33-S1" in html
    )
    report = builder.province_report(province_a, 2026, 1, today=TODAY, user=NATIONAL_SCOPE)
    book = load_workbook(io.BytesIO(province_workbook(report)))
    sheet = next(
        book[name] for name in book.sheetnames if name in ("Findings", "Điểm chưa phù hợp")
    )
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert values[0] == ["Sở Nội vụ", 2, 1, 1, 1, 0, "CB01, MT01", "CB01", "DG01", "KP01", None,
                         "33-S1"]  # fmt: skip
    assert values[1][5] == 2
    assert values[1][10:] == ["HS01, KS01", "33-X9"]
    assert values[-1][:6] == ["Tổng cộng", 2, 1, 1, 1, 2]
    assert findings_table(report).rows[0][1:] == ["2 (CB01, MT01)", "1 (CB01)", "1 (DG01)",
                                                  "1 (KP01)", 0]  # fmt: skip
