"""Form helpers every app shares."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from compliance.text import clean_line, clean_text


class CleanTextMixin:
    """Text typed or pasted into a form is stored clean (see compliance.text.clean_text).

    Runs before the form's own clean() and before a ModelForm fills its instance, so
    validation and the model see the cleaned text. One-line inputs become one line.
    """

    def clean(self):
        for name, value in list(self.cleaned_data.items()):
            field = self.fields.get(name)
            if isinstance(value, str) and isinstance(field, forms.CharField):
                multi_line = isinstance(field.widget, forms.Textarea)
                self.cleaned_data[name] = (clean_text if multi_line else clean_line)(value)
        return super().clean()


def bootstrap_widgets(fields, skip=()):
    """Give each field's widget Bootstrap's class for its kind (a drop-down, a tick box or
    a text box), unless it has a class of its own: forms render with the site's look."""
    for name, field in fields.items():
        if name in skip:
            continue
        if isinstance(field.widget, forms.Select):
            css = "form-select"
        elif isinstance(field.widget, forms.CheckboxInput):
            css = "form-check-input"
        else:
            css = "form-control"
        field.widget.attrs.setdefault("class", css)


def date_input_format():
    """How dates are typed in the active language: the first of its DATE_INPUT_FORMATS."""
    return get_format("DATE_INPUT_FORMATS")[0]


def date_input_hint():
    """The typed format for people: "dd/mm/yyyy" for "%d/%m/%Y"."""
    return date_input_format().replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy")


EXAMPLE_DAY = datetime.date(2026, 11, 21)


class DateInput(forms.DateInput):
    """A date typed as text in the user's language's format (21/11/2026).

    Not the browser's own date input (type date), which shows its locale's format
    (11/21/2026 in an English Chrome) whatever language the user chose here. No
    inputmode="numeric" either: the iPhone's number pad has no "/" to type.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "class": "form-control", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", date_input_hint())
        return context


class DateField(forms.DateField):
    """A date in the language's format or ISO (DATE_INPUT_FORMATS, compliance/formats);
    anything else is refused with one line that says how to write it."""

    widget = DateInput

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "invalid":
                raise
            raise ValidationError(
                _("Enter the date as %(format)s, for example %(example)s."),
                code="invalid",
                params={
                    "format": date_input_hint(),
                    "example": EXAMPLE_DAY.strftime(date_input_format()),
                },
            ) from None
