"""Checklist workbooks: a round's checklists as .xlsx to fill offline, and reading them back.

The layout is a contract (DESIGN.md, "export_checklists"): one data sheet with a header row,
then one row per agency: agency_code, agency_name, one column per criterion code, one
`<code>_note` column per criterion, then conclusion. Results are written in Vietnamese
(Đạt, Đạt một phần, Không đạt, Không áp dụng); English codes are read too. A hidden sheet
`meta` names the round and the export time; both are read only from its `signature`,
signed with the SECRET_KEY, so a file cannot claim another round or a later export.
"""

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from compliance import text as compliance_text
from compliance.spreadsheets import (
    FileRefused,
    Limits,
    open_xlsx,
    safe_cell,
    sheet_rows,
    unescape_formula,
)
from compliance.text import fold
from inspections.models import Answer, Criterion, Inspection

DATA_SHEET = "Phiếu kiểm tra"
HELP_SHEET = "Hướng dẫn"
META_SHEET = "meta"
FORMAT_NAME = "iso9001-checklists"
FORMAT_VERSION = 2  # 2: the meta sheet is signed
SIGNING_SALT = "inspections.workbooks.meta"
# The meta sheet has a dozen key/value rows.
META_LIMITS = Limits(rows=50, columns=4)
# Room in the data sheet for blank lines and a few extra columns beyond what the round needs.
ROW_MARGIN = 100
COLUMN_MARGIN = 10
# Cells in all the sheets, counted before the round is known: a round of 3,321 agencies (every
# commune of the country) on a checklist of 25 criteria fits, with its help and meta sheets.
MAX_CELLS = 200_000
RESULT_LABELS = {
    Answer.Result.CONFORMING: "Đạt",
    Answer.Result.PARTIAL: "Đạt một phần",
    Answer.Result.NONCONFORMING: "Không đạt",
    Answer.Result.NA: "Không áp dụng",
}
# Every accepted spelling, folded (no accents, lower case, single spaces) -> result code.
_RESULT_BY_TEXT = (
    {fold(label): code for code, label in RESULT_LABELS.items()}
    | {fold(code): code for code in RESULT_LABELS}
    | {"not applicable": Answer.Result.NA, "n/a": Answer.Result.NA}
)


@dataclass
class RowData:
    line: int
    agency_code: str
    cells: dict  # header -> raw cell value


@dataclass
class ParsedWorkbook:
    round_id: int
    header: list
    exported_at: datetime.datetime  # signed by this server, never later than now
    rows: list = field(default_factory=list)

    def problem(self, row, column, message):
        """`message` about one cell, named as the person sees it: sheet, row, column."""
        values = {"sheet": DATA_SHEET, "row": row.line, "name": column}
        if column in self.header:
            values["column"] = get_column_letter(self.header.index(column) + 1)
            where = _("Sheet «%(sheet)s», row %(row)d, column %(column)s (%(name)s)") % values
        else:  # e.g. the note of a criterion whose result column was deleted
            where = _("Sheet «%(sheet)s», row %(row)d, column %(name)s (not in the file)") % values
        return f"{where}: {message}"


def parse_result(value):
    """A cell's result code, '' for an empty cell, None for a value that is not one of four."""
    if value is None:
        return ""
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    if not text:
        return ""
    return _RESULT_BY_TEXT.get(fold(text))


def criterion_codes(round_):
    return [c.code for c in round_.checklist.criteria.all()]


def columns_for(codes):
    return ["agency_code", "agency_name", *codes, *(f"{c}_note" for c in codes), "conclusion"]


