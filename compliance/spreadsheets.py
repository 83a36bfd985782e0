"""Spreadsheet plumbing every app shares: reading uploads, size limits, safe cells.

Nothing here knows about agencies or inspections. A file that cannot be used raises
`FileRefused`, whose `problems` are lines written for the person who sent the file.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass

import tablib
from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from compliance.text import clean_text, nfc

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Written before CSV text so that Excel reads it as UTF-8 and shows Vietnamese.
CSV_BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@")
# Excel's own bound on one cell; no field of ours can hold more.
CELL_MAX_CHARS = 32_767
# A list of records with a few columns more than it knows (the reader drops the extra).
DEFAULT_MAX_COLUMNS = 50
# An .xlsx holds a dozen parts or so; tens of thousands would only cost time to list.
MAX_ZIP_PARTS = 1_000
# Excel's last column is XFD: no real row holds more cells.
MAX_ROW_CELLS = 16_384
_ROW_OR_CELL = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")
# Small parts (styles, one-row sheets) compress far better than a table: only a part
# bigger than this is held to IMPORT_MAX_RATIO.
RATIO_GRACE_BYTES = 100 * 1024


@dataclass(frozen=True)
class Limits:
    """How far a reader goes in one sheet: rows (the header included), columns, characters."""

    rows: int
    columns: int
    cell_chars: int = CELL_MAX_CHARS


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


def check_zip(data, filename):
    """Refuse an archive that would unpack too big, before any part of it is parsed.

    The sizes are those the archive declares; Python's zipfile never unpacks a part past its
    declared size (it stops there and the CRC check fails), so they bound the work.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except Exception:  # BadZipFile mostly; a damaged directory can raise other kinds
        raise FileRefused(
            _("%(name)s is not an Excel workbook (.xlsx).") % {"name": filename}
        ) from None
    if len(parts) > MAX_ZIP_PARTS:
        raise FileRefused(
            _("%(name)s holds %(count)d parts; an Excel workbook has at most %(limit)d.")
            % {"name": filename, "count": len(parts), "limit": MAX_ZIP_PARTS}
        )
    ratio = settings.IMPORT_MAX_RATIO
    for part in parts:
        if part.file_size > RATIO_GRACE_BYTES and part.file_size > ratio * max(
            part.compress_size, 1
        ):
            raise FileRefused(
                _(
                    "%(name)s: the part %(part)s unpacks to %(size).1f MB, more than "
                    "%(ratio)d times its packed size; the file is refused as a zip bomb."
                )
                % {"name": filename, "part": part.filename, "size": part.file_size / 2**20,
                   "ratio": ratio}
            )  # fmt: skip
    total = sum(part.file_size for part in parts)
    if total > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise FileRefused(
            _("%(name)s unpacks to %(size).1f MB; the limit is %(limit)d MB.")
            % {"name": filename, "size": total / 2**20,
               "limit": settings.IMPORT_MAX_UNPACKED_BYTES // 2**20}
        )  # fmt: skip


def open_xlsx(data, filename, *, max_cells):
    """The workbook in `data`, opened read-only with cell values rather than formulas.

    Its unpacked size and its cells (at most `max_cells` in all its sheets) are counted
    first. Read its sheets with `sheet_rows`, which does not trust a sheet's declared size.
    """
    # openpyxl is imported here so that reading CSV does not pay for it.
    import openpyxl

    check_zip(data, filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part in archive.infolist():
                if part.filename.lower().endswith(".xml"):
                    with archive.open(part) as source:
                        max_cells -= _count_cells(source, filename, part.filename, max_cells)
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRefused:
        raise
    except Exception as error:  # zipfile, openpyxl and the XML parser raise many kinds
        raise FileRefused(_cannot_open(filename, error)) from None


def _count_cells(source, filename, part, max_cells):
    """The cells in one XML part, refused past `max_cells` or MAX_ROW_CELLS in a row.

    openpyxl parses a whole row before giving it out, at tens of microseconds a cell, and
    even opening a sheet without a declared size parses it all: one row of millions of
    cells would cost minutes and gigabytes. A regular expression over the raw XML counts
    them first. Any part is counted, as a sheet may live at any path the workbook names.
    """
    row_cells = total = 0
    carried = ""
    while chunk := source.read(2**20):
        text = carried + chunk.decode("utf-8", errors="replace")
        cut = text.rfind("<")  # a tag cut at the end of the chunk is read with the next one
        text, carried = text[:cut], text[cut:]
        for match in _ROW_OR_CELL.finditer(text):
            if match.group(1) == "row":
                row_cells = 0
                continue
            row_cells += 1
            total += 1
            if row_cells > MAX_ROW_CELLS or total > max_cells:
                raise FileRefused(
                    _(
                        "%(name)s holds more cells than this kind of file may have (in "
                        "%(part)s: at most %(limit)d, and %(row)d in a row); delete what is "
                        "not data."
                    )
                    % {"name": filename, "part": part, "limit": max_cells,
                       "row": MAX_ROW_CELLS}
                )  # fmt: skip
    return total


def _cannot_open(filename, error):
    while error.__cause__ is not None:  # openpyxl wraps the parser's error in its own
        error = error.__cause__
    if isinstance(error, DefusedXmlException):
        return _(
            "%(name)s is refused: its XML declares a DOCTYPE or entities, which a "
            "spreadsheet never needs."
        ) % {"name": filename}
    return _("%(name)s could not be opened as an Excel workbook: %(error)s") % {
        "name": filename,
        "error": _one_line(error),
    }


def _one_line(error):
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 200 else text[:200] + "…"


def sheet_rows(sheet, filename, *, limits):
    """(line, values) for each row of a read-only sheet, within `limits`.

    The `<dimension>` a sheet declares is dropped: openpyxl would otherwise pad every row
    to it, a million rows of 16,384 cells for a few bytes of XML. Rows between real rows
    still come as empty tuples, so line numbers are the spreadsheet's.
    """
    sheet.reset_dimensions()
    return _bounded(sheet.iter_rows(values_only=True), filename, limits, sheet.title)


def _bounded(rows, filename, limits, sheet=None):
    """Yield (line, values) with trailing empty cells dropped; refuse past a limit.

    In a sheet every line counts towards the row limit, empty ones too: openpyxl makes
    those up between real rows, so they cost time whatever the file's size. In a CSV file
    they are really there, bounded by its size, so only lines with values count.
    Any error the parser raises while reading becomes a refusal.
    """
    line = counted = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            raise FileRefused(_csv_problem(filename, line + 1, error, limits)) from None
        except Exception as error:  # the XML parser raises many kinds for a damaged sheet
            raise FileRefused(_cannot_open(filename, error)) from None
        line += 1
        values = _trimmed(values)
        if values or sheet is not None:
            counted += 1
        if counted > limits.rows:
            raise FileRefused(
                _(
                    "%(name)s%(sheet)s has more than %(limit)d rows (the header included); "
                    "delete the rows below your data or split the file."
                )
                % {"name": filename, "sheet": _sheet_label(sheet), "limit": limits.rows}
            )
        if values:
            _check_row(values, line, filename, limits, sheet)
        yield line, values


def _trimmed(values):
    values = list(values or ())
    while values and values[-1] in (None, ""):
        values.pop()
    return values


def _check_row(values, line, filename, limits, sheet):
    if len(values) > limits.columns:
        raise FileRefused(
            _(
                "%(name)s%(sheet)s, row %(row)d: a value in column %(column)s, beyond the "
                "%(limit)d columns this file may have."
            )
            % {"name": filename, "sheet": _sheet_label(sheet), "row": line,
               "column": _column_letter(len(values)), "limit": limits.columns}
        )  # fmt: skip
    for index, value in enumerate(values, start=1):
        if isinstance(value, str) and len(value) > limits.cell_chars:
            raise FileRefused(
                _(
                    "%(name)s%(sheet)s, row %(row)d, column %(column)s: the cell holds "
                    "%(length)d characters; at most %(limit)d are allowed."
                )
                % {"name": filename, "sheet": _sheet_label(sheet), "row": line,
                   "column": _column_letter(index), "length": len(value),
                   "limit": limits.cell_chars}
            )  # fmt: skip


def _sheet_label(sheet):
    return _(", sheet «%(sheet)s»") % {"sheet": sheet} if sheet else ""


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(min(index, 18278))  # ZZZ, the last letters openpyxl can write


def _csv_problem(filename, line, error, limits):
    if "field larger than field limit" in str(error):
        return _(
            "%(name)s, row %(row)d: a cell is longer than the %(limit)d characters allowed."
        ) % {"name": filename, "row": line, "limit": limits.cell_chars}
    return _("%(name)s, row %(row)d could not be read as CSV: %(error)s") % {
        "name": filename,
        "row": line,
        "error": _one_line(error),
    }


def table_limits(columns=DEFAULT_MAX_COLUMNS):
    """Limits for a list of records: IMPORT_MAX_ROWS data rows under a header row."""
    return Limits(rows=settings.IMPORT_MAX_ROWS + 1, columns=columns)


def read_table(data, filename, kind=None, *, limits=None):
    """Parse .xlsx (its first sheet) or .csv bytes into a Dataset with clean headers, NFC text.

    Blank lines are dropped; a file with a header but no data rows is refused.
    `dataset.source_lines` holds the spreadsheet line of each row, for messages.
    `limits` bounds rows, columns and cells (by default `table_limits()`).
    """
    kind = kind or kind_of(filename)
    limits = limits or table_limits()
    check_size(len(data), filename)
    if not data.strip():
        raise FileRefused(_("%(name)s is empty.") % {"name": filename})
    if kind == "xlsx":
        book = open_xlsx(data, filename, max_cells=limits.rows * limits.columns)
        if not book.worksheets:
            raise FileRefused(_("%(name)s is empty.") % {"name": filename})
        rows = sheet_rows(book.worksheets[0], filename, limits=limits)
    else:
        rows = csv_rows(data, filename, limits=limits)
    try:
        _line, header = next(rows)
    except StopIteration:
        raise FileRefused(_("%(name)s is empty.") % {"name": filename}) from None
    headers = [nfc(str(cell or "")).strip().lower() for cell in header]
    dataset = tablib.Dataset(headers=headers)
    dataset.source_lines = []
    width = len(headers)
    for line, row in rows:
        if not row:
            continue
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


def csv_rows(data, filename, *, limits):
    """(line, values) for each record of UTF-8 CSV bytes, within `limits` (see `_bounded`).

    The csv module's own field limit is process-wide and left alone: longer cells are
    refused here, and the module's error past its limit becomes the same refusal.
    """
    if b"\x00" in data[:4096]:
        raise FileRefused(_("%(name)s is not a CSV text file.") % {"name": filename})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            _("%(name)s is not UTF-8 text (byte %(position)d); save the CSV as UTF-8.")
            % {"name": filename, "position": error.start}
        ) from error
    return _bounded(iter(csv.reader(io.StringIO(text, newline=""))), filename, limits)


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
