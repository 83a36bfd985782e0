"""Benchmark: report data, a province PDF and the national Excel file on a national data set.

34 provinces, 15,000 agencies (or --agencies), the 12 criteria of QD19-2015, two rounds a
province: about 360,000 answers. The tables are analysed after loading. The province
report's data is printed beside a baseline doing the same work: hand-written SQL, one
statement per section, giving exactly the report's figures (asserted equal), as a ratio.
Each time is the median of --repeat runs, with the range. Memory is the peak resident set
of a process making the file (Django and the data included), median of --files runs.
Targets on this machine: province data within 1.5x the SQL; national data < 300 ms at
15,000 agencies and < 1 s at 50,000; province PDF < 3 s; national Excel < 5 s, < 200 MB.

    .venv/bin/python bench/reports.py [--agencies 15000] [--repeat 7] [--files 3]
"""

import datetime
import statistics

from common import Runs, analyze, peak_rss_mb, run

RESULTS = ["conforming"] * 6 + ["partial", "nonconforming", "not_applicable"]


def build(agency_count):
    from agencies.models import Agency, Province
    from inspections.models import Answer, Checklist, Finding, Inspection, Round

    provinces = list(Province.objects.all())
    checklist = Checklist.objects.get(code="QD19-2015")
    criteria = list(checklist.criteria.all())
    agencies = []
    for n in range(agency_count):
        province = provinces[n % len(provinces)]
        agency = Agency(
            code=f"NB-{n:05d}",
            name=f"Cơ quan {n}",
            level="department" if n % 5 else "province",
            province=province,
            announced_on=datetime.date(2024, 1, 1) if n % 4 else None,
        )
        agency.refresh_derived()
        agencies.append(agency)
    Agency.objects.bulk_create(agencies, batch_size=2000)
    agencies = list(Agency.objects.filter(code__startswith="NB-").order_by("code"))
    rounds = {}
    for province in provinces:
        for number in (1, 2):
            rounds[(province.code, number)] = Round.objects.create(
                province=province, year=2026, number=number, checklist=checklist
            )
    tiers = ["good", "meets", "meets", "not_meeting"]
    inspections = []
    for n, agency in enumerate(agencies):
        for number in (1, 2):
            # Mostly approved; some drafts, and some submitted and not yet approved.
            status = "draft" if (n + number) % 7 == 0 else "approved"
            if (n + number) % 13 == 0:
                status = "submitted"
            inspections.append(
                Inspection(
                    round=rounds[(agency.province_id, number)],
                    agency=agency,
                    status=status,
                    rating=tiers[n % 4] if status != "draft" else "",
                    score=80 if status != "draft" else None,
                )
            )
    Inspection.objects.bulk_create(inspections, batch_size=2000)
    answers = []
    for inspection in Inspection.objects.order_by("pk").values_list("pk", flat=True):
        for index, criterion in enumerate(criteria):
            answers.append(
                Answer(
                    inspection_id=inspection,
                    criterion=criterion,
                    result=RESULTS[(inspection + index) % len(RESULTS)],
                )
            )
        if len(answers) >= 24000:
            Answer.objects.bulk_create(answers, batch_size=4000)
            answers = []
    Answer.objects.bulk_create(answers, batch_size=4000)
    shortfalls = Answer.objects.filter(result="nonconforming").order_by("pk")[:3000]
    Finding.objects.bulk_create(
        [
            Finding(
                inspection_id=a.inspection_id,
                answer=a,
                description="x",
                due_on=datetime.date(2026, 1, 1) if a.pk % 2 else datetime.date(2027, 1, 1),
                # Some returned to the agency: awaiting its action, counted as open.
                status="returned" if a.pk % 5 == 0 else "open",
            )
            for a in shortfalls
        ],
        batch_size=2000,
    )
    return Answer.objects.count()


