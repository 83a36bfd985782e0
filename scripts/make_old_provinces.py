"""Make agencies/data/old_provinces.csv: the 63 provinces before 1 July 2025, and where each went.

Run once, by hand (python scripts/make_old_provinces.py). The table below is the public
content of Resolution 202/2025/QH15 on the arrangement of provincial-level units: each of
today's 34 provinces (code as in agencies/data/divisions.csv) with the old provinces merged
into it. Old codes are the General Statistics Office codes in use until then. An import
that meets an old code files the row under today's province (agencies/resources.py).
"""

import csv
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "agencies" / "data" / "old_provinces.csv"
DIVISIONS = OUT.with_name("divisions.csv")

# new code: [(old code, old name), ...]
MERGERS = {
    "01": [("01", "Hà Nội")],
    "04": [("04", "Cao Bằng")],
    "08": [("08", "Tuyên Quang"), ("02", "Hà Giang")],
    "11": [("11", "Điện Biên")],
    "12": [("12", "Lai Châu")],
    "14": [("14", "Sơn La")],
    "15": [("10", "Lào Cai"), ("15", "Yên Bái")],
    "19": [("19", "Thái Nguyên"), ("06", "Bắc Kạn")],
    "20": [("20", "Lạng Sơn")],
    "22": [("22", "Quảng Ninh")],
    "24": [("27", "Bắc Ninh"), ("24", "Bắc Giang")],
    "25": [("25", "Phú Thọ"), ("26", "Vĩnh Phúc"), ("17", "Hòa Bình")],
    "31": [("31", "Hải Phòng"), ("30", "Hải Dương")],
    "33": [("33", "Hưng Yên"), ("34", "Thái Bình")],
    "37": [("37", "Ninh Bình"), ("35", "Hà Nam"), ("36", "Nam Định")],
    "38": [("38", "Thanh Hóa")],
    "40": [("40", "Nghệ An")],
    "42": [("42", "Hà Tĩnh")],
    "44": [("45", "Quảng Trị"), ("44", "Quảng Bình")],
    "46": [("46", "Thừa Thiên Huế")],
    "48": [("48", "Đà Nẵng"), ("49", "Quảng Nam")],
    "51": [("51", "Quảng Ngãi"), ("62", "Kon Tum")],
    "52": [("64", "Gia Lai"), ("52", "Bình Định")],
    "56": [("56", "Khánh Hòa"), ("58", "Ninh Thuận")],
    "66": [("66", "Đắk Lắk"), ("54", "Phú Yên")],
    "68": [("68", "Lâm Đồng"), ("67", "Đắk Nông"), ("60", "Bình Thuận")],
    "75": [("75", "Đồng Nai"), ("70", "Bình Phước")],
    "79": [("79", "Hồ Chí Minh"), ("74", "Bình Dương"), ("77", "Bà Rịa - Vũng Tàu")],
    "80": [("72", "Tây Ninh"), ("80", "Long An")],
    "82": [("87", "Đồng Tháp"), ("82", "Tiền Giang")],
    "86": [("86", "Vĩnh Long"), ("83", "Bến Tre"), ("84", "Trà Vinh")],
    "91": [("89", "An Giang"), ("91", "Kiên Giang")],
    "92": [("92", "Cần Thơ"), ("94", "Sóc Trăng"), ("93", "Hậu Giang")],
    "96": [("96", "Cà Mau"), ("95", "Bạc Liêu")],
}


def main():
    with DIVISIONS.open(encoding="utf-8", newline="") as source:
        current = {row["province_code"] for row in csv.DictReader(source)}
    if set(MERGERS) != current:
        raise SystemExit(f"new codes differ from divisions.csv: {set(MERGERS) ^ current}")
    rows = sorted(
        (old_code, unicodedata.normalize("NFC", old_name), new_code)
        for new_code, olds in MERGERS.items()
        for old_code, old_name in olds
    )
    if len(rows) != 63 or len({row[0] for row in rows}) != 63:
        raise SystemExit("expected 63 distinct old provinces")
    with OUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["old_code", "old_name", "new_code"])
        writer.writerows(rows)
    print(f"{len(rows)} old provinces -> {len(MERGERS)} provinces -> {OUT}")


if __name__ == "__main__":
    main()
