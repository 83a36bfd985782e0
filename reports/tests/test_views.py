"""Every page of reports/urls.py: who may read which report, and that renderings agree.

Figures of `hung_yen_2026` and `three_provinces` are worked out in reports/tests/conftest.py.
"""

import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from agencies.tests.factories import make_province, make_user
from reports.tests.factories import TITLES, YEAR, counted_round, populated_round

PROVINCE_REPORT = reverse("province_report")
PROVINCE_PDF = reverse("province_report_download", args=["pdf"])
PROVINCE_XLSX = reverse("province_report_download", args=["xlsx"])
NATIONAL_REPORT = reverse("national_report")
NATIONAL_PDF = reverse("national_report_download", args=["pdf"])
NATIONAL_XLSX = reverse("national_report_download", args=["xlsx"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def logged_in(client, user):
    client.force_login(user)
    return client


def criterion_cells(page):
    """{code: (N/M, percent)} from the criteria table of the report page."""
    table = page.split('id="criteria-table"', 1)[1].split("</table>", 1)[0]
    return {
        code: (tally, percent)
        for code, tally, percent in re.findall(
            r"<tr><td>(\w+)</td><td>[^<]*</td><td>(\d+/\d+)</td><td>(\d+)%</td>", table
        )
    }


def national_row_order(page):
    table = page.split('id="national-table"', 1)[1]
    return re.findall(r"\?province=(\d\d)&amp;year=", table)


# Province report: who may read it


def test_staff_reads_the_report_of_their_own_province_by_default(client, staff_a, hung_yen_2026):
    response = logged_in(client, staff_a).get(PROVINCE_REPORT, {"year": YEAR})

    assert response.status_code == 200
    assert response.context["report"].province.code == "33"
    page = response.content.decode()
    assert "Hưng Yên" in page
    assert criterion_cells(page)["CB01"] == ("4/5", "80")


def test_staff_cannot_read_another_provinces_report_or_downloads(client, staff_a, province_b):
    logged_in(client, staff_a)

    for url in (PROVINCE_REPORT, PROVINCE_PDF, PROVINCE_XLSX):
        assert client.get(url, {"province": "01", "year": YEAR}).status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "admin_user"])
def test_viewer_and_admin_read_any_provinces_report(
    client, request, persona, hung_yen_2026, province_b
):
    logged_in(client, request.getfixturevalue(persona))

    hung_yen = client.get(PROVINCE_REPORT, {"province": "33", "year": YEAR})
    ha_noi = client.get(PROVINCE_REPORT, {"province": "01", "year": YEAR})
    ha_noi_xlsx = client.get(PROVINCE_XLSX, {"province": "01", "year": YEAR})

    assert hung_yen.status_code == 200
    assert criterion_cells(hung_yen.content.decode())["CB01"] == ("4/5", "80")
    assert ha_noi.status_code == 200
    assert ha_noi.context["report"].province.code == "01"
    assert ha_noi.context["report"].inspected == 0
    assert ha_noi_xlsx.status_code == 200
    assert ha_noi_xlsx["Content-Disposition"] == 'attachment; filename="bao-cao-iso-01-2026.xlsx"'


@pytest.mark.parametrize("persona", ["inspector_a", "inspector_b"])
def test_inspectors_get_404_for_province_reports_and_downloads(
    client, request, persona, hung_yen_2026
):
    logged_in(client, request.getfixturevalue(persona))

    for url in (PROVINCE_REPORT, PROVINCE_PDF, PROVINCE_XLSX):
        assert client.get(url, {"province": "33", "year": YEAR}).status_code == 404


