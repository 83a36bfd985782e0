"""The history shown on an inspection: every answer change and status change, newest first."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import DateTimeField, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, Lag
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import Answer, Finding, Inspection

# How many entries the checklist page shows; the history page has them all.
RECENT = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Entry:
    at: datetime
    user: str
    what: str
    before: str
    after: str
    reason: str = ""


def _answer_text(result, note):
    if result is None:
        return ""
    label = Answer.Result(result).label if result else "—"
    return f"{label}: {note}" if note else str(label)


def inspection_history(inspection, *, limit=None):
    """Two queries whatever the length: answers' history and the inspection's own.

    With `limit`, the latest `limit` entries only: the answers' rows are limited in the
    query, each with the value before it read beside it, so the cost does not grow with
    the history.
    """
    entries = [
        Entry(
            at=record.history_date,
            user=_username(record),
            what=record.criterion.code,
            before=_answer_text(record.before_result, record.before_note),
            after=_answer_text(record.result, record.note),
        )
        # Oldest first, as the inspection's rows, so that entries of the same moment (an
        # import) keep their order through the sort below.
        for record in reversed(list(_answer_changes(inspection, limit)))
    ]
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
    return entries[:limit] if limit is not None else entries


def _answer_changes(inspection, limit):
    """The answers' history rows that changed the result or note, newest first, each with
    `before_result` and `before_note` (None for an answer's first row).

    The value before each row is read with a window over the inspection's rows, one sort
    of them, instead of a lookup per row.
    """

    def before(field):
        return Window(
            Lag(field),
            partition_by=[F("id")],
            order_by=[F("history_date").asc(), F("history_id").asc()],
        )

    records = (
        Answer.history.filter(inspection_id=inspection.pk)
        .select_related("history_user", "criterion")
        .annotate(
            before_result=before("result"),
            before_note=before("note"),
            before_id=before("history_id"),
        )
        .filter(
            Q(before_id__isnull=True) | ~Q(result=F("before_result")) | ~Q(note=F("before_note"))
        )
        .order_by("-history_date", "-history_id")
    )
    return records[:limit] if limit is not None else records


def _username(record):
    user = record.history_user
    return (user.get_full_name() or user.get_username()) if user else "—"


def merge_target(user):
    """Subquery for an answer: the history row a save by `user` now merges into, or NULL.

    That is the answer's latest row, if it is a change `user` made by hand (no reason, as
    an import has) less than HISTORY_MERGE_MINUTES ago and since the inspection was last
    returned. Another user's save in between is the latest row, so a burst is merged only
    while nobody else saves; a value that was submitted stays in the history.
    """
    latest = Answer.history.filter(id=OuterRef(OuterRef("pk"))).order_by(
        "-history_date", "-history_id"
    )
    cutoff = timezone.now() - timedelta(minutes=settings.HISTORY_MERGE_MINUTES)
    mergeable = Answer.history.filter(
        Q(history_change_reason__isnull=True) | Q(history_change_reason=""),
        id=OuterRef("pk"),
        history_id=Subquery(latest.values("history_id")[:1]),
        history_type="~",
        history_user_id=user.pk,
        history_date__gte=cutoff,
        history_date__gt=Coalesce(
            OuterRef("inspection__reviewed_at"), Value(EPOCH), output_field=DateTimeField()
        ),
    )
    return Subquery(mergeable.values("history_id")[:1])


def answer_changed(answer, user):
    """Record a saved change of `answer` (loaded with `merge_target` as `merge_into`):
    update the row it merges into, or add one. One query."""
    values = {
        "result": answer.result,
        "note": answer.note,
        "answered_by": answer.answered_by,
        "answered_at": answer.answered_at,
        "version": answer.version,
    }
    if answer.merge_into is not None:
        rows = Answer.history.filter(history_id=answer.merge_into)
        rows.update(history_date=answer.answered_at, **values)
        return
    Answer.history.bulk_history_create(
        [answer], update=True, default_user=user, default_date=answer.answered_at
    )


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
