"""Hostile and tampered checklist workbooks, through `import_checklists` and the round page.

Every file is refused with one line naming the limit or the fault, and nothing is written.
The data sheet is read no further than the round can need (its agencies and columns plus
a margin), which is what bounds the time. What the file says about itself (round, export
time) is believed only through the server's signature.
"""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from agencies.tests.factories import make_agency
from compliance.spreadsheets import FileRefused, Limits
from compliance.tests.hostile import data_sheet_attacks, dimension_bomb, replace_part
from inspections.models import Answer
from inspections.services import answer_save, checklists_import
from inspections.tests.factories import CODES, make_round
from inspections.workbooks import (
    DATA_SHEET,
    META_SHEET,
    data_limits,
    export_workbook,
    read_workbook,
    sign_claims,
)

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def round_a(province_a, inspector_a):
    agencies = [
        make_agency(province_a, code="33-SNV", name="Sở Nội vụ"),
        make_agency(province_a, code="33-SYT", name="Sở Y tế"),
    ]
    return make_round(province_a, agencies, inspectors=[inspector_a], number=1)


def exported(round_):
    return export_workbook(round_, list(round_.inspections.select_related("agency")))


def edited(data, change):
    """`data` after `change(book)`, saved as a person saving in a spreadsheet program would."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filled(data, agency_code="33-SNV", **cells):
    """Fill one agency's row: `cells` maps column names to values."""

    def change(book):
        sheet = book[DATA_SHEET]
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == agency_code:
                for column, value in cells.items():
                    row[header.index(column)].value = value

    return edited(data, change)


def set_meta(data, key, value):
    def change(book):
        for row in book[META_SHEET].iter_rows():
            if row[0].value == key:
                row[1].value = value

    return edited(data, change)


