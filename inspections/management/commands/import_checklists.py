from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from compliance.spreadsheets import FileRefused, check_size
from inspections.services import checklists_import


class Command(BaseCommand):
    help = (
        "Read back a checklist workbook made by export_checklists and save its answers; "
        "with --submit, submit the inspections that are complete. All rows or none; "
        "importing the same file twice changes nothing; approved inspections are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="who the answers are recorded as (history)")
        parser.add_argument("--submit", action="store_true")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")

    def handle(self, *args, file, user, submit, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"--user {user}: no such user")
        try:
            check_size(path.stat().st_size, path.name)
            report = checklists_import(
                data=path.read_bytes(),
                filename=path.name,
                user=account,
                submit=submit,
                scope_user=account,
                dry_run=dry_run,
            )
        except FileRefused as refused:
            for line in refused.problems:
                self.stderr.write(line)
            raise CommandError(
                f"{path.name}: {len(refused.problems)} problem(s); nothing was imported."
            ) from None
        for line in report.skipped:
            self.stdout.write(line)
        for agency, missing in report.not_complete:
            self.stdout.write(f"not submitted, {agency.name}: not answered {', '.join(missing)}")
        self.stdout.write(
            f"{'dry run, nothing written: ' if dry_run else ''}{report.round}: "
            f"{report.new_answers} new answers, {report.changed_answers} changed, "
            f"{report.unchanged_answers} unchanged, {report.conclusions} conclusions, "
            f"{len(report.to_submit)} submitted, {len(report.skipped)} rows skipped"
        )
