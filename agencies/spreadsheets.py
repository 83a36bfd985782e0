"""Reading uploaded spreadsheets into tablib datasets, with errors a person can act on."""

import csv
import datetime
import io
import zipfile

import tablib
from django.conf import settings
from django.utils.translation import gettext as _

from agencies.text import nfc

FORMULA_PREFIXES = ("=", "+", "-", "@")


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; the message says why, for the user."""


def kind_of(filename):
    name = filename.lower()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".csv"):
        return "csv"
    raise SpreadsheetError(
        _("%(name)s is not a spreadsheet: use an .xlsx or .csv file.") % {"name": filename}
    )


def read_table(data, filename, kind=None):
    """Parse .xlsx or .csv bytes into a Dataset with clean headers and NFC text.

    Blank lines are dropped; a file with a header but no data rows is refused.
    """
    kind = kind or kind_of(filename)
    check_size(len(data), filename)
    if not data.strip():
        raise SpreadsheetError(_("%(name)s is empty.") % {"name": filename})
    rows = _xlsx_rows(data, filename) if kind == "xlsx" else _csv_rows(data, filename)
    try:
        header = next(rows)
    except StopIteration:
        raise SpreadsheetError(_("%(name)s is empty.") % {"name": filename}) from None
    headers = [nfc(str(cell or "")).strip().lower() for cell in header]
    dataset = tablib.Dataset(headers=headers)
    # The spreadsheet line of each data row, so errors point where the user looks.
    dataset.source_lines = []
    width = len(headers)
    for line, row in enumerate(rows, start=2):
        values = [_clean_cell(cell) for cell in row][:width]
        if all(value in (None, "") for value in values):
            continue
        values += [None] * (width - len(values))
        dataset.append(values)
        dataset.source_lines.append(line)
    if not dataset.height:
        raise SpreadsheetError(
            _("%(name)s has a header row but no data rows.") % {"name": filename}
        )
    return dataset


def check_size(size, filename):
    """Refuse a file over the limit; callers with a path check before reading it."""
    if size > settings.IMPORT_MAX_BYTES:
        raise SpreadsheetError(
            _("%(name)s is %(size).1f MB; the limit is %(limit)d MB.")
            % {
                "name": filename,
                "size": size / 1024 / 1024,
                "limit": settings.IMPORT_MAX_BYTES // 1024 // 1024,
            }
        )


def _clean_cell(value):
    if isinstance(value, str):
        return nfc(value).strip()
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date()
    return value


def _xlsx_rows(data, filename):
    # openpyxl is imported here so that reading CSV does not pay for it.
    import openpyxl

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SpreadsheetError(_("%(name)s is not an Excel workbook (.xlsx).") % {"name": filename})
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError(
            _("%(name)s could not be opened as an Excel workbook: %(error)s")
            % {"name": filename, "error": error}
        ) from error
    sheet = book.worksheets[0]
    return sheet.iter_rows(values_only=True)


def _csv_rows(data, filename):
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(_("%(name)s is not a CSV text file.") % {"name": filename})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            _("%(name)s is not UTF-8 text (byte %(position)d); save the CSV as UTF-8.")
            % {"name": filename, "position": error.start}
        ) from error
    return iter(csv.reader(io.StringIO(text, newline="")))


def escape_formula(value):
    """Make text from user data safe to open in Excel: it must not start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo escape_formula, so an exported file imports back to the same text."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value
