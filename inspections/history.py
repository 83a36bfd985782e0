"""The history shown on an inspection: every answer change and status change, newest first."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.bulk import update_row
from compliance.rows import fetch
from inspections.models import Answer, Criterion, Finding, Inspection

# How many entries the checklist page shows; the history page has them all.
RECENT = 50


@dataclass(frozen=True)
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


def inspection_history(inspection, *, limit=None, status_changed=True):
    """Two queries whatever the length: answers' history and the inspection's own (not
    read with `status_changed=False`).

    With `limit`, the latest `limit` entries only: the answers' rows are limited in the
    query, each with the value before it read beside it, so the cost does not grow with
    the history.
    """
    entries = [
        Entry(
            at=record.history_date,
            user=_changed_by(record),
            what=record.code,
            before=_answer_text(record.before_result, record.before_note),
            after=_answer_text(record.result, record.note),
        )
        # Oldest first, as the inspection's rows, so that entries of the same moment (an
        # import) keep their order through the sort below.
        for record in reversed(_answer_changes(inspection, limit))
    ]
    status = Inspection.Status.DRAFT
    # status_changed=False: the caller knows every status row is a draft's, none an entry.
    for record in _status_records(inspection) if status_changed else ():
        if record.status == status:
            continue
        entries.append(
            Entry(
                at=record.history_date,
                user=_changed_by(record),
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
    `before_result` and `before_note` (None for an answer's first row), the criterion's
    `code` and the user's `user_name`, `user_first_name` and `user_last_name`.

    The value before each row is read with a window over the inspection's rows, one sort
    of them, instead of a lookup per row. In SQL because the checklist page reads it on
    every load: built with the ORM, composing the window cost more than running it.
    """
    user_table = get_user_model()._meta.db_table
    sql = (
        f"SELECT h.*, {_USER_COLUMNS}, c.code AS code FROM ("
        f"SELECT r.*, LAG(r.result) OVER w AS before_result, LAG(r.note) OVER w AS "
        f"before_note, LAG(r.history_id) OVER w AS before_id FROM {_HISTORY_TABLE} r "
        f"WHERE r.inspection_id = %s "
        f"WINDOW w AS (PARTITION BY r.id ORDER BY r.history_date, r.history_id)) h "
        f"JOIN {Criterion._meta.db_table} c ON c.id = h.criterion_id "
        f"LEFT JOIN {user_table} u ON u.id = h.history_user_id "
        f"WHERE h.before_id IS NULL OR h.result <> h.before_result "
        f"OR h.note <> h.before_note "
        f"ORDER BY h.history_date DESC, h.history_id DESC"
    )
    params = [inspection.pk]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    return fetch(HistoricalAnswer, sql, params)


def _status_records(inspection):
    """The inspection's own history rows, oldest first, with the user's names as for
    _answer_changes; in SQL for the same reason."""
    sql = (
        f"SELECT h.*, {_USER_COLUMNS} FROM {_INSPECTION_HISTORY_TABLE} h "
        f"LEFT JOIN {get_user_model()._meta.db_table} u ON u.id = h.history_user_id "
        f"WHERE h.id = %s ORDER BY h.history_date, h.history_id"
    )
    return fetch(HistoricalInspection, sql, [inspection.pk])


def _changed_by(record):
    """Who made a history row read with the user's names as columns (_USER_COLUMNS)."""
    if record.user_name is None:
        return "—"
    return _display_name(record.user_first_name, record.user_last_name, record.user_name)


def _username(record):
    user = record.history_user
    return _display_name(user.first_name, user.last_name, user.get_username()) if user else "—"


def _display_name(first_name, last_name, username):
    """How the history names a person: the full name, or the user name without one."""
    return f"{first_name} {last_name}".strip() or username


HistoricalAnswer = Answer.history.model
# What an autosave changes on an answer, and on the history row it merges into.
SAVED_FIELDS = ["result", "note", "answered_by", "answered_at", "version"]
_HISTORY_TABLE = HistoricalAnswer._meta.db_table
HistoricalInspection = Inspection.history.model
_INSPECTION_HISTORY_TABLE = HistoricalInspection._meta.db_table
_USER_COLUMNS = (
    "u.username AS user_name, u.first_name AS user_first_name, u.last_name AS user_last_name"
)

# For an answer `a` of inspection `i` (the autosave's locking statement): the history row
# a save by the user now merges into, or NULL. That is the answer's latest row, if it is a
# change the user made by hand (no reason, as an import has) less than
# HISTORY_MERGE_MINUTES ago and since the inspection was last returned. Another user's
# save in between is the latest row, so a burst is merged only while nobody else saves; a
# value that was submitted stays in the history. Parameters: merge_target_params(user).
MERGE_TARGET_SQL = (
    f"(SELECT h.history_id FROM {_HISTORY_TABLE} h WHERE h.history_id = ("
    f"SELECT l.history_id FROM {_HISTORY_TABLE} l WHERE l.id = a.id "
    f"ORDER BY l.history_date DESC, l.history_id DESC LIMIT 1) "
    f"AND h.history_type = '~' AND h.history_user_id = %s "
    f"AND (h.history_change_reason IS NULL OR h.history_change_reason = '') "
    f"AND h.history_date >= %s AND (i.reviewed_at IS NULL OR h.history_date > i.reviewed_at))"
)


def merge_target_params(user):
    cutoff = timezone.now() - timedelta(minutes=settings.HISTORY_MERGE_MINUTES)
    return [user.pk, connection.ops.adapt_datetimefield_value(cutoff)]


def answer_changed(answer, user):
    """Record a saved change of `answer` (loaded with MERGE_TARGET_SQL as `merge_into`):
    update the row it merges into, or add one. One query."""
    if answer.merge_into is not None:
        answer.history_date = answer.answered_at
        fields = ["history_date", *SAVED_FIELDS]
        update_row(HistoricalAnswer, answer.merge_into, answer, fields)
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
