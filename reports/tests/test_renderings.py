"""The PDF (reports/pdf.py) and Excel (reports/excel.py) renderings of the report.

Figures of `hung_yen_2026` and `three_provinces` are worked out in reports/tests/conftest.py.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from weasyprint.formatting_structure.boxes import LineBox

from agencies.models import NATIONAL_SCOPE
from agencies.tests.factories import make_agency, make_province
from inspections.models import Inspection
from reports import builder
from reports.excel import national_workbook, province_workbook
from reports.models import IssuingDetails
from reports.narrative import province_narrative
from reports.pdf import STATIC_PREFIX, province_pdf_document, static_only_fetcher
from reports.pdf import province_pdf as render_province_pdf
from reports.tests.factories import (
    TITLES,
    TODAY,
    YEAR,
    add_finding,
    counted_round,
    inspection_of,
    populated_round,
    set_status,
)

A4_POINTS = (595.3, 841.9)  # 210 × 297 mm
FORMULA_STARTS = ("=", "+", "-", "@")


def pdf_pages(data):
    return PdfReader(io.BytesIO(data)).pages


def pdf_text(data):
    return "\n".join(page.extract_text() for page in pdf_pages(data))


def squash(text):
    """Text without whitespace: PDF extraction breaks lines and joins table cells freely."""
    return re.sub(r"\s+", "", text)


def page_size(page):
    return (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1))


def rows_of(sheet):
    """The table under the sheet's title row: its header first."""
    return list(sheet.iter_rows(min_row=2, values_only=True))


def province_workbook_of(province, year=YEAR, round_number=None):
    report = builder.province_report(province, year, round_number, today=TODAY, user=NATIONAL_SCOPE)
    return load_workbook(io.BytesIO(province_workbook(report)))


# PDF


@pytest.fixture
def signed_by(hung_yen_2026):
    """Issuing details as Hưng Yên's staff set them once."""
    details = IssuingDetails.defaults(hung_yen_2026.province)
    details.signer_name = "Nguyễn Văn An"
    details.save()
    return details


@pytest.fixture
def province_pdf(hung_yen_2026, signed_by, admin_client):
    response = admin_client.get(
        reverse("province_report_download", args=["pdf"]), {"province": "33", "year": YEAR}
    )
    assert response.status_code == 200
    return response.content


def test_province_pdf_is_on_a4_pages_numbered_at_the_top_from_page_two(province_pdf):
    pages = pdf_pages(province_pdf)

    assert province_pdf.startswith(b"%PDF")
    assert len(pages) >= 2
    assert all(page_size(page) == A4_POINTS for page in pages)
    assert "1" not in pages[0].extract_text().splitlines()
    for number, page in enumerate(pages[1:], start=2):
        assert str(number) in page.extract_text().splitlines()


