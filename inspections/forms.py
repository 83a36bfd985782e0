from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Role
from compliance.forms import CleanTextMixin, DateField, bootstrap_widgets
from compliance.spreadsheets import validate_upload_size
from compliance.text import LONG_TEXT_MAX
from inspections.models import Checklist, Round


def province_inspectors(province_id):
    return (
        get_user_model()
        .objects.filter(
            is_active=True, profile__role=Role.INSPECTOR, profile__province_id=province_id
        )
        .order_by("last_name", "first_name", "username")
    )


class InspectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


def next_round_number(province, year):
    """The number a new round of `province` in `year` takes: one past the highest used."""
    highest = Round.objects.filter(province=province, year=year).aggregate(Max("number"))
    return (highest["number__max"] or 0) + 1


class IdListInput(forms.HiddenInput):
    """Many ids in one field, "12,15,40": the round form's ticked agencies.

    A province's 3,000+ communes ticked at once would be 3,000 form fields, past Django's
    DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000), and an htmx filter change must not lose them;
    so the page keeps the ticked ids in this one field. Separate values (`agencies=1&
    agencies=2`) are read too.
    """

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        if isinstance(values, (str, int)):
            values = [values]
        return [part for value in values for part in str(value).split(",") if part.strip()]

    def format_value(self, value):
        return ",".join(str(item) for item in value or [])


class RoundForm(CleanTextMixin, forms.ModelForm):
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies to inspect"), queryset=Agency.objects.none(), widget=IdListInput
    )
    inspectors = InspectorChoiceField(
        label=_("Inspection team (assigned to every agency)"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Round
        fields = [
            "year",
            "number",
            "title",
            "decision_number",
            "decision_date",
            "checklist",
            "starts_on",
            "ends_on",
        ]
        field_classes = {"decision_date": DateField, "starts_on": DateField, "ends_on": DateField}

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.province = province
        self.instance.province = province
        # Agencies dissolved (or not yet established) today are never offered for a new round.
        self.fields["agencies"].queryset = Agency.objects.filter(province=province).existing_on(
            timezone.localdate()
        )
        self.fields["inspectors"].queryset = province_inspectors(province.pk)
        # Only the newest version of each checklist is offered for new rounds.
        latest = {}
        for checklist in Checklist.objects.order_by("code", "-version"):
            latest.setdefault(checklist.code, checklist.pk)
        self.fields["checklist"].queryset = Checklist.objects.filter(pk__in=latest.values())
        self.fields["checklist"].initial = next(iter(latest.values()), None)
        year = timezone.localdate().year
        self.fields["year"].initial = year
        self.fields["number"].initial = next_round_number(province, year)
        bootstrap_widgets(self.fields, skip=("agencies", "inspectors"))

    def clean(self):
        data = super().clean()
        if data.get("year") and data.get("number"):
            taken = Round.objects.filter(
                province=self.province, year=data["year"], number=data["number"]
            )
            if taken.exists():
                self.add_error(
                    "number",
                    _("Round %(number)s of %(year)s already exists in this province.")
                    % {"number": data["number"], "year": data["year"]},
                )
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The round cannot end before it starts."))
        return data


class AssignForm(forms.Form):
    inspectors = InspectorChoiceField(
        label=_("Inspectors"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, province_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = province_inspectors(province_id)


class ReturnForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DueDateForm(CleanTextMixin, forms.Form):
    """A new due date, not in the past, and why; services.findings_move_due applies it."""

    due_on = DateField(label=_("Due date"))
    reason = forms.CharField(
        label=_("Why it moves"),
        max_length=LONG_TEXT_MAX,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < self.today:
            raise forms.ValidationError(_("A due date cannot be in the past."))
        return due_on


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked by its bytes in the view."""

    def __init__(self, *args, max_files=10, **kwargs):
        self.max_files = max_files
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"class": "form-control", "accept": "image/*,application/pdf"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data or []) if f]
        if len(files) > self.max_files:
            raise forms.ValidationError(
                _("At most %(count)s files at a time.") % {"count": self.max_files}
            )
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class CorrectiveActionForm(CleanTextMixin, forms.Form):
    root_cause = forms.CharField(
        label=_("Root cause"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    action_taken = forms.CharField(
        label=_("Action taken"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    files = MultipleFileField(label=_("Files (photos, PDF, scans)"), required=False)


class FindingReturnForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled checklist workbook (.xlsx)"), validators=[validate_upload_size]
    )
    submit = forms.BooleanField(label=_("Submit the inspections that are complete"), required=False)
