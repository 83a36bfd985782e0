from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from compliance.spreadsheets import XLSX_CONTENT_TYPE as XLSX
from reports.contexts import national_page_context, province_page_context
from reports.excel import national_workbook, province_workbook
from reports.pdf import render_pdf


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
        return _attachment(render_pdf("reports/province_pdf.html", context), name, fmt)
    return _attachment(province_workbook(report), name, fmt)


def _attachment(data, name, fmt):
    content_type = "application/pdf" if fmt == "pdf" else XLSX
    response = HttpResponse(data, content_type=content_type)
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
    return _attachment(national_workbook(report), name, fmt)
