"""Excel rendering with openpyxl: a sheet per section, real numbers, frozen headers."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from agencies.models import Agency
from compliance.spreadsheets import safe_cell
from inspections.models import Inspection
from reports.builder import levels_in_order
from reports.narrative import period, province_narrative

PERCENT = "0%"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ROW = 2  # row 1 is the title naming province, period and report date


def _share(tally):
    """A percentage cell holds the fraction; Excel shows it as a whole percent."""
    return None if tally.percent is None else tally.part / tally.whole


def caption(name, period, today):
    """The title row above every table: whose figures, for when, counted on which day."""
    return _("%(name)s, %(period)s, report of %(date)s") % {
        "name": name,
        "period": period,
        "date": f"{today:%d/%m/%Y}",
    }


def _sheet(book, title, header, rows, widths, percent_columns=(), *, caption):
    sheet = book.create_sheet(title[:31])
    # Every cell through safe_cell, title and headers too: they hold a province name.
    sheet.append([safe_cell(caption)])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([safe_cell(value) for value in header])
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    for column in percent_columns:
        for (cell,) in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=column, max_col=column):
            cell.number_format = PERCENT
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    return sheet


def _finding_totals(totals):
    return [totals.open, totals.overdue, totals.submitted, totals.verified, totals.unapproved]


def _criteria_sheet(book, criteria, title):
    _sheet(
        book,
        _("Criteria"),
        [
            _("Code"),
            _("Criterion"),
            _("Conforming"),
            _("Applicable"),
            _("Conforming %"),
            _("Partly conforming"),
            _("Nonconforming"),
            _("Not applicable"),
        ],  # fmt: skip
        [
            [
                c.code,
                c.title,
                c.conforming,
                c.applicable,
                _share(c.tally),
                c.partial,
                c.nonconforming,
                c.not_applicable,
            ]  # fmt: skip
            for c in criteria
        ],
        [8, 60, 12, 12, 14, 14, 14, 14],
        percent_columns=[5],
        caption=title,
    )


def _save(book):
    del book[book.sheetnames[0]]  # the empty default sheet
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def province_workbook(report):
    book = Workbook()
    title = caption(report.province.name, period(report), report.today)
    level_labels = dict(Agency.Level.choices)
    _sheet(
        book,
        _("Rounds"),
        [_("Round"), _("Title"), _("Decision number"), _("Decision date"), _("Checklist")],
        [
            [r.number, r.title, r.decision_number, r.decision_date, str(r.checklist)]
            for r in report.rounds
        ]
        + [[]]
        + [[_("Level"), _("Agencies inspected")]]
        + [[str(level_labels[level]), n] for level, n in levels_in_order(report.inspected_by_level)]
        + [[_("Total"), report.inspected], [_("Not finished (not counted)"), report.not_finished]],
        [14, 40, 22, 16, 18],
        caption=title,
    )
    for row in book[_("Rounds")[:31]].iter_rows(min_col=4, max_col=4):
        row[0].number_format = "DD/MM/YYYY"
    _criteria_sheet(book, report.criteria, title)
    tiers = Inspection.Rating.choices
    _sheet(
        book,
        _("Ratings"),
        [_("Rating"), _("Agencies"), _("Share")],
        [
            [str(label), report.rating_tally(tier).part, _share(report.rating_tally(tier))]
            for tier, label in tiers
        ]  # fmt: skip
        + [[_("Total rated"), report.rated, None], [], [_("Not yet meeting requirements")]]
        + [[name] for name in report.not_meeting_agencies],
        [40, 12, 12],
        percent_columns=[3],
        caption=title,
    )
    # Counts first, in the order of the page; then each count's criteria codes, then the code.
    states = [_("Open"), _("Overdue"), _("Awaiting verification"), _("Verified"),
              _("Not yet approved")]  # fmt: skip
    _sheet(
        book,
        _("Findings"),
        [_("Agency"), *states]
        + [_("%(state)s: criteria") % {"state": state} for state in states]
        + [_("Agency code")],
        [[f.agency, *[n for n, _codes in f.cells], *[c for _n, c in f.cells], f.code]
         for f in report.findings]
        + [[_("Total"), *_finding_totals(report.findings_total)]],
        [44, 10, 10, 14, 10, 12] + [18] * len(states) + [14],
        caption=title,
    )  # fmt: skip
    _sheet(
        book,
        _("Adoption"),
        [_("Group"), _("Announced"), _("Agencies"), _("Share")],
        [[str(r.label), r.announced, r.total, _share(r.tally)] for r in report.coverage_by_level]
        + [
            [str(r.label), r.announced, r.total, _share(r.tally)]
            for r in report.coverage_by_applicability
        ]  # fmt: skip
        + [
            [
                _("Total"),
                report.coverage_total.part,
                report.coverage_total.whole,
                _share(report.coverage_total),
            ]
        ]  # fmt: skip
        + [[_("as of %(date)s") % {"date": report.coverage_as_of.strftime("%d/%m/%Y")}]],
        [40, 12, 12, 12],
        percent_columns=[4],
        caption=title,
    )
    summary = _sheet(
        book,
        _("Summary"),
        [_("Summary")],
        [[sentence] for sentence in province_narrative(report)],
        [120],
        caption=title,
    )
    for (cell,) in summary.iter_rows(min_row=HEADER_ROW + 1):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _save(book)


def national_workbook(report):
    book = Workbook()
    title = caption(_("All provinces"), period(report), report.today)
    _sheet(
        book,
        _("Provinces"),
        [
            _("Code"),
            _("Province"),
            _("Agencies"),
            _("Announced"),
            _("Adoption"),
            _("Inspected"),
            _("Not finished"),
            _("Good"),
            _("Good %"),
            _("Meets requirements"),
            _("Meets %"),
            _("Not yet meeting"),
            _("Not meeting %"),
            _("Open findings"),
            _("Overdue findings"),
        ],  # fmt: skip
        [
            [
                r.province.code,
                r.province.name,
                r.agencies,
                r.announced,
                _share(r.adoption),
                r.inspected,
                r.not_finished,
                r.good.part,
                _share(r.good),
                r.meets.part,
                _share(r.meets),
                r.not_meeting.part,
                _share(r.not_meeting),
                r.open_findings,
                r.overdue_findings,
            ]  # fmt: skip
            for r in report.rows
        ],
        [7, 30, 10, 11, 10, 10, 10, 8, 8, 12, 9, 10, 12, 11, 11],
        percent_columns=[5, 9, 11, 13],
        caption=title,
    )
    _criteria_sheet(book, report.criteria, title)
    return _save(book)
