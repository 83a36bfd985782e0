"""The report's data: one function per report, read-only, a fixed number of queries.

The HTML page, the PDF and the Excel file are renderings of what these return, so they
never disagree. Inspections count once submitted or approved; drafts and returned ones are
counted apart as not finished. An agency inspected in two rounds of the same year counts
once, with its latest round. Every figure is counted within what `user` may see; a command
that reads the whole country passes `agencies.models.NATIONAL_SCOPE`.

Adoption coverage reads the registry as it stood at the end of the period (`coverage_as_of`):
the agencies that existed that day, and the announcements dated on or before it. A year ends
on 31 December; a round on its end date, or with the year when it has none.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    Expression,
    IntegerField,
    Max,
    OuterRef,
    Q,
)

from agencies.models import Agency, Province
from compliance.scope import scope_condition
from inspections.models import Answer, Criterion, Finding, Inspection, Round

COUNTED = [Inspection.Status.SUBMITTED, Inspection.Status.APPROVED]
RESULT_FIELDS = ["conforming", "partial", "nonconforming", "not_applicable"]
LEVELS = [value for value, _label in Agency.Level.choices]


def percent(part, whole):
    """Whole-number percentage, half up (17/104 -> 16); None when there is no denominator."""
    if not whole:
        return None
    return int((Decimal(100) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Tally:
    part: int
    whole: int

    @property
    def percent(self):
        return percent(self.part, self.whole)

    def __str__(self):
        return f"{self.part}/{self.whole}"


@dataclass
class CriterionRow:
    code: str
    title: str
    conforming: int
    partial: int
    nonconforming: int
    not_applicable: int
    applicable: int
    statement_met: str = ""
    statement_unmet: str = ""
    # Names of the agencies falling short, when few enough to name (see _name_shortfalls).
    short_agencies: list = field(default_factory=list)

    @property
    def tally(self):
        return Tally(self.conforming, self.applicable)

    @property
    def short(self):
        """Applicable agencies that did not conform: partly or not at all."""
        return Tally(self.applicable - self.conforming, self.applicable)


@dataclass
class AgencyRow:
    """One line of the report's appendix: an inspected agency and how it fared."""

    code: str
    name: str
    level: str
    round_number: int
    score: object
    rating: str
    open_findings: int  # awaiting the agency's action: open or returned (Finding.AWAITING_ACTION)


@dataclass
class FindingRow:
    """Section 4, one agency: its findings by state, each with the criteria codes.

    `open` counts every finding not yet submitted nor closed (a returned one is open again);
    `overdue` is the part of those past their due date (Finding.overdue_condition);
    `unapproved` counts the shortfalls of submitted inspections not yet approved, which
    have no finding yet ("chưa phê duyệt").
    """

    agency: str
    code: str = ""
    open: int = 0
    submitted: int = 0
    verified: int = 0
    overdue: int = 0
    unapproved: int = 0
    codes: dict = field(default_factory=lambda: defaultdict(list))  # state -> criteria codes

    def add(self, state, criterion):
        setattr(self, state, getattr(self, state) + 1)
        if criterion not in self.codes[state]:
            self.codes[state].append(criterion)

    def codes_of(self, state):
        return ", ".join(self.codes.get(state, ()))

    @property
    def cells(self):
        """(count, criteria codes) in the table's order: open, overdue, awaiting
        verification, verified, not yet approved."""
        states = ["open", "overdue", "submitted", "verified", "unapproved"]
        return [(getattr(self, state), self.codes_of(state)) for state in states]

    @property
    def open_codes(self):
        return self.codes_of("open")

    @property
    def submitted_codes(self):
        return self.codes_of("submitted")

    @property
    def overdue_codes(self):
        return self.codes_of("overdue")

    @property
    def verified_codes(self):
        return self.codes_of("verified")

    @property
    def unapproved_codes(self):
        return self.codes_of("unapproved")


@dataclass
class CoverageRow:
    key: str
    label: str
    announced: int
    total: int

    @property
    def tally(self):
        return Tally(self.announced, self.total)


class Ratings:
    """Counts per rating tier (`self.ratings`), as tallies over all rated inspections."""

    @property
    def rated(self):
        return sum(self.ratings.values())

    def rating_tally(self, tier):
        return Tally(self.ratings.get(tier, 0), self.rated)


