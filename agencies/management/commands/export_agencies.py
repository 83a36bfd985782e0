from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from agencies.services import agencies_export
from compliance.spreadsheets import FileRefused, kind_of


class Command(BaseCommand):
    help = (
        "Export every agency to .xlsx or .csv with the columns that import_agencies "
        "reads, so the file can be edited and imported back."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--province", help="only this province's agencies (2-digit code)")

    def handle(self, *args, file, province, **options):
        try:
            kind_of(file)
        except FileRefused as error:
            raise CommandError(str(error)) from None
        queryset = Agency.objects.all()
        if province:
            queryset = queryset.filter(province_id=province)
        count = agencies_export(queryset=queryset, path=file)
        self.stdout.write(f"{count} agencies -> {file}")
