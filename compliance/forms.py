"""Form helpers every app shares."""

from django import forms

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