@dataclass
class ProvinceReport(Ratings):
    province: Province
    year: int
    round_number: int | None
    today: object
    rounds: list = field(default_factory=list)
    inspected_by_level: dict = field(default_factory=dict)
    not_finished: int = 0
    criteria: list = field(default_factory=list)
    ratings: dict = field(default_factory=dict)  # tier -> count
    not_meeting_agencies: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    coverage_by_level: list = field(default_factory=list)
    coverage_by_applicability: list = field(default_factory=list)
    coverage_total: Tally = None
    coverage_as_of: datetime.date = None
    agencies: list = field(default_factory=list)  # AgencyRow, the appendix
    # Agencies that inspections found announced (CB01 conforming) with no date in the registry.
    unrecorded_announcements: list = field(default_factory=list)

    @property
    def inspected(self):
        return sum(self.inspected_by_level.values())

    @property
    def workspace_query(self):
        """The findings workspace's filters for this report's period (a query string)."""
        query = f"province={self.province.code}&year={self.year}"
        if self.round_number is not None and len(self.rounds) == 1:
            query += f"&round={self.rounds[0].pk}"
        return query

    @property
    def findings_total(self):
        total = FindingRow(agency="")
        for row in self.findings:
            total.open += row.open
            total.submitted += row.submitted
            total.verified += row.verified
            total.overdue += row.overdue
            total.unapproved += row.unapproved
        return total


def counted_inspections(year, round_number=None, *, user):
    """Submitted or approved inspections of a year (or one round), one per agency."""
    counted = Inspection.objects.for_user(user).filter(round__year=year, status__in=COUNTED)
    if round_number is not None:
        return counted.filter(round__number=round_number)
    return counted.filter(~_superseded(year))


class _Ids(Expression):
    """Integer ids written into the SQL as literals: `IN (3, 5, 8)`.

    A province's counted inspections are a few hundred ids read by four queries; passed as
    parameters, the ORM prepares them one by one in each query, which cost more than the
    queries took to run (bench/reports.py).
    """

    def __init__(self, ids):
        super().__init__(output_field=IntegerField())
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection):
        return _ids(self.ids), []


def _superseded(year):
    """Exists: the inspection's agency has a counted inspection in a later round of `year`."""
    return Exists(
        Inspection.objects.filter(
            agency=OuterRef("agency"),
            round__year=year,
            status__in=COUNTED,
            round__number__gt=OuterRef("round__number"),
        )
    )


def province_report(province, year, round_number=None, *, today, user):
    report = ProvinceReport(province=province, year=year, round_number=round_number, today=today)
    rounds = (
        Round.objects.for_user(user)
        .filter(province=province, year=year)
        .select_related("checklist")
        .order_by("number")
    )
    if round_number is not None:
        rounds = rounds.filter(number=round_number)
    report.rounds = list(rounds)
    period = _Period(report.rounds, province, year, user)
    with connection.cursor() as cursor:
        counted = _add_counted(report, cursor, period, superseded=round_number is None)
        report.criteria = _counted_criteria(cursor, counted)
        _name_shortfalls(report.criteria, cursor, counted)
        report.agencies = _agency_rows(cursor, counted)
        # Findings of every inspection of the period: a later round does not erase earlier ones.
        report.findings = _findings(cursor, period, today)
    report.unrecorded_announcements = list(unrecorded_announcements(_Ids(counted)))
    as_of = report.coverage_as_of = period_end(
        year, report.rounds if round_number is not None else None
    )
    agencies = Agency.objects.for_user(user).filter(province=province).existing_on(as_of)
    # Both breakdowns from one GROUP BY over level and applicability.
    pairs = list(_announced(agencies, ["level", "applicability"], as_of))
    report.coverage_by_level = _coverage(pairs, "level", Agency.Level.choices)
    report.coverage_by_applicability = _coverage(
        pairs, "applicability", Agency.Applicability.choices
    )
    report.coverage_total = Tally(
        sum(r.announced for r in report.coverage_by_level),
        sum(r.total for r in report.coverage_by_level),
    )
    return report


# The province report's heavy sections are hand-written SQL, one statement each, on one
# cursor: built with the ORM, composing and compiling the querysets and turning their rows
# into dicts cost about a third of the report's time (bench/reports.py). What `user` may see
# is still Inspection.objects.for_user, compiled into the statements (_Period), and the
# rules on findings are their model's conditions compiled (_condition). The latest-round
# rule is the one place written twice, here and in _superseded: a test holds them equal.
INSPECTION, ROUND, AGENCY = (m._meta.db_table for m in (Inspection, Round, Agency))
ANSWER, CRITERION, FINDING = (m._meta.db_table for m in (Answer, Criterion, Finding))
SHORTFALL = [Answer.Result.PARTIAL, Answer.Result.NONCONFORMING]