def test_province_pdf_reads_as_an_administrative_document_in_the_decrees_order(province_pdf):
    text = squash(pdf_text(province_pdf))

    in_order = [
        "UBND TỈNH HƯNG YÊN",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/BC-SKHCN",
        "BÁO CÁO",
        "Kết quả kiểm tra việc áp dụng, duy trì và cải tiến HTQLCL",
        "Kính gửi:",
        "- Ủy ban nhân dân tỉnh Hưng Yên;",
        "I. THÔNG TIN CHUNG",
        "II. KẾT QUẢ KIỂM TRA",
        "III. TỒN TẠI, HẠN CHẾ",
        "IV. KIẾN NGHỊ, ĐỀ XUẤT",
        "Nơi nhận:",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn An",
        "PHỤ LỤC",
    ]
    positions = [text.find(squash(words)) for words in in_order]
    assert -1 not in positions, [w for w, p in zip(in_order, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


def test_province_pdf_keeps_vietnamese_words_intact(province_pdf):
    text = re.sub(r"\s+", " ", pdf_text(province_pdf))

    for words in [
        "Hưng Yên, ngày",
        "Đạt yêu cầu",
        "UBND xã Ân Thi",
        "UBND xã Bãi Sậy",
        "Trong năm 2026, kiểm tra tại 05 cơ quan",
        "Kết quả xếp loại: 2/5 đơn vị xếp loại Tốt (40%); 1/5 đơn vị xếp loại Đạt yêu cầu (20%).",
    ]:
        assert words in text


def test_province_pdf_shows_each_criterion_with_its_tally_and_percent(province_pdf):
    text = squash(pdf_text(province_pdf))

    # code, title, N/M, %, partial, nonconforming: one table row, as in the hand-worked sums
    for code, tally, share, partial, nonconforming in [
        ("CB01", "4/5", 80, 0, 1),
        ("CB02", "1/2", 50, 1, 0),
        ("HS01", "3/5", 60, 2, 0),
        ("KS01", "3/4", 75, 1, 0),
        ("KP01", "4/5", 80, 0, 1),
    ]:
        assert squash(f"{code}{TITLES[code]}{tally}{share}%{partial}{nonconforming}") in text


def test_province_pdf_appendix_lists_every_inspected_agency_with_score_rating_and_findings(
    province_pdf,
):
    appendix = squash(pdf_text(province_pdf).split("PHỤ LỤC", 1)[1])

    # No., agency, level, round, score, rating, open findings; Vietnamese order
    for row in [
        "1SởKhoahọcvàCôngnghệCấpsở,ngành,chicục195,5Tốt1",
        "2SởTưphápCấpsở,ngành,chicục186,4Đạtyêucầu1",
        "3UBNDphườngHồngChâuCấpxã1100,0Tốt0",
        "4UBNDxãÂnThiCấpxã159,1Chưađạt1",
        "5UBNDxãBãiSậyCấpxã159,1Chưađạt3",
    ]:
        assert row in appendix
    assert "ChicụcTiêuchuẩn" not in appendix  # returned: not counted


def test_province_pdf_embeds_liberation_serif_in_its_four_faces(province_pdf):
    fonts = set()
    for page in pdf_pages(province_pdf):
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))

    # Subset names look like "/XKQQSR+Liberation-Serif-Bold".
    assert {name.split("+")[-1] for name in fonts} == {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }


def test_province_pdf_loads_the_shipped_fonts_without_a_warning(hung_yen_2026, caplog):
    report = builder.province_report(hung_yen_2026.province, YEAR, today=TODAY, user=NATIONAL_SCOPE)

    render_province_pdf(report)

    assert [r.getMessage() for r in caplog.records if "Font-face" in r.getMessage()] == []


def emptiest_page_share(document):
    """Of every page but the last, the largest share of the page body left empty below the
    last line of text, measured on WeasyPrint's laid-out boxes."""
    shares = []
    for page in document.pages[:-1]:
        box = page._page_box
        top, height = box.content_box_y(), box.height
        bottoms = [
            line.position_y + line.height
            for line in box.descendants()
            if isinstance(line, LineBox) and line.position_y >= top
        ]
        shares.append(1 - (max(bottoms) - top) / height)
    return max(shares, default=0)


@pytest.mark.parametrize("agencies", [5, 40])
def test_no_pdf_page_but_the_last_is_more_than_half_empty(province_a, agencies):
    populated_round(province_a, agencies)
    report = builder.province_report(province_a, YEAR, today=TODAY, user=NATIONAL_SCOPE)

    document = province_pdf_document(report)

    assert len(document.pages) >= 3
    assert emptiest_page_share(document) < 0.5


def test_pdf_of_an_empty_year_renders_and_says_nothing_was_submitted(hung_yen_2026, admin_client):
    response = admin_client.get(
        reverse("province_report_download", args=["pdf"]), {"province": "33", "year": 2030}
    )

    text = pdf_text(response.content)
    assert "Không có phiếu kiểm tra nào được gửi hoặc phê duyệt trong năm 2030." in text
    assert "BÁO CÁO" in text
    assert "PHỤ LỤC" not in text


def test_national_pdf_is_a4_landscape_with_a_row_per_province(three_provinces, admin_client):
    response = admin_client.get(reverse("national_report_download", args=["pdf"]), {"year": YEAR})

    pages = pdf_pages(response.content)
    assert response.content.startswith(b"%PDF")
    assert all(page_size(page) == A4_POINTS[::-1] for page in pages)
    text = squash(pdf_text(response.content))
    for name in ("Thành phố Hà Nội", "Thành phố Hồ Chí Minh", "Hưng Yên", "Trang 1/"):
        assert squash(name) in text
    # Hưng Yên: 8 agencies, 5 inspected, 40% good, 20% meets, 40% not yet meeting,
    # 6 open findings (the overdue column depends on the real date), adoption 6/8.
    assert re.search(r"HưngYên8540%20%40%6\d6/8\(75%\)", text)


