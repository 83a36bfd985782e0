import csv
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from agencies.models import Agency, Province

DATA = Path(__file__).resolve().parents[2] / "data" / "divisions.csv"
COMMUNE_PREFIX = {"xa": "UBND xã", "phuong": "UBND phường", "dac_khu": "UBND đặc khu"}
UNIT_PREFIX = {"xa": "Xã ", "phuong": "Phường ", "dac_khu": "Đặc khu "}


def commune_agency_name(unit_name, kind):
    """ "Phường Ba Đình" -> "UBND phường Ba Đình": the People's Committee is what is inspected."""
    prefix = UNIT_PREFIX[kind]
    bare = unit_name[len(prefix) :] if unit_name.startswith(prefix) else unit_name
    return f"{COMMUNE_PREFIX[kind]} {bare}"


class Command(BaseCommand):
    help = (
        "Load the 34 provinces and 3,321 commune-level People's Committees from the "
        "data file shipped with the project. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        with DATA.open(encoding="utf-8", newline="") as source:
            rows = list(csv.DictReader(source))
        provinces = {}
        for row in rows:
            provinces[row["province_code"]] = Province(
                code=row["province_code"], name=row["province_name"], kind=row["province_kind"]
            )
        with transaction.atomic():
            created_p, updated_p = self._sync_provinces(provinces)
            created_c, updated_c = self._sync_communes(rows)
        self.stdout.write(
            f"provinces: {len(provinces)} ({created_p} new, {updated_p} updated); "
            f"communes: {len(rows)} ({created_c} new, {updated_c} updated)"
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

    def _sync_communes(self, rows):
        existing = Agency.objects.in_bulk([row["code"] for row in rows], field_name="code")
        new, changed = [], []
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
                )
                agency.refresh_derived()
                new.append(agency)
            elif (current.name, current.province_id, current.level) != (
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
        return len(new), len(changed)
