"""A report's downloadable file (PDF, Word or Excel) and its name, from a page context.

The download views, the report-file jobs and the command make the same file this way.
"""

from compliance.spreadsheets import XLSX_CONTENT_TYPE
from reports.excel import national_workbook, province_workbook
from reports.pdf import province_pdf, render_pdf
from reports.word import province_docx

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": XLSX_CONTENT_TYPE,
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# The national report is a table, not a document to sign: no Word file.
PROVINCE_RENDERERS = {"pdf": province_pdf, "docx": province_docx, "xlsx": province_workbook}


def province_file(context, fmt):
    """(bytes, file name) of a province report."""
    report = context["report"]
    name = f"bao-cao-iso-{report.province.code}-{report.year}"
    if report.round_number is not None:
        name += f"-dot-{report.round_number}"
    return PROVINCE_RENDERERS[fmt](report), f"{name}.{fmt}"


def national_file(context, fmt):
    """(bytes, file name) of the national report."""
    report = context["report"]
    name = f"bao-cao-iso-toan-quoc-{report.year}"
    if report.round_number is not None:
        name += f"-dot-{report.round_number}"
    if fmt == "pdf":
        return render_pdf("reports/national_pdf.html", context), f"{name}.pdf"
    return national_workbook(report), f"{name}.xlsx"
