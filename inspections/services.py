"""Writes that span several models or must not be half-done: the inspection workflow."""

import datetime
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agencies.models import can_fill_checklists
from compliance.bulk import bulk_update_values, update_row
from compliance.rows import fetch
from compliance.spreadsheets import FileRefused
from compliance.text import LONG_TEXT_MAX, clean_text
from inspections import history, workbooks
from inspections.models import (
    Answer,
    Checklist,
    CorrectiveFile,
    Criterion,
    Evidence,
    Finding,
    Inspection,
    ResponseLink,
    Round,
    SaveKey,
)

FINDING_DAYS = 30
# Answers that open a finding when the inspection is approved.
SHORTFALL_RESULTS = (Answer.Result.PARTIAL, Answer.Result.NONCONFORMING)


class Conflict(Exception):
    """A save made against an older version; carries the answer as it is now."""

    def __init__(self, answer):
        super().__init__("stale version")
        self.answer = answer


def round_create(*, user, province, agencies, inspectors=(), **fields):
    """A round and one draft inspection, with a blank answer per criterion, per agency."""
    with transaction.atomic():
        round_ = Round.objects.create(province=province, created_by=user, **fields)
        round_.team.set(inspectors)
        inspections = Inspection.objects.bulk_create(
            [Inspection(round=round_, agency=agency) for agency in agencies]
        )
        criteria = list(round_.checklist.criteria.all())
        Answer.objects.bulk_create(
            [Answer(inspection=i, criterion=c) for i in inspections for c in criteria],
            batch_size=1000,
        )
        if inspectors:
            through = Inspection.inspectors.through
            through.objects.bulk_create(
                [
                    through(inspection_id=i.pk, user_id=u.pk)
                    for i in inspections
                    for u in inspectors
                ],
                batch_size=1000,
            )
    return round_


def inspection_assign(*, inspection, inspectors):
    inspection.inspectors.set(inspectors)


def answer_save(*, answer, user, result, note, base_version, key=None, scoped=False):
    """Save one answer from the checklist page or an offline queue.

    `key` makes a replayed request a no-op: a change is applied only with its key stored,
    and a key already stored is never applied twice. `base_version` is the version the
    client started from; if someone saved since, Conflict is raised and nothing changes.
    Only `answer.pk` and `answer.inspection_id` are read: the answer is loaded again,
    locked with its inspection, and must be of that inspection.
    `scoped`: an answer outside what `user` may see is Answer.DoesNotExist (a view's 404)
    rather than PermissionDenied.

    Four queries when a change is saved (lock, key, update, history), whatever the size of
    the checklist or of its history; the returned answer carries `answered`, the number of
    answered criteria of its inspection after the save.
    """
    if result not in Answer.Result.values and result != "":
        raise ValidationError(_("Unknown result %(result)r.") % {"result": result})
    note = clean_text(note)
    if len(note) > LONG_TEXT_MAX:
        raise ValidationError(
            _(
                "The note is %(length)d characters long; at most %(limit)d are allowed. "
                "Shorten it, or attach the full text as an evidence file."
            )
            % {"length": len(note), "limit": LONG_TEXT_MAX}
        )
    if key is not None:
        key = SaveKey._meta.pk.to_python(key)  # a malformed key is a ValidationError
    # No savepoint: nothing below raises inside the block (the outcome is raised after
    # it), so the save costs no SAVEPOINT round trips when called inside a transaction.
    with transaction.atomic(savepoint=False):
        outcome = _answer_apply(answer, user, result, note, base_version, key, scoped)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _answer_apply(answer, user, result, note, base_version, key, scoped):
    """The locked part of answer_save: the saved answer and whether it changed, or the
    exception to raise (nothing written then)."""
    current = _locked_answer(answer, user)
    if current is None or (scoped and not current.assigned and not _visible(current, user)):
        return Answer.DoesNotExist()
    # Inspection.can_edit, with the assignment read by the locking query.
    if not (current.inspection.is_editable and can_fill_checklists(user) and current.assigned):
        return PermissionDenied()
    requested = (result, note)
    if current.version != base_version:
        same = key is not None and (current.result, current.note) == requested
        if same and SaveKey.objects.filter(key=key).exists():
            return current, False  # applied before; its reply was lost
        return Conflict(current)
    if (current.result, current.note) == requested:
        return current, False
    if key is not None and not _key_stored(key, current.pk, current.version + 1):
        # The key was used before, by a change that is no longer the current version.
        return Conflict(current)
    was_answered = bool(current.result)
    current.result, current.note = result, note
    current.answered_by, current.answered_at = user, timezone.now()
    current.version += 1
    current.answered += bool(result) - was_answered
    # The history row is written by history.answer_changed: a new entry, or the user's
    # entry of a few minutes ago brought up to date.
    # The UPDATE save(update_fields=…) would run; no signal listens (the history row is
    # written just below), and composing it with the ORM cost more than running it.
    update_row(Answer, current.pk, current, history.SAVED_FIELDS)
    history.answer_changed(current, user)
    return current, True