class _Period:
    """The inspections of a report's rounds that `user` may see, as SQL conditions on an
    inspection `i` joined to its round `r`."""

    def __init__(self, rounds, province, year, user):
        self.year = year
        ids = ", ".join(str(int(round_.pk)) for round_ in rounds) or "NULL"
        # The province and year repeat what the rounds already are, for the planner's sake:
        # knowing them, it starts from the province's two rounds rather than the agencies.
        self.sql = f"i.round_id IN ({ids}) AND r.province_id = %s AND r.year = %s"
        self.params = [province.pk, year]
        sql, params = scope_condition(Inspection.objects.for_user(user), "i.id")
        self.sql += sql
        self.params += params


def _placeholders(values):
    return ", ".join(["%s"] * len(values))


def _add_counted(report, cursor, period, superseded):
    """From the inspections of the period: those not finished, inspected agencies by level,
    ratings and the agencies not yet meeting requirements. Returns the counted ids.

    Counted: submitted or approved, and with `superseded`, not followed by a counted
    inspection of the same agency in a later round of the year (counted_inspections).
    """
    counted_in = f"i.status IN ({_placeholders(COUNTED)})"
    cursor.execute(
        f"SELECT COUNT(*) FROM {INSPECTION} i JOIN {ROUND} r ON r.id = i.round_id "
        f"WHERE {period.sql} AND NOT {counted_in}",
        [*period.params, *COUNTED],
    )
    report.not_finished = cursor.fetchone()[0]
    later = ""
    params = [*period.params, *COUNTED]
    if superseded:
        later = (
            f"AND NOT EXISTS (SELECT 1 FROM {INSPECTION} j JOIN {ROUND} q ON q.id = j.round_id "
            f"WHERE j.agency_id = i.agency_id AND q.year = %s AND q.number > r.number "
            f"AND j.status IN ({_placeholders(COUNTED)}))"
        )
        params += [period.year, *COUNTED]
    cursor.execute(
        f"SELECT i.id, a.level, i.rating, a.name FROM {INSPECTION} i "
        f"JOIN {ROUND} r ON r.id = i.round_id JOIN {AGENCY} a ON a.id = i.agency_id "
        f"WHERE {period.sql} AND {counted_in} {later} ORDER BY a.sort_key",
        params,
    )
    by_level, ratings, not_meeting, counted = defaultdict(int), defaultdict(int), [], []
    for pk, level, rating, name in cursor.fetchall():
        counted.append(pk)
        by_level[level] += 1
        if rating:
            ratings[rating] += 1
        if rating == Inspection.Rating.NOT_MEETING:
            not_meeting.append(name)
    report.inspected_by_level = dict(by_level)
    report.ratings = dict(ratings)
    report.not_meeting_agencies = not_meeting
    return counted


def _ids(ids):
    """Integer ids as SQL literals, `NULL` for none (see _Ids)."""
    return ", ".join(str(int(pk)) for pk in ids) or "NULL"


def period_end(year, rounds=None):
    """The day a report's registry figures are taken on: the end of the year, or of the
    round(s) when the report is for one round; a round without an end date ends with its year.
    """
    year_end = datetime.date(year, 12, 31)
    if not rounds:
        return year_end
    ends = [round_.ends_on for round_ in rounds]
    return year_end if None in ends else max(ends)


def _criteria(answers):
    """Counts per criterion code, in checklist order.

    The answers are counted per criterion id first, with no join, and the few criteria
    read after: joining the criterion to every answer and grouping the wide rows cost
    several times more. Criteria of several checklists that share a code are one row.
    """
    counts = (
        answers.values("criterion_id")
        .annotate(
            conforming=Count("pk", filter=Q(result=Answer.Result.CONFORMING)),
            partial=Count("pk", filter=Q(result=Answer.Result.PARTIAL)),
            nonconforming=Count("pk", filter=Q(result=Answer.Result.NONCONFORMING)),
            not_applicable=Count("pk", filter=Q(result=Answer.Result.NA)),
        )
        .order_by()
    )
    counts = {row.pop("criterion_id"): row for row in counts}
    if not counts:
        return []
    criteria = Criterion.objects.filter(pk__in=counts).values(*CRITERION_FIELDS)
    return _criterion_rows({**c, **counts[c["pk"]]} for c in criteria)


