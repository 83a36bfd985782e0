"""Text coming into inspections (autosave, workbook import, forms) is cleaned and bounded,
and the checklist workbook is written safely whatever is stored (issue 9, items 4, 5, 7)."""

import io
import random
import string
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from agencies.models import Agency
from agencies.tests.factories import make_agency
from compliance.spreadsheets import FileRefused
from compliance.text import LONG_TEXT_MAX
from inspections.models import Answer, Criterion, Finding, Inspection
from inspections.services import checklists_import, inspection_submit
from inspections.tests.factories import CODES, answer_all, answer_of, make_round
from inspections.workbooks import DATA_SHEET, columns_for, export_workbook

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def round_a(province_a, inspector_a):
    agencies = [make_agency(province_a, code="33-SNV", name="Sở Nội vụ")]
    return make_round(province_a, agencies, inspectors=[inspector_a], number=1)


@pytest.fixture
def inspection(round_a):
    return round_a.inspections.get()


def workbook(round_):
    return export_workbook(round_, list(round_.inspections.select_related("agency")))


def data_rows(data):
    return list(openpyxl.load_workbook(io.BytesIO(data))[DATA_SHEET].iter_rows(min_row=2))


def filled(data, **cells):
    """The workbook `data` with the first agency's row given these {column: value}."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[DATA_SHEET]
    header = [cell.value for cell in sheet[1]]
    for column, value in cells.items():
        sheet.cell(row=2, column=header.index(column) + 1).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_huge_cell(data, placeholder, size):
    """`data` with the cell holding `placeholder` made `size` characters long. Written into
    the XML directly: openpyxl itself would cut the text at 32,767 characters."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if placeholder.encode() in content:
                # Letters that do not repeat, so the zip-bomb check lets the file through
                # to the cell-length checks this module is about.
                noise = random.Random(size).choices(string.ascii_letters, k=size)
                content = content.replace(placeholder.encode(), "".join(noise).encode())
            target.writestr(item, content)
    return buffer.getvalue()


def autosave(client, inspection, answer, note, result="partial"):
    url = reverse("answer_save", args=[inspection.pk, answer.pk])
    return client.post(url, {"result": result, "note": note, "version": answer.version})


def notes_and_versions(round_):
    return sorted(
        Answer.objects.filter(inspection__round=round_).values_list("pk", "note", "version")
    )


# Autosave


def test_autosave_stores_a_word_line_break_as_a_newline_and_the_workbook_still_downloads(
    client, inspector_a, round_a, inspection
):
    answer = answer_of(inspection, "HS01")
    client.force_login(inspector_a)

    response = autosave(client, inspection, answer, "Hồ sơ\x0bchưa đủ\x00\x1b")

    assert response.status_code == 200
    assert response.json()["note"] == "Hồ sơ\nchưa đủ"
    assert Answer.objects.get(pk=answer.pk).note == "Hồ sơ\nchưa đủ"
    download = client.get(reverse("round_workbook", args=[round_a.pk]))
    assert download.status_code == 200
    header = columns_for(CODES)
    (row,) = data_rows(download.content)
    assert row[header.index("HS01_note")].value == "Hồ sơ\nchưa đủ"


def test_autosave_refuses_a_40000_character_note_with_a_clear_message(
    client, inspector_a, inspection
):
    answer = answer_of(inspection, "HS01")
    client.force_login(inspector_a)

    response = autosave(client, inspection, answer, "x" * 40_000)

    assert response.status_code == 400
    # The page speaks Vietnamese: "The note is 40000 characters long; at most 10000 ..."
    assert "Ghi chú dài 40000 ký tự; chỉ được tối đa 10000 ký tự." in response.json()["error"]
    stored = Answer.objects.get(pk=answer.pk)
    assert (stored.result, stored.note, stored.version) == ("", "", 0)


def test_autosave_accepts_a_note_of_exactly_the_limit(client, inspector_a, inspection):
    answer = answer_of(inspection, "HS01")
    client.force_login(inspector_a)
    assert autosave(client, inspection, answer, "x" * LONG_TEXT_MAX).status_code == 200


# The database's own guard


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Answer, "note", LONG_TEXT_MAX),
        (Inspection, "conclusion", LONG_TEXT_MAX),
        (Inspection, "return_reason", LONG_TEXT_MAX),
        (Criterion, "guidance", LONG_TEXT_MAX),
    ],
)
def test_the_database_refuses_text_over_the_limit_whatever_the_path(
    inspection, model, field, limit
):
    rows = model.objects.all()
    rows.update(**{field: "x" * limit})
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(**{field: "x" * (limit + 1)})