COUNTED = """
    SELECT i.id, i.rating, a.level, a.name, a.sort_key
    FROM inspections_inspection i
    JOIN inspections_round r ON r.id = i.round_id
    JOIN agencies_agency a ON a.id = i.agency_id
    WHERE r.year = %(year)s AND r.province_id = %(province)s
      AND i.status IN ('submitted', 'approved')
      AND NOT EXISTS (
        SELECT 1 FROM inspections_inspection j
        JOIN inspections_round q ON q.id = j.round_id
        WHERE j.agency_id = i.agency_id AND q.year = %(year)s
          AND j.status IN ('submitted', 'approved') AND q.number > r.number)
"""
SECTIONS = {
    "rounds": "SELECT number FROM inspections_round "
    "WHERE year = %(year)s AND province_id = %(province)s ORDER BY number",
    # The counted inspections read once; levels, ratings and names are tallied from them.
    "counted": f"SELECT id, level, rating, name FROM ({COUNTED}) c ORDER BY sort_key",
    "not_finished": "SELECT COUNT(*) FROM inspections_inspection i "
    "JOIN inspections_round r ON r.id = i.round_id "
    "WHERE r.year = %(year)s AND r.province_id = %(province)s "
    "AND i.status NOT IN ('submitted', 'approved')",
    # Answers counted per criterion first, the twelve criteria joined after.
    "criteria": """
        SELECT k.code, MIN(k.title), SUM(x.c), SUM(x.p), SUM(x.n), SUM(x.na)
        FROM (
          SELECT criterion_id,
            SUM(CASE WHEN result = 'conforming' THEN 1 ELSE 0 END) AS c,
            SUM(CASE WHEN result = 'partial' THEN 1 ELSE 0 END) AS p,
            SUM(CASE WHEN result = 'nonconforming' THEN 1 ELSE 0 END) AS n,
            SUM(CASE WHEN result = 'not_applicable' THEN 1 ELSE 0 END) AS na
          FROM inspections_answer
          WHERE inspection_id IN (%(ids)s)
          GROUP BY criterion_id
        ) x JOIN inspections_criterion k ON k.id = x.criterion_id
        GROUP BY k.code ORDER BY MIN(k."order"), k.code""",
    # Section 4: each finding of the period's inspections (a later round does not erase an
    # earlier one's), and each shortfall of a submitted inspection not yet approved.
    "findings": """
        SELECT i.agency_id, a.sort_key, a.name, a.code, k.code, f.status,
          CASE WHEN f.status IN ('open', 'returned') AND f.due_on < %(today)s THEN 1 ELSE 0 END
        FROM inspections_finding f
        JOIN inspections_inspection i ON i.id = f.inspection_id
        JOIN inspections_round r ON r.id = i.round_id
        JOIN agencies_agency a ON a.id = i.agency_id
        JOIN inspections_answer x ON x.id = f.answer_id
        JOIN inspections_criterion k ON k.id = x.criterion_id
        WHERE r.year = %(year)s AND r.province_id = %(province)s
        ORDER BY k."order", k.code, f.id""",
    "unapproved": """
        SELECT i.agency_id, a.sort_key, a.name, a.code, k.code
        FROM inspections_answer x
        JOIN inspections_inspection i ON i.id = x.inspection_id
        JOIN inspections_round r ON r.id = i.round_id
        JOIN agencies_agency a ON a.id = i.agency_id
        JOIN inspections_criterion k ON k.id = x.criterion_id
        WHERE r.year = %(year)s AND r.province_id = %(province)s AND i.status = 'submitted'
          AND x.result IN ('partial', 'nonconforming')
        ORDER BY k."order", k.code, x.id""",
    # The appendix: each counted inspection with its findings awaiting action.
    "agencies": """
        SELECT a.code, a.name, a.level, r.number, i.score, i.rating,
          (SELECT COUNT(*) FROM inspections_finding f
           WHERE f.inspection_id = i.id AND f.status IN ('open', 'returned'))
        FROM inspections_inspection i
        JOIN inspections_round r ON r.id = i.round_id
        JOIN agencies_agency a ON a.id = i.agency_id
        WHERE i.id IN (%(ids)s) ORDER BY a.sort_key, a.code""",
    # Agencies found announced (CB01 conforming) that the registry has no date for.
    "unrecorded": """
        SELECT a.name FROM agencies_agency a
        WHERE a.announced_on IS NULL AND a.id IN (
          SELECT i.agency_id FROM inspections_answer x
          JOIN inspections_inspection i ON i.id = x.inspection_id
          JOIN inspections_criterion k ON k.id = x.criterion_id
          WHERE x.inspection_id IN (%(ids)s) AND k.code = 'CB01' AND x.result = 'conforming')
        ORDER BY a.sort_key, a.code""",
    # Agencies named under the criteria few enough fell short of (codes from "criteria").
    "short": """
        SELECT k.code, a.name FROM inspections_answer x
        JOIN inspections_criterion k ON k.id = x.criterion_id
        JOIN inspections_inspection i ON i.id = x.inspection_id
        JOIN agencies_agency a ON a.id = i.agency_id
        WHERE x.inspection_id IN (%(ids)s) AND x.result IN ('partial', 'nonconforming')
          AND k.code IN (%(codes)s)
        ORDER BY a.sort_key, a.code""",
    "coverage": """
        SELECT level, applicability, COUNT(*),
          SUM(CASE WHEN announced_on <= %(as_of)s OR reannounced_on <= %(as_of)s
              THEN 1 ELSE 0 END)
        FROM agencies_agency
        WHERE province_id = %(province)s
          AND (established_on IS NULL OR established_on <= %(as_of)s)
          AND (dissolved_on > %(as_of)s OR (dissolved_on IS NULL AND active))
        GROUP BY level, applicability""",
}