# The URL fetcher


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://" + str(Path(settings.BASE_DIR) / "static" / "fonts" / "DejaVuSans.ttf"),
        "https://example.com/static/fonts/DejaVuSans.ttf",
        "http://report.invalid/static/fonts/DejaVuSans.ttf",
        "https://report.invalid/media/evidence/1/a.pdf",
        "https://report.invalid/staticfonts/DejaVuSans.ttf",
        STATIC_PREFIX + "../compliance/settings.py",
        STATIC_PREFIX + "fonts/../../compliance/settings.py",
        STATIC_PREFIX + "fonts/../fonts/DejaVuSans.ttf",
        STATIC_PREFIX + "fonts/no-such-font.ttf",
    ],
)
def test_static_only_fetcher_refuses_anything_but_project_static_files(url):
    with pytest.raises(ValueError, match="blocked|no such static file"):
        static_only_fetcher().fetch(url)


def test_static_only_fetcher_refuses_an_absolute_path_under_the_static_prefix():
    with pytest.raises((ValueError, SuspiciousFileOperation)):
        static_only_fetcher().fetch(STATIC_PREFIX + "/etc/passwd")


def test_static_only_fetcher_serves_the_shipped_font():
    url = STATIC_PREFIX + "fonts/LiberationSerif-Regular.ttf"

    response = static_only_fetcher().fetch(url)

    font = Path(settings.BASE_DIR) / "static" / "fonts" / "LiberationSerif-Regular.ttf"
    assert response.read() == font.read_bytes()
    assert response.content_type.endswith("ttf")
    assert response.url == url


# Excel: province workbook


def test_province_workbook_has_a_sheet_per_section_with_vietnamese_names_and_frozen_headers(
    hung_yen_2026,
):
    book = province_workbook_of(hung_yen_2026.province)

    assert book.sheetnames == [
        "Đợt kiểm tra",
        "Tiêu chí",
        "Xếp loại",
        "Điểm chưa phù hợp",
        "Công bố áp dụng",
        "Nhận định chung",
    ]
    assert [book[name].freeze_panes for name in book.sheetnames] == ["A3"] * 6


def test_criteria_sheet_matches_the_hand_worked_tallies_cell_by_cell(hung_yen_2026):
    sheet = province_workbook_of(hung_yen_2026.province)["Tiêu chí"]

    rows = rows_of(sheet)
    assert rows[0] == (
        "Mã",
        "Tiêu chí",
        "Đạt",
        "Áp dụng",
        "Tỷ lệ đạt",
        "Đạt một phần",
        "Không đạt",
        "Không áp dụng",
    )
    # code, conforming, applicable, share, partial, nonconforming, not applicable
    expected = [
        ("CB01", 4, 5, 0.8, 0, 1, 0),
        ("CB02", 1, 2, 0.5, 1, 0, 3),
        ("TC01", 5, 5, 1, 0, 0, 0),
        ("CS01", 5, 5, 1, 0, 0, 0),
        ("MT01", 3, 5, 0.6, 0, 2, 0),
        ("RR01", 4, 5, 0.8, 0, 1, 0),
        ("QT01", 5, 5, 1, 0, 0, 0),
        ("HS01", 3, 5, 0.6, 2, 0, 0),
        ("KS01", 3, 4, 0.75, 1, 0, 1),
        ("DG01", 3, 5, 0.6, 0, 2, 0),
        ("XX01", 3, 5, 0.6, 0, 2, 0),
        ("KP01", 4, 5, 0.8, 0, 1, 0),
    ]
    assert len(rows) == 1 + len(expected)
    for row, (code, conforming, applicable, share, partial, nonconforming, na) in zip(
        rows[1:], expected, strict=True
    ):
        assert row[0] == code
        assert row[1] == TITLES[code]
        assert row[2:4] == (conforming, applicable)
        assert row[4] == pytest.approx(share)
        assert row[5:] == (partial, nonconforming, na)


