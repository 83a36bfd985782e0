import csv
import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agencies.models import Agency, Province

DATA = Path(__file__).resolve().parents[2] / "data" / "divisions.csv"
COMMUNE_PREFIX = {"xa": "UBND xã", "phuong": "UBND phường", "dac_khu": "UBND đặc khu"}
UNIT_PREFIX = {"xa": "Xã ", "phuong": "Phường ", "dac_khu": "Đặc khu "}


def commune_agency_name(unit_name, kind):
    """ "Phường Ba Đình" -> "UBND phường Ba Đình": the People's Committee is what is inspected."""
    prefix = UNIT_PREFIX[kind]
    bare = unit_name[len(prefix) :] if unit_name.startswith(prefix) else unit_name
    return f"{COMMUNE_PREFIX[kind]} {bare}"


def iso_date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--dissolved-on {text}: not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Load the 34 provinces and 3,321 commune-level People's Committees from the "
        "data file shipped with the project, following the map as it changes: communes no "
        "longer in the file are marked dissolved on --dissolved-on (default today), never "
        "deleted, and new ones are established on that day. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dissolved-on",
            type=iso_date,
            help="YYYY-MM-DD: the day the map changed (default today); units missing from "
            "the file are dissolved on it and new units established on it",
        )
        parser.add_argument(
            "--file", type=Path, default=DATA, help="a divisions file (default: the shipped one)"
        )

    def handle(self, *args, dissolved_on, file, **options):
        day = dissolved_on or timezone.localdate()
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        with file.open(encoding="utf-8", newline="") as source:
            rows = list(csv.DictReader(source))
        provinces = {}
        for row in rows:
            provinces[row["province_code"]] = Province(
                code=row["province_code"], name=row["province_name"], kind=row["province_kind"]
            )
        with transaction.atomic():
            created_p, updated_p = self._sync_provinces(provinces)
            retired = self._retire_provinces(provinces)
            # On a first load nobody knows when the communes began; later, a new one in the
            # file began when the map changed.
            first_load = not Agency.objects.filter(level=Agency.Level.COMMUNE).exists()
            new, updated_c, kept = self._sync_communes(rows, None if first_load else day)
            dissolved = self._dissolve_missing({row["code"] for row in rows}, day)
        self.stdout.write(
            f"provinces: {len(provinces)} ({created_p} new, {updated_p} updated); "
            f"communes: {len(rows)} ({len(new)} new, {updated_c} updated)"
        )
        self._report(day, first_load, new, dissolved, retired, kept)

    def _report(self, day, first_load, new, dissolved, retired, kept):
        for province in retired:
            self.stdout.write(
                f"province {province.code} {province.name}: not in the file, inactive"
            )
        if new and not first_load:
            self.stdout.write(f"established on {day.isoformat()}: {len(new)} communes")
            for agency in new:
                self.stdout.write(f"  + {agency.code} {agency.name}")
        if dissolved:
            self.stdout.write(f"dissolved on {day.isoformat()}: {len(dissolved)} communes")
            for agency in dissolved:
                self.stdout.write(f"  - {agency.code} {agency.name}")
        if kept:
            self.stdout.write(
                f"in the file but dissolved in the registry, left as they are: {', '.join(kept)}"
            )

    def _sync_provinces(self, provinces):
        existing = Province.objects.in_bulk(list(provinces))
        new, changed = [], []
        for code, province in provinces.items():
            province.refresh_derived()
            current = existing.get(code)
            if current is None:
                new.append(province)
            elif (current.name, current.kind) != (province.name, province.kind):
                current.name, current.kind = province.name, province.kind
                current.refresh_derived()
                changed.append(current)
        Province.objects.bulk_create(new)
        Province.objects.bulk_update(changed, ["name", "kind", "sort_key"])
        return len(new), len(changed)

    def _retire_provinces(self, provinces):
        """A province gone from the map stays, with its agencies and rounds, as inactive."""
        retired = list(Province.objects.filter(active=True).exclude(code__in=list(provinces)))
        Province.objects.filter(pk__in=[p.pk for p in retired]).update(active=False)
        return retired

    def _sync_communes(self, rows, established_on):
        existing = Agency.objects.in_bulk([row["code"] for row in rows], field_name="code")
        new, changed, kept = [], [], []
        for row in rows:
            name = commune_agency_name(row["name"], row["kind"])
            current = existing.get(row["code"])
            if current is None:
                agency = Agency(
                    code=row["code"],
                    name=name,
                    level=Agency.Level.COMMUNE,
                    province_id=row["province_code"],
                    applicability=Agency.Applicability.ENCOURAGED,
                    established_on=established_on,
                )
                agency.refresh_derived()
                new.append(agency)
                continue
            if current.is_dissolved:
                kept.append(current.code)
            if (current.name, current.province_id, current.level) != (
                name,
                row["province_code"],
                Agency.Level.COMMUNE,
            ):
                # Only the official facts are refreshed; announcement data stays as entered.
                current.name, current.province_id = name, row["province_code"]
                current.level = Agency.Level.COMMUNE
                current.refresh_derived()
                changed.append(current)
        Agency.objects.bulk_create(new, batch_size=1000)
        Agency.objects.bulk_update(
            changed, ["name", "province", "level", "search_text", "sort_key"], batch_size=1000
        )
        return new, len(changed), kept

    def _dissolve_missing(self, codes, day):
        """Communes of the registry that the file no longer has: dissolved, never deleted."""
        # Filtered here rather than with NOT IN over thousands of codes (SQLite's bound).
        candidates = Agency.objects.filter(
            Q(established_on__isnull=True) | Q(established_on__lt=day),
            level=Agency.Level.COMMUNE,
            dissolved_on__isnull=True,
            active=True,
        ).order_by("code")
        missing = [agency for agency in candidates if agency.code not in codes]
        for agency in missing:
            agency.dissolved_on = day
            agency.refresh_derived()
        Agency.objects.bulk_update(missing, ["dissolved_on", "active"], batch_size=1000)
        return missing
