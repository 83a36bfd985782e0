"""A short paragraph in the style of the provinces' published reports, made from the numbers.

"Kiểm tra tại 60 cơ quan (trong đó có 02 đơn vị cấp tỉnh; ...). 55/60 đơn vị đạt tiêu chí
«Ban hành mục tiêu chất lượng hằng năm ...»; ..." Tallies carry their denominators and
percentages are whole numbers, as DOMAIN.md asks.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency
from inspections.models import Inspection
from reports.builder import levels_in_order


def level_phrase(level, count):
    phrases = {
        Agency.Level.PROVINCE: _("%(n)s provincial-level units"),
        Agency.Level.DEPARTMENT: _("%(n)s department-level units (Sở, Chi cục)"),
        Agency.Level.DISTRICT: _("%(n)s district People's Committees"),
        Agency.Level.COMMUNE: _("%(n)s commune People's Committees"),
    }
    return phrases[level] % {"n": f"{count:02d}"}


def province_narrative(report):
    """A list of sentences; empty-year reports say so rather than print zeros."""
    if report.inspected:
        sentences = [_inspected_sentence(report)]
        sentences += _criteria_sentences(report)
        sentences += _rating_sentences(report)
        sentences += _findings_sentences(report)
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
            % {"n": report.not_finished}
        )
    return sentences + _coverage_sentences(report)


def _inspected_sentence(report):
    parts = "; ".join(
        level_phrase(level, n) for level, n in levels_in_order(report.inspected_by_level)
    )
    return ngettext(
        "In %(period)s, %(n)s agency was inspected (%(parts)s).",
        "In %(period)s, %(n)s agencies were inspected (%(parts)s).",
        report.inspected,
    ) % {"period": period(report), "n": report.inspected, "parts": parts}


def _criteria_sentences(report):
    tallies = [
        _("%(tally)s units conform to «%(title)s»") % {"tally": row.tally, "title": row.title}
        for row in report.criteria
        if row.applicable
    ]
    return ["; ".join(tallies) + "."] if tallies else []


def _rating_sentences(report):
    sentences = []
    if report.rated:
        good = report.rating_tally(Inspection.Rating.GOOD)
        meets = report.rating_tally(Inspection.Rating.MEETS)
        weak = report.rating_tally(Inspection.Rating.NOT_MEETING)
        sentences.append(
            _(
                "Ratings: %(good)s%% good (%(good_tally)s), %(meets)s%% meeting "
                "requirements (%(meets_tally)s), %(weak)s%% not yet meeting (%(weak_tally)s)."
            )
            % {
                "good": good.percent,
                "good_tally": good,
                "meets": meets.percent,
                "meets_tally": meets,
                "weak": weak.percent,
                "weak_tally": weak,
            }
        )
    if report.not_meeting_agencies:
        sentences.append(
            _("Not yet meeting requirements: %(names)s.")
            % {"names": ", ".join(report.not_meeting_agencies)}
        )
    return sentences


def _findings_sentences(report):
    totals = report.findings_total
    if not (totals.open or totals.submitted or totals.verified):
        return []
    return [
        _(
            "Findings: %(open)s open (%(overdue)s overdue), %(submitted)s with "
            "corrective action records awaiting verification, %(verified)s verified."
        )
        % {
            "open": totals.open,
            "overdue": totals.overdue,
            "submitted": totals.submitted,
            "verified": totals.verified,
        }
    ]


def _coverage_sentences(report):
    return [
        _("%(announced)s/%(total)s %(level)s have announced their QMS (%(percent)s%%).")
        % {
            "announced": row.announced,
            "total": row.total,
            "level": level_units(row.key),
            "percent": row.tally.percent,
        }
        for row in report.coverage_by_level
    ]


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
