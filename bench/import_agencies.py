"""Benchmark: import 15,000 new agencies from .xlsx, then update the same 15,000.

Runs on SQLite and, when reachable, PostgreSQL, and prints each figure beside a baseline
that reads the same file with openpyxl (read-only) and saves it the fastest way we know:
bulk_create for new rows, and for updates our own UPDATE ... FROM (VALUES ...)
(compliance.bulk.bulk_update_values), as a ratio. The tables are analysed after the new
agencies are loaded. Each figure is the median of --repeat runs, with the range.
Target: the import within 2x the baseline.

    .venv/bin/python bench/import_agencies.py [--rows 15000] [--repeat 3]
        [--pg postgres://postgres:postgres@127.0.0.1:5432/bench_compliance]
"""

import io
import statistics

from common import analyze, run, timed

COLUMNS = ["code", "name", "level", "province_code", "parent_code", "applicability",
           "iso_version", "announced_on", "reannounced_on"]  # fmt: skip
PROVINCES = ["01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31",
             "33", "37", "38", "40", "42", "44", "46", "48", "51", "52", "56", "66", "68",
             "75", "79", "80", "82", "86", "91", "92", "96"]  # fmt: skip


def make_workbook(rows, suffix):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(COLUMNS)
    for number in range(rows):
        province = PROVINCES[number % len(PROVINCES)]
        # Every tenth agency hangs under the agency 34 rows before it (same province).
        parent = f"BX-{number - 34:05d}" if number % 10 == 9 and number >= 34 else ""
        announced = f"2024-{number % 12 + 1:02d}-{number % 28 + 1:02d}" if number % 3 else ""
        sheet.append([f"BX-{number:05d}", f"Sở Kiểm thử Đổi mới {number} {suffix}", "department",
                      province, parent, "mandatory", "2015", announced, ""])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def baseline(data):
    """The floor: read with openpyxl read-only, save with bulk_create / bulk_update_values."""
    import openpyxl

    from agencies.models import Agency
    from compliance.bulk import bulk_update_values

    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    records = [dict(zip(header, row, strict=False)) for row in rows]
    existing = Agency.objects.in_bulk([r["code"] for r in records], field_name="code")
    new, changed = [], []
    for r in records:
        agency = existing.get(r["code"]) or Agency(code=r["code"])
        agency.name, agency.level, agency.province_id = r["name"], r["level"], r["province_code"]
        agency.parent_id = r["parent_code"] or None
        agency.applicability, agency.iso_version = r["applicability"], r["iso_version"]
        agency.announced_on = r["announced_on"] or None
        agency.refresh_derived()
        (changed if agency.pk else new).append(agency)
    Agency.objects.bulk_create(new, batch_size=1000)
    bulk_update_values(
        Agency,
        changed,
        [
            "name",
            "level",
            "province",
            "parent",
            "applicability",
            "iso_version",
            "announced_on",
            "search_text",
            "sort_key",
        ],  # fmt: skip
        batch_size=1000,
    )


def measure(args):
    """Inside a child process whose DATABASE_URL names a fresh database."""
    rows = args.rows
    from django.db import connection

    from agencies.models import Agency
    from agencies.services import agencies_import, agencies_import_summary

    first, second = make_workbook(rows, "A"), make_workbook(rows, "B")
    bench = Agency.objects.filter(code__startswith="BX-")

    def ours(data, **kwargs):
        return lambda: agencies_import(data=data, filename="bench.xlsx", **kwargs)

    summaries = {}

    def admin_preview(data, name):
        # What the admin's preview job runs: a dry run summarised (counts, changed columns).
        def run():
            summaries[name] = agencies_import_summary(data=data, filename="bench.xlsx")

        return run

    def clear():
        bench.filter(parent__isnull=False).delete()
        bench.delete()

    figures = {}

    def add(name, seconds):
        figures.setdefault(name, []).append(seconds)

    for _ in range(args.repeat):
        add("admin preview of new", timed(admin_preview(first, "new")))
        add("import new", timed(ours(first)))
        assert bench.count() == rows
        analyze()
        add("admin preview of update", timed(admin_preview(second, "update")))
        add("import update", timed(ours(second)))
        assert bench.filter(name__endswith=" B").count() == rows
        clear()
        add("baseline new", timed(lambda: baseline(first)))
        analyze()
        add("baseline update", timed(lambda: baseline(second)))
        assert bench.filter(name__endswith=" B").count() == rows
        clear()
    print(f"{connection.vendor}")
    for name, summary in summaries.items():
        size = preview_page_bytes(summary)
        print(f"  admin preview page of {name}: {size / 1024:.0f} KB of HTML (target < 500 KB)")

    def shown(times):
        return f"{statistics.median(times):6.2f} s ({min(times):.2f}–{max(times):.2f})"

    for name, times in figures.items():
        if name.startswith("baseline"):
            continue
        base = figures["baseline update" if "update" in name else "baseline new"]
        ratio = statistics.median(times) / statistics.median(base)
        print(f"  {name:<26} {shown(times)}   baseline {shown(base)}   ratio {ratio:4.2f}")
    for kind in ("new", "update"):
        preview = statistics.median(figures[f"admin preview of {kind}"])
        command = statistics.median(figures[f"import {kind}"])
        print(f"  preview of {kind} / import of {kind}: {preview / command:4.2f} (target <= 1.5)")


def preview_page_bytes(summary):
    """The size of the admin's preview page (its first page) for a finished preview job."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from agencies.tasks import PREVIEW
    from jobs.models import Job

    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    job = Job.objects.create(
        user=admin, kind=PREVIEW, state=Job.State.DONE, data=summary, source_name="bench.xlsx"
    )
    client = Client()
    client.force_login(admin)
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        response = client.get(reverse("admin:agencies_agency_import_preview", args=[job.pk]))
    assert response.status_code == 200, (response.status_code, response.content[:300])
    job.delete()
    return len(response.content)


if __name__ == "__main__":
    run(
        __file__,
        measure,
        lambda args: f"{args.rows} agencies from .xlsx; target: ratio <= 2.0",
        lambda parser: (
            parser.add_argument("--rows", type=int, default=15000),
            parser.add_argument("--repeat", type=int, default=3),
        ),
    )