def _locked_answer(answer, user):
    """The answer and its inspection, locked, in one statement, with what the save needs
    to know: whether `user` is assigned, how many criteria are answered, and the history
    entry a save now would merge into (`merge_into`, see history.MERGE_TARGET_SQL).

    Written in SQL because it runs on every autosave: built with the ORM, composing and
    compiling its subqueries cost more than the rest of the save (bench/load.py). The
    inspection comes back with its id and status only; other fields load when read.
    """
    answer_table = Answer._meta.db_table
    inspection_table = Inspection._meta.db_table
    columns = ", ".join(f'a."{field.column}"' for field in Answer._meta.concrete_fields)
    lock = " FOR UPDATE OF a, i" if connection.features.has_select_for_update_of else ""
    sql = (
        f"SELECT {columns}, i.status AS inspection_status, "
        f"EXISTS (SELECT 1 FROM {Inspection.inspectors.through._meta.db_table} t "
        f"WHERE t.inspection_id = a.inspection_id AND t.user_id = %s) AS assigned, "
        f"(SELECT COUNT(*) FROM {answer_table} x "
        f"WHERE x.inspection_id = a.inspection_id AND x.result <> '') AS answered, "
        f"{history.MERGE_TARGET_SQL} AS merge_into "
        f"FROM {answer_table} a JOIN {inspection_table} i ON i.id = a.inspection_id "
        f"WHERE a.id = %s AND a.inspection_id = %s{lock}"
    )
    params = [user.pk, *history.merge_target_params(user), answer.pk, answer.inspection_id]
    rows = fetch(Answer, sql, params)
    current = rows[0] if rows else None
    if current is not None:
        current.inspection = Inspection.from_db(
            connection.alias, ["id", "status"], [current.inspection_id, current.inspection_status]
        )
        current.assigned = bool(current.assigned)
    return current


def _visible(answer, user):
    """Whether `user` may see the answer's inspection (asked only when not assigned)."""
    return Inspection.objects.for_user(user).filter(pk=answer.inspection_id).exists()


