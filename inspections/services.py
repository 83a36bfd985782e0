"""Writes that span several models or must not be half-done: the inspection workflow."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.bulk import bulk_update_values
from inspections import workbooks
from inspections.models import (
    Answer,
    Checklist,
    Criterion,
    Evidence,
    Finding,
    Inspection,
    Round,
    SaveKey,
)

FINDING_DAYS = 30


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


def answer_save(*, answer, user, result, note, base_version, key=None):
    """Save one answer from the checklist page or an offline queue.

    `key` makes a replayed request a no-op: it is inserted first, and a second insert of
    the same key fails on the primary key, so a request sent twice is applied once.
    `base_version` is the version the client started from; if someone saved since,
    Conflict is raised and nothing changes.
    """
    if result not in Answer.Result.values and result != "":
        raise ValidationError(_("Unknown result %(result)r.") % {"result": result})
    try:
        with transaction.atomic():
            if key is not None:
                SaveKey.objects.create(key=key, answer=answer, version=answer.version + 1)
            # Locking the inspection orders this save after any submit or approval under way.
            _lock_editable(answer.inspection_id, user)
            current = Answer.objects.select_for_update().get(pk=answer.pk)
            if current.version != base_version:
                raise Conflict(current)
            if (current.result, current.note) == (result, note):
                return current, False
            current.result, current.note = result, note
            current.answered_by, current.answered_at = user, timezone.now()
            current.version += 1
            current._history_user = user
            current.save(update_fields=["result", "note", "answered_by", "answered_at", "version"])
            return current, True
    except IntegrityError:
        if key is None or not SaveKey.objects.filter(key=key).exists():
            raise
        current = Answer.objects.get(pk=answer.pk)
        if (current.result, current.note) != (result, note):
            # This change was applied before, but someone has saved over it since.
            raise Conflict(current) from None
        return current, False


def _lock_editable(inspection_id, user):
    inspection = Inspection.objects.select_for_update().get(pk=inspection_id)
    if not inspection.can_edit(user):
        raise PermissionDenied
    return inspection


def evidence_add(*, answer, user, upload, content_type):
    with transaction.atomic():
        _lock_editable(answer.inspection_id, user)
        return Evidence.objects.create(
            answer=answer,
            file=upload,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
        )


def _set_status(inspection, user, status, reason="", **fields):
    inspection.status = status
    inspection.version += 1
    inspection._history_user = user
    inspection._change_reason = reason
    for name, value in fields.items():
        setattr(inspection, name, value)
    inspection.save()


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
        mark_submitted(inspection, user, answers)
    return inspection


def mark_submitted(inspection, user, answers, reason=""):
    """Score, rate and submit an inspection whose answers were checked complete."""
    score = Inspection.score_of(answers)
    _set_status(
        inspection,
        user,
        Inspection.Status.SUBMITTED,
        reason=reason,
        score=score,
        rating=inspection.round.checklist.rating_for(score),
        submitted_at=timezone.now(),
        return_reason="",
    )


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
        shortfalls = inspection.answers.filter(
            result__in=[Answer.Result.PARTIAL, Answer.Result.NONCONFORMING]
        ).select_related("criterion")
        Finding.objects.bulk_create(
            [
                Finding(
                    inspection=inspection,
                    answer=answer,
                    description=f"{answer.criterion.code}. {answer.criterion.title}: {answer.note}",
                    due_on=today + datetime.timedelta(days=FINDING_DAYS),
                )
                for answer in shortfalls
            ]
        )
    return inspection


def _lock_open_finding(finding):
    """The finding re-read under lock; closed ones cannot change any more."""
    locked = Finding.objects.select_for_update().get(pk=finding.pk)
    if locked.status == Finding.Status.VERIFIED:
        raise ValidationError(_("This finding is already closed."))
    return locked


def finding_update_due(*, finding, user, due_on):
    if not finding.inspection.can_review(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock_open_finding(finding)
        locked.due_on = due_on
        locked._history_user = user
        locked.save(update_fields=["due_on"])


def finding_submit_record(*, finding, user, upload, content_type, note):
    """The agency's corrective-action record, received and uploaded by staff or an inspector.

    A new upload replaces the record shown; the history keeps the earlier file's path.
    """
    inspection = finding.inspection
    if not (inspection.can_review(user) or inspection.inspectors.filter(pk=user.pk).exists()):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock_open_finding(finding)
        locked.record = upload
        locked.record_name = upload.name[:255]
        locked.record_content_type = content_type
        locked.record_note = note
        locked.status = Finding.Status.SUBMITTED
        locked.submitted_at, locked.submitted_by = timezone.now(), user
        locked._history_user = user
        locked.save(
            update_fields=[
                "record",
                "record_name",
                "record_content_type",
                "record_note",
                "status",
                "submitted_at",
                "submitted_by",
            ]
        )


def finding_verify(*, finding, user, today=None):
    if not finding.inspection.can_review(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock_open_finding(finding)
        if locked.status != Finding.Status.SUBMITTED:
            raise ValidationError(
                _("Only a finding with a corrective action record can be closed.")
            )
        locked.status = Finding.Status.VERIFIED
        locked.verified_by, locked.verified_on = user, today or timezone.localdate()
        locked._history_user = user
        locked.save(update_fields=["status", "verified_by", "verified_on"])


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


class WorkbookRefused(Exception):
    """Nothing was imported; `problems` names the sheet, row and column of each."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


