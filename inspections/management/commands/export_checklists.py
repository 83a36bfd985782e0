from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from inspections.models import Round
from inspections.workbooks import export_workbook


class Command(BaseCommand):
    help = (
        "Write a round's checklists to an .xlsx workbook to fill offline: one row per "
        "agency, one column per criterion, answers already given filled in."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_id", type=int)
        parser.add_argument("file")
        parser.add_argument("--inspector", help="only the agencies this user inspects")

    def handle(self, *args, round_id, file, inspector, **options):
        if not file.lower().endswith(".xlsx"):
            raise CommandError(f"{file}: the workbook must be an .xlsx file")
        round_ = Round.objects.select_related("checklist", "province").filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(f"round {round_id}: no such round")
        inspections = round_.inspections.select_related("agency").order_by("agency__sort_key")
        if inspector:
            user = get_user_model().objects.filter(username=inspector).first()
            if user is None:
                raise CommandError(f"--inspector {inspector}: no such user")
            inspections = inspections.filter(inspectors=user)
        inspections = list(inspections)
        Path(file).write_bytes(export_workbook(round_, inspections))
        self.stdout.write(f"{round_}: {len(inspections)} agencies -> {file}")
