"""The export_report management command: the same reports, written to a file.

Figures of `hung_yen_2026` and `three_provinces` are worked out in reports/tests/conftest.py.
"""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.tests.factories import TITLES


def export(*args):
    out = io.StringIO()
    call_command("export_report", *args, stdout=out)
    return out.getvalue()


def test_export_writes_the_province_report_as_pdf(hung_yen_2026, tmp_path):
    output = tmp_path / "hung-yen.pdf"

    message = export("--province", "33", "--year", "2026", "--format", "pdf", "--output", output)

    data = output.read_bytes()
    assert data.startswith(b"%PDF")
    assert message.strip() == f"{output}: {len(data)} bytes"
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(output).pages))
    assert "UBND TỈNH HƯNG YÊN" in text
    assert "BÁO CÁO" in text
    assert "Trong năm 2026, kiểm tra tại 05 cơ quan" in text
    assert re.search(r"CB01 ?Đã công bố HTQLCL phù hợp TCVN ISO 9001:2015 ?4/5 ?80%", text)


def test_export_writes_the_province_report_as_excel(hung_yen_2026, tmp_path):
    output = tmp_path / "hung-yen.xlsx"

    export("--province", "33", "--year", "2026", "--format", "xlsx", "--output", output)

    sheet = load_workbook(output)["Tiêu chí"]
    assert sheet["A1"].value.startswith("Hưng Yên, năm 2026, báo cáo ngày ")
    assert [cell.value for cell in sheet[3]][:4] == ["CB01", TITLES["CB01"], 4, 5]
    assert [cell.value for cell in sheet[11]][:4] == ["KS01", TITLES["KS01"], 3, 4]


def test_export_of_one_round_counts_only_that_round(hung_yen_2026, tmp_path):
    output = tmp_path / "round-2.xlsx"

    export(
        "--province", "33", "--year", "2026", "--round", "2", "--format", "xlsx",
        "--output", output,
    )  # fmt: skip

    book = load_workbook(output)
    assert book["Tiêu chí"].max_row == 2  # no round 2: title and header only
    summary = book["Nhận định chung"]["A3"].value
    assert summary == "Không có phiếu kiểm tra nào được gửi hoặc phê duyệt trong đợt 2 năm 2026."


def test_export_writes_the_national_report_as_excel_with_a_row_per_province(
    three_provinces, tmp_path
):
    output = tmp_path / "national.xlsx"

    export("--national", "--year", "2026", "--format", "xlsx", "--output", output)

    sheet = load_workbook(output)["Tỉnh, thành phố"]
    rows = [row[:6] for row in sheet.iter_rows(min_row=3, values_only=True)]
    # code, name, agencies, announced, adoption share, inspected
    assert rows == [
        ("01", "Thành phố Hà Nội", 3, 1, pytest.approx(1 / 3), 1),
        ("79", "Thành phố Hồ Chí Minh", 0, 0, None, 0),
        ("33", "Hưng Yên", 8, 6, 0.75, 5),
    ]


def test_export_writes_the_national_report_as_pdf(three_provinces, tmp_path):
    output = tmp_path / "national.pdf"

    export("--national", "--year", "2026", "--format", "pdf", "--output", output)

    assert output.read_bytes().startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(output).pages)
    assert "Hưng Yên" in text
    assert "Trang 1/" in text


def test_an_unknown_province_is_a_command_error_and_writes_nothing(province_a, tmp_path):
    output = tmp_path / "nothing.pdf"

    with pytest.raises(CommandError, match="--province 99: no such province"):
        export("--province", "99", "--year", "2026", "--format", "pdf", "--output", output)

    assert not output.exists()


def test_province_or_national_must_be_given_but_not_both(province_a, tmp_path):
    output = str(tmp_path / "x.xlsx")

    with pytest.raises(CommandError, match="one of the arguments --province --national"):
        export("--year", "2026", "--format", "xlsx", "--output", output)
    with pytest.raises(CommandError, match="not allowed with argument"):
        export(
            "--province", "33", "--national", "--year", "2026", "--format", "xlsx",
            "--output", output,
        )  # fmt: skip


def test_export_writes_the_province_report_as_word(hung_yen_2026, tmp_path):
    output = tmp_path / "hung-yen.docx"

    export("--province", "33", "--year", "2026", "--format", "docx", "--output", output)

    texts = [paragraph.text for paragraph in Document(output).paragraphs]
    assert "BÁO CÁO" in texts
    assert "I. THÔNG TIN CHUNG" in texts


def test_the_national_report_is_not_a_word_document(three_provinces, tmp_path):
    output = tmp_path / "national.docx"

    with pytest.raises(CommandError, match="only a province's report"):
        export("--national", "--year", "2026", "--format", "docx", "--output", output)

    assert not output.exists()
