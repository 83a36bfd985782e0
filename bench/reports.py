"""Benchmark: report data, a province PDF and the national Excel file on a national data set.

34 provinces, 15,000 agencies, the 12 criteria of QD19-2015, two rounds a province:
about 360,000 answers. Each figure is printed beside a baseline, one raw SQL GROUP BY over
the same answers, as a ratio. Targets on this machine: province report data < 200 ms and
national < 1 s on PostgreSQL; province PDF < 3 s; national Excel < 5 s and < 200 MB peak.

    .venv/bin/python bench/reports.py [--agencies 15000] [--repeat 5]
"""

import datetime
import tracemalloc

from common import median_ms, run, timed

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
            status = "approved" if (n + number) % 7 else "draft"
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
            )
            for a in shortfalls
        ],
        batch_size=2000,
    )
    return Answer.objects.count()


def baseline(province_code=None):
    """The floor: one GROUP BY over the same answers, nothing else."""
    from django.db import connection

    sql = (
        "SELECT a.criterion_id, a.result, COUNT(*) FROM inspections_answer a "
        "JOIN inspections_inspection i ON i.id = a.inspection_id "
        "JOIN inspections_round r ON r.id = i.round_id "
        "WHERE r.year = %s AND i.status IN ('submitted', 'approved')"
    )
    params = [2026]
    if province_code:
        sql += " AND r.province_id = %s"
        params.append(province_code)
    sql += " GROUP BY a.criterion_id, a.result"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def measure(args):
    from django.db import connection

    from agencies.models import NATIONAL_SCOPE, Province
    from reports import builder
    from reports.contexts import province_pdf_context
    from reports.excel import national_workbook
    from reports.pdf import render_pdf

    answers = build(args.agencies)
    today = datetime.date(2026, 11, 21)
    province = Province.objects.get(code="33")
    repeat = args.repeat

    province_data = median_ms(
        lambda: builder.province_report(province, 2026, today=today, user=NATIONAL_SCOPE), repeat
    )
    province_base = median_ms(lambda: baseline("33"), repeat)
    national_data = median_ms(
        lambda: builder.national_report(2026, today=today, user=NATIONAL_SCOPE), repeat
    )
    national_base = median_ms(lambda: baseline(), repeat)

    def pdf():
        report = builder.province_report(province, 2026, today=today, user=NATIONAL_SCOPE)
        render_pdf("reports/province_pdf.html", province_pdf_context(report))

    pdf_seconds = timed(pdf)
    tracemalloc.start()
    excel_seconds = timed(
        lambda: national_workbook(builder.national_report(2026, today=today, user=NATIONAL_SCOPE))
    )
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"{connection.vendor}: {answers} answers")
    rows = [
        ("province report data", province_data, province_base, "< 200 ms"),
        ("national report data", national_data, national_base, "< 1000 ms"),
    ]
    for name, ours, base, target in rows:
        print(
            f"  {name:<22} {ours:8.1f} ms   GROUP BY {base:7.1f} ms   "
            f"ratio {ours / base:5.2f}   target {target}"
        )
    print(f"  province PDF           {pdf_seconds:8.2f} s    target < 3 s")
    print(
        f"  national Excel         {excel_seconds:8.2f} s    peak {peak / 2**20:6.1f} MB   "
        "target < 5 s, < 200 MB"
    )


if __name__ == "__main__":

    def arguments(parser):
        parser.add_argument("--agencies", type=int, default=15000)
        parser.add_argument("--repeat", type=int, default=5)

    run(__file__, measure, lambda args: "Reports on a national data set", arguments)