def baseline(province_code, year, today):
    """The same figures as builder.province_report, by hand-written SQL: one statement per
    section of the report, returning what the report shows (codes, titles, names)."""
    from django.db import connection

    params = {
        "year": year,
        "province": province_code,
        "today": today,
        "as_of": datetime.date(year, 12, 31),
    }
    from django.conf import settings

    few = settings.REPORT_NAME_AGENCIES_UP_TO
    with connection.cursor() as cursor:
        figures = {}
        for name, sql in SECTIONS.items():
            ids = [row[0] for row in figures.get("counted", ())] or [0]
            # The ids inline, as integers: one plan for the list, no parameter limit.
            sql = sql.replace("%(ids)s", ", ".join(str(int(i)) for i in ids))
            if name == "short":
                codes = [r[0] for r in figures["criteria"] if 0 < r[3] + r[4] <= few] or [""]
                sql = sql.replace("%(codes)s", ", ".join("%s" for _ in codes))
                cursor.execute(sql, codes)
            else:
                cursor.execute(sql, params)
            figures[name] = cursor.fetchall()
    return _baseline_figures(figures)


def _baseline_figures(rows):
    by_pair = {}
    for level, applicability, total, announced in rows["coverage"]:
        by_pair[(level, applicability)] = (int(announced), total)

    def coverage(index):
        sums = {}
        for pair, (announced, total) in by_pair.items():
            got = sums.setdefault(pair[index], [0, 0])
            got[0] += announced
            got[1] += total
        return {key: tuple(value) for key, value in sums.items()}

    by_level, ratings = {}, {}
    for _id, level, rating, _name in rows["counted"]:
        by_level[level] = by_level.get(level, 0) + 1
        if rating:
            ratings[rating] = ratings.get(rating, 0) + 1
    return {
        "rounds": [n for (n,) in rows["rounds"]],
        "by_level": by_level,
        "not_finished": rows["not_finished"][0][0],
        "criteria": [(r[0], r[1], *map(int, r[2:])) for r in rows["criteria"]],
        "ratings": ratings,
        "not_meeting": [r[3] for r in rows["counted"] if r[2] == "not_meeting"],
        "findings": _baseline_findings(rows["findings"], rows["unapproved"]),
        "agencies": [tuple(r) for r in rows["agencies"]],
        "unrecorded": [name for (name,) in rows["unrecorded"]],
        "short": _grouped(rows["short"]),
        "by_level_coverage": coverage(0),
        "by_applicability_coverage": coverage(1),
    }


def _grouped(pairs):
    grouped = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _baseline_findings(found, unapproved):
    """Section 4's rows: per agency, the count and criteria codes of each state."""
    rows = {}

    def row_of(agency_id, sort_key, name, code):
        return rows.setdefault(agency_id, (sort_key, code, name, {}))[3]

    def add(states, state, criterion):
        count, codes = states.get(state, (0, []))
        states[state] = (count + 1, codes if criterion in codes else [*codes, criterion])

    for agency_id, sort_key, name, code, criterion, status, late in found:
        states = row_of(agency_id, sort_key, name, code)
        add(states, "open" if status in ("open", "returned") else status, criterion)
        if late:
            add(states, "overdue", criterion)
    for agency_id, sort_key, name, code, criterion in unapproved:
        add(row_of(agency_id, sort_key, name, code), "unapproved", criterion)
    order = ("open", "overdue", "submitted", "verified", "unapproved")
    return [
        (name, [states.get(state, (0, []))[0] for state in order],
         [", ".join(states.get(state, (0, []))[1]) for state in order])
        for _key, _code, name, states in sorted(rows.values(), key=lambda r: (r[0], r[1]))
    ]  # fmt: skip