CRITERION_FIELDS = ("pk", "code", "title", "order", "statement_met", "statement_unmet")
RESULTS = [
    Answer.Result.CONFORMING,
    Answer.Result.PARTIAL,
    Answer.Result.NONCONFORMING,
    Answer.Result.NA,
]  # in the order of RESULT_FIELDS


def _counted_criteria(cursor, counted):
    """_criteria of the counted inspections' answers, in one statement: the answers counted
    per criterion id in a subquery, the few criteria joined to its rows after."""
    tallies = ", ".join(f"COUNT(CASE WHEN result = %s THEN 1 END) AS {n}" for n in RESULT_FIELDS)
    cursor.execute(
        f'SELECT k.id, k.code, k.title, k."order", k.statement_met, k.statement_unmet, '
        f"{', '.join('x.' + name for name in RESULT_FIELDS)} "
        f"FROM (SELECT criterion_id, {tallies} FROM {ANSWER} "
        f"WHERE inspection_id IN ({_ids(counted)}) GROUP BY criterion_id) x "
        f"JOIN {CRITERION} k ON k.id = x.criterion_id",
        RESULTS,
    )
    columns = (*CRITERION_FIELDS, *RESULT_FIELDS)
    return _criterion_rows(dict(zip(columns, row, strict=True)) for row in cursor.fetchall())


def _criterion_rows(rows):
    """CriterionRow per code, in checklist order, from rows of a criterion and its counts."""
    by_code = {}
    for criterion in rows:
        row = by_code.setdefault(
            criterion["code"], {**criterion, **dict.fromkeys(RESULT_FIELDS, 0)}
        )
        # Criteria of several checklists sharing a code: the same choice as a MIN() would make.
        for name in ("order", "title", "statement_met", "statement_unmet"):
            row[name] = min(row[name], criterion[name])
        for name in RESULT_FIELDS:
            row[name] += criterion[name]
    rows = sorted(by_code.values(), key=lambda row: (row["order"], row["code"]))
    return [
        CriterionRow(
            code=row["code"],
            title=row["title"],
            conforming=row["conforming"],
            partial=row["partial"],
            nonconforming=row["nonconforming"],
            not_applicable=row["not_applicable"],
            applicable=row["conforming"] + row["partial"] + row["nonconforming"],
            statement_met=row["statement_met"],
            statement_unmet=row["statement_unmet"],
        )
        for row in rows
    ]


def _name_shortfalls(criteria, cursor, counted):
    """Fill `short_agencies` of the criteria few enough agencies fell short of to name them.

    One query, bounded by the setting: at most that many names per criterion.
    """
    few = settings.REPORT_NAME_AGENCIES_UP_TO
    by_code = {row.code: row for row in criteria if 0 < row.short.part <= few}
    # Queried even when nothing is to be named, so the report's cost stays fixed.
    codes = list(by_code) or [""]
    cursor.execute(
        f"SELECT k.code, a.name FROM {ANSWER} x "
        f"JOIN {CRITERION} k ON k.id = x.criterion_id "
        f"JOIN {INSPECTION} i ON i.id = x.inspection_id JOIN {AGENCY} a ON a.id = i.agency_id "
        f"WHERE x.inspection_id IN ({_ids(counted)}) "
        f"AND x.result IN ({_placeholders(SHORTFALL)}) AND k.code IN ({_placeholders(codes)}) "
        f"ORDER BY a.sort_key, a.code",
        [*SHORTFALL, *codes],
    )
    for code, name in cursor.fetchall():
        by_code[code].short_agencies.append(name)


def _agency_rows(cursor, counted):
    """The appendix: each counted inspection, with its findings awaiting the agency."""
    awaiting, params = _condition(Finding, Finding.awaiting_condition())
    cursor.execute(
        f"SELECT a.code, a.name, a.level, r.number, i.score, i.rating, "
        f"(SELECT COUNT(*) FROM {FINDING} WHERE {FINDING}.inspection_id = i.id AND {awaiting}) "
        f"FROM {INSPECTION} i JOIN {ROUND} r ON r.id = i.round_id "
        f"JOIN {AGENCY} a ON a.id = i.agency_id "
        f"WHERE i.id IN ({_ids(counted)}) ORDER BY a.sort_key, a.code",
        params,
    )
    score = _converter(Inspection, "score")
    return [
        AgencyRow(code, name, level, number, score(value), rating, open_findings)
        for code, name, level, number, value, rating, open_findings in cursor.fetchall()
    ]


