from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import numberformat
from django.utils.formats import get_format
from django.views.decorators.http import require_safe

from jobs.models import Job
from jobs.registry import kind_of
from jobs.runner import live_progress

LIST_LENGTH = 50


def _job(request, pk):
    return get_object_or_404(Job.objects.for_user(request.user).select_related("user"), pk=pk)


def _grouped(number):
    """3.200 in Vietnamese, 3,200 in English: locales name the separator, not the grouping."""
    return numberformat.format(
        number,
        get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def progress_context(job, *, follow=False):
    """What the progress partial shows: live counts while running, the outcome after."""
    kind = kind_of(job)
    done, total = job.done, job.total
    if job.state == Job.State.RUNNING:
        live = live_progress(job.pk)
        if live:
            done, total = live.done, live.total
    counts = ""
    if total and kind:
        counts = kind.counts % {
            "done": _grouped(done),
            "total": _grouped(total),
        }
    percent = 100 if job.state == Job.State.DONE else (100 * done // total if total else 0)
    result_url = kind.result_url(job) if kind and kind.result_url else None
    return {
        "job": job,
        "label": kind.label if kind else job.kind,
        "done": done,
        "total": total,
        "percent": percent,
        "counts": counts,
        "result_url": result_url if job.state == Job.State.DONE else None,
        "follow": follow and bool(kind and kind.follow),
    }


@login_required
@require_safe
def job_list(request):
    jobs = list(Job.objects.for_user(request.user).select_related("user")[:LIST_LENGTH])
    rows = [(job, kind_of(job)) for job in jobs]
    return render(request, "jobs/job_list.html", {"rows": rows})


@login_required
@require_safe
def job_detail(request, pk):
    job = _job(request, pk)
    return render(request, "jobs/job_detail.html", progress_context(job, follow=True))


@login_required
@require_safe
def job_progress(request, pk):
    """The htmx partial the job page polls; it stops polling once the job has finished.

    With `follow`, a finished job whose result has its own page sends the browser there.
    """
    job = _job(request, pk)
    context = progress_context(job, follow=bool(request.GET.get("follow")))
    response = HttpResponse(render_to_string("jobs/_progress.html", context, request))
    if context["follow"] and context["result_url"] and request.headers.get("HX-Request"):
        response["HX-Redirect"] = context["result_url"]
    return response


@login_required
@require_safe
def job_download(request, pk):
    job = _job(request, pk)
    if job.state != Job.State.DONE or not job.result:
        raise Http404
    try:
        handle = job.result.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=job.result_name or "result",
        content_type=job.result_content_type or "application/octet-stream",
    )
