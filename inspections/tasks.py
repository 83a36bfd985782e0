"""Background work of the inspections app: large workbook uploads, and housekeeping."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from compliance.spreadsheets import FileRefused
from inspections import housekeeping, reminders, services
from inspections.models import Round
from jobs.registry import JobFailed, register

WORKBOOK_PREVIEW = "inspections.workbook_preview"
WORKBOOK_IMPORT = "inspections.workbook_import"
STEPS = gettext_lazy("step %(done)s of %(total)s")
# A preview lists at most this many changed answers; the counts cover them all.
PREVIEW_CHANGES = 500


@db_periodic_task(crontab(minute="17"))
def inspections_housekeeping():
    """Hourly: unconfirmed workbook uploads and old autosave keys."""
    housekeeping.delete_stale()


# Huey's schedule is in UTC: 00:30 UTC is 07:30 in Vietnam, before the office opens.
@db_periodic_task(crontab(hour="0", minute="30"))
def inspections_send_reminders():
    """Daily: agencies' reminders of findings due soon or overdue, staff's overdue digests."""
    reminders.reminders_send(today=timezone.localdate())


def _round(job):
    round_ = Round.objects.for_user(job.user).filter(pk=job.params["round"]).first()
    if round_ is None or not round_.can_import_workbook(job.user):
        raise JobFailed(_("This round is not (or no longer) yours to import into."))
    return round_


def _workbook_import(job, progress, *, dry_run):
    round_ = _round(job)
    progress(0, 1)
    with job.source.open("rb") as handle:
        data = handle.read()
    try:
        report = services.checklists_import(
            data=data,
            filename=job.source_name,
            user=job.user,
            submit=job.params["submit"],
            round_=round_,
            scope_user=job.user,
            dry_run=dry_run,
        )
    except FileRefused as refused:
        if dry_run:
            job.data = {"problems": refused.problems}
            return None
        raise JobFailed(_("Nothing was imported."), refused.problems) from None
    progress(1, 1)
    return report


def _preview_page(job):
    return reverse("round_import", args=[job.params["round"]]) + f"?job={job.pk}"


@register(
    WORKBOOK_PREVIEW,
    label=gettext_lazy("Checklist workbook: preview"),
    counts=STEPS,
    result_url=_preview_page,
    follow=True,
)
def workbook_preview(job, progress):
    report = _workbook_import(job, progress, dry_run=True)
    if report is not None:
        job.data = preview_data(report)


def preview_data(report):
    """The preview as the round import page shows it, kept on the job as JSON."""
    return {
        "new_answers": report.new_answers,
        "changed_answers": report.changed_answers,
        "unchanged_answers": report.unchanged_answers,
        "to_submit": [{"agency": {"name": i.agency.name}} for i in report.to_submit],
        "skipped": [str(line) for line in report.skipped],
        "not_complete": [[{"name": a.name}, list(missing)] for a, missing in report.not_complete],
        "changes": [
            [
                {"name": agency.name},
                code,
                {"get_result_display": answer.get_result_display(), "note": answer.note},
                str(label),
                note,
            ]
            for agency, code, answer, label, note in report.changes[:PREVIEW_CHANGES]
        ],
    }


def _round_page(job):
    return reverse("round_detail", args=[job.params["round"]])


@register(
    WORKBOOK_IMPORT,
    label=gettext_lazy("Checklist workbook: import"),
    counts=STEPS,
    result_url=_round_page,
)
def workbook_import(job, progress):
    report = _workbook_import(job, progress, dry_run=False)
    job.problems = [str(line) for line in report.skipped]
    job.message = _(
        "Imported %(name)s: %(new)d new answers, %(changed)d changed, "
        "%(submitted)d inspections submitted, %(skipped)d rows skipped."
    ) % {
        "name": job.source_name,
        "new": report.new_answers,
        "changed": report.changed_answers,
        "submitted": len(report.to_submit),
        "skipped": len(report.skipped),
    }
