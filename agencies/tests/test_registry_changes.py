"""Agencies that begin and end: dates and successor on the model, in imports and exports,
old province codes, and `load_divisions` following a changed map."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from agencies.management.commands.load_divisions import DATA
from agencies.models import Agency
from agencies.tests.factories import EXPORT_HEADER, HEADER, make_agency, make_province
from agencies.tests.test_import_agencies import (
    agency_row,
    read_csv_export,
    refused_import,
    run_export,
    run_import,
    write_csv,
)
from inspections.models import Inspection
from inspections.tests.factories import make_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAY = datetime.timedelta(days=1)


def full_row(code, established="", dissolved="", successor="", **fields):
    return [*agency_row(code, **fields), established, dissolved, successor]


# -- the model ----------------------------------------------------------------------------


def test_active_follows_the_dissolution_date_and_comes_back_when_it_is_cleared(province_a):
    today = timezone.localdate()
    agency = make_agency(province_a, dissolved_on=today)
    assert not agency.active  # dissolved today: gone from today's registry
    assert agency.is_dissolved

    agency.dissolved_on = today + DAY
    agency.save(update_fields=["dissolved_on"])
    assert Agency.objects.get(pk=agency.pk).active  # still exists until tomorrow
    assert not agency.is_dissolved

    agency.dissolved_on = today - DAY
    agency.save()
    assert not Agency.objects.get(pk=agency.pk).active
    agency.dissolved_on = None  # the dissolution was a mistake
    agency.save()
    assert Agency.objects.get(pk=agency.pk).active
    stored = Agency.objects.get(pk=agency.pk)  # the same, read back from the database
    stored.dissolved_on = today - DAY
    stored.save()
    stored = Agency.objects.get(pk=agency.pk)
    stored.dissolved_on = None
    stored.save()
    assert Agency.objects.get(pk=agency.pk).active


def test_an_agency_marked_inactive_without_a_date_stays_inactive(province_a):
    agency = make_agency(province_a, active=False)
    agency.name = "Sở đã đổi tên"
    agency.save()
    assert not Agency.objects.get(pk=agency.pk).active


def test_existence_on_a_day_is_the_same_rule_in_python_and_in_sql(province_a):
    day = datetime.date(2024, 12, 31)
    cases = {
        "no dates": {},
        "established that day": {"established_on": day},
        "established the day after": {"established_on": day + DAY},
        "dissolved that day": {"dissolved_on": day},
        "dissolved the day after": {"dissolved_on": day + DAY},
        "inactive, no date": {"active": False},
    }
    agencies = {label: make_agency(province_a, **fields) for label, fields in cases.items()}
    in_sql = set(Agency.objects.existing_on(day).values_list("pk", flat=True))

    existed = {label for label, agency in agencies.items() if agency.existed_on(day)}
    assert existed == {"no dates", "established that day", "dissolved the day after"}
    assert {agencies[label].pk for label in existed} == in_sql


# -- import and export ----------------------------------------------------------------------


def test_dates_and_successor_import_with_the_successor_defined_in_the_same_file(
    tmp_path, provinces
):
    path = write_csv(
        tmp_path / "a.csv",
        [
            full_row(
                "00001",
                name="UBND xã Một",
                level="commune",
                dissolved="2025-07-01",
                successor="00009",
            ),  # fmt: skip
            full_row(
                "00002",
                name="UBND xã Hai",
                level="commune",
                dissolved="2025-07-01",
                successor="00009",
            ),  # fmt: skip
            full_row("00009", name="UBND phường Chín", level="commune", established="2025-07-01"),
        ],
        header=EXPORT_HEADER,
    )

    assert "3 rows: 3 new, 0 updated, 0 unchanged" in run_import(path)

    one = Agency.objects.get(code="00001")
    assert (one.dissolved_on, one.successor_id, one.active) == (
        datetime.date(2025, 7, 1),
        "00009",
        False,  # set on the bulk path too
    )
    ward = Agency.objects.get(code="00009")
    assert (ward.established_on, ward.active) == (datetime.date(2025, 7, 1), True)
    assert set(ward.predecessors.values_list("code", flat=True)) == {"00001", "00002"}


def test_a_file_without_the_new_columns_imports_and_keeps_the_dates_on_record(tmp_path, provinces):
    make_agency(provinces[0], code="33-OLD", dissolved_on=datetime.date(2025, 7, 1))
    path = write_csv(tmp_path / "a.csv", [agency_row("33-OLD", name="Sở cũ")], header=HEADER)

    assert "1 rows: 0 new, 1 updated, 0 unchanged" in run_import(path)

    agency = Agency.objects.get(code="33-OLD")
    assert (agency.name, agency.dissolved_on, agency.active) == (
        "Sở cũ",
        datetime.date(2025, 7, 1),
        False,
    )


def test_clearing_the_dissolution_date_in_an_import_puts_the_agency_back(tmp_path, provinces):
    make_agency(provinces[0], code="33-BACK", dissolved_on=datetime.date(2025, 7, 1))
    path = write_csv(tmp_path / "a.csv", [full_row("33-BACK")], header=EXPORT_HEADER)

    run_import(path)

    agency = Agency.objects.get(code="33-BACK")
    assert (agency.dissolved_on, agency.active) == (None, True)


def test_wrong_lineage_is_refused_naming_row_and_column(tmp_path, provinces):
    make_agency(provinces[1], code="01-HN")
    path = write_csv(
        tmp_path / "a.csv",
        [
            full_row("33-A", successor="33-A"),
            full_row("33-B", successor="33-NOWHERE"),
            full_row("33-C", successor="01-HN"),
            full_row("33-D", established="2025-07-01", dissolved="2025-07-01"),
        ],
        header=EXPORT_HEADER,
    )

    err = refused_import(path)

    assert "Row 2, column successor_code: an agency cannot be its own successor." in err
    assert (
        "Row 3, column successor_code: '33-NOWHERE' is neither in the registry nor in this file."
        in err
    )
    assert "Row 4, column successor_code: '01-HN' belongs to province 01, not 33." in err
    assert (
        "Row 5, column dissolved_on: 2025-07-01 is not after the date it was established, "
        "2025-07-01." in err
    )
    assert not Agency.objects.filter(code__startswith="33-").exists()


def test_the_new_columns_are_exported_after_the_others_and_import_back_unchanged(
    tmp_path, provinces
):
    ward = make_agency(provinces[0], code="33-W", established_on=datetime.date(2025, 7, 1))
    make_agency(provinces[0], code="33-X", dissolved_on=datetime.date(2025, 7, 1), successor=ward)
    path = tmp_path / "out.csv"
    run_export(path)

    rows = read_csv_export(path)
    assert rows[0] == EXPORT_HEADER
    by_code = {row[0]: dict(zip(EXPORT_HEADER, row, strict=True)) for row in rows[1:]}
    assert (by_code["33-X"]["dissolved_on"], by_code["33-X"]["successor_code"]) == (
        "2025-07-01",
        "33-W",
    )
    assert by_code["33-W"]["established_on"] == "2025-07-01"
    assert "2 rows: 0 new, 0 updated, 2 unchanged" in run_import(path)


# -- old province codes ---------------------------------------------------------------------


@pytest.fixture
def bac_ninh(db):
    """Today's Bắc Ninh, code 24: the old Bắc Ninh (27) and the old Bắc Giang (24)."""
    return make_province("24", "Bắc Ninh")


