"""The checklist with no network at all, in a real headless Chromium: the service worker,
the queue kept in IndexedDB through a browser restart, photos that wait, an ended session,
two people on one phone, and a new deployment."""

import io
import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from PIL import Image

from agencies.models import Role
from agencies.tests.factories import make_agency, make_user
from inspections.models import Answer, Evidence
from inspections.tests.conftest import CHROMIUM_ARGS, chromium_path
from inspections.tests.factories import make_round
from inspections.tests.test_browser import PASSWORD, answers_by_code, choose, log_in

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
OFFLINE_PLAN = {
    "CB01": "conforming",
    "CB02": "not_applicable",
    "TC01": "partial",
    "CS01": "nonconforming",
    "MT01": "conforming",
}


def jpeg_bytes(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def png_bytes(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 240)).save(buffer, "PNG")
    return buffer.getvalue()


def checklist_url(live_server, inspection):
    return live_server.url + reverse("inspection_detail", args=[inspection.pk])


CACHE_CONTENTS = """async () => {
    const kept = {};
    for (const name of await caches.keys()) {
        kept[name] = (await (await caches.open(name)).keys()).map(request => request.url);
    }
    return {controlled: !!navigator.serviceWorker.controller, kept};
}"""


def cache_contents(page):
    return page.evaluate(CACHE_CONTENTS)


