"""The inspector's and the reviewer's work in a real headless Chromium."""

from decimal import Decimal

import pytest
from django.urls import reverse

from inspections.models import Answer, Finding, Inspection

# staff_a reviews in the browser, logged in by name.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("staff_a")]

PASSWORD = "pw-for-tests-only"
PLAN = {
    # criterion code: (result, note)
    "CB01": ("conforming", ""),
    "CB02": ("not_applicable", ""),
    "TC01": ("conforming", ""),
    "CS01": ("partial", "Chưa niêm yết chính sách tại bộ phận một cửa"),
    "MT01": ("conforming", ""),
    "RR01": ("nonconforming", "Chưa xác định rủi ro, cơ hội"),
    "QT01": ("conforming", ""),
    "HS01": ("nonconforming", "Hồ sơ chưa sắp xếp"),
    "KS01": ("conforming", ""),
    "DG01": ("conforming", ""),
    "XX01": ("conforming", ""),
    "KP01": ("conforming", ""),
}


def log_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Đăng nhập')")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def answers_by_code(inspection):
    return {a.criterion.code: a for a in inspection.answers.select_related("criterion")}


def choose(page, answer, result):
    page.click(f"label[for='result-{answer.pk}-{result}']")


def wait_until_sent(page, inspection):
    """Until nothing waits for this inspection, on the page or in the device's storage."""
    page.wait_for_function(
        f"(root => root && root.dataset.inspection === '{inspection.pk}'"
        " && root.dataset.pending === '0' && root.dataset.stored === '0')"
        "(document.getElementById('checklist'))",
        timeout=15000,
    )


def fill_plan(page, inspection):
    answers = answers_by_code(inspection)
    for code, (result, note) in PLAN.items():
        choose(page, answers[code], result)
        if note:
            page.fill(f"#note-{answers[code].pk}", note)
            page.press(f"#note-{answers[code].pk}", "Tab")
    wait_until_sent(page, inspection)


def test_inspector_fills_on_a_phone_and_nothing_is_lost_on_reload(live_server, phone, inspection):
    page = phone.new_page()
    log_in(page, live_server, "inspector-a")
    assert page.url.endswith(reverse("my_inspections"))
    page.click("text=Sở Nội vụ tỉnh Hưng Yên")
    assert "0/12" in page.inner_text(".checklist-header")

    fill_plan(page, inspection)

    assert "12/12" in page.inner_text(".checklist-header")
    stored = {code: (a.result, a.note) for code, a in answers_by_code(inspection).items()}
    assert stored == PLAN
    page.reload()
    answers = answers_by_code(inspection)
    for code, (result, note) in PLAN.items():
        assert page.is_checked(f"#result-{answers[code].pk}-{result}")
        assert page.input_value(f"#note-{answers[code].pk}") == note
    # The page fits a 360 px screen: nothing forces sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_changes_made_offline_are_sent_once_when_the_network_returns(
    live_server, phone, inspection, settings
):
    # Every save its own history row, so the rows show each change arriving once, in order
    # (a burst on one criterion is otherwise one entry: test_history.py).
    settings.HISTORY_MERGE_MINUTES = 0
    page = phone.new_page()
    log_in(page, live_server, "inspector-a")
    page.goto(live_server.url + reverse("inspection_detail", args=[inspection.pk]))
    fill_plan(page, inspection)
    answers = answers_by_code(inspection)
    history_before = {
        code: Answer.history.filter(id=answers[code].pk).count() for code in ("CB01", "HS01")
    }

    phone.set_offline(True)
    choose(page, answers["CB01"], "partial")
    page.fill(f"#note-{answers['CB01'].pk}", "Quyết định công bố chưa gửi Sở KH&CN")
    page.fill(f"#note-{answers['HS01'].pk}", "Hồ sơ năm 2025 chưa có danh mục")
    # Both changes wait on the device (a note is queued once typing pauses).
    page.wait_for_function(
        "document.getElementById('checklist').dataset.stored === '2'"
        " && document.getElementById('sync-status').textContent.includes('Mất kết nối')"
    )
    assert Answer.objects.get(pk=answers["CB01"].pk).result == "conforming"

    phone.set_offline(False)
    wait_until_sent(page, inspection)

    cb01 = Answer.objects.get(pk=answers["CB01"].pk)
    hs01 = Answer.objects.get(pk=answers["HS01"].pk)
    assert (cb01.result, cb01.note) == ("partial", "Quyết định công bố chưa gửi Sở KH&CN")
    assert (hs01.result, hs01.note) == ("nonconforming", "Hồ sơ năm 2025 chưa có danh mục")
    # Each offline change reached the server exactly once, in the order it was made: the
    # choice first (it had been tried before the note was typed), then the note.
    cb01_history = Answer.history.filter(id=cb01.pk).order_by("history_date")
    assert cb01_history.count() == history_before["CB01"] + 2
    assert [(h.result, h.note) for h in cb01_history][-2:] == [
        ("partial", ""),
        ("partial", "Quyết định công bố chưa gửi Sở KH&CN"),
    ]
    assert Answer.history.filter(id=hs01.pk).count() == history_before["HS01"] + 1


