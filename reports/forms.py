from django import forms

from compliance.forms import CleanTextMixin, DateField, bootstrap_widgets
from reports.models import IssuingDetails, ReportDraft


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self.fields)


class IssuingDetailsForm(CleanTextMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = IssuingDetails
        fields = [
            "governing_body",
            "issuing_body",
            "code_suffix",
            "place",
            "recipients",
            "copies_to",
            "filed_as",
            "signing_authority",
            "signer_title",
            "signer_name",
        ]
        widgets = {
            "recipients": forms.Textarea(attrs={"rows": 3}),
            "copies_to": forms.Textarea(attrs={"rows": 3}),
        }


class ReportDraftForm(CleanTextMixin, BootstrapMixin, forms.ModelForm):
    """Only the words; the figures are computed again at every download."""

    class Meta:
        model = ReportDraft
        fields = ["number", "dated", "recipients", "shortcomings", "recommendations"]
        field_classes = {"dated": DateField}
        widgets = {
            "recipients": forms.Textarea(attrs={"rows": 3}),
            "shortcomings": forms.Textarea(attrs={"rows": 10}),
            "recommendations": forms.Textarea(attrs={"rows": 8}),
        }