def report_figures(report):
    """builder.province_report's figures, in the baseline's shape."""
    return {
        "rounds": [r.number for r in report.rounds],
        "by_level": report.inspected_by_level,
        "not_finished": report.not_finished,
        "criteria": [
            (c.code, c.title, c.conforming, c.partial, c.nonconforming, c.not_applicable)
            for c in report.criteria
        ],
        "ratings": report.ratings,
        "not_meeting": report.not_meeting_agencies,
        "findings": [
            (f.agency, [count for count, _codes in f.cells], [codes for _n, codes in f.cells])
            for f in report.findings
        ],
        "agencies": [
            (a.code, a.name, a.level, a.round_number, a.score, a.rating, a.open_findings)
            for a in report.agencies
        ],
        "unrecorded": [agency.name for agency in report.unrecorded_announcements],
        "short": {c.code: c.short_agencies for c in report.criteria if c.short_agencies},
        "by_level_coverage": {r.key: (r.announced, r.total) for r in report.coverage_by_level},
        "by_applicability_coverage": {
            r.key: (r.announced, r.total) for r in report.coverage_by_applicability
        },
    }


def measure(args):
    from django.db import connection

    from agencies.models import NATIONAL_SCOPE, Province
    from reports import builder
    from reports.contexts import province_pdf_context
    from reports.excel import national_workbook
    from reports.pdf import render_pdf

    answers = build(args.agencies)
    analyze()
    today = datetime.date(2026, 11, 21)
    province = Province.objects.get(code="33")
    repeat = args.repeat

    def province_data():
        return builder.province_report(province, 2026, today=today, user=NATIONAL_SCOPE)

    ours = report_figures(province_data())
    assert ours == baseline("33", 2026, today), "the baseline must give the report's figures"
    assert all(ours[k] for k in ("criteria", "findings", "ratings", "agencies", "unrecorded")), ours
    assert any(counts[4] for _name, counts, _codes in ours["findings"]), "unapproved shortfalls"
    assert any(counts[0] for _name, counts, _codes in ours["findings"]), "open findings"
    province_runs, base_runs = Runs.alternating(
        province_data, lambda: baseline("33", 2026, today), repeat
    )
    national_runs = Runs(
        lambda: builder.national_report(2026, today=today, user=NATIONAL_SCOPE), repeat
    )

    def pdf():
        render_pdf("reports/province_pdf.html", province_pdf_context(province_data()))

    def excel():
        national_workbook(builder.national_report(2026, today=today, user=NATIONAL_SCOPE))

    pdf_runs = [peak_rss_mb(pdf) for _ in range(args.files)]
    excel_runs = [peak_rss_mb(excel) for _ in range(args.files)]

    print(f"{connection.vendor}: {args.agencies} agencies, {answers} answers")
    print(
        f"  province report data    {province_runs.ms()}   same-output SQL "
        f"{base_runs.ms()}   ratio {province_runs.median / base_runs.median:4.2f}   "
        "target <= 1.5"
    )
    target = "< 300 ms" if args.agencies <= 15000 else "< 1000 ms"
    print(f"  national report data    {national_runs.ms()}   target {target}")
    for name, runs, target in (
        ("province PDF", pdf_runs, "< 3 s"),
        ("national Excel", excel_runs, "< 5 s, < 200 MB"),
    ):
        seconds = [s for s, _peak in runs]
        peaks = [peak for _s, peak in runs]
        print(
            f"  {name:<22}  {statistics.median(seconds):6.2f} s "
            f"({min(seconds):.2f}–{max(seconds):.2f})   peak RSS "
            f"{statistics.median(peaks):5.0f} MB ({min(peaks):.0f}–{max(peaks):.0f})   "
            f"target {target}"
        )


if __name__ == "__main__":

    def arguments(parser):
        parser.add_argument("--agencies", type=int, default=15000)
        parser.add_argument("--repeat", type=int, default=7)
        parser.add_argument("--files", type=int, default=3, help="runs of the PDF and Excel")

    run(__file__, measure, lambda args: f"Reports, {args.agencies} agencies", arguments)
