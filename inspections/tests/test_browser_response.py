"""The agency's response link in a real headless Chromium on a 360 px phone, with no account:
a corrective action with a photo goes in, and the page never leaks its URL as a Referer."""

import pytest
from django.urls import reverse

from inspections import services
from inspections.history import finding_history
from inspections.models import Finding
from inspections.tests.test_browser_offline import png_bytes
from inspections.tests.test_corrective_actions import approve_with_finding

pytestmark = [pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def link_url(live_server, inspection, inspector_a, staff_a):
    finding = approve_with_finding(inspection, inspector_a, staff_a)
    _link, token = services.response_link_issue(inspection=inspection, user=staff_a)
    return finding, live_server.url + reverse("response_page", args=[token])


def test_the_agency_answers_a_finding_with_a_photo_on_a_phone(phone, link_url, media, staff_a):
    finding, url = link_url
    page = phone.new_page()  # a fresh context: no session, as in a private window

    opened = page.goto(url)
    assert opened.status == 200
    assert opened.headers["referrer-policy"] == "no-referrer"
    assert page.evaluate("document.documentElement.clientWidth") == 360
    assert page.evaluate(FITS)
    section = f"#finding-{finding.pk}"
    assert "DG01" in page.inner_text(section)
    assert "Chưa đánh giá nội bộ" in page.inner_text(section)

    prefix = f"#id_f{finding.pk}-"
    page.fill(prefix + "root_cause", "Chưa phân công người đánh giá nội bộ")
    page.fill(prefix + "action_taken", "Đã ban hành kế hoạch và thực hiện đánh giá nội bộ")
    photo = {"name": "anh-danh-gia.png", "mimeType": "image/png", "buffer": png_bytes(64, 48)}
    page.set_input_files(prefix + "files", photo)
    with page.expect_response(lambda response: "sent=1" in response.url) as received:
        page.click(f"{section} button")

    assert received.value.headers["referrer-policy"] == "no-referrer"
    assert "Xin cảm ơn: đã nhận hồ sơ khắc phục" in page.inner_text("[role=status]")
    assert page.locator(section).count() == 0  # nothing more awaits action here
    assert page.evaluate(FITS)
    stored = Finding.objects.get(pk=finding.pk)
    assert (stored.status, stored.submitted_via_link) == ("submitted", True)
    assert stored.root_cause == "Chưa phân công người đánh giá nội bộ"
    (photo_file,) = stored.files.all()
    assert (photo_file.original_name, photo_file.content_type) == ("anh-danh-gia.png", "image/png")
    assert photo_file.link is not None
    assert finding_history(stored)[0].after == str(Finding.Status.SUBMITTED.label)

    # Staff return it with a reason; the same link shows the reason and takes the answer again.
    services.finding_return(finding=stored, user=staff_a, reason="Ảnh chưa thể hiện biên bản")
    page.goto(url)
    assert "Ảnh chưa thể hiện biên bản" in page.inner_text(section)
    assert page.evaluate(FITS)
    page.fill(prefix + "root_cause", "Chưa phân công người đánh giá nội bộ")
    page.fill(prefix + "action_taken", "Đã gửi bổ sung biên bản họp đánh giá nội bộ")
    with page.expect_response(lambda response: "sent=1" in response.url):
        page.click(f"{section} button")
    assert page.locator("[role=status]").count() == 1
    stored = Finding.objects.get(pk=finding.pk)
    assert (stored.status, stored.action_taken) == (
        "submitted",
        "Đã gửi bổ sung biên bản họp đánh giá nội bộ",
    )