def refused_by_command(tmp_path, data, name="x.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    err = io.StringIO()
    with pytest.raises(CommandError, match=rf"^{name}: 1 problem\(s\); nothing was imported\.$"):
        call_command("import_checklists", str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 1
    return lines[0]


def nothing_written():
    return not Answer.objects.exclude(result="", note="").exists()


def attacks(round_):
    limits = data_limits(round_.pk)
    return [
        (ident, data, says.format(rows=limits.rows, columns=limits.columns))
        for ident, data, says in data_sheet_attacks(exported(round_))
    ]


def test_the_data_sheet_limits_fit_the_round(round_a):
    # 2 agencies and 12 criteria: a header, 2 rows and 2 × 12 + 3 columns, with margins.
    assert len(CODES) == 12
    assert data_limits(round_a.pk) == Limits(rows=1 + 2 + 100, columns=27 + 10)


def test_import_checklists_refuses_each_hostile_workbook_in_one_line(round_a, tmp_path):
    for ident, data, says in attacks(round_a):
        line = refused_by_command(tmp_path, data, name=f"{ident}.xlsx")
        assert line.startswith(f"{ident}.xlsx{says}"), ident
    assert nothing_written()


def test_the_round_page_shows_each_hostile_workbook_refused(client, round_a, staff_a):
    client.force_login(staff_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("round_import", args=[round_a.pk])
    for ident, data, says in attacks(round_a):
        upload = io.BytesIO(data)
        upload.name = f"{ident}.xlsx"
        response = client.post(url, {"file": upload})
        assert response.status_code == 200, ident
        problems = response.context["problems"]
        assert len(problems) == 1, ident
        assert problems[0].startswith(f"{ident}.xlsx{says}"), ident
        assert "token" not in response.context, ident
    assert not client.session.get("workbook_imports")
    assert nothing_written()


def test_a_meta_sheet_past_its_limit_is_refused(round_a, tmp_path):
    data = replace_part(exported(round_a), "xl/worksheets/sheet3.xml", dimension_bomb("format"))
    line = refused_by_command(tmp_path, data)
    assert line == (
        "x.xlsx, sheet «meta» has more than 50 rows (the header included); "
        "delete the rows below your data or split the file."
    )


def test_a_workbook_without_a_signature_is_refused_asking_for_a_fresh_one(round_a, tmp_path):
    data = set_meta(filled(exported(round_a), CB01="Đạt"), "signature", None)
    line = refused_by_command(tmp_path, data)
    assert line == (
        "x.xlsx is not signed: it was exported by an older version or its sheet «meta» was "
        "changed. Download a fresh workbook from the round page."
    )
    assert nothing_written()


def test_a_workbook_signed_with_another_key_is_refused(round_a, tmp_path, settings):
    settings.SECRET_KEY = "another deployment's key, long enough to be a real one"
    data = filled(exported(round_a), CB01="Đạt")
    settings.SECRET_KEY = "this deployment's key, long enough to be a real one too"
    line = refused_by_command(tmp_path, data)
    assert line.startswith("x.xlsx: the signature in the sheet «meta» does not match")
    assert nothing_written()


def test_a_signature_moved_from_another_purpose_is_refused(round_a, tmp_path):
    from django.core import signing

    forged = signing.dumps({"round_id": round_a.pk, "exported_at": "2099-01-01T00:00:00+00:00"})
    data = set_meta(filled(exported(round_a), CB01="Đạt"), "signature", forged)
    assert "does not match" in refused_by_command(tmp_path, data)
    assert nothing_written()


def test_the_plain_export_time_is_not_believed(round_a, inspector_a, tmp_path):
    """Setting exported_at to 2099 (or deleting it) once let the import overwrite answers."""
    workbook = exported(round_a)
    answer = round_a.inspections.get(agency__code="33-SNV").answers.get(criterion__code="CB01")
    answer_save(answer=answer, user=inspector_a, result="nonconforming", note="Online",
                base_version=0)  # fmt: skip
    for value in ["2099-01-01T00:00:00+07:00", "2099-01-01T00:00:00", None]:
        data = set_meta(filled(workbook, CB01="Đạt"), "exported_at", value)
        line = refused_by_command(tmp_path, data)
        assert "row 2, column C (CB01): inspector-a saved this criterion on" in line
    answer.refresh_from_db()
    assert (answer.result, answer.note) == ("nonconforming", "Online")


def test_the_plain_round_id_is_not_believed(client, round_a, province_a, staff_a):
    other = make_round(province_a, [make_agency(province_a, code="33-STP")], number=2)
    data = set_meta(filled(exported(round_a), CB01="Đạt"), "round_id", other.pk)
    report = checklists_import(data=data, filename="x.xlsx", round_=round_a, dry_run=True)
    assert report.round == round_a
    assert report.new_answers == 1


def test_a_signed_export_time_in_the_future_is_refused(round_a, tmp_path):
    """Only a leaked key or a wrong clock could sign it; it must not widen what is overwritten."""
    later = timezone.now() + datetime.timedelta(days=1)
    data = set_meta(filled(exported(round_a), CB01="Đạt"), "signature",
                    sign_claims(round_a.pk, later))  # fmt: skip
    line = refused_by_command(tmp_path, data)
    assert line.startswith("x.xlsx: the export time in the sheet «meta» is in the future")
    assert nothing_written()


def test_a_note_edited_where_the_result_column_was_deleted_is_refused_not_a_crash(
    round_a, inspector_a, tmp_path
):
    """An answer saved after the export, whose result column is gone: the note is named."""
    workbook = exported(round_a)
    answer = round_a.inspections.get(agency__code="33-SNV").answers.get(criterion__code="CB01")
    answer_save(answer=answer, user=inspector_a, result="partial", note="Online",
                base_version=0)  # fmt: skip

    def drop_result_column(book):
        book[DATA_SHEET].delete_cols(3)  # CB01

    data = edited(filled(workbook, CB01_note="Offline"), drop_result_column)
    line = refused_by_command(tmp_path, data)
    assert line.startswith(
        "Sheet «Phiếu kiểm tra», row 2, column N (CB01_note): inspector-a saved this criterion"
    )
    answer.refresh_from_db()
    assert (answer.result, answer.note) == ("partial", "Online")


def test_a_problem_about_a_column_not_in_the_file_names_it_without_a_letter(round_a):
    parsed = read_workbook(exported(round_a), "x.xlsx")
    message = parsed.problem(parsed.rows[0], "CB01_x", "gone.")
    assert message == "Sheet «Phiếu kiểm tra», row 2, column CB01_x (not in the file): gone."


def test_a_fresh_workbook_still_imports(round_a, tmp_path):
    with pytest.raises(FileRefused):  # the control: an unsigned one is refused...
        checklists_import(data=set_meta(exported(round_a), "signature", ""), filename="x.xlsx")
    report = checklists_import(data=filled(exported(round_a), CB01="Đạt"), filename="x.xlsx")
    assert report.new_answers == 1  # ...and the same file signed is read
