"""A report's downloadable file (PDF or Excel) and its name, from a page context.

The download views, the report-file jobs and the command make the same file this way.
"""

from reports.excel import national_workbook, province_workbook
from reports.pdf import render_pdf

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def province_file(context, fmt):
    """(bytes, file name) of a province report."""
    report = context["report"]
    name = f"bao-cao-iso-{report.province.code}-{report.year}"
    if report.round_number is not None:
        name += f"-dot-{report.round_number}"
    if fmt == "pdf":
        return render_pdf("reports/province_pdf.html", context), f"{name}.pdf"
    return province_workbook(report), f"{name}.xlsx"


def national_file(context, fmt):
    """(bytes, file name) of the national report."""
    report = context["report"]
    name = f"bao-cao-iso-toan-quoc-{report.year}"
    if report.round_number is not None:
        name += f"-dot-{report.round_number}"
    if fmt == "pdf":
        return render_pdf("reports/national_pdf.html", context), f"{name}.pdf"
    return national_workbook(report), f"{name}.xlsx"
