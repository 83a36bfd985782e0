"""The new-round form in a real browser: ticks survive filter changes and the search box,
the count is always shown, and creating asks first."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from agencies.models import Agency
from agencies.tests.factories import make_agency
from inspections.default_checklist import ensure_default_checklist
from inspections.models import Checklist, Criterion, Round

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def checklist(db):
    # Transactional tests empty every table, the migrated default checklist included.
    ensure_default_checklist(Checklist, Criterion)


def logged_in(context, user, live_server):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def tick(page, agency):
    page.check(f"#agency-{agency.pk}")


def filter_by(page, selector, value):
    # Waits for htmx to have put the new list in place (and round-form.js to have restored
    # the ticks on htmx:afterSwap), not only for the response: htmx swaps after it arrives.
    page.evaluate(
        "() => { window.agencyListSettled = new Promise(resolve => document.body"
        ".addEventListener('htmx:afterSettle', resolve, {once: true})); }"
    )
    with page.expect_response(lambda r: "/rounds/new/agencies/" in r.url):
        page.select_option(selector, value)
    page.evaluate("window.agencyListSettled.then(() => true)")


def count_text(page):
    return page.inner_text("#agency-count")


def test_ticks_survive_two_filter_changes_and_a_search(live_server, phone, province_a, staff_a):
    department = make_agency(province_a, name="Sở Tư pháp tỉnh Hưng Yên")
    make_agency(province_a, name="Sở Y tế tỉnh Hưng Yên")
    commune = make_agency(
        province_a,
        name="UBND xã Tân Hưng",
        code="12345",
        level=Agency.Level.COMMUNE,
        applicability=Agency.Applicability.ENCOURAGED,
    )
    ward = make_agency(
        province_a, name="UBND phường Hiến Nam", code="12346", level=Agency.Level.COMMUNE
    )
    page = logged_in(phone, staff_a, live_server)
    page.goto(live_server.url + reverse("round_create"))
    assert count_text(page) == "Đã chọn 0 cơ quan"

    tick(page, department)
    filter_by(page, "#filter_level", "commune")
    assert page.locator(f"#agency-{department.pk}").count() == 0
    assert count_text(page) == "Đã chọn 1 cơ quan"
    tick(page, ward)
    filter_by(page, "#filter_applicability", "encouraged")
    tick(page, commune)
    assert count_text(page) == "Đã chọn 3 cơ quan"

    # Back to everything: all three still ticked, the fourth not.
    filter_by(page, "#filter_level", "")
    filter_by(page, "#filter_applicability", "")
    for agency in (department, commune, ward):
        assert page.is_checked(f"#agency-{agency.pk}")
    assert page.locator(".agency-choice:checked").count() == 3

    # The search box filters as one types, without accents, and keeps the ticks.
    with page.expect_response(lambda r: "q=tan" in r.url):
        page.fill("#agency-search", "tan hung")
    page.wait_for_function("document.querySelectorAll('.agency-choice').length === 1")
    assert page.is_checked(f"#agency-{commune.pk}")
    page.uncheck(f"#agency-{commune.pk}")
    assert count_text(page) == "Đã chọn 2 cơ quan"

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.click("#create-round")
    page.wait_for_url(lambda url: "/rounds/new/" not in url)

    assert questions == ["Tạo đợt kiểm tra với 2 cơ quan?"]
    round_ = Round.objects.get()
    assert {i.agency_id for i in round_.inspections.all()} == {department.pk, ward.pk}


def test_dismissing_the_question_creates_nothing_and_select_all_ticks_the_shown(
    live_server, laptop, province_a, staff_a
):
    communes = [
        make_agency(province_a, code=f"2000{n}", level=Agency.Level.COMMUNE) for n in range(3)
    ]
    department = make_agency(province_a)
    page = logged_in(laptop, staff_a, live_server)
    page.goto(live_server.url + reverse("round_create"))
    filter_by(page, "#filter_level", "commune")
    page.check("#select-all")
    assert count_text(page) == "Đã chọn 3 cơ quan"
    filter_by(page, "#filter_level", "")
    assert not page.is_checked(f"#agency-{department.pk}")
    assert all(page.is_checked(f"#agency-{c.pk}") for c in communes)

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#create-round")
    page.wait_for_timeout(300)
    assert Round.objects.count() == 0
    assert not page.is_disabled("#create-round")
