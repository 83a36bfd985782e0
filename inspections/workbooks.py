"""Checklist workbooks: a round's checklists as .xlsx to fill offline, and reading them back.

The layout is a contract (DESIGN.md, "export_checklists"): one data sheet with a header row,
then one row per agency: agency_code, agency_name, one column per criterion code, one
`<code>_note` column per criterion, then conclusion. Results are written in Vietnamese
(Đạt, Đạt một phần, Không đạt, Không áp dụng); English codes are read too. A hidden sheet
`meta` names the round, so a workbook cannot be imported into another round.
"""

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from compliance import text as compliance_text
from compliance.spreadsheets import FileRefused, open_xlsx, safe_cell, unescape_formula
from compliance.text import fold
from inspections.models import Answer

DATA_SHEET = "Phiếu kiểm tra"
HELP_SHEET = "Hướng dẫn"
META_SHEET = "meta"
FORMAT_NAME = "iso9001-checklists"
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
    exported_at: datetime.datetime | None = None
    rows: list = field(default_factory=list)

    def problem(self, row, column, message):
        """`message` about one cell, named as the person sees it: sheet, row, column."""
        where = _("Sheet «%(sheet)s», row %(row)d, column %(column)s (%(name)s)") % {
            "sheet": DATA_SHEET,
            "row": row.line,
            "column": get_column_letter(self.header.index(column) + 1),
            "name": column,
        }
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
    """A hidden sheet naming the round and the export time, read back on import."""
    meta = book.create_sheet(META_SHEET)
    for key, value in [
        ("format", FORMAT_NAME),
        ("format_version", 1),
        ("round_id", round_.pk),
        ("province_code", round_.province_id),
        ("year", round_.year),
        ("number", round_.number),
        ("checklist", f"{round_.checklist.code} v{round_.checklist.version}"),
        ("exported_at", timezone.localtime().isoformat(timespec="seconds")),
    ]:
        meta.append([key, value])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True


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
    """Parse a filled workbook, or raise FileRefused saying why it cannot be. Writes nothing."""
    book = open_xlsx(data, filename)
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
        str(row[0]): row[1]
        for row in book[META_SHEET].iter_rows(values_only=True)
        if row and row[0] is not None
    }
    try:
        if meta.get("format") != FORMAT_NAME:
            raise ValueError
        round_id = int(meta["round_id"])
    except (KeyError, TypeError, ValueError):
        raise FileRefused(
            _("%(name)s: the sheet «meta» does not name a round.") % {"name": filename}
        ) from None
    sheet = book[DATA_SHEET]
    rows = sheet.iter_rows(values_only=True)
    header = [str(v).strip() if v is not None else "" for v in next(rows, [])]
    parsed = ParsedWorkbook(round_id=round_id, header=header, exported_at=_when(meta))
    for line, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        cells = dict(zip(header, values, strict=False))
        code = cells.get("agency_code")
        agency_code = "" if code is None else str(code).strip()
        parsed.rows.append(RowData(line=line, agency_code=agency_code, cells=cells))
    return parsed


def _when(meta):
    try:
        exported_at = datetime.datetime.fromisoformat(str(meta["exported_at"]))
    except (KeyError, ValueError):
        return None
    return exported_at if timezone.is_aware(exported_at) else None


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
