"""Paragraphs in the style of the provinces' published reports, made from the numbers.

"Kiểm tra tại 60 cơ quan (trong đó có 02 đơn vị cấp tỉnh; ...)." "60/60 đơn vị đã công bố
áp dụng ..., thực hiện kiện toàn ban chỉ đạo; 55/60 đơn vị có ban hành mục tiêu chất lượng
hằng năm; ... Tuy nhiên, có 1/60 đơn vị chưa thực hiện công bố lại ..." What every agency
did is said once; equal tallies share a clause; shortfalls follow "Tuy nhiên" and name the
agencies when there are few (settings.REPORT_NAME_AGENCIES_UP_TO). Tallies carry their
denominators, percentages are whole numbers, and counts of units below ten take a leading
zero ("02 đơn vị"), as DOMAIN.md asks.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency
from inspections.models import Inspection
from reports.builder import levels_in_order


def units(count):
    """A count of units as the published reports write it: 02, 07, 51."""
    return f"{count:02d}"


def and_join(items):
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def few_names(names):
    """The names, when few enough to print; otherwise none."""
    return list(names) if 0 < len(names) <= settings.REPORT_NAME_AGENCIES_UP_TO else []


def with_names(clause, names):
    names = few_names(names)
    return f"{clause} ({', '.join(names)})" if names else clause


def grouped(rows, key):
    """Rows grouped by key(row), groups in the order of their first row."""
    groups = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return list(groups.items())


def level_phrase(level, count):
    phrases = {
        Agency.Level.PROVINCE: _("%(n)s provincial-level units"),
        Agency.Level.DEPARTMENT: _("%(n)s department-level units (Sở, Chi cục)"),
        Agency.Level.DISTRICT: _("%(n)s district People's Committees"),
        Agency.Level.COMMUNE: _("%(n)s commune People's Committees"),
    }
    return phrases[level] % {"n": units(count)}


def level_units(level):
    return {
        Agency.Level.PROVINCE: _("provincial-level units"),
        Agency.Level.DEPARTMENT: _("department-level units"),
        Agency.Level.DISTRICT: _("district-level units"),
        Agency.Level.COMMUNE: _("commune-level units"),
    }[level]


def period(report):
    if report.round_number is not None:
        return _("round %(number)s of %(year)s") % {
            "number": report.round_number,
            "year": report.year,
        }
    return _("%(year)s") % {"year": report.year}


def province_narrative(report):
    """Every sentence, in the order of the report's sections (the page's summary)."""
    return (
        inspected_sentences(report)
        + criteria_sentences(report)
        + rating_sentences(report)
        + findings_sentences(report)
        + coverage_sentences(report)
    )


def inspected_sentences(report):
    """Who was inspected; an empty period says so rather than print zeros."""
    if report.inspected:
        parts = "; ".join(
            level_phrase(level, n) for level, n in levels_in_order(report.inspected_by_level)
        )
        sentences = [
            ngettext(
                "In %(period)s, %(n)s agency was inspected (%(parts)s).",
                "In %(period)s, %(n)s agencies were inspected (%(parts)s).",
                report.inspected,
            )
            % {"period": period(report), "n": units(report.inspected), "parts": parts}
        ]
    else:
        sentences = [
            _("No inspection was submitted or approved in %(period)s.") % {"period": period(report)}
        ]
    if report.not_finished:
        sentences.append(
            ngettext(
                "%(n)s inspection is not finished yet and is not counted.",
                "%(n)s inspections are not finished yet and are not counted.",
                report.not_finished,
            )
            % {"n": units(report.not_finished)}
        )
    return sentences


# Criteria


def statement_met(row):
    return row.statement_met or _("conform to «%(title)s»") % {"title": row.title}


def statement_unmet(row):
    return row.statement_unmet or _("fall short of «%(title)s»") % {"title": row.title}


def tally_clause(tally, statements):
    return _("%(tally)s units %(statements)s") % {
        "tally": tally,
        "statements": ", ".join(statements),
    }


def criteria_sentences(report):
    """What the agencies did, equal tallies together (every-agency ones first), then what
    some did not: "Tuy nhiên, có 1/60 đơn vị chưa ..."."""
    rows = [row for row in report.criteria if row.applicable]
    done = [row for row in rows if row.conforming]
    done.sort(key=lambda row: row.conforming != row.applicable)  # stable: checklist order
    clauses = [
        tally_clause(tally, [statement_met(row) for row in group])
        for tally, group in grouped(done, lambda row: str(row.tally))
    ]
    sentences = ["; ".join(clauses) + "."] if clauses else []
    return sentences + however(criteria_shortfalls(report))


def however(clauses):
    """ "Tuy nhiên, có …": the shortfalls after what went well."""
    clauses = [clause for clause in clauses if clause]
    return [_("However, %(shortfalls)s.") % {"shortfalls": "; ".join(clauses)}] if clauses else []


def criteria_shortfalls(report):
    """One clause per tally of agencies falling short, the same agencies together."""
    short = [row for row in report.criteria if row.short.part]
    return [
        with_names(tally_clause(tally, [statement_unmet(row) for row in group]), names)
        for (tally, names), group in grouped(
            short, lambda row: (str(row.short), tuple(row.short_agencies))
        )
    ]


# Ratings


def rating_clause(report, tier):
    tally = report.rating_tally(tier)
    return _("%(tally)s units rated %(rating)s (%(percent)s%%)") % {
        "tally": tally,
        "rating": Inspection.Rating(tier).label,
        "percent": tally.percent,
    }


def rating_sentences(report):
    if not report.rated:
        return []
    tiers = [Inspection.Rating.GOOD, Inspection.Rating.MEETS]
    clauses = [rating_clause(report, tier) for tier in tiers if report.ratings.get(tier)]
    weak = rating_shortfall(report)
    if not clauses:
        return [_("Ratings: %(tiers)s.") % {"tiers": weak}]
    return [_("Ratings: %(tiers)s.") % {"tiers": "; ".join(clauses)}] + however([weak])


def rating_shortfall(report):
    """The agencies not yet meeting requirements, named when few; "" when there are none."""
    if not report.ratings.get(Inspection.Rating.NOT_MEETING):
        return ""
    clause = rating_clause(report, Inspection.Rating.NOT_MEETING)
    names = few_names(report.not_meeting_agencies)
    return f"{clause}: {', '.join(names)}" if names else clause


# Findings


def findings_sentences(report):
    totals = report.findings_total
    total = totals.open + totals.submitted + totals.verified
    sentences = []
    if total:
        parts = [
            (totals.verified, _("%(n)s corrected and verified")),
            (totals.submitted, _("%(n)s with corrective action records awaiting verification")),
            (totals.open, _("%(n)s not yet corrected")),
        ]
        sentences.append(
            _("The inspection teams recorded %(total)s findings: %(parts)s.")
            % {
                "total": units(total),
                "parts": ", ".join(text % {"n": units(n)} for n, text in parts if n),
            }
        )
    if totals.unapproved:
        sentences.append(
            _("%(n)s more shortfalls were recorded in inspections not yet approved.")
            % {"n": units(totals.unapproved)}
        )
    return sentences + (however([overdue_shortfall(report)]) if total else [])


def overdue_shortfall(report):
    overdue = report.findings_total.overdue
    if not overdue:
        return ""
    late = [row.agency for row in report.findings if row.overdue]
    return with_names(_("%(n)s findings past their due date") % {"n": units(overdue)}, late)


# Adoption coverage (the registry)


def coverage_sentences(report):
    if not report.coverage_total or not report.coverage_total.whole:
        return []
    full = [row for row in report.coverage_by_level if row.announced == row.total]
    partly = [row for row in report.coverage_by_level if row.announced < row.total]
    clauses = []
    if full:
        levels = [f"{level_units(row.key)} ({row.tally})" for row in full]
        clauses.append(_("all %(levels)s have announced") % {"levels": and_join(levels)})
    clauses += [
        _("%(tally)s %(level)s (%(percent)s%%)")
        % {"tally": row.tally, "level": level_units(row.key), "percent": row.tally.percent}
        for row in partly
    ]
    total = report.coverage_total
    sentences = [
        _("Adoption: %(tally)s agencies have announced their QMS (%(percent)s%%); %(levels)s.")
        % {"tally": total, "percent": total.percent, "levels": "; ".join(clauses)}
    ]
    sentences += however(coverage_shortfalls(report))
    return sentences + _applicability_sentences(report) + _unrecorded_sentences(report)


def coverage_shortfalls(report):
    return [
        _("%(n)s %(level)s have not announced yet")
        % {"n": units(row.total - row.announced), "level": level_units(row.key)}
        for row in report.coverage_by_level
        if row.announced < row.total
    ]


def _applicability_sentences(report):
    parts = [
        f"{str(row.label).lower()} {row.tally} ({row.tally.percent}%)"
        for row in report.coverage_by_applicability
    ]
    return [_("By applicability: %(parts)s.") % {"parts": ", ".join(parts)}] if parts else []


def _unrecorded_sentences(report):
    clause = unrecorded_clause(report)
    return [clause[:1].upper() + clause[1:] + "."] if clause else []


def unrecorded_clause(report):
    """Registry and inspections disagree: announced per CB01, no date in the registry."""
    agencies = report.unrecorded_announcements
    if not agencies:
        return ""
    clause = ngettext(
        "%(n)s agency has announced its QMS according to the inspections (criterion CB01) "
        "but has no announcement date in the registry",
        "%(n)s agencies have announced their QMS according to the inspections (criterion "
        "CB01) but have no announcement date in the registry",
        len(agencies),
    ) % {"n": units(len(agencies))}
    return with_names(clause, [agency.name for agency in agencies])
