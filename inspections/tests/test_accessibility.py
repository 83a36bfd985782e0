"""axe-core on every main page, as each role, on a desktop and on a 360 px phone.

Fails on any serious or critical violation (colour contrast below WCAG AA, a control
without a name, ...). axe-core is a vendored file used by this test only
(compliance/tests/vendor). One browser; one context per role and screen size, logged in
by its session cookie.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Role
from agencies.tests.factories import make_agency, make_user
from inspections import services
from inspections.models import Finding
from inspections.tests.factories import answer_all, answer_of, make_round

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(settings.BASE_DIR) / "compliance" / "tests" / "vendor" / "axe-core-4.10.3" / "axe.min.js"
SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + " (" + v.impact + "): " +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " " + (n.any[0] || {}).message)
        .join(" | "));
}"""


def build_site(province, staff, inspector):
    """A round with every state a page can show: drafts, a submitted checklist awaiting
    review, an approved one with findings (one overdue)."""
    today = timezone.localdate()
    agencies = [
        make_agency(province, name="Sở Nội vụ tỉnh Hưng Yên"),
        make_agency(province, name="Sở Tư pháp tỉnh Hưng Yên"),
        make_agency(
            province,
            name="UBND xã Tân Hưng",
            code="12345",
            level=Agency.Level.COMMUNE,
            applicability=Agency.Applicability.ENCOURAGED,
        ),
        make_agency(province, name="Sở Y tế tỉnh Hưng Yên"),
    ]
    round_ = make_round(province, agencies, inspectors=[inspector], year=today.year, number=1)
    draft, submitted, approved, _untouched = round_.inspections.order_by("agency__sort_key")
    answer_all(draft, inspector)
    for inspection in (submitted, approved):
        answer_all(inspection, inspector)
        for code, result in (("CS01", "partial"), ("HS01", "nonconforming")):
            answer = answer_of(inspection, code)
            services.answer_save(
                answer=answer,
                user=inspector,
                result=result,
                note="Chưa đạt",
                base_version=answer.version,
            )
        services.inspection_submit(inspection=inspection, user=inspector)
    approved.refresh_from_db()
    services.inspection_approve(
        inspection=approved,
        user=staff,
        version=approved.version,
        today=today - datetime.timedelta(days=40),
    )
    finding = Finding.objects.filter(inspection=approved).first()
    return {
        "round": round_,
        "draft": draft,
        "submitted": submitted,
        "finding": finding,
        "agency": agencies[0],
    }


def pages_for(role, site):
    round_page = reverse("round_detail", args=[site["round"].pk])
    agency_page = reverse("agency_detail", args=[site["agency"].code])
    if role == "staff":
        return [
            reverse("home"),
            reverse("round_list"),
            round_page + "?state=overdue",
            reverse("round_create"),
            reverse("inspection_detail", args=[site["submitted"].pk]),
            reverse("finding_detail", args=[site["finding"].pk]),
            reverse("round_import", args=[site["round"].pk]),
            reverse("province_report"),
            reverse("agency_list"),
            agency_page,
            "/no-such-page/",
        ]
    if role == "inspector":
        return [
            reverse("my_inspections"),
            reverse("inspection_detail", args=[site["draft"].pk]),
            reverse("inspection_detail", args=[site["submitted"].pk]),
        ]
    if role == "viewer":
        return [
            reverse("national_report"),
            reverse("province_report") + "?province=33",
            round_page,
            reverse("agency_list"),
        ]
    # The administrator's pages are the viewer's; its menu has more entries.
    return [reverse("national_report"), reverse("round_list"), agency_page]


def session_cookie(user, live_server):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": session.session_key,
        "url": live_server.url,
    }


def violations_on(context, live_server, paths):
    found = []
    page = context.new_page()
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status in (200, 404), (path, response.status)
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            # On a phone the menu is folded away: open it, so its links are checked too.
            toggler.click()
            page.wait_for_selector("#nav.show")
        page.add_script_tag(path=str(AXE))
        found += [f"{path}: {line}" for line in page.evaluate(RUN_AXE)]
    page.close()
    return found


def test_no_serious_accessibility_violation_on_any_main_page(
    live_server, browser, province_a, staff_a, inspector_a
):
    site = build_site(province_a, staff_a, inspector_a)
    users = {
        "staff": staff_a,
        "inspector": inspector_a,
        "viewer": make_user(Role.NATIONAL_VIEWER, username="viewer-x"),
        "admin": make_user(Role.ADMIN, username="admin-x"),
    }
    found = []
    for size, options in SIZES.items():
        anonymous = browser.new_context(**options)
        found += [
            f"{size} anonymous {line}"
            for line in violations_on(anonymous, live_server, [reverse("login")])
        ]
        anonymous.close()
        for role, user in users.items():
            context = browser.new_context(**options)
            context.add_cookies([session_cookie(user, live_server)])
            lines = violations_on(context, live_server, pages_for(role, site))
            found += [f"{size} {role} {line}" for line in lines]
            context.close()
    assert found == []
