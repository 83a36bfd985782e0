from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agencies.models import NATIONAL_SCOPE, Province
from jobs.progress import TerminalProgress
from reports import builder
from reports.contexts import national_pdf_context
from reports.excel import national_workbook, province_workbook
from reports.pdf import province_pdf, render_pdf
from reports.word import province_docx

PROVINCE_RENDERERS = {"pdf": province_pdf, "docx": province_docx, "xlsx": province_workbook}


class Command(BaseCommand):
    help = (
        "Write a province's (or, with --national, every province's) ISO 9001 report for a "
        "year or one round, as PDF, Word or Excel (Word: province reports only). Whoever "
        "runs manage.py reads the whole country, as a national viewer does."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--province", help="2-digit province code")
        which.add_argument("--national", action="store_true")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--round", type=int, help="only this round number")
        parser.add_argument("--format", choices=["pdf", "docx", "xlsx"], required=True)
        parser.add_argument("--output", required=True, help="file to write")

    def handle(self, *args, **options):
        with TerminalProgress(self.stderr, label=f"{options['output']} ") as progress:
            self._export(progress, **options)

    def _export(self, progress, **options):
        progress(0, 2)
        today = timezone.localdate()
        fmt, year, round_number = options["format"], options["year"], options["round"]
        if options["national"] and fmt == "docx":
            raise CommandError("--format docx: only a province's report is a Word document")
        if options["national"]:
            report = builder.national_report(year, round_number, today=today, user=NATIONAL_SCOPE)
            progress(1, 2)
            data = (
                render_pdf("reports/national_pdf.html", national_pdf_context(report))
                if fmt == "pdf"
                else national_workbook(report)
            )
        else:
            provinces = Province.objects.for_user(NATIONAL_SCOPE)
            province = provinces.filter(code=options["province"]).first()
            if province is None:
                raise CommandError(f"--province {options['province']}: no such province")
            report = builder.province_report(
                province, year, round_number, today=today, user=NATIONAL_SCOPE
            )
            progress(1, 2)
            data = PROVINCE_RENDERERS[fmt](report)
        progress(2, 2)
        Path(options["output"]).write_bytes(data)
        self.stdout.write(f"{options['output']}: {len(data)} bytes")
