"""What the report templates need: the page (from a user's request) and the PDF (from a report).

Views, the export_report command and the benchmarks build their contexts here, so every
rendering of a report starts from the same figures and the same access checks.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import (
    Province,
    can_edit_report,
    can_read_national,
    can_read_reports,
    can_record_announcements,
)
from inspections.models import Inspection, Round
from reports import builder, charts
from reports.document import province_document
from reports.narrative import period, province_narrative

SORTS = {
    "name": lambda r: r.province.sort_key,
    "agencies": lambda r: r.agencies,
    "inspected": lambda r: r.inspected,
    "good": lambda r: r.good.percent or 0,
    "meets": lambda r: r.meets.percent or 0,
    "not_meeting": lambda r: r.not_meeting.percent or 0,
    "open": lambda r: r.open_findings,
    "overdue": lambda r: r.overdue_findings,
    "adoption": lambda r: r.adoption.percent or 0,
}


def file_formats(*, national=False):
    """The files a report page offers to prepare, each as a background job; the national
    report is a table, not a document to sign, so it has no Word file."""
    formats = [("pdf", _("Prepare the PDF file")), ("xlsx", _("Prepare the Excel file"))]
    if not national:
        formats.insert(1, ("docx", _("Prepare the Word file")))
    return formats


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def province_page_context(*, user, query):
    """The province report page for `user`, with the province, year and round of `query`.

    404 for a user who reads no reports or asks for a province outside their scope.
    """
    if not can_read_reports(user):
        raise Http404
    provinces = Province.objects.for_user(user)
    code = query.get("province") or getattr(getattr(user, "profile", None), "province_id", None)
    province = get_object_or_404(provinces, code=code) if code else provinces.first()
    if province is None:
        raise Http404
    year = _int(query.get("year"), timezone.localdate().year)
    round_number = _int(query.get("round"))
    report = builder.province_report(
        province, year, round_number, today=timezone.localdate(), user=user
    )
    return {
        **province_pdf_context(report),
        "provinces": provinces,
        "years": _years(province),
        "round_numbers": Round.objects.filter(province=province, year=year)
        .order_by("number")
        .values_list("number", flat=True),
        "query": query.urlencode(),
        "can_edit_report": can_edit_report(user, province),
        "can_record_announcements": can_record_announcements(user),
        "file_formats": file_formats(),
    }


def province_pdf_context(report):
    """What every rendering of a province report needs, from the report alone."""
    labels = dict(Inspection.Rating.choices)
    return {
        "report": report,
        "period": period(report),
        "narrative": province_narrative(report),
        "ratings": [(tier, labels[tier], report.rating_tally(tier)) for tier in labels],
        "criterion_chart": charts.criterion_chart(
            report.criteria, _("Conforming share per criterion")
        ),
        "rating_chart": charts.rating_chart(
            {tier: report.rating_tally(tier) for tier in labels},
            labels,
            _("Inspections per rating"),
        ),
        "level_labels": dict(builder.Agency.Level.choices),
        "inspected_levels": builder.levels_in_order(report.inspected_by_level),
        # The administrative document (PDF, Word): issuing details, draft, numbered parts.
        "document": province_document(report, today=report.today),
    }


def report_period(*, user, query, rule=can_read_reports):
    """(province, year, round number) a page about one report is for, or 404.

    The province must be in `user`'s scope; `rule(user, province)` must allow the page.
    """
    code = query.get("province") or getattr(getattr(user, "profile", None), "province_id", None)
    province = get_object_or_404(Province.objects.for_user(user), code=code or "")
    if not rule(user, province):
        raise Http404
    year = _int(query.get("year"), timezone.localdate().year)
    return province, year, _int(query.get("round"))


def _years(province):
    years = set(Round.objects.filter(province=province).values_list("year", flat=True))
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def national_page_context(*, user, query):
    """The national dashboard for `user`, sorted by the column `query` names."""
    if not can_read_national(user):
        raise Http404
    year = _int(query.get("year"), timezone.localdate().year)
    round_number = _int(query.get("round"))
    report = builder.national_report(year, round_number, today=timezone.localdate(), user=user)
    sort = query.get("sort", "name")
    key = SORTS.get(sort.lstrip("-"), SORTS["name"])
    report.rows.sort(key=key, reverse=sort.startswith("-"))
    return {
        **national_pdf_context(report),
        "sort": sort,
        "file_formats": file_formats(national=True),
    }


def national_pdf_context(report):
    columns = [
        ("name", _("Province")),
        ("agencies", _("Agencies")),
        ("inspected", _("Inspected")),
        ("good", _("Good")),
        ("meets", _("Meets requirements")),
        ("not_meeting", _("Not yet meeting")),
        ("open", _("Open findings")),
        ("overdue", _("Overdue findings")),
        ("adoption", _("Adoption")),
    ]
    return {
        "report": report,
        "year": report.year,
        "round_number": report.round_number,
        "columns": columns,
    }
