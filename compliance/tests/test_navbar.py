"""The navigation bar is kept once rendered: each request still gets its own values."""

import re

import pytest
from django.template.loader import get_template
from django.urls import reverse

from agencies.models import Role
from agencies.tests.factories import make_user
from compliance.templatetags import navigation

pytestmark = pytest.mark.django_db


def nav(response):
    html = response.content.decode()
    return html[html.index('<nav class="navbar') : html.index("</nav>")]


def csrf_values(html):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_each_request_gets_its_own_name_address_and_token(client, province_a):
    first = make_user(Role.INSPECTOR, province_a, first_name="Lan", last_name="<b>Trần</b>")
    second = make_user(Role.INSPECTOR, province_a, username="inspector-second")

    client.force_login(first)
    one = nav(client.get(reverse("my_inspections"), {"q": 'a"b'}))
    client.force_login(second)
    two = nav(client.get(reverse("my_inspections")))

    assert "Lan &lt;b&gt;Trần&lt;/b&gt;" in one
    assert "<b>" not in one
    assert "inspector-second" in two
    assert "Trần" not in two
    assert f'name="next" type="hidden" value="{reverse("my_inspections")}?q=a%22b"' in one
    assert f'name="next" type="hidden" value="{reverse("my_inspections")}"' in two
    # Both forms (language, log out) carry this request's token, not a kept one.
    tokens_one, tokens_two = csrf_values(one), csrf_values(two)
    assert len(tokens_one) == len(tokens_two) == 2
    assert set(tokens_one).isdisjoint(tokens_two)
    assert "<!--" not in one + two


def test_the_bar_follows_the_role_and_the_language(client, province_a):
    inspector = make_user(Role.INSPECTOR, province_a)
    staff = make_user(Role.PROVINCIAL_STAFF, province_a)

    client.force_login(inspector)
    inspector_bar = nav(client.get(reverse("home"), follow=True))
    client.force_login(staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    staff_bar = nav(client.get(reverse("home"), follow=True))

    assert reverse("my_inspections") in inspector_bar
    assert reverse("my_inspections") not in staff_bar
    assert reverse("round_list") in staff_bar
    assert "Log out" in staff_bar
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    vietnamese = nav(client.get(reverse("home"), follow=True))
    assert "Đăng xuất" in vietnamese
    assert "Log out" not in vietnamese


def test_a_kept_bar_is_the_bar_rendered_now(client, province_a):
    """The kept bar, marks put in, equals the bar rendered afresh from the same values."""
    staff = make_user(Role.PROVINCIAL_STAFF, province_a, username="staff-x")
    client.force_login(staff)
    client.get(reverse("round_list"))  # kept

    page = client.get(reverse("round_list"))
    shown = nav(page)
    token = csrf_values(shown)[0]
    fresh = get_template("_navbar.html").render(
        {
            "LANGUAGE_CODE": "vi",
            "nav_section": "rounds",
            "authenticated": True,
            "can": {name: rule() for name, rule in page.context["can"].items()},
            "csrf_input": navigation.mark_safe(
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            ),
            "next_path": reverse("round_list"),
            "user_name": "staff-x",
        }
    )
    fresh = fresh[fresh.index('<nav class="navbar') : fresh.index("</nav>")]
    assert shown.replace(token, "T") == fresh.replace(token, "T")
    assert 'aria-current="page"' in shown
