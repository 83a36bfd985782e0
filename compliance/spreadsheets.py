"""Spreadsheet plumbing every app shares: reading uploads, size limits, safe cells.

Nothing here knows about agencies or inspections. A file that cannot be used raises
`FileRefused`, whose `problems` are lines written for the person who sent the file.
"""

import csv
import datetime
import io
import zipfile

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from compliance.text import clean_text, nfc

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Written before CSV text so that Excel reads it as UTF-8 and shows Vietnamese.
CSV_BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@")


class FileRefused(ValueError):
    """Nothing was read or written; `problems` holds one line per problem, for the user."""

    def __init__(self, *problems):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def check_size(size, filename=None, *, limit=None):
    """Refuse a file over the limit (IMPORT_MAX_BYTES unless given) before it is read.

    Without a filename the message says "The file", for an error shown beside the field.
    """
    limit = settings.IMPORT_MAX_BYTES if limit is None else limit
    if size <= limit:
        return
    values = {"name": filename, "size": size / 2**20, "limit": limit // 2**20}
    if filename is None:
        raise FileRefused(_("The file is %(size).1f MB; the limit is %(limit)d MB.") % values)
    raise FileRefused(_("%(name)s is %(size).1f MB; the limit is %(limit)d MB.") % values)


def validate_upload_size(upload):
    """check_size as a form field's validation."""
    try:
        check_size(upload.size)
    except FileRefused as refused:
        raise ValidationError(refused.problems) from None


def kind_of(filename):
    name = filename.lower()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".csv"):
        return "csv"
    raise FileRefused(
        _("%(name)s is not a spreadsheet: use an .xlsx or .csv file.") % {"name": filename}
    )


def open_xlsx(data, filename):
    """The workbook in `data`, opened read-only with cell values rather than formulas."""
    # openpyxl is imported here so that reading CSV does not pay for it.
    import openpyxl

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileRefused(_("%(name)s is not an Excel workbook (.xlsx).") % {"name": filename})
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileRefused(
            _("%(name)s could not be opened as an Excel workbook: %(error)s")
            % {"name": filename, "error": error}
        ) from error


def read_table(data, filename, kind=None):
    """Parse .xlsx (its first sheet) or .csv bytes into a Dataset with clean headers, NFC text.

    Blank lines are dropped; a file with a header but no data rows is refused.
    `dataset.source_lines` holds the spreadsheet line of each row, for messages.
    """
    kind = kind or kind_of(filename)
    check_size(len(data), filename)
    if not data.strip():
        raise FileRefused(_("%(name)s is empty.") % {"name": filename})
    if kind == "xlsx":
        rows = open_xlsx(data, filename).worksheets[0].iter_rows(values_only=True)
    else:
        rows = _csv_rows(data, filename)
    try:
        header = next(rows)
    except StopIteration:
        raise FileRefused(_("%(name)s is empty.") % {"name": filename}) from None
    headers = [nfc(str(cell or "")).strip().lower() for cell in header]
    dataset = tablib.Dataset(headers=headers)
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
        raise FileRefused(_("%(name)s has a header row but no data rows.") % {"name": filename})
    return dataset


def _clean_cell(value):
    if isinstance(value, str):
        return clean_text(value).strip()
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date()
    return value


def _csv_rows(data, filename):
    if b"\x00" in data[:4096]:
        raise FileRefused(_("%(name)s is not a CSV text file.") % {"name": filename})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
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


# -- writing ---------------------------------------------------------------------------

# What one cell holds; openpyxl silently cuts longer text here, so safe_cell cuts first, visibly.
CELL_MAX = 32_767


def safe_cell(value):
    """A value every writer can put in a cell, whatever was stored.

    Text is cleaned as it would be on entry (clean_text), loses anything else Excel's
    format cannot hold, never starts a formula, and is never cut without saying so: text
    longer than a cell ends with a marker. Other values (numbers, dates, None) pass as they are.
    """
    # openpyxl is imported here so that writing CSV does not pay for it.
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    text = escape_formula(ILLEGAL_CHARACTERS_RE.sub("", clean_text(value)))
    if len(text) > CELL_MAX:
        marker = _(" … [cut: %(count)d more characters]")
        cut = CELL_MAX - len(marker % {"count": len(text)})
        text = text[:cut] + marker % {"count": len(text) - cut}
    return text
