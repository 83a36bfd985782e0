"""Every page of the admin's agency import and export, read in Vietnamese: no English left
(the library's own words, Django admin's, the site name), the uploaded file named as the
user named it, blank cells blank, problems written beside their rows."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.tests.factories import make_agency
from jobs.models import Job

pytestmark = pytest.mark.django_db

FILE_NAME = "Danh sách Hưng Yên 2026.csv"
HEADER = ["code", "name", "level", "province_code", "iso_version", "announced_on", "contact_name"]

# What django-import-export and Django's admin write when a translation is missing.
ENGLISH = [
    "Below is a preview",
    "Confirm import",
    "Submit",
    "SUBMIT",
    "Some rows failed to validate",
    "This importer will import",
    "This exporter will export",
    "File to import",
    "Import",
    "Export",
    "EXPORT",
    "Format",
    "Resource",
    "Select all",
    "Preview",
    "Changed rows",
    "Unchanged",
    "Line number",
    "Errors",
    "Skip to main content",
    "Toggle theme",
    "Toggle navigation",
    "Breadcrumbs",
    "Sidebar",
    "Filter navigation items",
    "Models in the",
    "Model name",
    "Add link",
    "Change or view list link",
    "Select this object",
    "Select all objects",
    "Django",
    "None",
    "Province Code",
    "Iso Version",
    "Announced On",
]


class _ReadText(HTMLParser):
    """What a person reads or hears: text outside scripts and styles, and the attributes
    that are shown or spoken (button values, placeholders, titles, labels)."""

    SPOKEN = {"placeholder", "title", "aria-label", "alt"}

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [value for name, value in attrs.items() if name in self.SPOKEN and value]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def read_text(response):
    assert response.status_code == 200
    reader = _ReadText()
    reader.feed(response.content.decode())
    return "\n".join(reader.parts)


def english_left(text):
    return [word for word in ENGLISH if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


@pytest.fixture
def vi_admin(client, admin_user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(admin_user)
    return client


def upload(rows, name=FILE_NAME):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([HEADER, *rows])
    return SimpleUploadedFile(name, buffer.getvalue().encode(), "text/csv")


def post_upload(client, file):
    response = client.post(
        reverse("admin:agencies_agency_import"),
        {"resource": "0", "format": "1", "import_file": file},
    )
    assert response.status_code == 302
    return response.url


def job_of(url):
    return Job.objects.get(pk=int(url.rstrip("/").rsplit("/", 1)[1]))


def assert_vietnamese(text, *expected):
    assert english_left(text) == []
    for words in expected:
        assert words in text


def test_the_whole_import_reads_in_vietnamese(vi_admin, provinces):
    make_agency(provinces[0], code="33-STP", name="Sở Tư pháp cũ", contact_name="Nguyễn Văn A")
    changelist = vi_admin.get(reverse("admin:agencies_agency_changelist"))
    assert_vietnamese(read_text(changelist), "Quản lý kiểm tra ISO 9001", "Nhập", "Xuất")

    form = vi_admin.get(reverse("admin:agencies_agency_import"))
    assert_vietnamese(
        read_text(form),
        "Tải lên và xem trước",
        "Tệp cần nhập",
        "Định dạng",
        "Excel (.xlsx)",
        "CSV (.csv, UTF-8)",
        "Các cột của tệp",
        "Tỉnh, thành phố",
        "ngày, dạng YYYY-MM-DD hoặc DD/MM/YYYY",
    )

    no_file = vi_admin.post(reverse("admin:agencies_agency_import"), {"resource": "0"})
    assert_vietnamese(read_text(no_file), "Trường này là bắt buộc.")

    rows = [
        ["33-STP", "Sở Tư pháp", "department", "33", "2015", "2024-05-01", ""],
        ["33-STC", "Sở Tài chính", "department", "33", "", "", ""],
    ]
    preview_job_page = post_upload(vi_admin, upload(rows))
    assert_vietnamese(
        read_text(vi_admin.get(preview_job_page)),
        f"Danh sách cơ quan: xem trước: {FILE_NAME}",
        "Xem kết quả",
    )

    preview = vi_admin.get(
        reverse("admin:agencies_agency_import_preview", args=[job_of(preview_job_page).pk])
    )
    text = read_text(preview)
    assert_vietnamese(
        text,
        f"Xem trước {FILE_NAME}",
        "Xác nhận nhập",
        "Các dòng thay đổi",
        "Ngày công bố",
        "01/05/2024",
        "Người liên hệ",
    )
    page = preview.content.decode()
    # A blank cell, before or after, is blank: not "None", not a dash.
    assert "<del></del> → <ins>2015</ins>" in page
    assert "<del>Nguyễn Văn A</del> → <ins></ins>" in page

    result_job_page = vi_admin.post(
        reverse("admin:agencies_agency_process_import"), {"job": job_of(preview_job_page).pk}
    ).url
    result = vi_admin.get(result_job_page)
    assert_vietnamese(
        read_text(result),
        f"Danh sách cơ quan: nhập: {FILE_NAME}",
        "Đã nhập: 1 mới, 1 thay đổi, 0 không đổi.",
        "Xem kết quả",
    )
    assert reverse("admin:agencies_agency_changelist") in result.content.decode()


def test_problems_are_written_beside_their_rows_in_vietnamese(vi_admin, provinces):
    rows = [
        ["33-A", "Sở A", "ministry", "33", "", "", ""],
        ["33-B", "Sở B", "department", "33", "", "31/02/2024", ""],
    ]
    job_page = post_upload(vi_admin, upload(rows, name="sai.csv"))

    preview = vi_admin.get(
        reverse("admin:agencies_agency_import_preview", args=[job_of(job_page).pk])
    )

    text = read_text(preview)
    assert_vietnamese(text, "Tệp có 2 lỗi", "Xem trước sai.csv")
    problems = re.findall(r"<li>(.*?)</li>", preview.content.decode().split("import-problems")[1])
    assert [problem.split(":")[0] for problem in problems] == [
        "Dòng 2, cột level",
        "Dòng 3, cột announced_on",
    ]
    # Text on the page, not a count in a badge that shows the message on hover.
    assert "validation-error-count" not in preview.content.decode()
    assert "Xác nhận nhập" not in text


def test_the_export_form_reads_in_vietnamese(vi_admin, provinces):
    response = vi_admin.get(reverse("admin:agencies_agency_export"))

    assert_vietnamese(
        read_text(response),
        "Sẽ xuất các cột sau",
        "Chọn tất cả",
        "Mã (code)",
        "Tỉnh, thành phố (province_code)",
        "Ngày công bố (announced_on)",
        "Excel (.xlsx)",
        "Gửi",
    )


def test_the_export_still_writes_the_files_columns(vi_admin, provinces):
    make_agency(provinces[0], code="33-STP", name="Sở Tư pháp")
    fields = {f"agencyresource_{column}": "on" for column in ["code", "name", "province_code"]}

    response = vi_admin.post(
        reverse("admin:agencies_agency_export"), {"resource": "0", "format": "1", **fields}
    )

    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[:2] == ["code,name,province_code", "33-STP,Sở Tư pháp,33"]


def test_the_checker_finds_english(vi_admin):
    """The English list is matched as words, so "Nhập" or a class name cannot hide one."""
    assert english_left("Xác nhận nhập\nConfirm import") == ["Confirm import"]
    assert english_left("import-summary export_link") == []
