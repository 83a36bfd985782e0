"""Agency list imports as background jobs: the admin's preview, then its confirmation."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.services import agencies_import, agencies_import_summary, import_notes
from compliance.spreadsheets import FileRefused
from jobs.registry import JobFailed, register

PREVIEW = "agencies.import_preview"
IMPORT = "agencies.import"
ROWS = gettext_lazy("%(done)s/%(total)s rows")


def _source(job):
    with job.source.open("rb") as handle:
        return handle.read()


def _preview_page(job):
    return reverse("admin:agencies_agency_import_preview", args=[job.pk])


@register(
    PREVIEW,
    label=gettext_lazy("Agency list: preview"),
    counts=ROWS,
    result_url=_preview_page,
    follow=True,
)
def import_preview(job, progress):
    """A dry run; a file with problems still makes a preview: the list of every problem."""
    try:
        job.data = agencies_import_summary(
            data=_source(job), filename=job.params["filename"], progress=progress
        )
    except FileRefused as refused:
        job.data = {"problems": refused.problems}
        job.message = _("The file has problems; nothing can be imported until they are fixed.")
        return
    job.message = _("%(new)d new, %(changed)d changed, %(unchanged)d unchanged.") % job.data


def _agency_list(job):
    return reverse("admin:agencies_agency_changelist")


@register(IMPORT, label=gettext_lazy("Agency list: import"), counts=ROWS, result_url=_agency_list)
def import_agencies(job, progress):
    try:
        result = agencies_import(
            data=_source(job), filename=job.params["filename"], progress=progress
        )
    except FileRefused as refused:
        raise JobFailed(
            _("Nothing was imported: the file has problems."), refused.problems
        ) from None
    totals = result.totals
    job.data = {"new": totals["new"], "changed": totals["update"], "unchanged": totals["skip"]}
    # Rows an old province code filed under today's province are said, not left silent.
    job.message = " ".join(
        [
            _("Imported: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.") % job.data,
            *import_notes(result),
        ]
    )
