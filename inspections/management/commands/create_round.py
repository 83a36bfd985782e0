import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils import timezone

from agencies.models import Agency, Province
from compliance.spreadsheets import FileRefused, read_table
from inspections.models import Checklist, Round
from inspections.services import round_create


def not_offered(agency, today):
    """Why an agency cannot be put in a new round."""
    if agency.established_on is not None and agency.established_on > today:
        return f"{agency.name} is established only on {agency.established_on.isoformat()}"
    if agency.dissolved_on is None:
        return f"{agency.name} is inactive"
    reason = f"{agency.name} was dissolved on {agency.dissolved_on.isoformat()}"
    if agency.successor is not None:
        reason += f", merged into {agency.successor.code} {agency.successor.name}"
    return reason + "; a new round cannot include it"


class Command(BaseCommand):
    help = (
        "Create an inspection round and one draft inspection per agency. Prints the new "
        "round's id alone on the last line. Nothing is created if anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="2-digit province code")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--number", type=int, required=True)
        parser.add_argument("--title", default="")
        parser.add_argument("--decision-number", default="")
        parser.add_argument("--decision-date", help="YYYY-MM-DD")
        parser.add_argument("--checklist", default="QD19-2015", help="checklist code")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--agencies", help="agency codes, comma-separated")
        which.add_argument(
            "--agencies-file",
            help="a text file of agency codes (one per line), or .xlsx/.csv with a code column",
        )
        which.add_argument(
            "--all-agencies",
            action="store_true",
            help="every agency of the province that exists today (not dissolved)",
        )

    def handle(self, *args, **options):
        province = Province.objects.filter(code=options["province"]).first()
        if province is None:
            raise CommandError(f"--province {options['province']}: no such province code")
        checklist = Checklist.objects.filter(code=options["checklist"]).order_by("-version").first()
        if checklist is None:
            raise CommandError(f"--checklist {options['checklist']}: no such checklist")
        decision_date = None
        if options["decision_date"]:
            try:
                decision_date = datetime.date.fromisoformat(options["decision_date"])
            except ValueError:
                raise CommandError(
                    f"--decision-date {options['decision_date']}: not a date (YYYY-MM-DD)"
                ) from None
        if Round.objects.filter(
            province=province, year=options["year"], number=options["number"]
        ).exists():
            raise CommandError(
                f"round {options['number']} of {options['year']} already exists in {province.name}"
            )
        agencies = self._agencies(province, options)
        try:
            round_ = round_create(
                user=None,
                province=province,
                agencies=agencies,
                year=options["year"],
                number=options["number"],
                title=options["title"],
                decision_number=options["decision_number"],
                decision_date=decision_date,
                checklist=checklist,
            )
        except IntegrityError as error:  # a round made at the same moment by someone else
            raise CommandError(f"round not created: {error}") from None
        self.stdout.write(f"{round_}: {len(agencies)} inspections")
        self.stdout.write(str(round_.pk))

    def _agencies(self, province, options):
        today = timezone.localdate()
        if options["all_agencies"]:
            agencies = list(Agency.objects.filter(province=province).existing_on(today))
            if not agencies:
                raise CommandError(f"{province.name} has no agency in today's registry")
            return agencies
        if options["agencies"] is not None:
            codes = [c.strip() for c in options["agencies"].split(",") if c.strip()]
        else:
            codes = self._codes_from_file(Path(options["agencies_file"]))
        if not codes:
            raise CommandError("no agency code given")
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise CommandError(f"agency code given twice: {', '.join(duplicates)}")
        found = {
            a.code: a for a in Agency.objects.filter(code__in=codes).select_related("successor")
        }
        problems = []
        for code in codes:
            agency = found.get(code)
            if agency is None:
                problems.append(f"{code}: no agency has this code")
            elif agency.province_id != province.code:
                problems.append(
                    f"{code}: {agency.name} belongs to province {agency.province_id}, "
                    f"not {province.code}"
                )
            elif not agency.existed_on(today):
                problems.append(f"{code}: {not_offered(agency, today)}")
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} agency code(s) refused; no round created")
        return [found[c] for c in codes]

    def _codes_from_file(self, path):
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.suffix.lower() in (".xlsx", ".csv"):
            try:
                table = read_table(path.read_bytes(), path.name)
            except FileRefused as error:
                raise CommandError(str(error)) from None
            if "code" not in table.headers:
                raise CommandError(f"{path.name}: no column named code")
            return [str(c).strip() for c in table["code"] if c not in (None, "")]
        text = path.read_text(encoding="utf-8-sig")
        return [c.strip() for line in text.splitlines() for c in line.split(",") if c.strip()]
