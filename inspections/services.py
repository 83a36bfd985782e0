"""Writes that span several models or must not be half-done: the inspection workflow."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
    inspection = answer.inspection
    if not inspection.can_edit(user):
        raise PermissionDenied
    try:
        with transaction.atomic():
            if key is not None:
                SaveKey.objects.create(key=key, answer=answer, version=answer.version + 1)
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
        return Answer.objects.get(pk=answer.pk), False


def evidence_add(*, answer, user, upload, content_type):
    if not answer.inspection.can_edit(user):
        raise PermissionDenied
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
        unanswered, without_note = inspection.missing_for_submit(answers)
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
        score = inspection.compute_score(answers)
        _set_status(
            inspection,
            user,
            Inspection.Status.SUBMITTED,
            score=score,
            rating=inspection.round.checklist.rating_for(score),
            submitted_at=timezone.now(),
            return_reason="",
        )
    return inspection


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


def finding_update_due(*, finding, user, due_on):
    if not finding.inspection.can_review(user):
        raise PermissionDenied
    finding.due_on = due_on
    finding._history_user = user
    finding.save(update_fields=["due_on"])


def finding_submit_record(*, finding, user, upload, content_type, note):
    """The agency's corrective-action record, received and uploaded by staff or an inspector."""
    inspection = finding.inspection
    if not (inspection.can_review(user) or inspection.inspectors.filter(pk=user.pk).exists()):
        raise PermissionDenied
    if finding.status == Finding.Status.VERIFIED:
        raise ValidationError(_("This finding is already closed."))
    finding.record = upload
    finding.record_name = upload.name[:255]
    finding.record_content_type = content_type
    finding.record_note = note
    finding.status = Finding.Status.SUBMITTED
    finding.submitted_at, finding.submitted_by = timezone.now(), user
    finding._history_user = user
    finding.save()


def finding_verify(*, finding, user, today=None):
    if not finding.inspection.can_review(user):
        raise PermissionDenied
    if finding.status != Finding.Status.SUBMITTED:
        raise ValidationError(_("Only a finding with a corrective action record can be closed."))
    finding.status = Finding.Status.VERIFIED
    finding.verified_by, finding.verified_on = user, today or timezone.localdate()
    finding._history_user = user
    finding.save(update_fields=["status", "verified_by", "verified_on"])


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