def _condition(model, condition):
    """A model's query condition (a Q) as SQL on its table's own name, compiled by the ORM:
    hand-written statements keep to the rule where it is defined."""
    query = model.objects.filter(condition).query
    return query.get_compiler(connection=connection).compile(query.where)


def _converter(model, name):
    """What the ORM does to a column's value as the database returns it (SQLite has no
    decimals: the score comes back a float); nothing on PostgreSQL."""
    column = model._meta.get_field(name).get_col(model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)

    def convert(value):
        for converter in converters:
            value = converter(value, column, connection)
        return value

    return convert


def unrecorded_announcements(inspections):
    """Agencies whose inspection found the QMS announced (CB01 conforming) while the registry
    has no announcement date: the registry is behind, and staff can record the date.

    `inspections`: a queryset, or their ids (_Ids).
    """
    announced = Answer.objects.filter(
        inspection__in=inspections, criterion__code="CB01", result=Answer.Result.CONFORMING
    ).values("inspection__agency_id")
    return Agency.objects.filter(pk__in=announced, announced_on__isnull=True).order_by(
        "sort_key", "code"
    )


def _findings(cursor, period, today):
    """Section 4's rows, one per agency with a finding or an unapproved shortfall; two
    queries, one row per finding or shortfall (a province's findings, not its answers)."""
    late, late_params = _condition(Finding, Finding.overdue_condition(today))
    agency = "i.agency_id, a.sort_key, a.name, a.code, k.code"
    cursor.execute(
        f"SELECT {agency}, {FINDING}.status, CASE WHEN {late} THEN 1 ELSE 0 END "
        f"FROM {FINDING} JOIN {INSPECTION} i ON i.id = {FINDING}.inspection_id "
        f"JOIN {ROUND} r ON r.id = i.round_id JOIN {AGENCY} a ON a.id = i.agency_id "
        f"JOIN {ANSWER} x ON x.id = {FINDING}.answer_id "
        f"JOIN {CRITERION} k ON k.id = x.criterion_id "
        f'WHERE {period.sql} ORDER BY k."order", k.code, {FINDING}.id',
        [*late_params, *period.params],
    )
    rows = {}

    def row_of(agency_id, sort_key, name, code):
        if agency_id not in rows:
            rows[agency_id] = (sort_key, FindingRow(agency=name, code=code))
        return rows[agency_id][1]

    for agency_id, sort_key, name, code, criterion, status, is_late in cursor.fetchall():
        row = row_of(agency_id, sort_key, name, code)
        row.add("open" if status in Finding.AWAITING_ACTION else status, criterion)
        if is_late:
            row.add("overdue", criterion)
    # Shortfalls of submitted inspections, not yet approved: no finding exists for them yet.
    cursor.execute(
        f"SELECT {agency} FROM {ANSWER} x JOIN {INSPECTION} i ON i.id = x.inspection_id "
        f"JOIN {ROUND} r ON r.id = i.round_id JOIN {AGENCY} a ON a.id = i.agency_id "
        f"JOIN {CRITERION} k ON k.id = x.criterion_id "
        f"WHERE {period.sql} AND i.status = %s AND x.result IN ({_placeholders(SHORTFALL)}) "
        f'ORDER BY k."order", k.code, x.id',
        [*period.params, Inspection.Status.SUBMITTED, *SHORTFALL],
    )
    for agency_id, sort_key, name, code, criterion in cursor.fetchall():
        row_of(agency_id, sort_key, name, code).add("unapproved", criterion)
    return [row for _key, row in sorted(rows.values(), key=lambda item: (item[0], item[1].code))]


def _announced(agencies, keys, as_of):
    """Agencies, and those that had announced their QMS by `as_of`, grouped by `keys`."""
    return (
        agencies.values(*keys)
        .annotate(
            total=Count("pk"), announced=Count("pk", filter=Agency.announced_condition(as_of))
        )
        .order_by()
    )


def _coverage(pairs, key, choices):
    """Rows per value of `key` from counts grouped by level and applicability."""
    counts = {}
    for row in pairs:
        announced, total = counts.get(row[key], (0, 0))
        counts[row[key]] = (announced + row["announced"], total + row["total"])
    return [
        CoverageRow(key=value, label=label, announced=counts[value][0], total=counts[value][1])
        for value, label in choices
        if value in counts
    ]