def export_workbook(round_, inspections):
    """The .xlsx bytes for these inspections of one round, answers already given filled in."""
    criteria = list(round_.checklist.criteria.all())
    answers = {}
    for answer in Answer.objects.filter(inspection__in=inspections).select_related("criterion"):
        answers[(answer.inspection_id, answer.criterion.code)] = answer
    book = Workbook()
    _data_sheet(book.active, criteria, inspections, answers)
    _help_sheet(book, round_, criteria)
    _meta_sheet(book, round_)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _data_sheet(sheet, criteria, inspections, answers):
    """The sheet people fill: a header row with the criteria as comments, a row per agency."""
    codes = [c.code for c in criteria]
    columns = columns_for(codes)
    sheet.title = DATA_SHEET
    sheet.append([safe_cell(name) for name in columns])
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index in range(1, len(columns) + 1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for offset, criterion in enumerate(criteria):
        comment = f"{criterion.code}. {criterion.title} (ISO 9001:2015, {criterion.iso_clause})"
        sheet.cell(row=1, column=3 + offset).comment = Comment(safe_cell(comment), "ISO 9001")
        sheet.cell(row=1, column=3 + len(codes) + offset).comment = Comment(
            _("Note for %(code)s: required when the result is Đạt một phần or Không đạt.")
            % {"code": criterion.code},
            "ISO 9001",
        )
    for inspection in inspections:
        values = [inspection.agency.code, inspection.agency.name]
        values += [RESULT_LABELS.get(_answer(answers, inspection, c).result, "") for c in codes]
        values += [_answer(answers, inspection, c).note for c in codes]
        values.append(inspection.conclusion)
        sheet.append([safe_cell(value) for value in values])
    last_row = len(inspections) + 1
    _lock_codes(sheet, len(columns), last_row)
    if inspections:
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(RESULT_LABELS.values()) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Result"),
            error=_("Choose one of: %s.") % ", ".join(RESULT_LABELS.values()),
        )
        sheet.add_data_validation(validation)
        validation.add(f"C2:{get_column_letter(2 + len(codes))}{last_row}")
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 42
    for index in range(3, 3 + len(codes)):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    for index in range(3 + len(codes), len(columns) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 30


def _meta_sheet(book, round_):
    """A hidden sheet naming the round and the export time, read back on import.

    Only `signature` is believed on import; the other rows are there for people to read.
    """
    exported_at = timezone.now()
    meta = book.create_sheet(META_SHEET)
    for key, value in [
        ("format", FORMAT_NAME),
        ("format_version", FORMAT_VERSION),
        ("round_id", round_.pk),
        ("province_code", round_.province_id),
        ("year", round_.year),
        ("number", round_.number),
        ("checklist", f"{round_.checklist.code} v{round_.checklist.version}"),
        ("exported_at", timezone.localtime(exported_at).isoformat(timespec="seconds")),
        ("signature", sign_claims(round_.pk, exported_at)),
    ]:
        meta.append([key, value])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True


def sign_claims(round_id, exported_at):
    """What a workbook may say about itself, signed with the SECRET_KEY."""
    claims = {"round_id": round_id, "exported_at": exported_at.isoformat()}
    return signing.dumps(claims, salt=SIGNING_SALT)


def _answer(answers, inspection, code):
    return answers.get((inspection.pk, code)) or Answer(result="", note="")


def _lock_codes(sheet, width, last_row):
    """Protect the sheet so codes and headers cannot be mistyped; answers stay editable."""
    unlocked = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2, max_row=last_row, min_col=3, max_col=width):
        for cell in row:
            cell.protection = unlocked
            cell.alignment = wrap
    protection = sheet.protection
    protection.sheet = True
    # Resizing and sorting stay allowed; only locked cells are protected.
    protection.formatColumns = False
    protection.formatRows = False
    protection.autoFilter = False
    protection.sort = False


