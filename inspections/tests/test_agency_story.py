"""An agency's page tells its story: every inspection with score and rating, every finding
with its state, newest first, in a fixed number of queries (inspection_history tag)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.tests.factories import make_agency
from inspections.models import Answer, Finding, Inspection
from inspections.tests.factories import answer_of, make_round

LATE = datetime.date(2020, 1, 1)


def inspected(province, agency, *, year, number, score, rating, findings=()):
    inspection = make_round(province, [agency], year=year, number=number).inspections.get()
    Inspection.objects.filter(pk=inspection.pk).update(
        status=Inspection.Status.APPROVED, score=Decimal(score), rating=rating
    )
    for code, status in findings:
        answer = answer_of(inspection, code)
        Answer.objects.filter(pk=answer.pk).update(result=Answer.Result.NONCONFORMING)
        Finding.objects.create(
            inspection=inspection, answer=answer, description=code, due_on=LATE, status=status
        )
    return inspection


@pytest.fixture
def agency(province_a):
    agency = make_agency(province_a, code="33-S7", name="Sở Tư pháp")
    inspected(province_a, agency, year=2024, number=1, score="65.0", rating="not_meeting",
              findings=[("CB01", "verified"), ("MT01", "submitted")])  # fmt: skip
    inspected(province_a, agency, year=2026, number=2, score="86.4", rating="meets",
              findings=[("DG01", "open")])  # fmt: skip
    return agency


def section(page, element_id):
    return page.split(f'id="{element_id}"', 1)[1].split("</table>", 1)[0]


def test_the_page_lists_every_inspection_with_score_rating_and_findings(client, staff_a, agency):
    client.force_login(staff_a)
    page = client.get(reverse("agency_detail", args=[agency.code])).content.decode()
    history = section(page, "agency-history")
    assert history.index("2/2026") < history.index("1/2024")
    assert "86,4" in history  # Vietnamese decimal comma
    assert "65,0" in history
    assert "Đạt yêu cầu" in history
    assert "Chưa đạt" in history
    findings = section(page, "agency-findings")
    order = [findings.index(code) for code in ("DG01", "CB01", "MT01")]
    assert order == sorted(order)  # newest round first, then checklist order
    assert "table-danger" in findings.split("DG01")[0]  # the open one is overdue
    assert 'href="/findings/?agency=33-S7"' in page


def test_an_inspector_elsewhere_sees_nothing_and_staff_of_b_get_404(
    client, inspector_a, staff_b, agency
):
    client.force_login(staff_b)
    assert client.get(reverse("agency_detail", args=[agency.code])).status_code == 404
    client.force_login(inspector_a)  # assigned to nothing of this agency
    assert client.get(reverse("agency_detail", args=[agency.code])).status_code == 404


def test_the_story_costs_the_same_queries_with_many_rounds_and_findings(
    client, staff_a, province_a, agency, django_assert_num_queries
):
    client.force_login(staff_a)
    url = reverse("agency_detail", args=[agency.code])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(3, 13):
        inspected(province_a, agency, year=2025, number=number, score="90.0", rating="good",
                  findings=[("CB01", "open"), ("KP01", "verified")])  # fmt: skip
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert section(page, "agency-findings").count("<tr") == 1 + 3 + 20
