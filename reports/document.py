"""The province report as an administrative document (Decree 30/2020/NĐ-CP, Appendix I).

`province_document(report)` gathers everything the PDF and the Word file lay out: the
issuing details (set once per province), the draft (number, date, recipients, parts III and
IV, edited per report), and the figures, which always come from the report itself. Both
renderers walk the same blocks, so they say the same thing.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from agencies.models import Agency
from inspections.models import Inspection, Round
from reports import narrative
from reports.models import IssuingDetails, ReportDraft, lines

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"
ROMAN = ["I", "II", "III", "IV", "V"]
NBSP = "\u00a0"


def date_in_words(place, day):
    """ "Hưng Yên, ngày 05 tháng 02 năm 2026": a leading zero for days below 10 and for the
    months 1 and 2 (Decree 30/2020, Appendix I)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(number, code_suffix):
    """ "Số: 12/BC-SKHCN"; without a number, room to write it by hand."""
    return f"Số: {number or NBSP * 8}/{code_suffix}"


def subject(report):
    return _(
        "Results of the inspection of the application, maintenance and improvement of the "
        "quality management system under TCVN ISO 9001:2015 in %(period)s"
    ) % {"period": narrative.period(report)}


@dataclass
class Table:
    headers: list
    rows: list
    widths: list  # relative column widths
    numeric: tuple = ()  # indexes of right-aligned columns
    total: bool = False  # the last row is a total


@dataclass
class Block:
    """A numbered heading and what stands under it; `level` 1 is I., II., 2 is 1., 2."""

    heading: str
    level: int = 2
    number: str = ""  # "I." or "1.", set by numbered()
    paragraphs: list = field(default_factory=list)
    table: Table | None = None
    after: list = field(default_factory=list)  # paragraphs after the table


@dataclass
class ReportDocument:
    report: object
    issuing: IssuingDetails
    draft: ReportDraft
    blocks: list
    appendix: Table
    motto = MOTTO
    motto_line = MOTTO_LINE

    @property
    def number_line(self):
        return number_line(self.draft.number, self.issuing.code_suffix)

    @property
    def date_line(self):
        return date_in_words(self.issuing.place, self.draft.dated)

    @property
    def subject(self):
        return subject(self.report)

    @property
    def recipients(self):
        return lines(self.draft.recipients)

    @property
    def distribution(self):
        """ "Nơi nhận": "- Như trên;" when addressed, the copies, and "- Lưu: VT, …"."""
        copies = lines(self.issuing.copies_to)
        head = [_("As above")] if self.recipients else []
        return [f"- {line};" for line in head + copies] + [f"- Lưu: {self.issuing.filed_as}."]


def province_document(report, *, today):
    issuing = IssuingDetails.for_province(report.province)
    draft = draft_for(report, issuing, today=today)
    blocks = numbered(general_blocks(report) + result_blocks(report) + free_text_blocks(draft))
    return ReportDocument(report, issuing, draft, blocks, appendix_table(report))


def numbered(blocks):
    """I., II. for parts; 1., 2. for their sections, counted again in each part."""
    parts = sections = 0
    for block in blocks:
        if block.level == 1:
            parts, sections = parts + 1, 0
            block.number = f"{ROMAN[parts - 1]}."
        else:
            sections += 1
            block.number = f"{sections}."
    return blocks


def draft_for(report, issuing, *, today):
    """The saved draft of this report, or a new one prefilled from the data."""
    saved = ReportDraft.find(report.province, report.year, report.round_number)
    return saved or ReportDraft(
        province=report.province,
        year=report.year,
        round_number=report.round_number,
        dated=today,
        recipients=issuing.recipients,
        shortcomings=suggested_shortcomings(report),
        recommendations=suggested_recommendations(report),
    )


# Parts I and II: the figures, never editable


def general_blocks(report):
    return [
        Block(_("GENERAL INFORMATION"), level=1),
        Block(_("Inspection rounds"), paragraphs=round_lines(report)),
        Block(_("Inspection teams"), paragraphs=team_lines(report)),
        Block(_("Agencies inspected"), paragraphs=narrative.inspected_sentences(report)),
    ]


def round_lines(report):
    if not report.rounds:
        return [_("No inspection round in this period.")]
    return [round_line(r) for r in report.rounds]


def round_line(round_):
    text = _("- Round %(number)s") % {"number": round_.number}
    if round_.decision_number:
        text += _(": Decision No. %(number)s") % {"number": round_.decision_number}
        if round_.decision_date:
            text += _(" of %(date)s") % {"date": f"{round_.decision_date:%d/%m/%Y}"}
    if round_.title:
        text += f"; {round_.title}"
    if round_.starts_on and round_.ends_on:
        text += _("; from %(start)s to %(end)s") % {
            "start": f"{round_.starts_on:%d/%m/%Y}",
            "end": f"{round_.ends_on:%d/%m/%Y}",
        }
    return text + "."


def team_lines(report):
    """One query for the members of every round's team."""
    members = {}
    links = Round.team.through.objects.filter(round__in=report.rounds).select_related("user")
    for link in links.order_by("round__number", "user__last_name", "user__username"):
        user = link.user
        members.setdefault(link.round_id, []).append(user.get_full_name() or user.username)
    found = [
        _("- Round %(number)s: %(names)s.")
        % {"number": r.number, "names": ", ".join(members[r.pk])}
        for r in report.rounds
        if r.pk in members
    ]
    return found or [_("The teams' members are not recorded.")]


