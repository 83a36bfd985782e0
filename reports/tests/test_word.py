"""reports/word.py: the Word file, laid out as the PDF, and readable by another office suite.

Figures of `hung_yen_2026` are worked out in reports/tests/conftest.py.
"""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from agencies.models import NATIONAL_SCOPE
from reports import builder
from reports.models import IssuingDetails
from reports.tests.factories import TODAY, YEAR
from reports.word import province_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def hung_yen_docx(hung_yen_2026):
    details = IssuingDetails.defaults(hung_yen_2026.province)
    details.signer_name = "Nguyễn Văn An"
    details.save()
    report = builder.province_report(hung_yen_2026.province, YEAR, today=TODAY, user=NATIONAL_SCOPE)
    return province_docx(report)


def all_paragraphs(document):
    """Body paragraphs and those inside tables, in reading order (header table first)."""
    texts = []
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            texts.append(
                "".join(node.text or "" for node in block.iter() if node.tag.endswith("}t"))
            )
        elif block.tag.endswith("}tbl"):
            for cell in block.iter():
                if cell.tag.endswith("}p"):
                    texts.append(
                        "".join(node.text or "" for node in cell.iter() if node.tag.endswith("}t"))
                    )
    return texts


def test_docx_has_the_administrative_layout_in_the_decrees_order(hung_yen_docx):
    texts = all_paragraphs(Document(io.BytesIO(hung_yen_docx)))

    in_order = [
        "UBND TỈNH HƯNG YÊN",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Kính gửi:",
        "I. THÔNG TIN CHUNG",
        "IV. KIẾN NGHỊ, ĐỀ XUẤT",
        "Nơi nhận:",
        "- Lưu: VT, TĐC.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn An",
        "PHỤ LỤC",
    ]
    positions = [texts.index(text) for text in in_order]
    assert positions == sorted(positions)
    assert any(text.startswith("Hưng Yên, ngày ") for text in texts)
    assert any(text.startswith("Số: ") and text.endswith("/BC-SKHCN") for text in texts)


def test_docx_uses_word_styles_and_real_tables(hung_yen_docx):
    document = Document(io.BytesIO(hung_yen_docx))

    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "I. THÔNG TIN CHUNG",
        "II. KẾT QUẢ KIỂM TRA",
        "III. TỒN TẠI, HẠN CHẾ",
        "IV. KIẾN NGHỊ, ĐỀ XUẤT",
    ]
    grids = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
    criteria = grids[0]
    assert [c.text for c in criteria.rows[1].cells][:4] == [
        "CB01",
        "Đã công bố HTQLCL phù hợp TCVN ISO 9001:2015",
        "4/5",
        "80%",
    ]
    appendix = grids[-1]
    assert [c.text for c in appendix.rows[4].cells] == [
        "4", "UBND xã Ân Thi", "Cấp xã", "1", "59,1", "Chưa đạt", "1",
    ]  # fmt: skip
    assert document.styles["Normal"].font.name == "Times New Roman"
    section = document.sections[0]
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert section.different_first_page_header_footer


def test_staff_download_the_word_file_from_the_report_page(client, staff_a, hung_yen_2026):
    client.force_login(staff_a)

    page = client.get(reverse("province_report"), {"year": YEAR})
    response = client.get(
        reverse("province_report_download", args=["docx"]), {"province": "33", "year": YEAR}
    )

    # The page prepares the Word file as a job; the direct download gives the same file.
    assert reverse("province_report_prepare", args=["docx"]) in page.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-iso-33-2026.docx"'
    assert "BÁO CÁO" in all_paragraphs(Document(io.BytesIO(response.content)))


def test_staff_of_another_province_get_404_for_the_word_file(client, staff_b, hung_yen_2026):
    client.force_login(staff_b)

    response = client.get(
        reverse("province_report_download", args=["docx"]), {"province": "33", "year": YEAR}
    )

    assert response.status_code == 404


def test_the_national_dashboard_has_no_word_file(client, viewer, three_provinces):
    client.force_login(viewer)

    response = client.get(reverse("national_report_download", args=["docx"]), {"year": YEAR})

    assert response.status_code == 404


def test_libreoffice_converts_the_docx_and_its_text_survives(hung_yen_docx, tmp_path):
    # The one slow test: a file another office suite opens is the point of the Word export.
    libreoffice = shutil.which("libreoffice")
    assert libreoffice, "LibreOffice is missing: .ci/run installs libreoffice-writer-nogui"
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(hung_yen_docx)

    subprocess.run(
        [libreoffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip

    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "bao-cao.pdf").pages)
    squashed = "".join(text.split())
    for words in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "BÁO CÁO",
                  "Kính gửi:", "Nơi nhận:", "Nguyễn Văn An", "UBND xã Bãi Sậy"]:  # fmt: skip
        assert "".join(words.split()) in squashed
