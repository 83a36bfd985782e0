"""Benchmark: export and import a round of 500 agencies × 12 criteria as a workbook.

Each run uses a new round; the median of --repeat runs is printed with the range.
Target on this machine: under 5 s each way, on SQLite and PostgreSQL.

    .venv/bin/python bench/workbooks.py [--agencies 500] [--repeat 3]
"""

import io
import statistics

from common import analyze, run, timed


def measure(args):
    from django.db import connection

    from agencies.models import Agency, Province

    province = Province.objects.get(code="33")
    agencies = [
        Agency(code=f"WB-{n:04d}", name=f"Cơ quan thử {n}", level="department", province=province)
        for n in range(args.agencies)
    ]
    for agency in agencies:
        agency.refresh_derived()
    Agency.objects.bulk_create(agencies)
    agencies = list(Agency.objects.filter(code__startswith="WB-"))
    figures = {"export": [], "import with --submit": [], "same file again (no change)": []}
    for number in range(1, args.repeat + 1):
        for name, seconds in one_round(agencies, number, args.agencies).items():
            figures[name].append(seconds)
    print(connection.vendor)
    for name, times in figures.items():
        print(
            f"  {name:<28} {statistics.median(times):6.2f} s "
            f"({min(times):.2f}–{max(times):.2f})   target < 5 s"
        )


def one_round(agencies, number, count):
    """Export a new round's workbook, fill it, import it twice; seconds of each step."""
    import openpyxl

    from inspections.models import Answer, Checklist
    from inspections.services import checklists_import, round_create
    from inspections.workbooks import DATA_SHEET, export_workbook

    round_ = round_create(
        user=None,
        province=agencies[0].province,
        agencies=agencies,
        year=2026,
        number=number,
        checklist=Checklist.objects.get(code="QD19-2015"),
    )
    analyze()
    result = {}

    def export():
        inspections = list(round_.inspections.select_related("agency").order_by("agency__sort_key"))
        result["data"] = export_workbook(round_, inspections)

    figures = {"export": timed(export)}
    book = openpyxl.load_workbook(io.BytesIO(result["data"]))
    sheet = book[DATA_SHEET]
    labels = ["Đạt", "Đạt", "Đạt một phần", "Không đạt", "Không áp dụng"]
    for row in sheet.iter_rows(min_row=2):
        for offset in range(12):
            row[2 + offset].value = labels[(row[0].row + offset) % 5]
            row[14 + offset].value = "Ghi chú kiểm tra"
        row[26].value = "Kết luận"
    buffer = io.BytesIO()
    book.save(buffer)
    filled = buffer.getvalue()

    def import_():
        checklists_import(data=filled, filename="bench.xlsx", submit=True)

    figures["import with --submit"] = timed(import_)
    answers = Answer.objects.filter(inspection__round=round_).exclude(result="").count()
    assert answers == count * 12, answers
    figures["same file again (no change)"] = timed(import_)
    return figures


if __name__ == "__main__":
    run(
        __file__,
        measure,
        lambda args: f"Checklist workbook, {args.agencies} agencies × 12 criteria",
        lambda parser: (
            parser.add_argument("--agencies", type=int, default=500),
            parser.add_argument("--repeat", type=int, default=3),
        ),
    )