def test_counts_are_number_cells_and_shares_are_fractions_shown_as_whole_percents(
    hung_yen_2026,
):
    book = province_workbook_of(hung_yen_2026.province)

    criteria = book["Tiêu chí"]
    for row in criteria.iter_rows(min_row=3):
        for cell in (row[2], row[3], row[5], row[6], row[7]):
            assert type(cell.value) is int, cell.coordinate
        assert isinstance(row[4].value, float | int)
        assert row[4].number_format == "0%"
    assert criteria["E3"].value == pytest.approx(0.8)  # CB01 4/5
    assert criteria["E11"].value == pytest.approx(0.75)  # KS01 3/4
    for name, column in [("Xếp loại", "C"), ("Công bố áp dụng", "D")]:
        sheet = book[name]
        assert sheet[f"{column}3"].number_format == "0%"
        assert type(sheet["B3"].value) is int


def test_ratings_sheet_gives_counts_shares_and_the_agencies_not_yet_meeting(hung_yen_2026):
    sheet = province_workbook_of(hung_yen_2026.province)["Xếp loại"]

    rows = rows_of(sheet)
    assert rows[0] == ("Xếp loại", "Cơ quan", "Tỷ lệ")
    assert [row[:2] for row in rows[1:5]] == [
        ("Tốt", 2),
        ("Đạt yêu cầu", 1),
        ("Chưa đạt", 2),
        ("Tổng số được xếp loại", 5),
    ]
    assert [row[2] for row in rows[1:5]] == [pytest.approx(0.4), pytest.approx(0.2),
                                             pytest.approx(0.4), None]  # fmt: skip
    assert [row[0] for row in rows[6:]] == [
        "Chưa đạt yêu cầu",
        "UBND xã Ân Thi",
        "UBND xã Bãi Sậy",
    ]


def test_findings_sheet_gives_open_overdue_submitted_and_verified_per_agency(hung_yen_2026):
    sheet = province_workbook_of(hung_yen_2026.province)["Điểm chưa phù hợp"]

    # agency, open, overdue, awaiting verification, verified, not yet approved
    # (TODAY = 2026-06-15); the criteria codes of each follow, then the agency code
    assert [row[:6] for row in rows_of(sheet)[1:]] == [
        ("Sở Khoa học và Công nghệ", 1, 0, 0, 0, 0),
        ("Sở Tư pháp", 1, 1, 1, 0, 0),
        ("UBND xã Ân Thi", 1, 1, 0, 0, 0),
        ("UBND xã Bãi Sậy", 3, 1, 1, 1, 0),
        ("Tổng cộng", 6, 3, 2, 1, 0),
    ]


def test_adoption_sheet_gives_coverage_by_level_and_by_applicability(hung_yen_2026):
    sheet = province_workbook_of(hung_yen_2026.province)["Công bố áp dụng"]

    rows = rows_of(sheet)[1:]
    assert [row[:3] for row in rows] == [
        ("Cấp tỉnh", 1, 1),
        ("Cấp sở, ngành, chi cục", 3, 3),
        ("Cấp xã", 2, 4),
        ("Bắt buộc", 4, 4),
        ("Khuyến khích", 2, 4),
        ("Tổng cộng", 6, 8),
        ("tính đến ngày 31/12/2026", None, None),  # the registry as at the period's end
    ]
    assert [row[3] for row in rows[:-1]] == pytest.approx([1, 1, 0.5, 1, 0.5, 0.75])


def test_rounds_sheet_gives_the_decision_and_agencies_by_level_in_the_pages_order(
    hung_yen_2026,
):
    sheet = province_workbook_of(hung_yen_2026.province)["Đợt kiểm tra"]

    rows = rows_of(sheet)
    assert rows[1] == (
        1,
        "Kiểm tra việc áp dụng HTQLCL năm 2026",
        "125/QĐ-SKHCN",
        datetime.datetime(2026, 3, 2),
        "QD19-2015 v1",
    )
    assert sheet["D3"].number_format == "DD/MM/YYYY"
    # As on the page and in the narrative: department level before communes.
    assert [row[:2] for row in rows[3:]] == [
        ("Cấp", "Số cơ quan được kiểm tra"),
        ("Cấp sở, ngành, chi cục", 2),
        ("Cấp xã", 3),
        ("Tổng cộng", 5),
        ("Chưa hoàn thành (không tính)", 2),
    ]


