"""The findings workspace: every finding a user may read, filtered, counted by status,
exported, and moved in bulk by the staff of its province.

The views are in findings_views.py; this module holds what they share with tests and with
the export: the filter form, the filtered query, the status counts and the bulk change.
"""

import io

from django import forms
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, Province, can_manage_findings
from compliance.forms import bootstrap_widgets
from compliance.spreadsheets import safe_cell
from inspections.forms import DueDateForm
from inspections.models import Finding, Round

SORTS = {
    "due": ("due_on", "pk"),
    "agency": ("inspection__agency__sort_key", "inspection__agency__code", "due_on", "pk"),
}


def _choice(label, choices):
    return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *choices])


class FindingFilterForm(forms.Form):
    """The workspace's filters, from the query string; each one narrows, none is required."""

    q = forms.CharField(label=gettext_lazy("Agency"), required=False, max_length=100)
    agency = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province"), required=False, queryset=Province.objects.none()
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2000)
    round = forms.ModelChoiceField(
        label=gettext_lazy("Round"), required=False, queryset=Round.objects.none()
    )
    level = _choice(gettext_lazy("Level"), Agency.Level.choices)
    status = _choice(gettext_lazy("Status"), Finding.Status.choices)
    criterion = forms.CharField(label=gettext_lazy("Criterion"), required=False, max_length=16)
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[("due", gettext_lazy("Due date")), ("agency", gettext_lazy("Agency"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.for_user(user)
        self.fields["round"].queryset = Round.objects.for_user(user).select_related("province")
        self.fields["round"].label_from_instance = lambda r: f"{r.number}/{r.year} {r.province}"
        bootstrap_widgets(self.fields, skip=("q",))

    def filter(self, findings, today):
        """`findings` narrowed by every filter but the status (the counts are per status)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            findings = findings.filter(inspection__agency__in=Agency.objects.search(data["q"]))
        if data.get("agency"):
            findings = findings.filter(inspection__agency__code=data["agency"])
        if data.get("province"):
            findings = findings.filter(inspection__round__province=data["province"])
        if data.get("year"):
            findings = findings.filter(inspection__round__year=data["year"])
        if data.get("round"):
            findings = findings.filter(inspection__round=data["round"])
        if data.get("level"):
            findings = findings.filter(inspection__agency__level=data["level"])
        if data.get("criterion"):
            findings = findings.filter(answer__criterion__code__iexact=data["criterion"].strip())
        if data.get("overdue"):
            findings = findings.filter(Finding.overdue_condition(today))
        return findings

    def with_status(self, findings):
        status = self.cleaned_data.get("status") if self.is_valid() else ""
        return findings.filter(status=status) if status else findings

    def ordering(self):
        sort = self.cleaned_data.get("sort") if self.is_valid() else ""
        return SORTS.get(sort or "due")


def status_counts(findings):
    """[(status, label, count)] for every status of Finding.Status, in its order; one query."""
    counted = dict(findings.values_list("status").annotate(n=Count("pk")).order_by())
    return [(value, label, counted.get(value, 0)) for value, label in Finding.Status.choices]


def rows_of(findings):
    return findings.select_related(
        "inspection__agency", "inspection__round__province", "answer__criterion"
    )


def days_overdue(finding, today):
    return (today - finding.due_on).days if finding.is_overdue(today) else 0


# Bulk change of due dates


class DueMoveForm(DueDateForm):
    """The due date form of the bulk move: the same rule, labelled for several findings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].label = gettext_lazy("New due date")
        self.fields["reason"].label = gettext_lazy("Reason")


def selected_ids(data):
    """The finding ids a form posted, as integers; anything else is ignored."""
    return sorted({int(v) for v in data.getlist("finding") if v.isdigit()})[:1000]


def managed_selection(user, ids):
    """The findings `ids` names, if `user` may read and manage every one of them; else None.

    One query. A finding outside the user's scope, or of a province it does not manage, makes
    the whole selection refused: a wrong id is never silently dropped.
    """
    findings = list(
        rows_of(Finding.objects.for_user(user).filter(pk__in=ids)).order_by(*SORTS["agency"])
    )
    if not ids or len(findings) != len(ids):
        return None
    if not all(can_manage_findings(user, f.inspection.round.province) for f in findings):
        return None
    return findings


# Export


def export_workbook(findings, today):
    """The filtered findings as an .xlsx file: text through safe_cell, real dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    def date_cell(day):
        cell = WriteOnlyCell(sheet, value=day)
        cell.number_format = "DD/MM/YYYY"
        return cell

    def header_cell(text):
        cell = WriteOnlyCell(sheet, value=safe_cell(str(text)))
        cell.font = Font(bold=True)
        return cell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Findings")[:31])
    sheet.freeze_panes = "A2"
    for letter, width in zip(
        "ABCDEFGHIJK", [14, 40, 12, 30, 10, 12, 40, 12, 20, 10, 10], strict=True
    ):
        sheet.column_dimensions[letter].width = width
    header = [
        _("Agency code"), _("Agency"), _("Criterion"), _("Province"), _("Round"), _("Year"),
        _("Description"), _("Due date"), _("Status"), _("Days overdue"), _("Finding"),
    ]  # fmt: skip
    sheet.append([header_cell(text) for text in header])
    labels = dict(Finding.Status.choices)
    for finding in findings.iterator(chunk_size=2000):
        inspection = finding.inspection
        sheet.append(
            [
                safe_cell(inspection.agency.code),
                safe_cell(inspection.agency.name),
                safe_cell(finding.answer.criterion.code),
                safe_cell(inspection.round.province.name),
                inspection.round.number,
                inspection.round.year,
                safe_cell(finding.description),
                date_cell(finding.due_on),
                safe_cell(str(labels.get(finding.status, finding.status))),
                days_overdue(finding, today),
                finding.pk,
            ]
        )
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def export_name(today):
    return f"findings-{today:%Y%m%d}.xlsx"
