"""Dates are typed as the user's language writes them (21/11/2026), or in ISO; every date
input of the site is the same text input, and a wrong date says how to write it."""

import datetime
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from agencies.forms import AgencyAdminForm, AnnouncementForm
from compliance.forms import DateField, DateInput
from inspections.findings_workspace import DueMoveForm
from inspections.forms import DueDateForm, RoundForm
from reports.forms import ReportDraftForm

DAY = datetime.date(2026, 11, 21)
MESSAGES = {
    "vi": "Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 21/11/2026.",
    "en": "Enter the date as dd/mm/yyyy, for example 21/11/2026.",
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("typed", ["21/11/2026", "2026-11-21", " 21/11/2026 ", "21-11-2026"])
def test_a_date_is_read_in_the_users_format_and_in_iso(language, typed):
    with translation.override(language):
        assert DateField().clean(typed) == DAY


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("typed", ["31/02/2026", "11/21/2026", "21/11/26", "soon", "2026-11-21x"])
def test_a_wrong_date_says_how_to_write_one_in_one_line(language, typed):
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            DateField().clean(typed)
        assert refused.value.messages == [MESSAGES[language]]


def test_an_empty_required_date_says_it_is_required():
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            DateField().clean("")
        assert refused.value.messages == ["This field is required."]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_input_shows_the_date_and_the_format_in_the_users_language(language):
    class Form(forms.Form):
        day = DateField()

    with translation.override(language):
        html = str(Form(initial={"day": DAY})["day"])

    assert 'type="text"' in html
    assert 'value="21/11/2026"' in html
    assert 'placeholder="dd/mm/yyyy"' in html
    assert 'class="form-control"' in html


def date_fields():
    """Every date field of the site's forms, by form and field name."""
    from agencies.tests.factories import make_province

    province = make_province("33", "Hưng Yên")
    built = [
        RoundForm(province=province),
        DueDateForm(),
        DueMoveForm(today=DAY),
        AnnouncementForm(),
        ReportDraftForm(),
        AgencyAdminForm(),
    ]
    return {
        (type(form).__name__, name): field
        for form in built
        for name, field in form.fields.items()
        if isinstance(field, forms.DateField)
    }


@pytest.mark.django_db
def test_every_date_field_of_the_site_is_read_and_shown_the_same_way():
    fields = date_fields()

    assert sorted(fields) == [
        ("AgencyAdminForm", "announced_on"),
        ("AgencyAdminForm", "reannounced_on"),
        ("AnnouncementForm", "announced_on"),
        ("DueDateForm", "due_on"),
        ("DueMoveForm", "due_on"),
        ("ReportDraftForm", "dated"),
        ("RoundForm", "decision_date"),
        ("RoundForm", "ends_on"),
        ("RoundForm", "starts_on"),
    ]
    assert [key for key, field in fields.items() if not isinstance(field, DateField)] == []
    # The admin keeps its calendar widget, a text input in the same format.
    pages = {key: field for key, field in fields.items() if key[0] != "AgencyAdminForm"}
    assert [key for key, field in pages.items() if type(field.widget) is not DateInput] == []


def test_no_template_or_script_makes_a_browser_date_input():
    """<input type="date"> shows the browser's locale, not the user's language."""
    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "static" / "js"]
    pattern = re.compile(r"""<input[^>]*type\s*=\s*["']?date\b|input_type\s*=\s*["']date""")
    found = [
        str(path)
        for root in roots
        for path in root.rglob("*")
        if path.suffix in (".html", ".js") and pattern.search(path.read_text(encoding="utf-8"))
    ]
    python = [
        str(path)
        for app in ("agencies", "compliance", "inspections", "reports", "jobs")
        for path in (Path(settings.BASE_DIR) / app).glob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
        or '"type": "date"' in path.read_text(encoding="utf-8")
    ]
    assert found + python == []
