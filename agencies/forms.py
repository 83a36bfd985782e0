from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Province
from compliance.forms import CleanTextMixin, DateField, bootstrap_widgets


class AgencyFilterForm(CleanTextMixin, forms.Form):
    ANNOUNCED_CHOICES = [
        ("", _("Any announcement status")),
        ("yes", _("Announced")),
        ("no", _("Not announced")),
        ("reannounced", _("Re-announced")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.none(),
        required=False,
        empty_label=_("All provinces"),
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Agency.Level.choices]
    )
    applicability = forms.ChoiceField(
        label=_("Applicability"),
        required=False,
        choices=[("", _("Mandatory and encouraged")), *Agency.Applicability.choices],
    )
    announced = forms.ChoiceField(
        label=_("Announcement"), required=False, choices=ANNOUNCED_CHOICES
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.for_user(user)
        bootstrap_widgets(self.fields, skip=("q",))

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.search(data["q"])
        if data["province"]:
            queryset = queryset.filter(province=data["province"])
        if data["level"]:
            queryset = queryset.filter(level=data["level"])
        if data["applicability"]:
            queryset = queryset.filter(applicability=data["applicability"])
        if data["announced"] == "yes":
            queryset = queryset.filter(announced_on__isnull=False)
        elif data["announced"] == "no":
            queryset = queryset.filter(announced_on__isnull=True)
        elif data["announced"] == "reannounced":
            queryset = queryset.filter(reannounced_on__isnull=False)
        return queryset


class AgencyAdminForm(CleanTextMixin, forms.ModelForm):
    """The admin's agency form: clean text, and the model's code pattern (validate_code)."""

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "level",
            "province",
            "parent",
            "applicability",
            "iso_version",
            "announced_on",
            "reannounced_on",
            "active",
        ]
        # The admin keeps its own calendar widget; the field says how to type a date.
        field_classes = {"announced_on": DateField, "reannounced_on": DateField}


class ProvinceAdminForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Province
        fields = ["code", "name", "kind", "active"]


class AnnouncementForm(forms.Form):
    """The date an agency announced its QMS, as staff read it from the decision."""

    announced_on = DateField(label=_("Announced on"))

    def clean_announced_on(self):
        day = self.cleaned_data["announced_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("An announcement date cannot be in the future."))
        return day
