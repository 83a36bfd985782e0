"""Make agencies/data/divisions.csv from the public list of administrative units.

Run once, by hand, when the government changes the map:

    pip download --no-deps vietnam-provinces==2025.10.1 && unzip vietnam_provinces-*.whl
    python scripts/make_divisions.py vietnam_provinces/data/nested-divisions.json

Names and codes are public facts from Decision 19/2025/QĐ-TTg; the project ships them as
its own data file so that nothing imports that package at run time.
"""

import csv
import json
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "agencies" / "data" / "divisions.csv"
PROVINCE_KINDS = {"tỉnh": "province", "thành phố trung ương": "city"}
COMMUNE_KINDS = {"xã": "xa", "phường": "phuong", "đặc khu": "dac_khu"}


def main(source):
    provinces = json.loads(Path(source).read_text(encoding="utf-8"))
    rows = []
    for province in provinces:
        for ward in province["wards"]:
            rows.append(
                [
                    f"{province['code']:02d}",
                    unicodedata.normalize("NFC", province["name"]),
                    PROVINCE_KINDS[province["division_type"]],
                    f"{ward['code']:05d}",
                    unicodedata.normalize("NFC", ward["name"]),
                    COMMUNE_KINDS[ward["division_type"]],
                ]
            )
    rows.sort()
    with OUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["province_code", "province_name", "province_kind", "code", "name", "kind"])
        writer.writerows(rows)
    print(f"{len(provinces)} provinces, {len(rows)} communes -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