def test_summary_sheet_holds_the_narrative(hung_yen_2026):
    sheet = province_workbook_of(hung_yen_2026.province)["Nhận định chung"]

    report = builder.province_report(hung_yen_2026.province, YEAR, today=TODAY, user=NATIONAL_SCOPE)
    assert [row[0] for row in rows_of(sheet)] == ["Nhận định chung", *province_narrative(report)]


def test_workbook_of_an_empty_year_has_headers_and_no_shares(hung_yen_2026):
    book = province_workbook_of(hung_yen_2026.province, year=2030)

    assert rows_of(book["Tiêu chí"])[1:] == []
    assert rows_of(book["Xếp loại"])[1:5] == [
        ("Tốt", 0, None),
        ("Đạt yêu cầu", 0, None),
        ("Chưa đạt", 0, None),
        ("Tổng số được xếp loại", 0, None),
    ]
    assert [row[:6] for row in rows_of(book["Điểm chưa phù hợp"])[1:]] == [
        ("Tổng cộng", 0, 0, 0, 0, 0)
    ]


@pytest.fixture
def formula_names(province_a):
    """Agencies and a round whose user-typed text would start a formula in Excel."""
    names = [
        '=HYPERLINK("http://attacker.invalid","Bấm vào đây")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
    ]
    agencies = [make_agency(province_a, name=name) for name in names]
    round_ = counted_round(province_a, agencies, title="=1+1", decision_number="-12/QĐ", number=1)
    for agency in agencies:
        inspection = inspection_of(round_, agency)
        set_status(inspection, Inspection.Status.APPROVED, Inspection.Rating.NOT_MEETING, 10)
        add_finding(inspection, "CB01", datetime.date(2026, 7, 1))
    return names


def string_cells(book):
    return [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def test_no_cell_starts_a_formula_and_agency_names_keep_a_leading_apostrophe(
    formula_names, province_a
):
    book = province_workbook_of(province_a)

    values = string_cells(book)
    assert [v for v in values if v.startswith(FORMULA_STARTS)] == []
    for name in formula_names:
        assert "'" + name in values
    findings = [row[0] for row in rows_of(book["Điểm chưa phù hợp"])[1:-1]]
    assert sorted(findings) == sorted("'" + name for name in formula_names)
    assert "'=1+1" in values
    assert "'-12/QĐ" in values


# Excel: national workbook


def test_national_workbook_has_one_row_per_province_with_numbers_and_shares(three_provinces):
    report = builder.national_report(YEAR, today=TODAY, user=NATIONAL_SCOPE)
    book = load_workbook(io.BytesIO(national_workbook(report)))

    assert book.sheetnames == ["Tỉnh, thành phố", "Tiêu chí"]
    sheet = book["Tỉnh, thành phố"]
    assert sheet.freeze_panes == "A3"
    rows = rows_of(sheet)
    assert len(rows) == 1 + 3
    # code, name, agencies, announced, adoption, inspected, not finished, good, good %,
    # meets, meets %, not meeting, not meeting %, open, overdue
    assert rows[1] == pytest.approx(
        ("01", "Thành phố Hà Nội", 3, 1, 1 / 3, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1)
    )
    assert rows[2] == (
        "79", "Thành phố Hồ Chí Minh", 0, 0, None, 0, 0, 0, None, 0, None, 0, None, 0, 0
    )  # fmt: skip
    assert rows[3] == pytest.approx(
        ("33", "Hưng Yên", 8, 6, 0.75, 5, 2, 2, 0.4, 1, 0.2, 2, 0.4, 6, 3)
    )
    for column in "CDFGHJLNO":
        assert type(sheet[f"{column}5"].value) is int
    for column in "EIKM":
        assert sheet[f"{column}5"].number_format == "0%"
    criteria = rows_of(book["Tiêu chí"])
    assert criteria[1][:5] == pytest.approx(("CB01", TITLES["CB01"], 5, 6, 5 / 6))


def test_national_workbook_escapes_a_province_name_that_would_start_a_formula(db):
    make_province("99", "@Tỉnh thử nghiệm")
    report = builder.national_report(YEAR, today=TODAY, user=NATIONAL_SCOPE)
    book = load_workbook(io.BytesIO(national_workbook(report)))

    values = string_cells(book)
    assert "'@Tỉnh thử nghiệm" in values
    assert [v for v in values if v.startswith(FORMULA_STARTS)] == []
