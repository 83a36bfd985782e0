"""`{% navbar %}`: the navigation bar at the top of every page, kept once rendered.

Every page renders the bar (its links by role, the language form, the log-out form), and the
page frame it sits in (base.html, mostly the bar) took 0.77 of the login page's 1.0 ms.
It is kept per process (compliance.fragments)
under every value it shows: the language, the URL prefix, the page's menu entry, whether
someone is logged in and which rules allow them which links. What belongs to one request
(the CSRF inputs, the page's own address for the language form, the user's name) is left
as marks in the kept bar and put in, escaped, on the way out; so one bar serves everyone
with the same role and language.
"""

from django import template
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from compliance.fragments import CSRF_MARK, Recent, csrf_input, csrf_mark

register = template.Library()

BARS_KEPT = 200
NEXT_MARK = "<!--next-path-->"
NAME_MARK = "<!--user-name-->"

_bars = Recent(BARS_KEPT)


@register.simple_tag(takes_context=True)
def navbar(context):
    """The navigation bar for the page `context` renders (its request may be missing: the
    server error page has none)."""
    request = context.get("request")
    user = context.get("user")
    authenticated = bool(user is not None and user.is_authenticated)
    can = {name: bool(rule()) for name, rule in context.get("can", {}).items()}
    values = {
        "LANGUAGE_CODE": get_language(),
        "nav_section": context.get("nav_section", ""),
        "authenticated": authenticated,
        "can": can,
    }
    key = (get_script_prefix(), *((k, _frozen(v)) for k, v in values.items()))
    bar = _bars.get(key)
    if bar is None:
        marks = {"csrf_input": csrf_mark(), "next_path": mark_safe(NEXT_MARK)}
        bar = get_template("_navbar.html").render(
            {**values, **marks, "user_name": mark_safe(NAME_MARK)}
        )
        _bars.put(key, bar)
    name = (user.get_full_name() or user.get_username()) if authenticated else ""
    return mark_safe(
        bar.replace(CSRF_MARK, csrf_input(request) if request is not None else "")
        .replace(NEXT_MARK, escape(request.get_full_path()) if request is not None else "")
        .replace(NAME_MARK, escape(name))
    )


def _frozen(value):
    return tuple(sorted(value.items())) if isinstance(value, dict) else value
