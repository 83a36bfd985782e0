"""The `import_agencies`, `export_agencies` and `load_divisions` commands, and the import service.

Every refusal is checked twice: the message points at the spreadsheet line (header = line 1)
and column, and the database is exactly as it was, good rows of the same file included.
"""

import csv
import datetime
import io
import re
import tracemalloc
import unicodedata
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from agencies.models import Agency, Province
from agencies.services import agencies_import
from agencies.tests.factories import EXPORT_HEADER, HEADER, make_agency
from compliance.spreadsheets import FileRefused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BOM = "\ufeff"


def agency_row(
    code,
    name="Sở Tư pháp",
    level="department",
    province="33",
    parent="",
    applicability="",
    iso="",
    announced="",
    reannounced="",
):
    return [code, name, level, province, parent, applicability, iso, announced, reannounced]


def write_csv(path, rows, header=HEADER, bom=False):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text((BOM if bom else "") + buffer.getvalue(), encoding="utf-8", newline="")
    return path


def write_xlsx(path, rows, header=HEADER):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_agencies", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def refused_import(path, *args):
    """Run an import that must be refused; return what it wrote to stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_agencies", str(path), *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def snapshot():
    return {
        a.code: (
            a.pk,
            a.name,
            a.level,
            a.province_id,
            a.parent_id,
            a.applicability,
            a.iso_version,
            a.announced_on,
            a.reannounced_on,
        )
        for a in Agency.objects.all()
    }


@pytest.fixture
def registry(provinces):
    """A few agencies already in the database, so "nothing written" is not just "still empty"."""
    hung_yen, ha_noi = provinces
    make_agency(hung_yen, code="33-UBND", name="UBND tỉnh Hưng Yên", level="province")
    make_agency(ha_noi, code="01-STP", name="Sở Tư pháp Hà Nội")
    return snapshot()


def assert_nothing_written(before, *absent_codes):
    assert snapshot() == before
    assert not Agency.objects.filter(code__in=absent_codes).exists()


# -- refusals, one per kind of mistake --------------------------------------------------


def test_unknown_level_is_refused_naming_row_and_column(tmp_path, registry):
    path = write_csv(
        tmp_path / "a.csv",
        [agency_row("33-GOOD"), agency_row("33-BAD", level="ministry")],
    )
    err = refused_import(path)
    assert "Row 3, column level: 'ministry' is not one of" in err
    assert "commune" in err
    assert "Row 2" not in err
    assert_nothing_written(registry, "33-GOOD", "33-BAD")


def test_unknown_province_code_is_refused_naming_row_and_column(tmp_path, registry):
    path = write_csv(
        tmp_path / "a.csv", [agency_row("33-GOOD"), agency_row("99-BAD", province="99")]
    )
    err = refused_import(path)
    assert "Row 3, column province_code: '99' is not a known province code." in err
    assert "2 digits" not in err
    assert_nothing_written(registry, "33-GOOD", "99-BAD")


def test_province_code_that_lost_its_leading_zero_hints_at_two_digits(tmp_path, registry):
    path = write_csv(tmp_path / "a.csv", [agency_row("33-GOOD"), agency_row("01-X", province="1")])
    err = refused_import(path)
    assert "Row 3, column province_code: '1' is not a known province code." in err
    assert "Province codes have 2 digits: was a leading zero lost?" in err
    assert_nothing_written(registry, "33-GOOD", "01-X")


def test_parent_that_does_not_exist_is_refused(tmp_path, registry):
    path = write_csv(
        tmp_path / "a.csv", [agency_row("33-GOOD"), agency_row("33-CHILD", parent="33-NOPE")]
    )
    err = refused_import(path)
    assert (
        "Row 3, column parent_code: '33-NOPE' is neither in the registry nor in this file." in err
    )
    assert_nothing_written(registry, "33-GOOD", "33-CHILD")


def test_parent_in_another_province_is_refused(tmp_path, registry):
    path = write_csv(
        tmp_path / "a.csv", [agency_row("33-GOOD"), agency_row("33-CHILD", parent="01-STP")]
    )
    err = refused_import(path)
    assert "Row 3, column parent_code: '01-STP' belongs to province 01, not 33." in err
    assert_nothing_written(registry, "33-GOOD", "33-CHILD")


def test_parent_defined_in_another_province_in_the_same_file_is_refused(tmp_path, registry):
    path = write_csv(
        tmp_path / "a.csv",
        [agency_row("33-CHILD", parent="01-NEW"), agency_row("01-NEW", province="01")],
    )
    err = refused_import(path)
    assert "Row 2, column parent_code: '01-NEW' belongs to province 01, not 33." in err
    assert_nothing_written(registry, "33-CHILD", "01-NEW")


def test_agency_cannot_be_its_own_parent(tmp_path, registry):
    path = write_csv(tmp_path / "a.csv", [agency_row("33-SELF", parent="33-SELF")])
    err = refused_import(path)
    assert "Row 2, column parent_code: an agency cannot be its own parent." in err
    assert_nothing_written(registry, "33-SELF")


def test_parent_defined_later_in_the_same_file_is_accepted(tmp_path, registry):
    path = write_csv(
        tmp_path / "a.csv",
        [
            agency_row("33-PHONG", name="Phòng Hành chính", parent="33-SO"),
            agency_row("33-SO", name="Sở Nội vụ"),
        ],
    )
    out = run_import(path)
    assert "2 rows: 2 new, 0 updated, 0 unchanged" in out
    child = Agency.objects.get(code="33-PHONG")
    assert child.parent.code == "33-SO"
    assert child.parent.name == "Sở Nội vụ"
    assert Agency.objects.count() == len(registry) + 2


def test_same_code_twice_in_a_file_names_the_first_row(tmp_path, registry):
    path = write_csv(
        tmp_path / "a.csv",
        [agency_row("33-A"), agency_row("33-B"), agency_row("33-A", name="Sở khác")],
    )
    err = refused_import(path)
    assert "Row 4, column code: '33-A' appears twice in the file: first on row 2." in err
    assert_nothing_written(registry, "33-A", "33-B")


def test_rows_are_numbered_as_spreadsheet_lines_even_after_a_blank_line(tmp_path, registry):
    path = write_csv(
        tmp_path / "a.csv",
        [agency_row("33-A"), [""] * len(HEADER), agency_row("33-B", level="ministry")],
    )
    err = refused_import(path)
    assert "Row 4, column level:" in err
    assert_nothing_written(registry, "33-A", "33-B")


def test_missing_required_column_is_refused_as_a_header_error(tmp_path, registry):
    header = [c for c in HEADER if c != "level"]
    row = agency_row("33-GOOD")
    del row[HEADER.index("level")]
    path = write_csv(tmp_path / "a.csv", [row], header=header)
    err = refused_import(path)
    assert "Header row: missing column(s): level." in err
    assert "Expected columns: " + ", ".join(HEADER) in err
    assert_nothing_written(registry, "33-GOOD")


def test_unknown_column_is_refused_as_a_header_error(tmp_path, registry):
    path = write_csv(
        tmp_path / "a.csv", [[*agency_row("33-GOOD"), "xanh"]], header=[*HEADER, "colour"]
    )
    err = refused_import(path)
    assert "Header row: unknown column(s): 'colour'." in err
    assert_nothing_written(registry, "33-GOOD")


def test_impossible_date_is_refused_naming_row_and_column(tmp_path, registry):
    path = write_csv(
        tmp_path / "a.csv",
        [agency_row("33-GOOD"), agency_row("33-BAD", announced="31/02/2024")],
    )
    err = refused_import(path)
    assert "Row 3, column announced_on: '31/02/2024' is not a valid date" in err
    assert "YYYY-MM-DD or DD/MM/YYYY" in err
    assert_nothing_written(registry, "33-GOOD", "33-BAD")


def test_dates_are_accepted_as_iso_as_day_month_year_and_as_excel_dates(tmp_path, provinces):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            agency_row("33-ISO", announced="2024-03-15", reannounced="2025-01-02"),
            agency_row("33-VN", announced="15/03/2024", reannounced="02/01/2025"),
            agency_row(
                "33-XL",
                announced=datetime.date(2024, 3, 15),
                reannounced=datetime.datetime(2025, 1, 2),
            ),
        ],
    )
    out = run_import(path)
    assert "3 rows: 3 new" in out
    dates = set(
        Agency.objects.filter(code__in=["33-ISO", "33-VN", "33-XL"]).values_list(
            "announced_on", "reannounced_on"
        )
    )
    assert dates == {(datetime.date(2024, 3, 15), datetime.date(2025, 1, 2))}


def test_iso_version_typed_as_a_number_in_excel_is_accepted(tmp_path, provinces):
    path = write_xlsx(
        tmp_path / "a.xlsx", [agency_row("33-A", iso=2015), agency_row("33-B", iso="2008")]
    )
    run_import(path)
    assert dict(Agency.objects.values_list("code", "iso_version")) == {
        "33-A": "2015",
        "33-B": "2008",
    }


def test_csv_dates_in_day_month_year_are_accepted(tmp_path, provinces):
    path = write_csv(tmp_path / "a.csv", [agency_row("33-VN", announced="01/12/2023")])
    run_import(path)
    assert Agency.objects.get(code="33-VN").announced_on == datetime.date(2023, 12, 1)


def test_code_that_excel_stored_as_an_integer_is_refused(tmp_path, registry):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [agency_row("33-GOOD"), agency_row(70, name="UBND phường Hoàn Kiếm", level="commune")],
    )
    err = refused_import(path)
    assert "Row 3, column code: 70 was stored as a number" in err
    assert "format the column as Text" in err
    assert_nothing_written(registry, "33-GOOD", "70", "00070")


def test_province_code_that_excel_stored_as_a_float_is_refused(tmp_path, registry):
    path = write_xlsx(
        tmp_path / "a.xlsx", [agency_row("33-GOOD"), agency_row("01-X", province=1.0)]
    )
    err = refused_import(path)
    assert re.search(r"Row 3, column province_code: 1(\.0)? was stored as a number", err)
    assert_nothing_written(registry, "33-GOOD", "01-X")


def test_code_written_as_a_decimal_number_in_csv_is_refused(tmp_path, registry):
    path = write_csv(tmp_path / "a.csv", [agency_row("33-GOOD"), agency_row("70.0")])
    err = refused_import(path)
    assert "Row 3, column code: 70.0 was stored as a number" in err
    assert_nothing_written(registry, "33-GOOD", "70.0")


def test_commune_code_with_fewer_than_five_digits_is_refused(tmp_path, registry):
    path = write_csv(
        tmp_path / "a.csv",
        [agency_row("33-GOOD"), agency_row("70", name="UBND phường Hoàn Kiếm", level="commune")],
    )
    err = refused_import(path)
    assert "Row 3, column code: '70': a commune's code has 5 digits" in err
    assert "leading zeros" in err
    assert_nothing_written(registry, "33-GOOD", "70")


@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx"])
def test_empty_file_is_refused(tmp_path, registry, name):
    path = tmp_path / name
    path.write_bytes(b"")
    err = refused_import(path)
    assert f"{name} is empty." in err
    assert_nothing_written(registry)


@pytest.mark.parametrize("write", [write_csv, write_xlsx])
def test_file_with_a_header_but_no_rows_is_refused(tmp_path, registry, write):
    path = write(tmp_path / ("a.csv" if write is write_csv else "a.xlsx"), [])
    err = refused_import(path)
    assert f"{path.name} has a header row but no data rows." in err
    assert_nothing_written(registry)


def test_random_bytes_named_xlsx_are_refused(tmp_path, registry):
    path = tmp_path / "list.xlsx"
    path.write_bytes(bytes(range(256)) * 8)
    err = refused_import(path)
    assert "list.xlsx is not an Excel workbook (.xlsx)." in err
    assert_nothing_written(registry)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path, registry):
    path = tmp_path / "list.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    err = refused_import(path)
    assert "list.xlsx could not be opened as an Excel workbook" in err
    assert_nothing_written(registry)


def test_binary_file_named_csv_is_refused(tmp_path, registry):
    path = tmp_path / "list.csv"
    path.write_bytes(b"code,name\x00\x00\x01\x02" * 10)
    err = refused_import(path)
    assert "list.csv is not a CSV text file." in err
    assert_nothing_written(registry)


@pytest.mark.parametrize("name", ["list.txt", "list.pdf"])
def test_file_that_is_not_a_spreadsheet_is_refused_by_its_extension(tmp_path, registry, name):
    path = write_csv(tmp_path / name, [agency_row("33-GOOD")])
    err = refused_import(path)
    assert f"{name} is not a spreadsheet: use an .xlsx or .csv file." in err
    assert_nothing_written(registry, "33-GOOD")


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path, registry, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    path = write_csv(tmp_path / "big.csv", [agency_row("33-GOOD")])
    # Blank lines are dropped when reading, so only the size can make this file fail.
    path.write_bytes(path.read_bytes() + b"\r\n" * 600_000)
    err = refused_import(path)
    assert "big.csv is 1.1 MB; the limit is 1 MB." in err
    assert_nothing_written(registry, "33-GOOD")


def test_file_just_under_the_size_limit_is_accepted(tmp_path, provinces, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    path = write_csv(tmp_path / "big.csv", [agency_row("33-GOOD")])
    path.write_bytes(path.read_bytes() + b"\n" * (1024 * 1024 - path.stat().st_size))
    assert path.stat().st_size == settings.IMPORT_MAX_BYTES
    assert "1 rows: 1 new" in run_import(path)


def test_oversized_file_is_refused_without_being_read_into_memory(tmp_path, registry, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    path = write_csv(tmp_path / "huge.csv", [agency_row("33-GOOD")])
    with path.open("r+b") as sparse:
        sparse.truncate(64 * 1024 * 1024)  # a sparse file: no disk, but 64 MB if read
    tracemalloc.start()
    try:
        err = refused_import(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "huge.csv is 64.0 MB; the limit is 1 MB." in err
    # settings.IMPORT_MAX_BYTES: "refuse files over this size before reading them".
    assert peak < 8 * 1024 * 1024
    assert_nothing_written(registry, "33-GOOD")


@pytest.mark.parametrize("bom", [True, False])
def test_csv_is_read_with_or_without_a_utf8_bom(tmp_path, provinces, bom):
    path = write_csv(tmp_path / "a.csv", [agency_row("33-STC", name="Sở Tài chính")], bom=bom)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") is bom
    assert "1 rows: 1 new" in run_import(path)
    assert Agency.objects.get(code="33-STC").name == "Sở Tài chính"


@pytest.mark.parametrize(
    ("encoding", "name"),
    # cp1258 has no precomposed "ở": Windows writes "ơ" followed by a combining hook.
    [("cp1258", "S\u01a1\u0309 T\u00e0i ch\u00ednh"), ("latin-1", "Société générale")],
)
def test_csv_that_is_not_utf8_is_refused_with_a_clear_message(tmp_path, registry, encoding, name):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([HEADER, agency_row("33-GOOD", name=name)])
    path = tmp_path / "a.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    err = refused_import(path)
    assert re.search(r"a\.csv is not UTF-8 text \(byte \d+\); save the CSV as UTF-8\.", err)
    assert_nothing_written(registry, "33-GOOD")


def test_text_is_stored_in_nfc(tmp_path, provinces):
    name = "Sở Văn hóa, Thể thao và Du lịch tỉnh Hưng Yên"
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    path = write_csv(tmp_path / "a.csv", [agency_row("33-SVH", name=decomposed)])
    run_import(path)
    stored = Agency.objects.get(code="33-SVH").name
    assert stored == unicodedata.normalize("NFC", decomposed) == name
    assert Agency.objects.search("van hoa hung yen").filter(code="33-SVH").exists()


def test_level_and_applicability_are_accepted_in_any_letter_case(tmp_path, provinces):
    path = write_csv(
        tmp_path / "a.csv",
        [
            agency_row("33-A", level="Department", applicability="ENCOURAGED"),
            agency_row("33-B", level="PROVINCE", applicability="Mandatory"),
            agency_row("00070", level="Commune", applicability="mandatory", province="01"),
        ],
    )
    assert "3 rows: 3 new" in run_import(path)
    stored = dict(Agency.objects.values_list("code", "level"))
    assert stored == {"33-A": "department", "33-B": "province", "00070": "commune"}
    assert dict(Agency.objects.values_list("code", "applicability")) == {
        "33-A": "encouraged",
        "33-B": "mandatory",
        "00070": "mandatory",
    }


def test_blank_applicability_defaults_to_mandatory_for_departments_and_encouraged_for_communes(
    tmp_path, provinces
):
    path = write_csv(
        tmp_path / "a.csv",
        [
            agency_row("33-SO", level="department"),
            agency_row("00070", level="commune", province="01"),
        ],
    )
    run_import(path)
    assert Agency.objects.get(code="33-SO").applicability == "mandatory"
    assert Agency.objects.get(code="00070").applicability == "encouraged"


def test_file_with_only_the_required_columns_is_accepted(tmp_path, provinces):
    path = write_csv(
        tmp_path / "a.csv",
        [["33-SO", "Sở Xây dựng", "department", "33"]],
        header=["code", "name", "level", "province_code"],
    )
    assert "1 rows: 1 new" in run_import(path)
    agency = Agency.objects.get(code="33-SO")
    assert (agency.applicability, agency.parent_id, agency.announced_on) == (
        "mandatory",
        None,
        None,
    )


def test_dry_run_reports_counts_and_writes_nothing(tmp_path, registry):
    path = write_csv(
        tmp_path / "a.csv",
        [
            agency_row("33-NEW"),
            agency_row("01-STP", name="Sở Tư pháp thành phố Hà Nội", province="01"),
        ],
    )
    out = run_import(path, "--dry-run")
    assert "dry run, nothing written: 2 rows: 1 new, 1 updated, 0 unchanged" in out
    assert_nothing_written(registry, "33-NEW")


def test_dry_run_of_a_bad_file_is_refused_with_the_same_messages(tmp_path, registry):
    path = write_csv(tmp_path / "a.csv", [agency_row("33-BAD", level="ministry")])
    err = refused_import(path, "--dry-run")
    assert "Row 2, column level:" in err
    assert_nothing_written(registry, "33-BAD")


def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path, provinces):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            agency_row("33-SO", name="Sở Nội vụ", iso="2015", announced="2024-05-01"),
            agency_row("33-PHONG", name="Phòng Tổ chức", parent="33-SO"),
            agency_row("00070", name="UBND phường Hoàn Kiếm", level="commune", province="01"),
        ],
    )
    assert "3 rows: 3 new, 0 updated, 0 unchanged" in run_import(path)
    first = snapshot()
    assert "3 rows: 0 new, 0 updated, 3 unchanged" in run_import(path)
    assert snapshot() == first


def test_existing_agency_is_updated_when_matched_on_code(tmp_path, provinces):
    hung_yen, _ha_noi = provinces
    agency = make_agency(hung_yen, code="33-STC", name="Sở Kế hoạch", iso_version="2008")
    path = write_csv(
        tmp_path / "a.csv",
        [agency_row("33-STC", name="Sở Tài chính", iso="2015", announced="2024-06-30")],
    )
    assert "1 rows: 0 new, 1 updated, 0 unchanged" in run_import(path)
    assert Agency.objects.count() == 1
    agency.refresh_from_db()
    assert (agency.name, agency.iso_version, agency.announced_on) == (
        "Sở Tài chính",
        "2015",
        datetime.date(2024, 6, 30),
    )
    # Bulk updates bypass save(): the search column must follow the new name anyway.
    assert list(Agency.objects.search("tai chinh")) == [agency]


def test_service_refuses_with_one_line_per_problem(provinces):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(
        [HEADER, agency_row("33-A", level="ministry"), agency_row("33-B", province="99")]
    )
    with pytest.raises(FileRefused) as refused:
        agencies_import(data=buffer.getvalue().encode(), filename="a.csv")
    problems = refused.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("Row 2, column level:")
    assert problems[1].startswith("Row 3, column province_code:")
    assert Agency.objects.count() == 0


def test_import_of_a_missing_file_is_refused(tmp_path, registry):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_agencies", str(tmp_path / "nope.csv"), stdout=io.StringIO())
    assert_nothing_written(registry)


# -- export -----------------------------------------------------------------------------


@pytest.fixture
def varied_registry(provinces):
    """Agencies using every column: parent, dates, ISO version, a commune, Vietnamese text."""
    hung_yen, ha_noi = provinces
    so = make_agency(
        hung_yen,
        code="33-SNV",
        name="Sở Nội vụ",
        iso_version="2015",
        announced_on=datetime.date(2023, 4, 5),
        reannounced_on=datetime.date(2025, 6, 7),
    )
    make_agency(
        hung_yen,
        code="33-SNV-VP",
        name="Văn phòng Sở Nội vụ",
        parent=so,
        applicability="encouraged",
        iso_version="2008",
    )
    make_agency(
        ha_noi,
        code="00070",
        name="UBND phường Hoàn Kiếm",
        level="commune",
        applicability="encouraged",
    )
    return snapshot()


def read_csv_export(path):
    text = path.read_bytes().decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def read_xlsx_export(path):
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def run_export(path, *args):
    out = io.StringIO()
    call_command("export_agencies", str(path), *args, stdout=out)
    return out.getvalue()


def test_csv_export_starts_with_a_bom_and_has_the_documented_header(tmp_path, varied_registry):
    path = tmp_path / "out.csv"
    assert "3 agencies" in run_export(path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = read_csv_export(path)
    assert rows[0] == EXPORT_HEADER
    assert len(rows) == 4
    by_code = {row[0]: dict(zip(EXPORT_HEADER, row, strict=True)) for row in rows[1:]}
    assert by_code["33-SNV"] == {
        "code": "33-SNV",
        "name": "Sở Nội vụ",
        "level": "department",
        "province_code": "33",
        "parent_code": "",
        "applicability": "mandatory",
        "iso_version": "2015",
        "announced_on": "2023-04-05",
        "reannounced_on": "2025-06-07",
        "established_on": "",
        "dissolved_on": "",
        "successor_code": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
    }
    assert by_code["33-SNV-VP"]["parent_code"] == "33-SNV"


def test_xlsx_export_has_the_header_and_keeps_codes_as_text(tmp_path, varied_registry):
    path = tmp_path / "out.xlsx"
    run_export(path)
    rows = read_xlsx_export(path)
    assert rows[0] == EXPORT_HEADER
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"33-SNV", "33-SNV-VP", "00070"}
    commune = dict(zip(EXPORT_HEADER, by_code["00070"], strict=True))
    assert commune["code"] == "00070"
    assert commune["province_code"] == "01"
    assert commune["level"] == "commune"


def test_export_of_one_province_holds_only_its_agencies(tmp_path, varied_registry):
    path = tmp_path / "out.csv"
    run_export(path, "--province", "01")
    assert [row[0] for row in read_csv_export(path)[1:]] == ["00070"]


def test_export_to_an_unknown_extension_is_refused(tmp_path, varied_registry):
    with pytest.raises(CommandError, match="not a spreadsheet"):
        run_export(tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize("name", ["out.csv", "out.xlsx"])
def test_exported_file_imports_back_unchanged(tmp_path, varied_registry, name):
    path = tmp_path / name
    run_export(path)
    assert "3 rows: 0 new, 0 updated, 3 unchanged" in run_import(path)
    assert snapshot() == varied_registry


@pytest.mark.parametrize("name", ["out.csv", "out.xlsx"])
def test_names_that_look_like_formulas_are_escaped_and_import_back_exactly(
    tmp_path, provinces, name
):
    hung_yen, _ha_noi = provinces
    originals = {
        "33-F1": '=HYPERLINK("http://x","Sở")',
        "33-F2": "+84 Sở Thông tin",
        "33-F3": "-Ban quản lý",
        "33-F4": "@Phòng Tổng hợp",
    }
    for code, original in originals.items():
        make_agency(hung_yen, code=code, name=original)
    path = tmp_path / name
    run_export(path)
    rows = read_csv_export(path) if name.endswith(".csv") else read_xlsx_export(path)
    cells = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]

    Agency.objects.update(name="tên tạm")
    assert "4 rows: 0 new, 4 updated, 0 unchanged" in run_import(path)
    assert dict(Agency.objects.values_list("code", "name")) == originals


# -- query count ------------------------------------------------------------------------


def test_import_of_many_rows_costs_a_fixed_number_of_queries(
    tmp_path, provinces, django_assert_max_num_queries
):
    def file_bytes(suffix):
        buffer = io.StringIO(newline="")
        rows = [agency_row("33-ROOT", name=f"Sở gốc {suffix}")]
        rows += [
            agency_row(f"33-Q{n:04d}", name=f"Phòng {n} {suffix}", parent="33-ROOT")
            for n in range(299)
        ]
        csv.writer(buffer).writerows([HEADER, *rows])
        return buffer.getvalue().encode()

    with django_assert_max_num_queries(30):
        result = agencies_import(data=file_bytes("một"), filename="many.csv")
    assert result.totals["new"] == 300
    assert Agency.objects.count() == 300

    with django_assert_max_num_queries(30):
        result = agencies_import(data=file_bytes("hai"), filename="many.csv")
    assert result.totals["update"] == 300
    assert Agency.objects.get(code="33-Q0123").name == "Phòng 123 hai"


# -- load_divisions ---------------------------------------------------------------------


def run_load_divisions():
    out = io.StringIO()
    call_command("load_divisions", stdout=out)
    return out.getvalue()


def test_load_divisions_creates_34_provinces_and_3321_commune_agencies(db):
    out = run_load_divisions()
    assert "provinces: 34 (34 new, 0 updated); communes: 3321 (3321 new, 0 updated)" in out
    assert Province.objects.count() == 34
    assert Agency.objects.filter(level="commune").count() == 3321
    assert Agency.objects.count() == 3321
    hoan_kiem = Agency.objects.get(code="00070")
    assert hoan_kiem.name == "UBND phường Hoàn Kiếm"
    assert hoan_kiem.province_id == "01"
    assert hoan_kiem.applicability == "encouraged"
    assert Agency.objects.search("hoan kiem").filter(code="00070").exists()


def test_load_divisions_stores_codes_as_zero_padded_text(db):
    run_load_divisions()
    codes = list(Agency.objects.values_list("code", flat=True))
    assert all(re.fullmatch(r"\d{5}", code) for code in codes)
    assert all(
        re.fullmatch(r"\d{2}", code) for code in Province.objects.values_list("code", flat=True)
    )
    assert all(name.startswith("UBND ") for name in Agency.objects.values_list("name", flat=True))


def test_load_divisions_twice_changes_nothing(db):
    run_load_divisions()
    first = snapshot()
    provinces_before = list(Province.objects.values_list("code", "name", "kind", "sort_key"))
    out = run_load_divisions()
    assert "provinces: 34 (0 new, 0 updated); communes: 3321 (0 new, 0 updated)" in out
    assert snapshot() == first
    assert list(Province.objects.values_list("code", "name", "kind", "sort_key")) == (
        provinces_before
    )
    assert Agency.objects.get(code="00070").name == first["00070"][1]


def test_refusal_is_written_in_vietnamese_by_default(tmp_path, registry):
    path = write_csv(tmp_path / "a.csv", [agency_row("33-GOOD"), agency_row("33-BAD", level="x")])
    translation.deactivate()  # back to what a command gets: settings.LANGUAGE_CODE, "vi"
    err = refused_import(path)
    assert "Dòng 3, cột level:" in err
    assert_nothing_written(registry, "33-GOOD", "33-BAD")
