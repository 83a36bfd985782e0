"""Send the day's reminders now, as the daily scheduled task does; print what is sent."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inspections.reminders import describe, reminders_send


class Command(BaseCommand):
    help = (
        "Email each agency contact its findings due soon or overdue (with a response link) "
        "and each province's staff a digest of newly overdue findings; never twice a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to act as (YYYY-MM-DD); default today")
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be sent; send nothing"
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today: {today!r} is not a date (YYYY-MM-DD).") from None
        outgoing = reminders_send(today=day, dry_run=dry_run)
        verb = "would send" if dry_run else "sent"
        sent = 0
        for item in outgoing:
            self.stdout.write(describe(item))
            if dry_run and item.body and not item.skipped:
                self.stdout.write("    " + item.body.strip().replace("\n", "\n    "))
            sent += not item.skipped
        self.stdout.write(
            f"{day:%Y-%m-%d}: {sent} reminder(s) {verb}, {len(outgoing) - sent} not sent."
        )
