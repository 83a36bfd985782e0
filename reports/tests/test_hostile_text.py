"""No stored text can break a download or become a formula (issue 9, items 4 and 7).

The values are written straight into the tables, bypassing every entry check, as data
stored before those checks existed would be."""

import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Agency, Province
from inspections.models import Answer, Criterion, Finding, Inspection, Round
from reports.tests.factories import YEAR

pytestmark = pytest.mark.usefixtures("english")

FORMULA = '=HYPERLINK("http://example.com","y")'
# What a cell may hold besides printable text: tab and newline.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def hostile(three_provinces):
    """three_provinces with formulas and control characters in every kind of stored text."""
    Province.objects.filter(code="33").update(name=FORMULA + "\x0b")
    Agency.objects.filter(name="Sở Tư pháp").update(name="@cmd\x1bSở Tư pháp", code="=1+2")
    Agency.objects.filter(name="Sở Khoa học và Công nghệ").update(name="Sở\x0bKH&CN\x01")
    Answer.objects.filter(criterion__code="HS01").update(note="\x0b=1+2\x0c")
    Inspection.objects.update(conclusion="+Kết luận\x01", return_reason="-lý do\x0b")
    Finding.objects.update(description="-mô tả\x0b")
    Criterion.objects.filter(code="HS01").update(title="=Hồ sơ\x0b", guidance="@\x1b")
    Round.objects.update(title="=Đợt\x0b", decision_number="+125\x1b")
    return three_provinces


def cells(data):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_inert(data):
    """No formula anywhere, and nothing but tab and newline among control characters."""
    found = cells(data)
    assert found
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    texts = [c.value for c in found if isinstance(c.value, str)]
    assert [t for t in texts if CONTROL.search(t)] == []
    return texts


def test_a_province_name_formula_is_text_in_the_report_summary_sheet(client, hostile, staff_a):
    client.force_login(staff_a)
    response = client.get(
        reverse("province_report_download", args=["xlsx"]), {"province": "33", "year": YEAR}
    )
    assert response.status_code == 200
    summary = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[-1]
    assert summary["A1"].data_type == "s"
    assert summary["A1"].value.startswith("'" + FORMULA + "\n, ")


def test_every_download_works_and_is_inert_whatever_is_stored(
    client, hostile, staff_a, viewer, tmp_path
):
    round_ = Round.objects.get(province_id="33")
    client.force_login(staff_a)
    province = {"province": "33", "year": YEAR}
    workbook = client.get(reverse("round_workbook", args=[round_.pk]))
    province_xlsx = client.get(reverse("province_report_download", args=["xlsx"]), province)
    province_pdf = client.get(reverse("province_report_download", args=["pdf"]), province)
    client.force_login(viewer)
    national_xlsx = client.get(reverse("national_report_download", args=["xlsx"]), {"year": YEAR})
    agencies_xlsx = tmp_path / "agencies.xlsx"
    agencies_csv = tmp_path / "agencies.csv"
    call_command("export_agencies", str(agencies_xlsx), stdout=io.StringIO())
    call_command("export_agencies", str(agencies_csv), stdout=io.StringIO())

    responses = [workbook, province_xlsx, province_pdf, national_xlsx]
    assert [r.status_code for r in responses] == [200] * 4
    assert province_pdf.content.startswith(b"%PDF")
    workbook_texts = assert_inert(workbook.content)
    assert "'=1+2" in workbook_texts
    assert "\n=1+2\n" in workbook_texts  # a text cell: only a leading = is a formula
    assert "'+Kết luận" in workbook_texts
    assert "Sở\nKH&CN" in workbook_texts
    report_texts = assert_inert(province_xlsx.content)
    assert "'=Hồ sơ\n" in report_texts
    assert "'@cmdSở Tư pháp" in report_texts
    assert_inert(national_xlsx.content)
    assert "'=1+2" in assert_inert(agencies_xlsx.read_bytes())
    assert not CONTROL.search(agencies_csv.read_text(encoding="utf-8-sig"))
