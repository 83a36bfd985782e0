"""Benchmark: export and import a round of 500 agencies × 12 criteria as a workbook.

Target on this machine: under 5 s each way, on SQLite and PostgreSQL.

    .venv/bin/python bench/workbooks.py [--agencies 500]
"""

import io

from common import run, timed


def measure(args):
    import openpyxl
    from django.db import connection

    from agencies.models import Agency, Province
    from inspections.models import Answer, Checklist
    from inspections.services import checklists_import, round_create
    from inspections.workbooks import DATA_SHEET, export_workbook

    province = Province.objects.get(code="33")
    agencies = [
        Agency(code=f"WB-{n:04d}", name=f"Cơ quan thử {n}", level="department", province=province)
        for n in range(args.agencies)
    ]
    for agency in agencies:
        agency.refresh_derived()
    Agency.objects.bulk_create(agencies)
    round_ = round_create(
        user=None,
        province=province,
        agencies=list(Agency.objects.filter(code__startswith="WB-")),
        year=2026,
        number=1,
        checklist=Checklist.objects.get(code="QD19-2015"),
    )
    result = {}

    def export():
        inspections = list(round_.inspections.select_related("agency").order_by("agency__sort_key"))
        result["data"] = export_workbook(round_, inspections)

    export_seconds = timed(export)
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
    import_seconds = timed(
        lambda: checklists_import(data=filled, filename="bench.xlsx", submit=True)
    )
    answers = Answer.objects.filter(inspection__round=round_).exclude(result="").count()
    assert answers == args.agencies * 12, answers
    again = timed(lambda: checklists_import(data=filled, filename="bench.xlsx", submit=True))
    print(connection.vendor)
    print(f"  export {args.agencies} agencies         {export_seconds:6.2f} s   target < 5 s")
    print(f"  import with --submit         {import_seconds:6.2f} s   target < 5 s")
    print(f"  same file again (no change)  {again:6.2f} s")


if __name__ == "__main__":
    run(
        __file__,
        measure,
        lambda args: f"Checklist workbook, {args.agencies} agencies × 12 criteria",
        lambda parser: parser.add_argument("--agencies", type=int, default=500),
    )
