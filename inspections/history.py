"""The history shown on an inspection: every answer change and status change, newest first."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from inspections.models import Answer, Finding, Inspection


@dataclass
class Entry:
    at: datetime
    user: str
    what: str
    before: str
    after: str
    reason: str = ""


def _answer_text(record):
    if not record:
        return ""
    label = Answer.Result(record.result).label if record.result else "—"
    return f"{label}: {record.note}" if record.note else str(label)


def inspection_history(inspection):
    """Two queries whatever the length: answers' history and the inspection's own."""
    entries = []
    answer_records = (
        Answer.history.filter(inspection_id=inspection.pk)
        .select_related("history_user", "criterion")
        .order_by("history_date", "history_id")
    )
    last = {}
    for record in answer_records:
        before = last.get(record.id)
        last[record.id] = record
        if before and (before.result, before.note) == (record.result, record.note):
            continue
        entries.append(
            Entry(
                at=record.history_date,
                user=_username(record),
                what=record.criterion.code,
                before=_answer_text(before),
                after=_answer_text(record),
            )
        )
    status_records = (
        Inspection.history.filter(id=inspection.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    status = Inspection.Status.DRAFT
    for record in status_records:
        if record.status == status:
            continue
        entries.append(
            Entry(
                at=record.history_date,
                user=_username(record),
                what=str(Inspection._meta.get_field("status").verbose_name),
                before=Inspection.Status(status).label,
                after=Inspection.Status(record.status).label,
                reason=record.history_change_reason or "",
            )
        )
        status = record.status
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _username(record):
    user = record.history_user
    return (user.get_full_name() or user.get_username()) if user else "—"


def finding_history(finding):
    """A finding's transitions and due-date moves, with who and when, newest first; one query."""
    records = (
        Finding.history.filter(id=finding.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries, before = [], None
    for record in records:
        if before is None or record.status != before.status:
            entries.append(
                Entry(
                    at=record.history_date,
                    user=_finding_actor(record),
                    what=str(Finding._meta.get_field("status").verbose_name),
                    before=Finding.Status(before.status).label if before else "",
                    after=Finding.Status(record.status).label,
                    reason=record.return_reason if record.status == "returned" else "",
                )
            )
        if before is not None and record.due_on != before.due_on:
            entries.append(
                Entry(
                    at=record.history_date,
                    user=_finding_actor(record),
                    what=str(Finding._meta.get_field("due_on").verbose_name),
                    before=f"{before.due_on:%d/%m/%Y}",
                    after=f"{record.due_on:%d/%m/%Y}",
                    reason=record.due_reason,
                )
            )
        before = record
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _finding_actor(record):
    if record.history_user is None and record.submitted_via_link and record.status == "submitted":
        return _("the agency, via its response link")
    return _username(record)
