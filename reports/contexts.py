"""What the report templates need: the page (from a user's request) and the PDF (from a report).

Views, the export_report command and the benchmarks build their contexts here, so every
rendering of a report starts from the same figures and the same access checks.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Province, can_read_national, can_read_reports
from inspections.models import Inspection, Round
from reports import builder, charts
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


def file_formats():
    """The files a report page offers to prepare, each as a background job."""
    return [("pdf", _("Prepare the PDF file")), ("xlsx", _("Prepare the Excel file"))]


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
    }


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
    return {**national_pdf_context(report), "sort": sort, "file_formats": file_formats()}


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