def checklists_import(**kwargs):
    """Read a filled checklist workbook and save its answers: all rows or none.

    Keyword arguments: data, filename, user, submit, round_, scope_user, dry_run.
    `round_` (the round page's upload) must be the workbook's round; `scope_user` limits
    the rows to inspections that user may see, and for an inspector to those assigned to
    it. An empty cell changes nothing. Approved or submitted inspections are skipped, and
    the report says so. The same file imported twice changes nothing the second time. An
    answer saved after the workbook was exported is not overwritten: the file is refused.
    """
    try:
        parsed = workbooks.read_workbook(kwargs.pop("data"), kwargs["filename"])
    except workbooks.WorkbookError as error:
        raise WorkbookRefused([str(error)]) from error
    if kwargs.get("dry_run"):
        return _checklists_import(parsed=parsed, **kwargs)
    # Check and write in one transaction, the round's inspections locked, so an approval
    # or an online save cannot slip in between the checks and the writes.
    with transaction.atomic():
        return _checklists_import(parsed=parsed, lock=True, **kwargs)


def _checklists_import(
    *,
    parsed,
    filename,
    user=None,
    submit=False,
    round_=None,
    scope_user=None,
    dry_run=False,
    lock=False,
):
    rounds = Round.objects.for_user(scope_user) if scope_user else Round.objects.all()
    workbook_round = rounds.select_related("checklist").filter(pk=parsed.round_id).first()
    if workbook_round is None:
        raise WorkbookRefused(
            [
                _("%(name)s belongs to round %(id)s, which does not exist or is not yours.")
                % {"name": filename, "id": parsed.round_id}
            ]  # fmt: skip
        )
    if round_ is not None and round_.pk != workbook_round.pk:
        raise WorkbookRefused(
            [
                _("%(name)s is the workbook of another round (%(other)s), not of %(round)s.")
                % {"name": filename, "other": workbook_round, "round": round_}
            ]  # fmt: skip
        )
    round_ = workbook_round
    criteria = {c.code: c for c in round_.checklist.criteria.all()}
    problems = workbooks.check_header(parsed, list(criteria))
    if problems:
        raise WorkbookRefused(problems)
    inspections = Inspection.objects.filter(round=round_).select_related("agency")
    if scope_user is not None:
        inspections = inspections.filter(pk__in=Inspection.objects.for_user(scope_user))
    if lock:
        inspections = inspections.select_for_update(of=("self",))
    inspections = {i.agency.code: i for i in inspections}
    for inspection in inspections.values():
        inspection.round = round_  # one round for all: no query per row when rating
    answers = {}
    for answer in Answer.objects.filter(inspection__round=round_).select_related(
        "criterion", "answered_by"
    ):
        answers[(answer.inspection_id, answer.criterion.code)] = answer
    report = ChecklistImport(round=round_)
    planned, conclusions, seen = [], [], {}
    sheet = workbooks.DATA_SHEET

    def where(row, column):
        return _("Sheet «%(sheet)s», row %(row)d, column %(column)s (%(name)s)") % {
            "sheet": sheet,
            "row": row.line,
            "column": workbooks.column_letter(parsed, column),
            "name": column,
        }

    for row in parsed.rows:
        inspection = inspections.get(row.agency_code)
        if inspection is None:
            problems.append(
                where(row, "agency_code")
                + ": "
                + _("agency %(code)r is not in this round%(yours)s.")
                % {
                    "code": row.agency_code,
                    "yours": _(" or not assigned to you") if scope_user else "",
                }
            )
            continue
        if row.agency_code in seen:
            problems.append(
                where(row, "agency_code")
                + ": "
                + _("agency %(code)r appears twice: first on row %(first)d.")
                % {"code": row.agency_code, "first": seen[row.agency_code]}
            )
            continue
        seen[row.agency_code] = row.line
        row_changes, final = [], {}
        for code in criteria:
            answer = answers.get((inspection.pk, code))
            if answer is None:  # a criterion added to the checklist outside a new version
                problems.append(
                    where(row, "agency_code")
                    + ": "
                    + _("%(code)s has no answer in this inspection.") % {"code": code}
                )
                continue
            result, note = answer.result, answer.note
            if code in parsed.header:
                value = workbooks.parse_result(row.cells.get(code))
                if value is None:
                    problems.append(
                        where(row, code)
                        + ": "
                        + _("%(value)r is not one of: %(allowed)s.")
                        % {
                            "value": row.cells.get(code),
                            "allowed": ", ".join(workbooks.RESULT_LABELS.values()),
                        }
                    )
                    continue
                result = value or result
            note_column = f"{code}_note"
            if note_column in parsed.header:
                cell_note = workbooks.clean_text(row.cells.get(note_column))
                # Compared as the export wrote it (trimmed, NFC), so an untouched cell is no change.
                if cell_note and cell_note != workbooks.clean_text(answer.note):
                    note = cell_note
            final[code] = (result, note)
            if (result, note) != (answer.result, answer.note):
                if _saved_after(answer, parsed.exported_at):
                    problems.append(
                        where(row, code)
                        + ": "
                        + _(
                            "%(who)s saved this criterion on %(when)s, after the workbook was "
                            "exported (now: %(current)s). Export a new workbook, or change it "
                            "on the checklist page."
                        )
                        % {
                            "who": answer.answered_by.get_username() if answer.answered_by else "—",
                            "when": timezone.localtime(answer.answered_at).strftime(
                                "%d/%m/%Y %H:%M"
                            ),
                            "current": answer.get_result_display() or "—",
                        }
                    )
                    continue
                row_changes.append((answer, result, note))
            elif answer.result:
                report.unchanged_answers += 1
            if (
                submit
                and result in (Answer.Result.PARTIAL, Answer.Result.NONCONFORMING)
                and not note.strip()
            ):
                problems.append(
                    where(row, note_column if note_column in parsed.header else code)
                    + ": "
                    + _("%(code)s is %(result)s: a note is needed to submit.")
                    % {"code": code, "result": workbooks.RESULT_LABELS[result]}
                )
        conclusion = inspection.conclusion
        if "conclusion" in parsed.header:
            cell_conclusion = workbooks.clean_text(row.cells.get("conclusion"))
            if cell_conclusion and cell_conclusion != workbooks.clean_text(conclusion):
                conclusion = cell_conclusion
        if not inspection.is_editable:
            if row_changes or conclusion != inspection.conclusion:
                report.skipped.append(
                    _("Row %(row)d, %(agency)s: not changed, the inspection is %(status)s.")
                    % {
                        "row": row.line,
                        "agency": inspection.agency.name,
                        "status": inspection.get_status_display().lower(),
                    }
                )
            continue
        planned.extend(row_changes)
        for answer, result, note in row_changes:
            if answer.result:
                report.changed_answers += 1
            elif result:
                report.new_answers += 1
            label = Answer.Result(result).label if result else ""
            report.changes.append((inspection.agency, answer.criterion.code, answer, label, note))
        if conclusion != inspection.conclusion:
            inspection.conclusion = conclusion
            conclusions.append(inspection)
        if submit:
            missing = [code for code, (result, _note) in final.items() if not result]
            if missing:
                report.not_complete.append((inspection.agency, missing))
            elif len(final) == len(criteria):
                report.to_submit.append(inspection)
    if problems:
        raise WorkbookRefused(problems)
    report.conclusions = len(conclusions)
    if not dry_run:
        _apply_import(report, planned, conclusions, user, filename)
    return report


def _saved_after(answer, exported_at):
    return bool(exported_at and answer.answered_at and answer.answered_at > exported_at)


def _apply_import(report, planned, conclusions, user, filename):
    now = timezone.now()
    reason = _("imported from %(name)s") % {"name": filename}
    changed = []
    for answer, result, note in planned:
        answer.result, answer.note = result, note
        answer.answered_by, answer.answered_at = user, now
        answer.version += 1
        changed.append(answer)
    with transaction.atomic():
        bulk_update_values(
            Answer, changed, ["result", "note", "answered_by", "answered_at", "version"]
        )
        Answer.history.bulk_history_create(
            changed, update=True, default_user=user, default_change_reason=reason, default_date=now
        )
        bulk_update_values(Inspection, conclusions, ["conclusion"])
        if report.to_submit:
            _bulk_submit(report.to_submit, user, reason, now)


def _bulk_submit(inspections, user, reason, now):
    """mark_submitted for many inspections in a fixed number of queries."""
    by_inspection = {}
    for answer in Answer.objects.filter(inspection__in=inspections).select_related("criterion"):
        by_inspection.setdefault(answer.inspection_id, []).append(answer)
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
