from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Province, Role, role_of
from compliance.spreadsheets import XLSX_CONTENT_TYPE as XLSX
from inspections.models import Inspection, Round
from reports import builder, charts
from reports.excel import national_workbook, province_workbook
from reports.narrative import period, province_narrative
from reports.pdf import render_pdf

READERS = (Role.ADMIN, Role.PROVINCIAL_STAFF, Role.NATIONAL_VIEWER)
NATIONAL_READERS = (Role.ADMIN, Role.NATIONAL_VIEWER)
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


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _params(request):
    if role_of(request.user) not in READERS:
        raise Http404
    provinces = Province.objects.for_user(request.user)
    code = request.GET.get("province") or getattr(
        getattr(request.user, "profile", None), "province_id", None
    )
    province = get_object_or_404(provinces, code=code) if code else provinces.first()
    if province is None:
        raise Http404
    year = _int(request.GET.get("year"), timezone.localdate().year)
    round_number = _int(request.GET.get("round"))
    return provinces, province, year, round_number


def _province_context(request):
    provinces, province, year, round_number = _params(request)
    report = builder.province_report(
        province, year, round_number, today=timezone.localdate(), user=request.user
    )
    return {
        **province_pdf_context(report),
        "provinces": provinces,
        "years": _years(province),
        "round_numbers": Round.objects.filter(province=province, year=year)
        .order_by("number")
        .values_list("number", flat=True),
        "query": request.GET.urlencode(),
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


@login_required
def province_report(request):
    return render(request, "reports/province.html", _province_context(request))


@login_required
def province_download(request, fmt):
    context = _province_context(request)
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


def _national_context(request):
    if role_of(request.user) not in NATIONAL_READERS:
        raise Http404
    year = _int(request.GET.get("year"), timezone.localdate().year)
    round_number = _int(request.GET.get("round"))
    report = builder.national_report(
        year, round_number, today=timezone.localdate(), user=request.user
    )
    sort = request.GET.get("sort", "name")
    key = SORTS.get(sort.lstrip("-"), SORTS["name"])
    report.rows.sort(key=key, reverse=sort.startswith("-"))
    return {**national_pdf_context(report), "sort": sort}


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


@login_required
def national_report(request):
    return render(request, "reports/national.html", _national_context(request))


@login_required
def national_download(request, fmt):
    context = _national_context(request)
    report = context["report"]
    name = f"bao-cao-iso-toan-quoc-{report.year}"
    if fmt == "pdf":
        return _attachment(render_pdf("reports/national_pdf.html", context), name, fmt)
    return _attachment(national_workbook(report), name, fmt)