def test_an_old_province_code_files_the_row_under_todays_province_and_says_so(tmp_path, bac_ninh):
    path = write_csv(
        tmp_path / "a.csv",
        [
            agency_row("27-STP", name="Sở Tư pháp tỉnh Bắc Ninh (cũ)", province="27"),
            agency_row("27-STC", name="Sở Tài chính", province="27", parent="27-STP"),
            agency_row("24-SNV", name="Sở Nội vụ", province="24"),
        ],
    )

    out = run_import(path)

    assert "3 rows: 3 new, 0 updated, 0 unchanged" in out
    assert (
        "2 rows (2, 3): old province code 27 (Bắc Ninh, before 1 July 2025) filed under "
        "today's province 24 Bắc Ninh." in out
    )
    assert "code 24" not in out  # 24 is a current code: it wins over the old Bắc Giang
    assert set(Agency.objects.values_list("province_id", flat=True)) == {"24"}


def test_an_old_code_whose_province_is_not_loaded_is_still_refused(tmp_path, bac_ninh):
    path = write_csv(tmp_path / "a.csv", [agency_row("34-X", province="34")])  # Thái Bình -> 33

    err = refused_import(path)

    assert "Row 2, column province_code: '34' is not a known province code." in err


def test_the_import_summary_is_written_in_vietnamese_by_default(tmp_path, bac_ninh):
    from django.utils import translation

    path = write_csv(tmp_path / "a.csv", [agency_row("27-STP", province="27")])
    translation.deactivate()

    out = run_import(path)

    assert (
        "1 dòng (2): mã tỉnh cũ 27 (Bắc Ninh, trước ngày 01/07/2025) được ghi vào tỉnh hiện "
        "nay 24 Bắc Ninh." in out
    )


# -- load_divisions on a changed map ------------------------------------------------------


def run_load_divisions(*args):
    out = io.StringIO()
    call_command("load_divisions", *args, stdout=out)
    return out.getvalue()


def changed_copy(tmp_path, dropped, added):
    """The shipped divisions file without the `dropped` codes and with `added` rows."""
    with DATA.open(encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        rows = [row for row in reader if row[3] not in dropped]
    path = tmp_path / "divisions.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows + added)
    return path


def test_load_divisions_on_a_changed_map_dissolves_missing_units_and_keeps_their_inspections(
    tmp_path,
):
    run_load_divisions()
    hoan_kiem = Agency.objects.get(code="00070")
    round_ = make_round(hoan_kiem.province, [hoan_kiem], number=1, year=2025)
    path = changed_copy(
        tmp_path,
        dropped={"00004", "00070"},
        added=[["01", "Thành phố Hà Nội", "city", "99999", "Phường Hồ Gươm", "phuong"]],
    )

    out = run_load_divisions("--file", str(path), "--dissolved-on", "2026-01-01")

    assert "communes: 3320 (1 new, 0 updated)" in out
    assert "dissolved on 2026-01-01: 2 communes" in out
    assert "  - 00070 UBND phường Hoàn Kiếm" in out
    assert "established on 2026-01-01: 1 communes" in out
    assert "  + 99999 UBND phường Hồ Gươm" in out
    gone = Agency.objects.get(code="00070")
    assert (gone.dissolved_on, gone.active) == (datetime.date(2026, 1, 1), False)
    assert Inspection.objects.filter(round=round_, agency=gone).exists()
    new = Agency.objects.get(code="99999")
    assert (new.established_on, new.active) == (datetime.date(2026, 1, 1), True)
    assert Agency.objects.filter(dissolved_on__isnull=False).count() == 2

    again = run_load_divisions("--file", str(path), "--dissolved-on", "2026-02-01")

    assert "communes: 3320 (0 new, 0 updated)" in again
    assert "dissolved on" not in again
    assert Agency.objects.get(code="00070").dissolved_on == datetime.date(2026, 1, 1)


def test_a_first_load_leaves_the_communes_beginnings_blank(db):
    run_load_divisions("--dissolved-on", "2025-07-01")

    assert not Agency.objects.filter(established_on__isnull=False).exists()