def result_blocks(report):
    return [
        Block(_("INSPECTION RESULTS"), level=1),
        Block(
            _("Results per criterion"),
            table=criteria_table(report),
            after=narrative.criteria_sentences(report),
        ),
        Block(_("Ratings"), table=ratings_table(report), after=narrative.rating_sentences(report)),
        Block(
            _("Findings and corrective actions"),
            table=findings_table(report) if report.findings else None,
            after=narrative.findings_sentences(report) or [_("No finding.")],
        ),
        Block(
            _("Adoption of the QMS (registry)"),
            table=coverage_table(report),
            after=narrative.coverage_sentences(report),
        ),
    ]


def percent_text(tally):
    return "—" if tally.percent is None else f"{tally.percent}%"


def criteria_table(report):
    rows = [
        [row.code, row.title, str(row.tally), percent_text(row.tally), row.partial,
         row.nonconforming]
        for row in report.criteria
    ]  # fmt: skip
    headers = [_("Code"), _("Criterion"), _("Conforming"), "%", _("Partly"), _("Not conforming")]
    return Table(headers, rows, [9, 47, 13, 9, 10, 12], numeric=(2, 3, 4, 5))


def ratings_table(report):
    rows = [
        [label, str(report.rating_tally(tier)), percent_text(report.rating_tally(tier))]
        for tier, label in Inspection.Rating.choices
    ]
    return Table([_("Rating"), _("Agencies"), "%"], rows, [50, 25, 25], numeric=(1, 2))


def findings_table(report):
    """Per agency, each state's count with its criteria codes: "2 (HS01, KS01)"."""
    total = report.findings_total
    rows = [
        [f.agency, *[f"{n} ({codes})" if codes else n for n, codes in f.cells]]
        for f in report.findings
    ]
    rows.append([_("Total"), total.open, total.overdue, total.submitted, total.verified,
                 total.unapproved])  # fmt: skip
    headers = [_("Agency"), _("Open"), _("Overdue"), _("Awaiting verification"), _("Verified"),
               _("Not yet approved")]  # fmt: skip
    return Table(headers, rows, [30, 14, 14, 14, 14, 14], numeric=(1, 2, 3, 4, 5), total=True)


def coverage_table(report):
    groups = report.coverage_by_level + report.coverage_by_applicability
    rows = [[r.label, str(r.tally), percent_text(r.tally)] for r in groups]
    rows.append([_("Total"), str(report.coverage_total), percent_text(report.coverage_total)])
    return Table([_("Group"), _("Announced"), "%"], rows, [50, 25, 25], numeric=(1, 2), total=True)


# Parts III and IV: the draft's text, prefilled from the data


def free_text_blocks(draft):
    return [
        Block(_("SHORTCOMINGS"), level=1, paragraphs=draft.shortcomings.splitlines()),
        Block(_("RECOMMENDATIONS"), level=1, paragraphs=draft.recommendations.splitlines()),
    ]


def suggested_shortcomings(report):
    """What fell short, one "- …;" line each: criteria, ratings, overdue findings, registry."""
    found = narrative.criteria_shortfalls(report) + [
        narrative.rating_shortfall(report),
        narrative.overdue_shortfall(report),
        *narrative.coverage_shortfalls(report),
        narrative.unrecorded_clause(report),
    ]
    found = [f"- {clause[:1].upper()}{clause[1:]};" for clause in found if clause]
    if not found:
        return _("No significant shortcoming was found.")
    found[-1] = found[-1][:-1] + "."
    return "\n".join(found)


def _coverage_short(report):
    return any(row.announced < row.total for row in report.coverage_by_level)


def suggested_recommendations(report):
    found = []
    totals = report.findings_total
    if totals.open or totals.submitted or totals.unapproved:
        found.append(
            _(
                "The agencies with findings should correct them and send their corrective "
                "action records to the Department of Science and Technology by the due date."
            )
        )
    if report.ratings.get(Inspection.Rating.NOT_MEETING):
        found.append(
            _(
                "The People's Committee is asked to direct the agencies not yet meeting "
                "requirements to review, correct and maintain their QMS."
            )
        )
    if _coverage_short(report):
        found.append(
            _(
                "The agencies that have not announced their QMS should build, apply and "
                "announce it as required."
            )
        )
    found.append(
        _(
            "The Ministry of Science and Technology is asked to continue training on TCVN "
            "ISO 9001:2015 for the staff of the agencies."
        )
    )
    return "\n".join(f"- {line}" for line in found)


# The appendix: every inspected agency


def appendix_table(report):
    levels = dict(Agency.Level.choices)
    ratings = dict(Inspection.Rating.choices)
    rows = [
        [index, row.name, levels.get(row.level, row.level), row.round_number,
         "—" if row.score is None else f"{row.score}".replace(".", ","),
         ratings.get(row.rating, "—"), row.open_findings]
        for index, row in enumerate(report.agencies, start=1)
    ]  # fmt: skip
    headers = [_("No."), _("Agency"), _("Level"), _("Round"), _("Score"), _("Rating"),
               _("Open findings")]  # fmt: skip
    return Table(headers, rows, [7, 37, 14, 8, 9, 13, 12], numeric=(0, 3, 4, 6))