def test_a_user_without_a_role_gets_404_for_every_report(client, hung_yen_2026):
    logged_in(client, make_user())

    for url in (PROVINCE_REPORT, PROVINCE_XLSX, NATIONAL_REPORT, NATIONAL_XLSX):
        assert client.get(url, {"province": "33", "year": YEAR}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [PROVINCE_REPORT, PROVINCE_PDF, PROVINCE_XLSX, NATIONAL_REPORT, NATIONAL_PDF, NATIONAL_XLSX],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url, province_a):
    response = client.get(url, {"province": "33", "year": YEAR})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_an_unknown_province_is_404_even_for_an_admin(client, admin_user, province_a):
    response = logged_in(client, admin_user).get(PROVINCE_REPORT, {"province": "99"})

    assert response.status_code == 404


# Province downloads


def test_staff_downloads_their_province_report_as_pdf_and_excel(client, staff_a, hung_yen_2026):
    logged_in(client, staff_a)

    pdf = client.get(PROVINCE_PDF, {"province": "33", "year": YEAR})
    xlsx = client.get(PROVINCE_XLSX, {"province": "33", "year": YEAR, "round": 1})

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="bao-cao-iso-33-2026.pdf"'
    assert pdf.content.startswith(b"%PDF")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == XLSX
    assert xlsx["Content-Disposition"] == 'attachment; filename="bao-cao-iso-33-2026-dot-1.xlsx"'
    assert load_workbook(io.BytesIO(xlsx.content))["Tiêu chí"]["C3"].value == 4


def test_the_round_parameter_limits_the_page_to_that_round(client, staff_a, hung_yen_2026):
    late = hung_yen_2026.office
    counted_round(hung_yen_2026.province, [late], number=2)
    logged_in(client, staff_a)

    whole_year = client.get(PROVINCE_REPORT, {"year": YEAR})
    second = client.get(PROVINCE_REPORT, {"year": YEAR, "round": 2})

    assert whole_year.context["report"].inspected == 6
    assert criterion_cells(whole_year.content.decode())["CB01"] == ("5/6", "83")
    assert second.context["report"].inspected == 1
    assert criterion_cells(second.content.decode())["CB01"] == ("1/1", "100")


def test_the_page_the_pdf_and_the_excel_file_agree_on_the_tallies(
    client, admin_user, hung_yen_2026
):
    logged_in(client, admin_user)
    query = {"province": "33", "year": YEAR}

    page = criterion_cells(client.get(PROVINCE_REPORT, query).content.decode())
    pdf = PdfReader(io.BytesIO(client.get(PROVINCE_PDF, query).content))
    pdf_text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pdf.pages))
    sheet = load_workbook(io.BytesIO(client.get(PROVINCE_XLSX, query).content))["Tiêu chí"]
    excel = {
        row[0]: (f"{row[2]}/{row[3]}", str(round(row[4] * 100)))
        for row in sheet.iter_rows(min_row=3, values_only=True)
    }

    # The hand-worked tallies (see conftest.py), the same in the three renderings.
    expected = {"CB01": ("4/5", "80"), "CB02": ("1/2", "50"), "KS01": ("3/4", "75")}
    for code, (tally, percent) in expected.items():
        assert page[code] == (tally, percent)
        assert excel[code] == (tally, percent)
        # The PDF's criteria table: code, title, N/M, percent on one row.
        assert f"{code}{TITLES[code]}{tally}{percent}%".replace(" ", "") in pdf_text, code
    assert page == excel


def test_the_page_shows_ratings_findings_and_coverage(client, viewer, hung_yen_2026):
    response = logged_in(client, viewer).get(PROVINCE_REPORT, {"province": "33", "year": YEAR})

    page = html.unescape(response.content.decode())
    assert "UBND xã Ân Thi, UBND xã Bãi Sậy" in page
    assert "<td>6/8</td><td>75%</td>" in page
    assert "Trong năm 2026, kiểm tra tại 05 cơ quan" in page


# National dashboard


@pytest.mark.parametrize("persona", ["viewer", "admin_user"])
def test_viewer_and_admin_open_the_national_dashboard_and_its_downloads(
    client, request, persona, three_provinces
):
    logged_in(client, request.getfixturevalue(persona))

    page = client.get(NATIONAL_REPORT, {"year": YEAR})
    xlsx = client.get(NATIONAL_XLSX, {"year": YEAR})

    assert page.status_code == 200
    assert national_row_order(page.content.decode()) == ["01", "79", "33"]
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == 'attachment; filename="bao-cao-iso-toan-quoc-2026.xlsx"'
    sheet = load_workbook(io.BytesIO(xlsx.content))["Tỉnh, thành phố"]
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["01", "79", "33"]