def test_a_finding_description_holds_a_whole_note_after_its_criterion(inspection):
    answer = answer_of(inspection, "HS01")
    criterion = answer.criterion
    description = f"{criterion.code}. {'t' * 500}: {'n' * LONG_TEXT_MAX}"
    Finding.objects.create(
        inspection=inspection, answer=answer, description=description, due_on="2026-07-01"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.update(description="x" * 20_000)


def test_full_clean_names_the_field_that_is_too_long(inspection):
    inspection.conclusion = "x" * (LONG_TEXT_MAX + 1)
    with pytest.raises(ValidationError) as error:
        inspection.full_clean()
    assert "conclusion" in error.value.message_dict


def test_criterion_codes_follow_the_code_pattern(inspection):
    criterion = answer_of(inspection, "HS01").criterion
    criterion.code = "=1+2"
    with pytest.raises(ValidationError) as error:
        criterion.full_clean()
    assert "code" in error.value.message_dict


# Workbook import


def test_workbook_import_refuses_a_40000_character_note_naming_row_and_column(round_a):
    before = notes_and_versions(round_a)
    data = filled(workbook(round_a), HS01="Không đạt", HS01_note="HUGE-NOTE")
    data = with_huge_cell(data, "HUGE-NOTE", 40_000)

    with pytest.raises(FileRefused) as refused:
        checklists_import(data=data, filename="filled.xlsx")

    # Past what a cell can hold, the reader refuses it before the field's own limit is seen.
    column = openpyxl.utils.get_column_letter(columns_for(CODES).index("HS01_note") + 1)
    (problem,) = refused.value.problems
    assert "row 2" in problem
    assert f"column {column}" in problem
    assert "40000" in problem
    assert notes_and_versions(round_a) == before


def test_workbook_import_refuses_a_note_one_character_over_the_limit_and_says_so(round_a):
    data = filled(workbook(round_a), HS01="Không đạt", HS01_note="x" * (LONG_TEXT_MAX + 1))

    with pytest.raises(FileRefused) as refused:
        checklists_import(data=data, filename="filled.xlsx")

    column = openpyxl.utils.get_column_letter(columns_for(CODES).index("HS01_note") + 1)
    assert refused.value.problems == [
        f"Sheet «{DATA_SHEET}», row 2, column {column} (HS01_note): The text is 10001 "
        "characters long; at most 10000 are allowed."
    ]


def test_workbook_import_refuses_a_5_mb_conclusion_and_writes_nothing(round_a, inspection):
    data = filled(workbook(round_a), conclusion="HUGE-CONCLUSION")
    data = with_huge_cell(data, "HUGE-CONCLUSION", 5 * 2**20)

    with pytest.raises(FileRefused) as refused:
        checklists_import(data=data, filename="filled.xlsx")

    column = openpyxl.utils.get_column_letter(columns_for(CODES).index("conclusion") + 1)
    (problem,) = refused.value.problems
    assert f"column {column}" in problem
    assert Inspection.objects.get(pk=inspection.pk).conclusion == ""


def test_workbook_import_stores_cells_cleaned(round_a, inspection):
    data = filled(workbook(round_a), HS01="Không đạt", HS01_note="a\rb", conclusion="c\r\nd")
    checklists_import(data=data, filename="filled.xlsx")
    assert answer_of(inspection, "HS01").note == "a\nb"
    assert Inspection.objects.get(pk=inspection.pk).conclusion == "c\nd"


def test_an_unchanged_workbook_reimports_as_unchanged_whatever_text_is_stored(
    round_a, inspection, tmp_path
):
    """Text stored before entry cleaning existed (control characters, formulas, CR LF)
    exports as a cleaned cell; importing that cell back is no change."""
    hostile = {
        "CB01": "Word\x0bline",
        "CB02": "=1+2",
        "TC01": "@SUM(A1)\x1b",
        "CS01": "  spaced \r\n",
        "MT01": "-" + "x" * (LONG_TEXT_MAX - 1),
    }
    for code, note in hostile.items():
        Answer.objects.filter(inspection=inspection, criterion__code=code).update(
            result=Answer.Result.PARTIAL, note=note
        )
    Inspection.objects.filter(pk=inspection.pk).update(conclusion="+Kết luận\x0c")
    before = notes_and_versions(round_a)
    path = tmp_path / "untouched.xlsx"
    path.write_bytes(workbook(round_a))

    out = io.StringIO()
    call_command("import_checklists", str(path), stdout=out)

    assert "0 new answers, 0 changed" in out.getvalue()
    assert notes_and_versions(round_a) == before
    assert Inspection.objects.get(pk=inspection.pk).conclusion == "+Kết luận\x0c"


# The workbook writer


def test_a_formula_code_stored_for_an_agency_is_written_as_text(round_a, inspection):
    """An agency code such as =1+2 (entered before codes were validated) is plain text."""
    Agency.objects.filter(pk=inspection.agency_id).update(code="=1+2", name="@cmd")
    Answer.objects.filter(inspection=inspection, criterion__code="CB01").update(note="=A1")

    (row,) = data_rows(workbook(round_a))

    header = columns_for(CODES)
    cells = {column: row[header.index(column)] for column in ["agency_code", "agency_name"]}
    cells["note"] = row[header.index("CB01_note")]
    assert {k: (c.value, c.data_type) for k, c in cells.items()} == {
        "agency_code": ("'=1+2", "s"),
        "agency_name": ("'@cmd", "s"),
        "note": ("'=A1", "s"),
    }


# Forms


def submitted(inspection, inspector):
    answer_all(inspection, inspector)
    inspection_submit(inspection=inspection, user=inspector)
    inspection.refresh_from_db()


def test_a_return_reason_over_the_limit_is_refused_by_the_form(
    client, staff_a, inspector_a, inspection
):
    submitted(inspection, inspector_a)
    client.force_login(staff_a)

    response = client.post(
        reverse("inspection_return", args=[inspection.pk]),
        {"reason": "x" * (LONG_TEXT_MAX + 1), "version": inspection.version},
        follow=True,
    )

    (message,) = [str(m) for m in response.context["messages"]]
    assert "10000" in message
    assert "10001" in message
    stored = Inspection.objects.get(pk=inspection.pk)
    assert (stored.status, stored.return_reason) == ("submitted", "")


def test_a_return_reason_is_stored_cleaned(client, staff_a, inspector_a, inspection):
    submitted(inspection, inspector_a)
    client.force_login(staff_a)

    client.post(
        reverse("inspection_return", args=[inspection.pk]),
        {"reason": "Thiếu\x0bminh chứng\x07", "version": inspection.version},
    )

    stored = Inspection.objects.get(pk=inspection.pk)
    assert (stored.status, stored.return_reason) == ("returned", "Thiếu\nminh chứng")