@dataclass
class ProvinceRow(Ratings):
    province: Province
    agencies: int = 0
    announced: int = 0
    inspected: int = 0
    not_finished: int = 0
    ratings: dict = field(default_factory=dict)
    open_findings: int = 0
    overdue_findings: int = 0

    @property
    def good(self):
        return self.rating_tally(Inspection.Rating.GOOD)

    @property
    def meets(self):
        return self.rating_tally(Inspection.Rating.MEETS)

    @property
    def not_meeting(self):
        return self.rating_tally(Inspection.Rating.NOT_MEETING)

    @property
    def adoption(self):
        return Tally(self.announced, self.agencies)


@dataclass
class NationalReport:
    year: int
    round_number: int | None
    today: object
    rows: list = field(default_factory=list)
    criteria: list = field(default_factory=list)
    coverage_as_of: datetime.date = None

    @property
    def totals(self):
        total = ProvinceRow(province=None)
        for row in self.rows:
            total.agencies += row.agencies
            total.announced += row.announced
            total.inspected += row.inspected
            total.not_finished += row.not_finished
            total.open_findings += row.open_findings
            total.overdue_findings += row.overdue_findings
            for tier, count in row.ratings.items():
                total.ratings[tier] = total.ratings.get(tier, 0) + count
        return total


def national_report(year, round_number=None, *, today, user):
    """One row per province with the same figures; a fixed number of queries."""
    report = NationalReport(year=year, round_number=round_number, today=today)
    provinces = Province.objects.for_user(user).order_by("sort_key")
    rows = {p.code: ProvinceRow(province=p) for p in provinces}
    as_of = report.coverage_as_of = _national_period_end(year, round_number, rows, user)
    agencies = Agency.objects.for_user(user).filter(province__in=list(rows)).existing_on(as_of)
    for row in _announced(agencies, ["province_id"], as_of):
        rows[row["province_id"]].agencies = row["total"]
        rows[row["province_id"]].announced = row["announced"]
    inspections = counted_inspections(year, round_number, user=user).filter(
        round__province__in=list(rows)
    )
    for row in (
        inspections.values("round__province_id", "rating").annotate(n=Count("pk")).order_by()
    ):
        target = rows[row["round__province_id"]]
        target.inspected += row["n"]
        if row["rating"]:
            target.ratings[row["rating"]] = row["n"]
    in_period = Inspection.objects.for_user(user).filter(
        round__year=year, round__province__in=list(rows)
    )
    if round_number is not None:
        in_period = in_period.filter(round__number=round_number)
    _add_unfinished_and_findings(rows, in_period, today)
    report.rows = list(rows.values())
    report.criteria = _criteria(Answer.objects.filter(inspection__in=inspections))
    return report


def _national_period_end(year, round_number, rows, user):
    """One day for the whole country: for round N, the latest end among the provinces' N-th
    rounds (the year's end if one of them has no end date); one query."""
    if round_number is None:
        return period_end(year)
    ends = (
        Round.objects.for_user(user)
        .filter(year=year, number=round_number, province__in=list(rows))
        .aggregate(latest=Max("ends_on"), open=Count("pk", filter=Q(ends_on__isnull=True)))
    )
    if ends["open"] or ends["latest"] is None:
        return period_end(year)
    return ends["latest"]


def _add_unfinished_and_findings(rows, in_period, today):
    """Per province: inspections of the period not yet finished, open and overdue findings."""
    for row in (
        in_period.exclude(status__in=COUNTED)
        .values("round__province_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        rows[row["round__province_id"]].not_finished = row["n"]
    findings = Finding.objects.filter(inspection__in=in_period)
    for row in (
        findings.values("inspection__round__province_id")
        .annotate(
            open=Count("pk", filter=Finding.awaiting_condition()),
            overdue=Count("pk", filter=Finding.overdue_condition(today)),
        )
        .order_by()
    ):
        rows[row["inspection__round__province_id"]].open_findings = row["open"]
        rows[row["inspection__round__province_id"]].overdue_findings = row["overdue"]


def levels_in_order(counts):
    """(level, count) pairs in the order of Agency.Level, skipping levels with none."""
    ordered = defaultdict(int, counts)
    return [(level, ordered[level]) for level in LEVELS if ordered[level]]
