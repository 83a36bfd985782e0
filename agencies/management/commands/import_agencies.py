from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.services import agencies_import_file, import_notes
from compliance.spreadsheets import FileRefused
from jobs.progress import TerminalProgress


class Command(BaseCommand):
    help = (
        "Import agencies from an .xlsx or .csv file with the columns code, name, level, "
        "province_code, parent_code, applicability, iso_version, announced_on, "
        "reannounced_on, established_on, dissolved_on, successor_code (the last three "
        "optional). Rows are matched on code. An old (pre-2025) province code files the row "
        "under today's province. Nothing is written if any row is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report; write nothing"
        )

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            # A bar on stderr when it is a terminal; scripts and logs get only the summary.
            with TerminalProgress(self.stderr, label=f"{path.name} ") as progress:
                result = agencies_import_file(path=path, dry_run=dry_run, progress=progress)
        except FileRefused as refused:
            for line in refused.problems:
                self.stderr.write(line)
            raise CommandError(
                f"{path.name}: {len(refused.problems)} problem(s); nothing was imported."
            ) from None
        totals = result.totals
        self.stdout.write(
            f"{'dry run, nothing written: ' if dry_run else ''}"
            f"{result.total_rows} rows: {totals['new']} new, {totals['update']} updated, "
            f"{totals['skip']} unchanged"
        )
        for line in import_notes(result):
            self.stdout.write(line)
