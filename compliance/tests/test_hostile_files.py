"""Hostile spreadsheets read by the shared reader and the `import_agencies` command.

Each file is refused with one line that names the limit or the fault, before any real
work: the time bound is the limit the reader enforces (a row, column, cell, size or ratio
limit), not a clock. Nothing is written.
"""

import io
import random
import zipfile

import openpyxl.xml
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agencies.models import Agency
from agencies.resources import import_limits
from compliance.spreadsheets import FileRefused, Limits, read_table
from compliance.tests.hostile import agency_lists, cell, minimal_xlsx, sheet, zipped

pytestmark = pytest.mark.usefixtures("english")
AGENCY_LISTS = agency_lists()
IDS = [ident for ident, *_rest in AGENCY_LISTS]


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize(("ident", "name", "data", "says"), AGENCY_LISTS, ids=IDS)
def test_import_agencies_refuses_each_hostile_file_in_one_line(
    ident, name, data, says, tmp_path, db
):
    path = tmp_path / name
    path.write_bytes(data)
    err = io.StringIO()
    with pytest.raises(CommandError, match=rf"^{name}: 1 problem\(s\); nothing was imported\.$"):
        call_command("import_agencies", str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(says)
    assert not Agency.objects.exists()


def test_the_agency_limits_fit_the_format(settings):
    assert settings.IMPORT_MAX_ROWS == 100_000
    # The fifteen columns of an agency list and a margin of ten.
    assert import_limits() == Limits(rows=100_001, columns=25, cell_chars=32_767)


def test_the_row_limit_is_a_setting(settings):
    settings.IMPORT_MAX_ROWS = 2
    data = b"code,name\n" + b"33-A,a\n\n\n33-B,b\n33-C,c\n"
    with pytest.raises(FileRefused, match=r"^x.csv has more than 3 rows \(the header included\)"):
        read_table(data, "x.csv")
    # Blank lines of a CSV file do not count (the file's size bounds them); rows do.
    assert read_table(data[: data.index(b"33-C")], "x.csv").height == 2


def test_a_sheet_is_read_to_its_real_rows_not_its_declared_dimension():
    xml = sheet({1: [cell("A1", "code")], 3: [cell("A3", "33-X")]}, dimension="A1:XFD1048576")
    dataset = read_table(minimal_xlsx(xml), "ok.xlsx", limits=Limits(rows=3, columns=1))
    assert dataset.headers == ["code"]
    assert list(dataset["code"]) == ["33-X"]
    assert dataset.source_lines == [3]


def test_empty_styled_cells_past_the_column_limit_are_not_values():
    styled = '<c r="Z2" s="0"/>'
    xml = sheet({1: [cell("A1", "code")], 2: [cell("A2", "33-X"), styled]})
    dataset = read_table(minimal_xlsx(xml), "ok.xlsx", limits=Limits(rows=5, columns=2))
    assert list(dataset["code"]) == ["33-X"]


def test_the_unpacked_size_is_checked_before_parsing(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    noise = random.Random(9).randbytes(1_250_000)  # 1.2 MB that does not pack: no ratio
    data = zipped({"[Content_Types].xml": b"", "xl/noise.bin": noise})
    with pytest.raises(FileRefused, match=r"^big.xlsx unpacks to 1.2 MB; the limit is 1 MB\.$"):
        read_table(data, "big.xlsx")


def test_an_archive_of_thousands_of_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(1001):
            archive.writestr(f"p{number}", b"")
    with pytest.raises(FileRefused, match=r"holds 1001 parts; an Excel workbook has at most 1000"):
        read_table(buffer.getvalue(), "parts.xlsx")


def test_a_cell_at_the_excel_limit_is_read():
    xml = sheet({1: [cell("A1", "code")], 2: [cell("A2", "x" * 32_767)]})
    dataset = read_table(minimal_xlsx(xml), "ok.xlsx")
    assert len(dataset["code"][0]) == 32_767


def test_cells_are_counted_in_the_raw_xml_before_it_is_parsed():
    # No <dimension>: opening such a sheet used to parse it whole, before any limit.
    xml = sheet({n: [cell(f"A{n}", "x")] for n in range(1, 8)})
    with pytest.raises(FileRefused, match=r"^c.xlsx holds more cells .* at most 6, and 16384"):
        read_table(minimal_xlsx(xml), "c.xlsx", limits=Limits(rows=3, columns=2))
    assert read_table(minimal_xlsx(xml), "c.xlsx", limits=Limits(rows=7, columns=1)).height == 6