def _help_sheet(book, round_, criteria):
    sheet = book.create_sheet(HELP_SHEET)
    sheet.column_dimensions["A"].width = 110
    lines = [
        f"Phiếu kiểm tra việc áp dụng HTQLCL theo TCVN ISO 9001:2015 — {round_}",
        f"Phiếu: {round_.checklist.code} phiên bản {round_.checklist.version}. "
        f"Quyết định: {round_.decision_number or '—'}.",
        "",
        "Cách điền:",
        "1. Mỗi dòng của trang «Phiếu kiểm tra» là một cơ quan. Không sửa cột agency_code, "
        "agency_name và dòng tiêu đề (đã khoá).",
        "2. Ở mỗi cột tiêu chí (CB01, CB02…), chọn một trong bốn giá trị: Đạt, Đạt một phần, "
        "Không đạt, Không áp dụng. Ô để trống nghĩa là chưa đánh giá (giữ nguyên kết quả cũ).",
        "3. Khi chọn Đạt một phần hoặc Không đạt, ghi rõ lý do ở cột ghi chú tương ứng "
        "(CB01_note…). Phiếu chỉ được gửi khi mọi tiêu chí đã đánh giá và có đủ ghi chú.",
        "4. Cột conclusion: kết luận chung của đoàn kiểm tra về cơ quan.",
        "5. Lưu tệp dạng .xlsx rồi tải lên ở trang đợt kiểm tra. Nhập lại cùng một tệp "
        "nhiều lần không làm thay đổi gì thêm; phiếu đã phê duyệt không bị thay đổi.",
        "",
        "Các tiêu chí:",
    ]
    lines += [f"{c.code} (ISO {c.iso_clause}): {c.title}. {c.guidance}" for c in criteria]
    for line in lines:
        sheet.append([safe_cell(line)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.protection.sheet = True


def read_workbook(data, filename):
    """Parse a filled workbook, or raise FileRefused saying why it cannot be. Writes nothing.

    The data sheet is read no further than the signed round can need: its agencies and
    columns, plus a margin.
    """
    book = open_xlsx(data, filename, max_cells=MAX_CELLS)
    if META_SHEET not in book.sheetnames or DATA_SHEET not in book.sheetnames:
        raise FileRefused(
            _(
                "%(name)s is not a checklist workbook exported by this system "
                "(no sheet «%(sheet)s»)."
            )
            % {
                "name": filename,
                "sheet": META_SHEET if DATA_SHEET in book.sheetnames else DATA_SHEET,
            }
        )
    meta = {
        str(values[0]): values[1] if len(values) > 1 else None
        for _line, values in sheet_rows(book[META_SHEET], filename, limits=META_LIMITS)
        if values and values[0] is not None
    }
    round_id, exported_at = _signed_claims(meta, filename)
    rows = sheet_rows(book[DATA_SHEET], filename, limits=data_limits(round_id))
    _line, header = next(rows, (1, []))
    header = [str(v).strip() if v is not None else "" for v in header]
    parsed = ParsedWorkbook(round_id=round_id, header=header, exported_at=exported_at)
    for line, values in rows:
        if all(v in (None, "") for v in values):
            continue
        cells = dict(zip(header, values, strict=False))
        code = cells.get("agency_code")
        agency_code = "" if code is None else str(code).strip()
        parsed.rows.append(RowData(line=line, agency_code=agency_code, cells=cells))
    return parsed


def _signed_claims(meta, filename):
    """(round id, export time) from the meta sheet's signature; refused if it is not ours.

    A signed time in the future (a wrong clock, a leaked key) is refused rather than
    clamped to now: either would let the import overwrite answers saved online after the
    real export.
    """
    if meta.get("format") != FORMAT_NAME:
        raise FileRefused(
            _("%(name)s: the sheet «meta» does not name a round.") % {"name": filename}
        )
    if not meta.get("signature"):
        raise FileRefused(
            _(
                "%(name)s is not signed: it was exported by an older version or its sheet "
                "«meta» was changed. Download a fresh workbook from the round page."
            )
            % {"name": filename}
        )
    try:
        claims = signing.loads(str(meta["signature"]), salt=SIGNING_SALT)
        round_id = int(claims["round_id"])
        exported_at = datetime.datetime.fromisoformat(claims["exported_at"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise FileRefused(
            _(
                "%(name)s: the signature in the sheet «meta» does not match; the workbook "
                "was not exported by this system or was changed. Download a fresh workbook "
                "from the round page."
            )
            % {"name": filename}
        ) from None
    if exported_at > timezone.now():
        raise FileRefused(
            _(
                "%(name)s: the export time in the sheet «meta» is in the future. Download a "
                "fresh workbook from the round page."
            )
            % {"name": filename}
        )
    return round_id, exported_at


def data_limits(round_id):
    """How far the data sheet of a workbook of this round is read: a header row, a row per
    agency and the columns of `columns_for`, each with a margin."""
    agencies = Inspection.objects.filter(round_id=round_id).count()
    criteria = Criterion.objects.filter(checklist__rounds=round_id).count()
    return Limits(rows=1 + agencies + ROW_MARGIN, columns=2 * criteria + 3 + COLUMN_MARGIN)


def check_header(parsed, codes):
    """Problems with the header row: columns missing, or not in the round's checklist."""
    problems = []
    allowed = set(columns_for(codes))
    for index, name in enumerate(parsed.header, start=1):
        if name and name not in allowed:
            what = re.sub(r"_note$", "", name)
            problems.append(
                _("Sheet «%(sheet)s», row 1, column %(column)s (%(name)s): %(what)s is not a "
                  "criterion of this round's checklist.")
                % {"sheet": DATA_SHEET, "column": get_column_letter(index), "name": name,
                   "what": what}
            )  # fmt: skip
    for name in sorted({n for n in parsed.header if n and parsed.header.count(n) > 1}):
        problems.append(
            _("Sheet «%(sheet)s», row 1: the column %(name)s appears more than once.")
            % {"sheet": DATA_SHEET, "name": name}
        )
    if "agency_code" not in parsed.header:
        problems.append(
            _("Sheet «%(sheet)s», row 1: the column agency_code is missing.")
            % {"sheet": DATA_SHEET}
        )
    return problems


def clean_text(value):
    if value is None:
        return ""
    return unescape_formula(compliance_text.clean_text(value).strip())


def edited_text(value, current):
    """A text cell's new text, or `current` when the cell is empty or says the same.

    Compared with `current` as the export wrote it (safe_cell) and read back, so an
    untouched cell is no change, even if the stored text held what a cell cannot.
    """
    text = clean_text(value)
    return text if text and text != clean_text(safe_cell(current or "")) else current


def long_text_problems(parsed, row):
    """A problem for each note or conclusion cell of `row` longer than may be stored."""
    problems = []
    for column, value in row.cells.items():
        if column == "conclusion" or column.endswith("_note"):
            try:
                compliance_text.check_length(clean_text(value))
            except ValidationError as error:
                problems.append(parsed.problem(row, column, error.messages[0]))
    return problems
