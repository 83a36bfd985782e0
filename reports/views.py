from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.forms import AnnouncementForm
from agencies.models import Province, can_edit_report, can_read_national, can_read_reports
from agencies.models import can_record_announcements as can_record
from jobs.services import job_start
from reports import builder
from reports.contexts import national_page_context, province_page_context, report_period
from reports.document import draft_for, suggested_recommendations, suggested_shortcomings
from reports.files import CONTENT_TYPES, national_file, province_file
from reports.forms import IssuingDetailsForm, ReportDraftForm
from reports.models import IssuingDetails
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
    if fmt == "docx":
        raise Http404  # the national dashboard is a table, not a document to sign
    return _attachment(*national_file(context, fmt), fmt)


def _report_url(province, year, round_number):
    query = f"?province={province.code}&year={year}"
    return reverse("province_report") + query + (f"&round={round_number}" if round_number else "")


@login_required
def issuing_details(request):
    """Who issues and signs the province's reports: set once, by the province's staff."""
    province, _year, _round = report_period(
        user=request.user, query=request.GET, rule=can_edit_report
    )
    form = IssuingDetailsForm(request.POST or None, instance=IssuingDetails.for_province(province))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Issuing details saved."))
        return redirect(_report_url(province, request.GET.get("year", ""), None))
    return render(request, "reports/issuing_details.html", {"form": form, "province": province})


@login_required
def report_draft(request):
    """Number, date, recipients and parts III and IV of one report; never its figures."""
    province, year, round_number = report_period(
        user=request.user, query=request.GET, rule=can_edit_report
    )
    today = timezone.localdate()
    report = builder.province_report(province, year, round_number, today=today, user=request.user)
    draft = draft_for(report, IssuingDetails.for_province(province), today=today)
    form = ReportDraftForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        draft = form.save(commit=False)
        draft.updated_by = request.user
        draft.save()
        messages.success(request, _("The report's text is saved."))
        return redirect(_report_url(province, year, round_number))
    return render(
        request,
        "reports/draft.html",
        {
            "form": form,
            "report": report,
            "saved": draft.pk is not None,
            "suggested_shortcomings": suggested_shortcomings(report),
            "suggested_recommendations": suggested_recommendations(report),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def unrecorded_announcements(request):
    """Agencies the period's inspections found announced (CB01) with no date in the registry;
    each row posts the date to the registry (agencies' record-announcement view)."""
    province, year, round_number = report_period(
        user=request.user, query=request.GET, rule=lambda user, _province: can_record(user)
    )
    inspections = builder.counted_inspections(year, round_number, user=request.user)
    agencies = builder.unrecorded_announcements(inspections.filter(round__province=province))
    return render(
        request,
        "reports/unrecorded_announcements.html",
        {
            "province": province,
            "year": year,
            "round_number": round_number,
            "agencies": agencies,
            "back": request.get_full_path(),
            # One date field per row: no id, each labelled by its own <label>.
            "announcement_form": AnnouncementForm(auto_id=False),
        },
    )


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
    if not can_read_national(request.user) or fmt == "docx":
        raise Http404
    query = _report_query(request, ["year", "round"])
    job = job_start(user=request.user, kind=NATIONAL_FILE, params={"format": fmt, "query": query})
    return redirect("job_detail", pk=job.pk)
