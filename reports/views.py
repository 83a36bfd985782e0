from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import can_edit_report
from agencies.models import can_record_announcements as can_record
from compliance.spreadsheets import XLSX_CONTENT_TYPE as XLSX
from reports import builder
from reports.contexts import national_page_context, province_page_context, report_period
from reports.document import draft_for, suggested_recommendations, suggested_shortcomings
from reports.excel import national_workbook, province_workbook
from reports.forms import IssuingDetailsForm, ReportDraftForm
from reports.models import IssuingDetails
from reports.pdf import province_pdf, render_pdf
from reports.word import province_docx

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": XLSX,
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@login_required
def province_report(request):
    context = province_page_context(user=request.user, query=request.GET)
    return render(request, "reports/province.html", context)


@login_required
def province_download(request, fmt):
    context = province_page_context(user=request.user, query=request.GET)
    report = context["report"]
    name = f"bao-cao-iso-{report.province.code}-{report.year}"
    if report.round_number is not None:
        name += f"-dot-{report.round_number}"
    if fmt == "pdf":
        return _attachment(province_pdf(report), name, fmt)
    if fmt == "docx":
        return _attachment(province_docx(report), name, fmt)
    return _attachment(province_workbook(report), name, fmt)


def _attachment(data, name, fmt):
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def national_report(request):
    context = national_page_context(user=request.user, query=request.GET)
    return render(request, "reports/national.html", context)


@login_required
def national_download(request, fmt):
    context = national_page_context(user=request.user, query=request.GET)
    report = context["report"]
    name = f"bao-cao-iso-toan-quoc-{report.year}"
    if fmt == "pdf":
        return _attachment(render_pdf("reports/national_pdf.html", context), name, fmt)
    if fmt == "docx":
        raise Http404  # the national dashboard is a table, not a document to sign
    return _attachment(national_workbook(report), name, fmt)


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
        },
    )