def test_the_national_pdf_download_is_a_pdf(client, viewer, three_provinces):
    response = logged_in(client, viewer).get(NATIONAL_PDF, {"year": YEAR})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("persona", ["staff_a", "staff_b", "inspector_a", "inspector_b"])
def test_staff_and_inspectors_get_404_for_the_national_dashboard(
    client, request, persona, three_provinces
):
    logged_in(client, request.getfixturevalue(persona))

    for url in (NATIONAL_REPORT, NATIONAL_PDF, NATIONAL_XLSX):
        assert client.get(url, {"year": YEAR}).status_code == 404


def test_sorting_by_minus_inspected_orders_provinces_by_inspected_descending(
    client, viewer, three_provinces
):
    logged_in(client, viewer)

    descending = client.get(NATIONAL_REPORT, {"year": YEAR, "sort": "-inspected"})
    ascending = client.get(NATIONAL_REPORT, {"year": YEAR, "sort": "inspected"})

    # Inspected: Hưng Yên 5, Hà Nội 1, Hồ Chí Minh 0.
    assert national_row_order(descending.content.decode()) == ["33", "01", "79"]
    assert [r.inspected for r in descending.context["report"].rows] == [5, 1, 0]
    assert national_row_order(ascending.content.decode()) == ["79", "01", "33"]


def test_each_national_row_links_to_that_provinces_report(client, admin_user, three_provinces):
    response = logged_in(client, admin_user).get(NATIONAL_REPORT, {"year": YEAR, "round": 1})

    page = response.content.decode()
    for code in ("01", "79", "33"):
        assert f'href="{PROVINCE_REPORT}?province={code}&amp;year=2026&amp;round=1"' in page
    followed = client.get(PROVINCE_REPORT, {"province": "33", "year": YEAR, "round": 1})
    assert followed.status_code == 200
    assert followed.context["report"].inspected == 5


# Queries


def queries_of(client, url, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_province_page_and_workbook_cost_the_same_queries_for_10_and_1000_agencies(
    client, admin_user, province_a, province_b, django_assert_num_queries
):
    populated_round(province_a, 10)
    populated_round(province_b, 1000)
    logged_in(client, admin_user)

    for url in (PROVINCE_REPORT, PROVINCE_XLSX):
        small = queries_of(client, url, {"province": "33", "year": YEAR})
        with django_assert_num_queries(small):
            response = client.get(url, {"province": "01", "year": YEAR})
        assert response.status_code == 200


@pytest.mark.parametrize("url", [PROVINCE_REPORT, PROVINCE_XLSX])
def test_the_province_page_and_workbook_cost_the_same_queries_for_one_round_and_for_four(
    client, admin_user, province_a, province_b, url
):
    populated_round(province_a, 10)
    for number in range(1, 5):
        populated_round(province_b, 10, number=number)
    logged_in(client, admin_user)

    one_round = queries_of(client, url, {"province": "33", "year": YEAR})
    four_rounds = queries_of(client, url, {"province": "01", "year": YEAR})

    assert four_rounds == one_round


def test_the_national_dashboard_costs_the_same_queries_for_small_and_larger_data(
    client, viewer, province_a, django_assert_num_queries
):
    populated_round(province_a, 10)
    logged_in(client, viewer)
    small = queries_of(client, NATIONAL_REPORT, {"year": YEAR})
    for code in ("01", "02", "04", "06", "08"):
        populated_round(make_province(code, f"Tỉnh thử {code}"), 100)

    with django_assert_num_queries(small):
        response = client.get(NATIONAL_REPORT, {"year": YEAR})
    assert len(response.context["report"].rows) == 6
