"""Jobs in a real headless Chromium (shared with test_browser.py) and a real consumer: the
admin watches the progress bar of a 15,000-row import move to the preview, confirms, and a
report file's download appears."""

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from agencies.models import Agency
from inspections.tests.test_browser import log_in
from jobs.tests.conftest import live_queue  # noqa: F401  (a real consumer process)
from jobs.tests.test_consumer import agencies_csv

pytestmark = pytest.mark.django_db(transaction=True)


def seen_progress(page, until_url_part, timeout=120):
    """The progress bar's values, read until the browser leaves for `until_url_part`."""
    values = []
    for _ in range(timeout * 10):
        if until_url_part in page.url:
            return values
        try:
            bar = page.query_selector(".job-progress .progress")
            if bar:
                values.append(int(bar.get_attribute("aria-valuenow") or 0))
        except PlaywrightError:  # the page navigated between two reads
            continue
        page.wait_for_timeout(100)
    raise AssertionError(f"still on {page.url}; progress seen: {values[-5:]}")


@pytest.mark.parametrize("live_queue", ["sqlite"], indirect=True)
def test_admin_watches_an_import_and_downloads_a_report_file(
    live_queue,  # noqa: F811
    live_server,
    browser,
    admin_user,
    province_a,
    tmp_path,  # noqa: F811
):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server, admin_user.username)
    upload = tmp_path / "agencies.csv"
    upload.write_bytes(agencies_csv(15_000).read())

    page.goto(live_server.url + reverse("admin:agencies_agency_import"))
    page.select_option("#id_format", "1")
    page.set_input_files("#id_import_file", str(upload))
    page.click("input[type=submit]")
    page.wait_for_url("**/jobs/*/")
    values = seen_progress(page, "/admin/agencies/agency/import/")

    # The bar showed the import part-way, not only its start and end. How many steps it
    # shows depends on the machine's speed (the page asks every second): on a quiet
    # machine the whole import takes about two seconds.
    moving = sorted({v for v in values if 0 < v < 15_000})
    assert moving, values
    assert page.inner_text("#total-new") == "15000"
    page.click("input[value='Xác nhận nhập']")
    page.wait_for_url("**/jobs/*/")
    page.wait_for_selector(".job-message", timeout=120_000)
    assert "Đã nhập: 15000 mới" in page.inner_text(".job-message")
    assert Agency.objects.count() == 15_000

    page.goto(live_server.url + reverse("national_report"))
    page.click(f"form[action='{reverse('national_report_prepare', args=['xlsx'])}'] button")
    page.wait_for_selector(".job-download", timeout=60_000)
    with page.expect_download() as download:
        page.click(".job-download")
    assert download.value.suggested_filename.startswith("bao-cao-iso-toan-quoc-")
    context.close()