def _key_stored(key, answer_pk, version):
    """Store an idempotency key; False when it was stored before (one query either way)."""
    table, column = (connection.ops.quote_name(n) for n in (SaveKey._meta.db_table, "key"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({column}, answer_id, version, created_at) "
            f"VALUES (%s, %s, %s, %s) ON CONFLICT ({column}) DO NOTHING RETURNING {column}",
            [
                SaveKey._meta.pk.get_db_prep_value(key, connection),
                answer_pk,
                version,
                SaveKey._meta.get_field("created_at").get_db_prep_value(timezone.now(), connection),
            ],
        )
        return cursor.fetchone() is not None


def _lock_editable(inspection_id, user):
    inspection = Inspection.objects.select_for_update().get(pk=inspection_id)
    if not inspection.can_edit(user):
        raise PermissionDenied
    return inspection


def evidence_add(*, answer, user, upload, content_type, key=None):
    """Attach a file to an answer.

    `key`, from a device's upload queue, makes a replay return the evidence stored the
    first time instead of a second copy (the unique key column settles a race).
    """
    if key is not None:
        stored = _evidence_by_key(key, answer)
        if stored is not None:
            return stored
    evidence = Evidence(
        answer=answer,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
        key=key,
    )
    try:
        with transaction.atomic():
            _lock_editable(answer.inspection_id, user)
            evidence.file = upload
            evidence.save()
            return evidence
    except IntegrityError:
        stored = _evidence_by_key(key, answer) if key is not None else None
        if stored is None:
            raise
        # The same upload sent twice at once: the other request stored it first.
        evidence.file.delete(save=False)
        return stored


def _evidence_by_key(key, answer):
    stored = Evidence.objects.filter(key=key).first()
    if stored is not None and stored.answer_id != answer.pk:
        raise ValidationError(_("This upload key was already used for another criterion."))
    return stored


def _set_status(inspection, user, status, reason="", **fields):
    """Move to `status` with the other `fields` given, saving those and nothing else."""
    inspection.status = status
    inspection.version += 1
    inspection._history_user = user
    inspection._change_reason = reason
    for name, value in fields.items():
        setattr(inspection, name, value)
    inspection.save(update_fields=["status", "version", *fields])


def inspection_submit(*, inspection, user):
    """Submit when every criterion is answered and every shortfall has a note."""
    if not inspection.can_edit(user):
        raise PermissionDenied
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if not inspection.is_editable:
            raise ValidationError(_("This inspection has already been submitted."))
        answers = list(inspection.answers.select_related("criterion"))
        unanswered, without_note = Inspection.missing_for_submit(answers)
        problems = []
        if unanswered:
            problems.append(_("Not answered yet: %s.") % ", ".join(unanswered))
        if without_note:
            problems.append(
                _("Partly conforming or nonconforming without a note: %s.")
                % ", ".join(without_note)
            )
        if problems:
            raise ValidationError(problems)
        _mark_submitted([inspection], user=user, answers=answers)
    return inspection


def _mark_submitted(inspections, *, user, reason="", now=None, answers=None):
    """Score, rate and submit inspections whose answers were checked complete.

    One page's submit or a whole workbook's, in a fixed number of queries either way.
    `answers`, when the caller has them already, are every answer of these inspections.
    """
    now = now or timezone.now()
    if answers is None:
        answers = Answer.objects.filter(inspection__in=inspections).select_related("criterion")
    by_inspection = defaultdict(list)
    for answer in answers:
        by_inspection[answer.inspection_id].append(answer)
    for inspection in inspections:
        inspection.score = Inspection.score_of(by_inspection[inspection.pk])
        inspection.rating = inspection.round.checklist.rating_for(inspection.score)
        inspection.status = Inspection.Status.SUBMITTED
        inspection.submitted_at, inspection.return_reason = now, ""
        inspection.version += 1
    bulk_update_values(
        Inspection,
        inspections,
        ["status", "score", "rating", "submitted_at", "return_reason", "version"],
    )
    Inspection.history.bulk_history_create(
        inspections, update=True, default_user=user, default_change_reason=reason,
        default_date=now,
    )  # fmt: skip


def _review(inspection, user, version):
    if not inspection.can_review(user):
        raise PermissionDenied
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status != Inspection.Status.SUBMITTED or locked.version != version:
        raise ValidationError(
            _("This inspection changed since you opened it (now: %(status)s). Reload the page.")
            % {"status": locked.get_status_display()}
        )
    return locked


def inspection_return(*, inspection, user, reason, version):
    if not reason.strip():
        raise ValidationError(_("Say why the inspection is returned."))
    with transaction.atomic():
        inspection = _review(inspection, user, version)
        _set_status(
            inspection,
            user,
            Inspection.Status.RETURNED,
            reason=reason,
            return_reason=reason,
            reviewed_at=timezone.now(),
            reviewed_by=user,
        )
    return inspection


def inspection_approve(*, inspection, user, version, today=None):
    """Approve, and open a finding for every partial or nonconforming answer."""
    today = today or timezone.localdate()
    with transaction.atomic():
        inspection = _review(inspection, user, version)
        _set_status(
            inspection,
            user,
            Inspection.Status.APPROVED,
            reviewed_at=timezone.now(),
            reviewed_by=user,
        )
        shortfalls = inspection.answers.filter(result__in=SHORTFALL_RESULTS).select_related(
            "criterion"
        )
        # With history, so a finding's first transition (opened, by whom) is on record.
        bulk_create_with_history(
            [
                Finding(
                    inspection=inspection,
                    answer=answer,
                    description=f"{answer.criterion.code}. {answer.criterion.title}: {answer.note}",
                    due_on=today + datetime.timedelta(days=FINDING_DAYS),
                )
                for answer in shortfalls
            ],
            Finding,
            default_user=user,
        )
    return inspection


def _lock_open_finding(finding):
    """The finding re-read under lock; closed ones cannot change any more."""
    locked = Finding.objects.select_for_update().get(pk=finding.pk)
    if locked.status == Finding.Status.VERIFIED:
        raise ValidationError(_("This finding is already closed."))
    return locked


# The length of the history's change_reason column (django-simple-history's CharField).
HISTORY_REASON_MAX = Finding.history.model._meta.get_field("history_change_reason").max_length


def _save_finding(finding, user, reason, fields):
    finding._history_user = user
    finding._change_reason = reason[:HISTORY_REASON_MAX] if reason else None
    finding.save(update_fields=fields)


def findings_move_due(*, findings, user, due_on, reason, today=None):
    """Move the due date of `findings` to `due_on`, never into the past, and say why.

    The one way a due date moves, from a finding's page or the workspace's bulk move: each
    finding keeps the reason in `due_reason`, and its history row records who, when, the
    old and new dates and the reason. Closed (verified) findings keep their date. Returns
    the findings moved: one locking read, one update and one history insert however many.
    """
    if not all(finding.inspection.can_review(user) for finding in findings):
        raise PermissionDenied
    today = today or timezone.localdate()
    if due_on < today:
        raise ValidationError(_("A due date cannot be in the past."))
    reason = clean_text(reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the due date moves."))
    with transaction.atomic():
        locked = list(
            Finding.objects.select_for_update()
            .filter(pk__in=[finding.pk for finding in findings])
            .exclude(status=Finding.Status.VERIFIED)
            .order_by("pk")
        )
        for finding in locked:
            summary = f"{finding.due_on:%d/%m/%Y} → {due_on:%d/%m/%Y}: {reason}"
            finding._change_reason = summary[:HISTORY_REASON_MAX]
            finding.due_on, finding.due_reason = due_on, reason
        bulk_update_with_history(locked, Finding, ["due_on", "due_reason"], default_user=user)
    return locked


def finding_update_due(*, finding, user, due_on, reason, today=None):
    """One finding's due date moved by findings_move_due; a closed one is refused."""
    moved = findings_move_due(
        findings=[finding], user=user, due_on=due_on, reason=reason, today=today
    )
    if not moved:
        raise ValidationError(_("This finding is already closed."))
    return moved[0]


# The history's change reason of a corrective action the agency sent itself (stored as is).
VIA_LINK = "Submitted by the agency via link"

FINDING_SUBMIT_FIELDS = [
    "root_cause",
    "action_taken",
    "status",
    "submitted_at",
    "submitted_by",
    "submitted_via_link",
]


def finding_submit_record(*, finding, user, root_cause, action_taken, files=()):
    """A corrective action entered by staff or an inspector: root cause, action, files.

    `files` are (upload, content_type) pairs already checked by check_upload. A finding
    returned or already submitted may be answered again; the history keeps each version.
    """
    # A closed finding is refused under the lock below, with a message rather than a 404.
    if not finding.handles_record(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock_open_finding(finding)
        return _submit(locked, user, root_cause, action_taken, files, link=None)


def finding_submit_via_link(*, link, finding_id, root_cause, action_taken, files=()):
    """The agency's own corrective action through its response link.

    Only a finding of the link's inspection that awaits action can be answered; any other
    id is "not found", so a form cannot reach another inspection's findings.
    """
    with transaction.atomic():
        # The link's row under lock: concurrent posts count their files one after another.
        ResponseLink.objects.select_for_update().filter(pk=link.pk).first()
        if len(files) > response_link_uploads_left(link):
            raise ValidationError(
                _("Too many files were sent through this link in the last hour; try later.")
            )
        locked = (
            Finding.objects.select_for_update()
            .filter(Finding.awaiting_condition(), inspection_id=link.inspection_id, pk=finding_id)
            .first()
        )
        if locked is None:
            raise Finding.DoesNotExist
        return _submit(locked, None, root_cause, action_taken, files, link=link)


def _submit(locked, user, root_cause, action_taken, files, *, link):
    root_cause = clean_text(root_cause or "").strip()
    action_taken = clean_text(action_taken or "").strip()
    if not root_cause or not action_taken:
        raise ValidationError(_("Give the root cause and the action taken."))
    for upload, content_type in files:
        CorrectiveFile.objects.create(
            finding=locked,
            file=upload,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
            link=link,
        )
    locked.root_cause, locked.action_taken = root_cause, action_taken
    locked.status = Finding.Status.SUBMITTED
    locked.submitted_at, locked.submitted_by = timezone.now(), user
    locked.submitted_via_link = link is not None
    reason = VIA_LINK if link is not None else None
    _save_finding(locked, user, reason, FINDING_SUBMIT_FIELDS)
    return locked


def finding_return(*, finding, user, reason):
    """Staff reject a submitted corrective action; the agency sees the reason and answers again."""
    if not finding.inspection.can_review(user):
        raise PermissionDenied
    reason = clean_text(reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for returning the corrective action."))
    with transaction.atomic():
        locked = _lock_open_finding(finding)
        if locked.status != Finding.Status.SUBMITTED:
            raise ValidationError(_("Only a submitted corrective action can be returned."))
        locked.status = Finding.Status.RETURNED
        locked.return_reason = reason
        _save_finding(locked, user, reason, ["status", "return_reason"])
    return locked


def finding_verify(*, finding, user, today=None):
    if not finding.inspection.can_review(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock_open_finding(finding)
        if locked.status != Finding.Status.SUBMITTED:
            raise ValidationError(
                _("Only a finding with a submitted corrective action can be closed.")
            )
        locked.status = Finding.Status.VERIFIED
        locked.verified_by, locked.verified_on = user, today or timezone.localdate()
        _save_finding(locked, user, None, ["status", "verified_by", "verified_on"])
    return locked


def checklist_new_version(*, checklist):
    """Copy a (frozen) checklist and its criteria into the next version, editable."""
    with transaction.atomic():
        latest = Checklist.objects.filter(code=checklist.code).order_by("-version").first()
        copy = Checklist.objects.create(
            code=checklist.code,
            version=latest.version + 1,
            title=checklist.title,
            legal_basis=checklist.legal_basis,
            good_from=checklist.good_from,
            meets_from=checklist.meets_from,
        )
        Criterion.objects.bulk_create(
            [
                Criterion(
                    checklist=copy,
                    code=c.code,
                    title=c.title,
                    guidance=c.guidance,
                    iso_clause=c.iso_clause,
                    order=c.order,
                    weight=c.weight,
                    statement_met=c.statement_met,
                    statement_unmet=c.statement_unmet,
                )
                for c in checklist.criteria.all()
            ]
        )
    return copy


@dataclass
class ChecklistImport:
    """What a workbook import did, or (dry run) would do."""

    round: Round
    new_answers: int = 0
    changed_answers: int = 0
    unchanged_answers: int = 0
    conclusions: int = 0
    skipped: list = field(default_factory=list)
    to_submit: list = field(default_factory=list)
    not_complete: list = field(default_factory=list)
    # (agency, criterion code, answer as it is, new result label, new note)
    changes: list = field(default_factory=list)
    # What applying writes: (answer, result, note), and the inspections with a new conclusion.
    planned: list = field(default_factory=list)
    new_conclusions: list = field(default_factory=list)

    def add_row(self, row, inspection, plan, *, submit):
        """Count one planned row in; the row of an inspection that cannot change is skipped."""
        self.unchanged_answers += plan.unchanged
        if not inspection.is_editable:
            if plan.changes or plan.conclusion != inspection.conclusion:
                self.skipped.append(
                    _("Row %(row)d, %(agency)s: not changed, the inspection is %(status)s.")
                    % {
                        "row": row.line,
                        "agency": inspection.agency.name,
                        "status": inspection.get_status_display().lower(),
                    }
                )
            return
        self.planned.extend(plan.changes)
        for answer, result, note in plan.changes:
            if answer.result:
                self.changed_answers += 1
            elif result:
                self.new_answers += 1
            label = Answer.Result(result).label if result else ""
            self.changes.append((inspection.agency, answer.criterion.code, answer, label, note))
        if plan.conclusion != inspection.conclusion:
            inspection.conclusion = plan.conclusion
            self.new_conclusions.append(inspection)
            self.conclusions += 1
        if submit:
            missing = [code for code, result in plan.results.items() if not result]
            if missing:
                self.not_complete.append((inspection.agency, missing))
            else:
                self.to_submit.append(inspection)


@dataclass
class _RowPlan:
    """What one workbook row would change in its inspection, and what is wrong with it."""

    conclusion: str
    changes: list = field(default_factory=list)  # (answer, new result, new note)
    results: dict = field(default_factory=dict)  # criterion code -> result after the import
    unchanged: int = 0
    problems: list = field(default_factory=list)


def checklists_import(
    *,
    data,
    filename,
    user=None,
    submit=False,
    round_=None,
    scope_user=None,
    dry_run=False,
):
    """Read a filled checklist workbook and save its answers: all rows or none.

    `user` is who the answers are recorded as. `round_` (the round page's upload) must be
    the workbook's round; `scope_user` limits the rows to inspections that user may see,
    and for an inspector to those assigned to it. An empty cell changes nothing. Approved
    or submitted inspections are skipped, and the report says so. The same file imported
    twice changes nothing the second time. An answer saved after the workbook was exported
    is not overwritten: the file is refused. Raises FileRefused, one line per problem.
    """
    parsed = workbooks.read_workbook(data, filename)
    options = {"filename": filename, "submit": submit, "round_": round_, "scope_user": scope_user}
    if dry_run:
        return _import_plan(parsed, lock=False, **options)
    # Check and write in one transaction, the round's inspections locked, so an approval
    # or an online save cannot slip in between the checks and the writes.
    with transaction.atomic():
        report = _import_plan(parsed, lock=True, **options)
        _import_apply(report, user=user, filename=filename)
    return report


def _import_plan(parsed, *, filename, submit, round_, scope_user, lock):
    """Resolve the round, load what is saved now, and plan every row; writes nothing."""
    round_ = _import_round(parsed, filename=filename, round_=round_, scope_user=scope_user)
    codes = [c.code for c in round_.checklist.criteria.all()]
    problems = workbooks.check_header(parsed, codes)
    if problems:
        raise FileRefused(*problems)
    inspections = _import_inspections(round_, scope_user=scope_user, lock=lock)
    answers = _current_answers(round_)
    report = ChecklistImport(round=round_)
    first_lines = {}
    for row in parsed.rows:
        inspection = inspections.get(row.agency_code)
        if inspection is None or row.agency_code in first_lines:
            first = first_lines.get(row.agency_code)
            problems.append(_agency_problem(parsed, row, first, scope_user=scope_user))
            continue
        first_lines[row.agency_code] = row.line
        plan = _plan_row(
            parsed, row, inspection=inspection, codes=codes, answers=answers, submit=submit
        )
        problems += plan.problems
        report.add_row(row, inspection, plan, submit=submit)
    if problems:
        raise FileRefused(*problems)
    return report


def _import_round(parsed, *, filename, round_, scope_user):
    """The round the workbook names, if `scope_user` may see it and it is `round_` (if given)."""
    rounds = Round.objects.for_user(scope_user) if scope_user else Round.objects.all()
    workbook_round = rounds.select_related("checklist").filter(pk=parsed.round_id).first()
    if workbook_round is None:
        raise FileRefused(
            _("%(name)s belongs to round %(id)s, which does not exist or is not yours.")
            % {"name": filename, "id": parsed.round_id}
        )
    if round_ is not None and round_.pk != workbook_round.pk:
        raise FileRefused(
            _("%(name)s is the workbook of another round (%(other)s), not of %(round)s.")
            % {"name": filename, "other": workbook_round, "round": round_}
        )
    return workbook_round


def _import_inspections(round_, *, scope_user, lock):
    """The round's inspections `scope_user` may import into, by agency code."""
    inspections = Inspection.objects.filter(round=round_).select_related("agency")
    if scope_user is not None:
        inspections = inspections.filter(pk__in=Inspection.objects.for_user(scope_user))
    if lock:
        inspections = inspections.select_for_update(of=("self",))
    by_code = {}
    for inspection in inspections:
        inspection.round = round_  # one round for all: no query per row when rating
        by_code[inspection.agency.code] = inspection
    return by_code


def _current_answers(round_):
    """The round's answers as saved now, by (inspection id, criterion code)."""
    answers = Answer.objects.filter(inspection__round=round_).select_related(
        "criterion", "answered_by"
    )
    return {(answer.inspection_id, answer.criterion.code): answer for answer in answers}


def _agency_problem(parsed, row, first_line, *, scope_user):
    """Why a row's agency cannot be imported: not in the round (or not yours), or repeated."""
    if first_line is not None:
        message = _("agency %(code)r appears twice: first on row %(first)d.") % {
            "code": row.agency_code,
            "first": first_line,
        }
    else:
        message = _("agency %(code)r is not in this round%(yours)s.") % {
            "code": row.agency_code,
            "yours": _(" or not assigned to you") if scope_user else "",
        }
    return parsed.problem(row, "agency_code", message)


def _plan_row(parsed, row, *, inspection, codes, answers, submit):
    """What one row changes in its inspection (answers and conclusion), and its problems."""
    conclusion = workbooks.edited_text(row.cells.get("conclusion"), inspection.conclusion)
    plan = _RowPlan(conclusion=conclusion, problems=workbooks.long_text_problems(parsed, row))
    for code in codes:
        answer = answers.get((inspection.pk, code))
        if answer is None:  # a criterion added to the checklist outside a new version
            message = _("%(code)s has no answer in this inspection.") % {"code": code}
            plan.problems.append(parsed.problem(row, "agency_code", message))
            continue
        _plan_answer(parsed, row, answer, plan, submit=submit)
    return plan


def _plan_answer(parsed, row, answer, plan, *, submit):
    """Add one criterion of a row to its plan: the new result and note, or the problem."""
    code, note_column = answer.criterion.code, f"{answer.criterion.code}_note"
    result = workbooks.parse_result(row.cells.get(code))
    if result is None:
        allowed = ", ".join(workbooks.RESULT_LABELS.values())
        message = _("%(value)r is not one of: %(allowed)s.") % {
            "value": row.cells.get(code),
            "allowed": allowed,
        }
        plan.problems.append(parsed.problem(row, code, message))
        return
    result = result or answer.result
    note = workbooks.edited_text(row.cells.get(note_column), answer.note)
    plan.results[code] = result
    if (result, note) != (answer.result, answer.note):
        if _saved_after(answer, parsed.exported_at):
            # Name the cell that was changed: the result's, or the note's if only it is there.
            column = code if code in parsed.header else note_column
            plan.problems.append(parsed.problem(row, column, _saved_since_export(answer)))
            return
        plan.changes.append((answer, result, note))
    elif answer.result:
        plan.unchanged += 1
    shortfall = result in (Answer.Result.PARTIAL, Answer.Result.NONCONFORMING)
    if submit and shortfall and not note.strip():
        message = _("%(code)s is %(result)s: a note is needed to submit.") % {
            "code": code,
            "result": workbooks.RESULT_LABELS[result],
        }
        column = note_column if note_column in parsed.header else code
        plan.problems.append(parsed.problem(row, column, message))


def _saved_after(answer, exported_at):
    """Whether the answer was saved after the export (a signed time, never later than now)."""
    return bool(answer.answered_at and answer.answered_at > exported_at)


def _saved_since_export(answer):
    return _(
        "%(who)s saved this criterion on %(when)s, after the workbook was "
        "exported (now: %(current)s). Export a new workbook, or change it "
        "on the checklist page."
    ) % {
        "who": answer.answered_by.get_username() if answer.answered_by else "—",
        "when": timezone.localtime(answer.answered_at).strftime("%d/%m/%Y %H:%M"),
        "current": answer.get_result_display() or "—",
    }


def _import_apply(report, *, user, filename):
    """Write a planned import in a fixed number of queries, with history rows."""
    now = timezone.now()
    reason = _("imported from %(name)s") % {"name": filename}
    changed = []
    for answer, result, note in report.planned:
        answer.result, answer.note = result, note
        answer.answered_by, answer.answered_at = user, now
        answer.version += 1
        changed.append(answer)
    bulk_update_values(Answer, changed, ["result", "note", "answered_by", "answered_at", "version"])
    Answer.history.bulk_history_create(
        changed, update=True, default_user=user, default_change_reason=reason, default_date=now
    )
    bulk_update_values(Inspection, report.new_conclusions, ["conclusion"])
    if report.to_submit:
        _mark_submitted(report.to_submit, user=user, reason=reason, now=now)


# -- Agency response links -----------------------------------------------------------------


def response_link_expiry(inspection, today):
    """The latest due date of the findings still awaiting action, plus the grace period;
    None when nothing awaits action."""
    latest = (
        inspection.findings.filter(Finding.awaiting_condition())
        .order_by("-due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    if latest is None:
        return None
    grace = datetime.timedelta(days=settings.RESPONSE_LINK_GRACE_DAYS)
    return max(latest, today) + grace


def response_link_issue(*, inspection, user, today=None, source=ResponseLink.Source.STAFF):
    """A new link for the agency, replacing the active one of the same source.

    Returns (link, token): the token exists only here; the database keeps its SHA-256.
    """
    today = today or timezone.localdate()
    if source == ResponseLink.Source.STAFF and not inspection.can_review(user):
        raise PermissionDenied
    expires_on = response_link_expiry(inspection, today)
    if expires_on is None:
        raise ValidationError(_("This inspection has no findings awaiting action."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
        inspection.response_links.filter(
            ResponseLink.active_condition(today), source=source
        ).update(revoked_at=timezone.now(), revoked_by=user)
        link = ResponseLink.objects.create(
            inspection=inspection,
            token_hash=ResponseLink.hash_of(token),
            source=source,
            created_by=user,
            expires_on=expires_on,
        )
    return link, token


def response_link_revoke(*, link, user):
    if not link.inspection.can_review(user):
        raise PermissionDenied
    ResponseLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user
    )


def response_link_find(token, today=None):
    """The active link of `token`, or None: wrong, tampered, expired and revoked alike."""
    if not token or len(token) > 100:
        return None
    today = today or timezone.localdate()
    return (
        ResponseLink.objects.filter(ResponseLink.active_condition(today))
        .select_related("inspection__agency")
        .filter(token_hash=ResponseLink.hash_of(token))
        .first()
    )


def response_link_uploads_left(link):
    """How many more files the link may upload in the current hour (a rolling window)."""
    since = timezone.now() - datetime.timedelta(hours=1)
    used = CorrectiveFile.objects.filter(link=link, uploaded_at__gte=since).count()
    return max(settings.RESPONSE_LINK_UPLOADS_PER_HOUR - used, 0)
