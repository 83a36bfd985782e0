"""The admin's agency import on a 360 px phone, in a real headless Chromium: the upload
form and the preview fit the screen (no sideways scrolling of the page)."""

import pytest
from django.urls import reverse

from agencies.tests.factories import make_agency
from inspections.tests.test_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)

LONG_NAME = (
    "Trung tâm Phục vụ hành chính công và Kiểm soát thủ tục hành chính tỉnh Hưng Yên "
    "(cơ sở số hai, bộ phận tiếp nhận và trả kết quả)"
)


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_import_form_and_preview_fit_a_phone(phone, live_server, admin_user, province_a, tmp_path):
    make_agency(province_a, code="33-TTHCC", name="Trung tâm cũ")
    upload = tmp_path / "Danh sách cơ quan Hưng Yên.csv"
    upload.write_text(
        "code,name,level,province_code,announced_on,contact_email\n"
        f'33-TTHCC,"{LONG_NAME}",department,33,2024-05-01,'
        "bophanmotcuatrungtamphucvuhanhchinhcong@hungyen.gov.vn\n",
        encoding="utf-8",
    )
    page = phone.new_page()
    log_in(page, live_server, admin_user.username)

    page.goto(live_server.url + reverse("admin:agencies_agency_import"))
    assert page.is_visible("text=Các cột của tệp")
    assert page_width(page) <= 360

    page.set_input_files("#id_import_file", str(upload))
    # The file's extension chose the format.
    assert page.input_value("#id_format") == "1"
    page.click("input[type=submit]")
    page.wait_for_url("**/jobs/*/")
    page.click(".job-result")
    page.wait_for_selector("#total-changed")

    assert page.inner_text("#total-changed") == "1"
    assert page.is_visible(f"text={LONG_NAME}")
    assert page_width(page) <= 360

    # A file with problems: each is a line of text, and a long value wraps.
    bad = tmp_path / "sai.csv"
    bad.write_text(
        "code,name,level,province_code\n33-X,Sở X,capdonvihanhchinhkhongcotrongdanhmuc,33\n",
        encoding="utf-8",
    )
    page.goto(live_server.url + reverse("admin:agencies_agency_import"))
    page.set_input_files("#id_import_file", str(bad))
    page.click("input[type=submit]")
    page.wait_for_url("**/jobs/*/")
    page.click(".job-result")
    page.wait_for_selector(".import-problems")

    assert page.inner_text(".import-problems").startswith("Dòng 2, cột level:")
    assert page_width(page) <= 360