def test_a_reload_before_changes_are_sent_puts_them_back_and_sends_them(
    live_server, phone_routed, inspection
):
    page = phone_routed.new_page()
    log_in(page, live_server, "inspector-a")
    url = live_server.url + reverse("inspection_detail", args=[inspection.pk])
    page.goto(url)
    answers = answers_by_code(inspection)
    # Saves fail (as on a connection that drops requests) while the page itself reloads.
    page.route("**/answers/**", lambda route: route.abort())
    choose(page, answers["MT01"], "nonconforming")
    page.fill(f"#note-{answers['MT01'].pk}", "Chưa ban hành mục tiêu năm 2026")
    page.wait_for_timeout(1000)
    page.reload()

    assert page.is_checked(f"#result-{answers['MT01'].pk}-nonconforming")
    assert page.input_value(f"#note-{answers['MT01'].pk}") == "Chưa ban hành mục tiêu năm 2026"
    assert Answer.objects.get(pk=answers["MT01"].pk).result == ""

    page.unroute("**/answers/**")
    wait_until_sent(page, inspection)
    mt01 = Answer.objects.get(pk=answers["MT01"].pk)
    assert (mt01.result, mt01.note) == ("nonconforming", "Chưa ban hành mục tiêu năm 2026")


def test_submit_return_correct_resubmit_and_approve_opens_findings(
    live_server, phone, laptop, inspection
):
    inspector = phone.new_page()
    log_in(inspector, live_server, "inspector-a")
    url = live_server.url + reverse("inspection_detail", args=[inspection.pk])
    inspector.goto(url)
    fill_plan(inspector, inspection)
    inspector.click("#submit-form button")
    inspector.wait_for_selector("text=Đã gửi để xem xét")
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.SUBMITTED
    # 8 conforming, 1 partial, 2 nonconforming, CB02 not applicable: 100 × 8.5 / 11
    assert (inspection.score, inspection.rating) == (Decimal("77.3"), "meets")

    staff = laptop.new_page()
    log_in(staff, live_server, "staff-a")
    staff.goto(url)
    staff.fill("#id_reason", "HS01: ghi rõ hồ sơ nào chưa sắp xếp")
    staff.click("button:has-text('Trả lại để sửa')")
    staff.wait_for_selector("text=Đã trả lại cho đoàn kiểm tra")
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.RETURNED

    inspector.reload()
    assert "HS01: ghi rõ hồ sơ nào chưa sắp xếp" in inspector.inner_text(".alert-warning")
    answers = answers_by_code(inspection)
    choose(inspector, answers["RR01"], "conforming")
    inspector.fill(f"#note-{answers['HS01'].pk}", "Hồ sơ TTHC năm 2025 chưa có mục lục")
    inspector.press(f"#note-{answers['HS01'].pk}", "Tab")  # leaving the field saves it
    wait_until_sent(inspector, inspection)
    inspector.click("#submit-form button")
    inspector.wait_for_selector("text=Đã gửi để xem xét")

    staff.reload()
    questions = []
    staff.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    staff.click("button:has-text('Phê duyệt')")
    staff.wait_for_selector("text=Đã phê duyệt")
    assert questions == ["Phê duyệt sẽ mở 2 điểm chưa phù hợp, thời hạn 30 ngày. Phê duyệt?"]
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.APPROVED
    findings = Finding.objects.filter(inspection=inspection).select_related("answer__criterion")
    assert sorted(f.answer.criterion.code for f in findings) == ["CS01", "HS01"]
    assert "HS01" in staff.inner_text("#findings-title + ul")

    inspector.reload()
    assert inspector.locator("#submit-form").count() == 0
    assert inspector.is_disabled(f"#result-{answers['KP01'].pk}-conforming")


def test_a_save_whose_reply_was_lost_is_not_mistaken_for_a_conflict(
    live_server, phone_routed, inspection, settings
):
    settings.HISTORY_MERGE_MINUTES = 0  # every save its own history row, counted below
    page = phone_routed.new_page()
    log_in(page, live_server, "inspector-a")
    page.goto(live_server.url + reverse("inspection_detail", args=[inspection.pk]))
    answers = answers_by_code(inspection)
    cb01 = answers["CB01"]
    lost = []

    def reach_server_then_drop_the_reply(route):
        if not lost:
            route.fetch()  # the server applies the change...
            lost.append(True)
            route.abort()  # ...but the phone never hears back
        else:
            route.continue_()

    page.route("**/answers/**", reach_server_then_drop_the_reply)
    choose(page, cb01, "partial")
    page.wait_for_function("document.querySelector('[data-state=offline]') !== null")
    assert Answer.objects.get(pk=cb01.pk).result == "partial"
    page.fill(f"#note-{cb01.pk}", "Chưa gửi quyết định công bố")
    page.press(f"#note-{cb01.pk}", "Tab")
    wait_until_sent(page, inspection)

    saved = Answer.objects.get(pk=cb01.pk)
    assert (saved.result, saved.note) == ("partial", "Chưa gửi quyết định công bố")
    assert Answer.history.filter(id=cb01.pk).count() == 2  # each change applied once
    assert saved.version == 2
    assert page.get_attribute(f"#criterion-{cb01.pk}", "data-state") == "saved"
