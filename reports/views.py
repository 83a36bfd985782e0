from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from agencies.models import Province, can_read_national, can_read_reports
from jobs.services import job_start
from reports.contexts import national_page_context, province_page_context
from reports.files import CONTENT_TYPES, national_file, province_file
from reports.tasks import NATIONAL_FILE, PROVINCE_FILE


@login_required
def province_report(request):
    context = province_page_context(user=request.user, query=request.GET)
    return render(request, "reports/province.html", context)


@login_required
def province_download(request, fmt):
    context = province_page_context(user=request.user, query=request.GET)
    return _attachment(*province_file(context, fmt), fmt)


def _attachment(data, name, fmt):
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def national_report(request):
    context = national_page_context(user=request.user, query=request.GET)
    return render(request, "reports/national.html", context)


@login_required
def national_download(request, fmt):
    context = national_page_context(user=request.user, query=request.GET)
    return _attachment(*national_file(context, fmt), fmt)


def _report_query(request, names):
    return {name: request.POST[name] for name in names if request.POST.get(name)}


@login_required
@require_POST
def province_prepare(request, fmt):
    """Queue the province file; the job page offers it when it is ready."""
    if not can_read_reports(request.user):
        raise Http404
    query = _report_query(request, ["province", "year", "round"])
    get_object_or_404(Province.objects.for_user(request.user), code=query.get("province"))
    job = job_start(user=request.user, kind=PROVINCE_FILE, params={"format": fmt, "query": query})
    return redirect("job_detail", pk=job.pk)


@login_required
@require_POST
def national_prepare(request, fmt):
    """Queue the national file; the job page offers it when it is ready."""
    if not can_read_national(request.user):
        raise Http404
    query = _report_query(request, ["year", "round"])
    job = job_start(user=request.user, kind=NATIONAL_FILE, params={"format": fmt, "query": query})
    return redirect("job_detail", pk=job.pk)
