"""The admin's agency list import, on the queue: upload → preview job → confirm → import job.

The upload page only stores the file and queues the preview, so it answers at once however
large the file is; the job page shows the progress and then opens the preview here. The
preview is a summary (counts, changed columns a page at a time, every problem a page at a
time), never one table of every row.
"""

import datetime
from functools import partial
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV

from agencies.resources import AgencyResource, DateWidget, column_label
from agencies.tasks import IMPORT, PREVIEW
from jobs.models import Job
from jobs.services import job_start

CHANGES_PER_PAGE = 50
PROBLEMS_PER_PAGE = 200


def urls(model_admin):
    view = model_admin.admin_site.admin_view(partial(preview, model_admin))
    return [path("import/<int:job_id>/", view, name="agencies_agency_import_preview")]


def upload(model_admin, request, *, form_page):
    """Queue a preview of a valid upload; otherwise show the library's form (with errors)."""
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    if request.method == "POST":
        form = model_admin.create_import_form(request)
        if form.is_valid():
            file_format = model_admin.get_import_formats()[int(form.cleaned_data["format"])]
            upload = form.cleaned_data["import_file"]
            # The chosen format decides how the file is read, whatever its name says.
            suffix = ".csv" if issubclass(file_format, CSV) else ".xlsx"
            job = job_start(
                user=request.user,
                kind=PREVIEW,
                params={"filename": PurePath(upload.name).stem + suffix},
                source=b"".join(upload.chunks()),
                source_name=upload.name,
            )
            return redirect("job_detail", pk=job.pk)
    return form_page(request)


def _preview_job(request, job_id):
    return get_object_or_404(Job.objects.for_user(request.user).filter(kind=PREVIEW), pk=job_id)


def preview(model_admin, request, job_id):
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    job = _preview_job(request, job_id)
    if job.state != Job.State.DONE:
        return redirect("job_detail", pk=job.pk)
    summary = job.data
    problems = summary.get("problems", [])
    changes = Paginator(summary.get("changes", []), CHANGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Preview of %(name)s") % {"name": job.source_name},
        "job": job,
        "summary": summary,
        "changes": changes,
        "changed_rows": _shown_changes(changes),
        "problems": Paginator(problems, PROBLEMS_PER_PAGE).get_page(
            request.GET.get("problems_page")
        ),
        "can_confirm": not problems and (summary.get("new") or summary.get("changed")),
    }
    return render(request, "admin/agencies/agency/import_preview.html", context)


def _shown_cell(column, text):
    """A cell as the site writes it: dates in the user's format; blank stays blank."""
    if text and isinstance(AgencyResource.fields[column].widget, DateWidget):
        return date_format(datetime.date.fromisoformat(text), "SHORT_DATE_FORMAT")
    return text


def _shown_changes(rows):
    """Each changed column named in the user's language beside the file's column name."""
    return [
        (
            line,
            code,
            [
                (column_label(column), column, _shown_cell(column, old), _shown_cell(column, new))
                for column, old, new in cells
            ],
        )
        for line, code, cells in rows
    ]


def confirm(model_admin, request):
    """Queue the import of exactly the previewed file; two clicks queue one job."""
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    if request.method != "POST" or not request.POST.get("job", "").isdigit():
        return redirect("admin:agencies_agency_import")
    job = _preview_job(request, int(request.POST["job"]))
    if job.state != Job.State.DONE or job.data.get("problems"):
        return redirect("admin:agencies_agency_import_preview", job_id=job.pk)
    with job.source.open("rb") as handle:
        data = handle.read()
    started = job_start(
        user=request.user,
        kind=IMPORT,
        params={"filename": job.params["filename"], "preview": job.pk},
        source=data,
        source_name=job.source_name,
    )
    return redirect("job_detail", pk=started.pk)