def wait_until_true(page, script, arg=None, timeout=15):
    """Poll an async page function (wait_for_function does not wait for promises)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"still false: {script}; {cache_contents(page)}"
        page.wait_for_timeout(100)


def wait_until_kept(page, path):
    """Until the service worker keeps `path` in a page cache (so it opens offline)."""
    wait_until_true(
        page,
        """async path => {
            for (const name of await caches.keys()) {
                if (name.startsWith('pages-') && await (await caches.open(name)).match(path)) {
                    return true;
                }
            }
            return false;
        }""",
        path,
    )


def wait_until_stored(page, count):
    page.wait_for_function(
        f"document.getElementById('checklist').dataset.stored === '{count}'", timeout=15000
    )


def wait_until_sent(page):
    page.wait_for_function(
        "(root => root.dataset.pending === '0' && root.dataset.stored === '0')"
        "(document.getElementById('checklist'))",
        timeout=20000,
    )


def open_checklist_and_keep_it(page, live_server, inspection):
    page.goto(checklist_url(live_server, inspection))
    wait_until_kept(page, reverse("inspection_detail", args=[inspection.pk]))


def add_photo(page, answer, name, content, mime, original=False):
    page.set_input_files(
        f"#file-{answer.pk}", files=[{"name": name, "mimeType": mime, "buffer": content}]
    )
    if original:
        page.check(f"#original-{answer.pk}")
    page.click(f"#criterion-{answer.pk} .evidence-form button")


def history_count(answer):
    return Answer.history.filter(id=answer.pk).count()


def test_checklist_opens_offline_and_keeps_answers_and_photos_through_a_browser_restart(
    live_server, browser, inspection, media, tmp_path
):
    profile = str(tmp_path / "profile")

    def launch():
        return browser.browser_type.launch_persistent_context(
            profile, executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS, **PHONE
        )

    context = launch()
    page = context.pages[0] if context.pages else context.new_page()
    log_in(page, live_server, "inspector-a")
    open_checklist_and_keep_it(page, live_server, inspection)
    answers = answers_by_code(inspection)

    # Saved elsewhere after the page was kept: a page from the network would show it.
    Answer.objects.filter(pk=answers["KP01"].pk).update(note="Đã sửa ở nơi khác", version=1)

    context.set_offline(True)
    page.reload()  # no network: the service worker opens the kept page
    assert page.input_value(f"#note-{answers['KP01'].pk}") == ""
    assert page.is_visible("#offline-banner")
    assert "Mất kết nối" in page.inner_text("#offline-banner")
    # The site's one date and time format: 21/11/2026 20:28, the date first.
    assert re.search(r"\b\d\d/\d\d/\d{4} \d\d:\d\d\b", page.inner_text("#offline-banner"))
    for code, result in OFFLINE_PLAN.items():
        choose(page, answers[code], result)
    big = jpeg_bytes(3000, 1500)
    original = png_bytes(2400, 1000)
    add_photo(page, answers["CB01"], "bien-ban.jpg", big, "image/jpeg")
    add_photo(page, answers["CS01"], "niem-yet.png", original, "image/png", original=True)
    wait_until_stored(page, 7)
    assert page.locator(".waiting-photo[data-state=waiting] img").count() == 2
    context.close()

    # The phone restarts, still with no network: everything is still waiting.
    context = launch()
    context.set_offline(True)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(checklist_url(live_server, inspection))
    wait_until_stored(page, 7)
    for code, result in OFFLINE_PLAN.items():
        assert page.is_checked(f"#result-{answers[code].pk}-{result}")
    assert page.locator(".waiting-photo[data-state=waiting] img").count() == 2
    assert "7" in page.inner_text("#sync-status")
    assert not Answer.objects.filter(pk__in=[a.pk for a in answers.values()]).exclude(result="")
    assert not Evidence.objects.exists()

    context.set_offline(False)
    wait_until_sent(page)
    context.close()

    for code, result in OFFLINE_PLAN.items():
        answer = Answer.objects.get(pk=answers[code].pk)
        assert answer.result == result
        assert history_count(answer) == 1  # each change applied exactly once
    scaled, kept = Evidence.objects.order_by("answer__criterion__order")
    assert (scaled.answer_id, kept.answer_id) == (answers["CB01"].pk, answers["CS01"].pk)
    assert scaled.key
    assert kept.key
    assert scaled.key != kept.key
    assert scaled.content_type == "image/jpeg"
    with scaled.file.open("rb") as handle:
        assert Image.open(handle).size == (2000, 1000)  # longest side scaled to 2,000 px
    with kept.file.open("rb") as handle:
        assert handle.read() == original  # the original, as asked


def expire_sessions():
    """The server forgets every session, as when a session times out."""
    Session.objects.all().delete()


def queue_offline(page, context, answers, plan):
    context.set_offline(True)
    for code, result in plan.items():
        choose(page, answers[code], result)
    wait_until_stored(page, len(plan))


def test_an_ended_session_pauses_the_queue_and_logging_in_in_place_sends_it(
    live_server, browser, inspection
):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, live_server, "inspector-a")
    page.goto(checklist_url(live_server, inspection))
    answers = answers_by_code(inspection)
    plan = {"CB01": "conforming", "TC01": "partial", "MT01": "nonconforming"}
    queue_offline(page, context, answers, plan)

    expire_sessions()
    context.set_offline(False)
    page.wait_for_selector("#login-dialog[open]")
    status = page.inner_text("#sync-status")
    assert "Phiên đăng nhập đã hết" in status
    assert "Đang gửi" not in status  # never "sending" while nothing can be sent
    assert not Answer.objects.exclude(result="").exists()

    page.fill("#login-password", PASSWORD)
    page.click("#login-form button:not([formmethod])")
    wait_until_sent(page)
    assert page.url == checklist_url(live_server, inspection)  # never left the page
    for code, result in plan.items():
        answer = Answer.objects.get(pk=answers[code].pk)
        assert (answer.result, answer.answered_by.username) == (result, "inspector-a")
        assert history_count(answer) == 1
    context.close()


def caches_of(page):
    return page.evaluate("caches.keys()")


def test_a_second_person_on_the_same_phone_never_sees_or_sends_the_first_ones_queue(
    live_server, browser, province_a, inspector_a, inspection
):
    colleague = make_user(Role.INSPECTOR, province_a, username="inspector-a2")
    inspection.inspectors.add(colleague)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, live_server, "inspector-a")
    open_checklist_and_keep_it(page, live_server, inspection)
    answers = answers_by_code(inspection)
    plan = {"CB01": "nonconforming", "TC01": "partial"}
    queue_offline(page, context, answers, plan)

    # The session ends and the colleague logs in on the same phone, in the dialog.
    expire_sessions()
    context.set_offline(False)
    page.wait_for_selector("#login-dialog[open]")
    page.fill("#login-username", "inspector-a2")
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button:not([formmethod])")
    page.wait_for_function(f"document.body.dataset.user === '{colleague.pk}'")
    wait_until_sent(page)
    assert not page.is_checked(f"#result-{answers['CB01'].pk}-nonconforming")
    assert "pages-" + str(inspector_a.pk) not in caches_of(page)
    assert not Answer.objects.exclude(result="").exists()  # nothing of the first one's sent

    # The colleague logs out: no pages stay kept. The first inspector's changes still wait
    # for them, and go when they log in again.
    page.click(".navbar-toggler")
    page.click("form.logout-form button")
    page.wait_for_url("**/accounts/login/**")
    assert not [name for name in caches_of(page) if name.startswith("pages-")]
    log_in(page, live_server, "inspector-a")
    page.goto(checklist_url(live_server, inspection))
    wait_until_sent(page)
    for code, result in plan.items():
        answer = Answer.objects.get(pk=answers[code].pk)
        assert (answer.result, answer.answered_by) == (result, inspector_a)
        assert history_count(answer) == 1
    context.close()


def test_download_for_offline_work_keeps_every_checklist_of_the_round(
    live_server, browser, province_a, inspector_a
):
    agencies = [make_agency(province_a, code=f"33-X{n}", name=f"UBND xã số {n}") for n in (1, 2, 3)]
    round_ = make_round(province_a, agencies, inspectors=[inspector_a])
    never_opened = round_.inspections.get(agency=agencies[2])
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, live_server, "inspector-a")
    page.click(f".offline-download[data-round='{round_.pk}']:enabled")
    page.wait_for_selector(".download-result[data-done='3']")
    wait_until_kept(page, reverse("my_inspections"))

    context.set_offline(True)
    page.reload()
    assert page.locator(".list-group-item").count() == 3
    page.click("text=UBND xã số 3")
    page.wait_for_selector(f"#checklist[data-inspection='{never_opened.pk}'][data-pending='0']")
    assert page.is_visible("#offline-banner")
    context.close()


def test_a_new_deployment_replaces_the_files_kept_on_the_device(
    live_server, browser, settings, inspection
):
    settings.STATIC_VERSION = "release-1"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, live_server, "inspector-a")
    open_checklist_and_keep_it(page, live_server, inspection)
    # The device's copy of the script is the one that runs, even when it is outdated.
    page.evaluate(
        """async () => (await caches.open('static-release-1')).put(
            '/static/js/checklist.js',
            new Response('window.outdated = true;',
                         {headers: {'Content-Type': 'text/javascript'}}))"""
    )
    page.reload()
    assert page.evaluate("window.outdated") is True

    settings.STATIC_VERSION = "release-2"
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    wait_until_true(
        page,
        "caches.keys().then(names => names.includes('static-release-2')"
        " && !names.includes('static-release-1'))",
    )
    wait_until_kept(page, reverse("inspection_detail", args=[inspection.pk]))
    page.reload()
    assert page.evaluate("window.outdated") is None
    page.wait_for_selector("#checklist[data-pending='0']")  # the current script runs
    context.close()
