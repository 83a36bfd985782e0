"""Checklist workbooks: export, fill with openpyxl, import; commands and the round page."""

import datetime
import io
import uuid

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from agencies.tests.factories import make_agency, make_user
from compliance.spreadsheets import FileRefused
from inspections import housekeeping
from inspections.models import Answer, Inspection, Round, SaveKey
from inspections.services import checklists_import, inspection_return
from inspections.tests.factories import CODES, make_round
from inspections.workbooks import DATA_SHEET, export_workbook

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def round_a(province_a, inspector_a):
    agencies = [
        make_agency(province_a, code="33-SNV", name="Sở Nội vụ"),
        make_agency(province_a, code="33-STC", name="=Sở Tài chính"),  # formula-like name
        make_agency(province_a, code="33-SYT", name="Sở Y tế"),
    ]
    return make_round(province_a, agencies, inspectors=[inspector_a], number=1)


def workbook_bytes(round_, inspections=None):
    inspections = inspections or list(round_.inspections.select_related("agency"))
    return export_workbook(round_, inspections)


def fill(data, rows):
    """rows: {agency_code: {column: value}} written into the data sheet."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[DATA_SHEET]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        values = rows.get(row[0].value, {})
        for column, value in values.items():
            row[header.index(column)].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write(tmp_path, data, name="filled.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def all_conforming(notes=None):
    values = {code: "Đạt" for code in CODES}
    values.update(notes or {})
    return values


def answers_of(round_, agency_code):
    inspection = round_.inspections.get(agency__code=agency_code)
    return {
        a.criterion.code: (a.result, a.note) for a in inspection.answers.select_related("criterion")
    }


def test_exported_workbook_has_the_contracted_columns_validation_and_locked_codes(round_a):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(round_a)))
    assert book.sheetnames[0] == DATA_SHEET
    assert book["meta"].sheet_state == "hidden"
    sheet = book[DATA_SHEET]
    header = [c.value for c in sheet[1]]
    assert header == ["agency_code", "agency_name", *CODES, *(f"{c}_note" for c in CODES),
                      "conclusion"]  # fmt: skip
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == ["33-SNV", "33-STC", "33-SYT"]
    # User text never starts a formula.
    assert sheet["B3"].value == "'=Sở Tài chính"
    # Vietnamese titles as comments on the criterion headers.
    assert "Đã công bố HTQLCL" in sheet["C1"].comment.text
    [validation] = sheet.data_validations.dataValidation
    assert validation.formula1 == '"Đạt,Đạt một phần,Không đạt,Không áp dụng"'
    assert str(validation.sqref) == "C2:N4"
    assert sheet.protection.sheet is True
    assert sheet["A2"].protection.locked is True
    assert sheet["C2"].protection.locked is False
    assert sheet["AA4"].protection.locked is False
    assert "Hướng dẫn" in book.sheetnames


def test_answers_already_given_are_filled_in(round_a, inspector_a):
    from inspections.services import answer_save

    answer = round_a.inspections.get(agency__code="33-SNV").answers.get(criterion__code="HS01")
    answer_save(answer=answer, user=inspector_a, result="partial", note="Thiếu mục lục",
                base_version=0)  # fmt: skip
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(round_a)))[DATA_SHEET]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("HS01") + 1).value == "Đạt một phần"
    assert sheet.cell(row=2, column=header.index("HS01_note") + 1).value == "Thiếu mục lục"


def test_round_trip_through_the_commands_saves_every_answer_and_history(round_a, staff_a, tmp_path):
    exported = tmp_path / "export.xlsx"
    call_command("export_checklists", str(round_a.pk), str(exported), stdout=io.StringIO())
    filled = fill(
        exported.read_bytes(),
        {
            "33-SNV": all_conforming({"HS01": "  không đạt ", "HS01_note": "Hồ sơ lộn xộn",
                                      "CB02": "not_applicable", "conclusion": "Cơ bản đạt"}),
            "33-STC": all_conforming({"CS01": "PARTIAL", "CS01_note": "Chưa niêm yết"}),
        },
    )  # fmt: skip
    out = io.StringIO()
    call_command("import_checklists", write(tmp_path, filled), "--user", "staff-a", stdout=out)

    snv = answers_of(round_a, "33-SNV")
    assert snv["HS01"] == ("nonconforming", "Hồ sơ lộn xộn")
    assert snv["CB02"] == ("not_applicable", "")
    assert snv["KP01"] == ("conforming", "")
    assert answers_of(round_a, "33-STC")["CS01"] == ("partial", "Chưa niêm yết")
    assert set(answers_of(round_a, "33-SYT").values()) == {("", "")}
    assert round_a.inspections.get(agency__code="33-SNV").conclusion == "Cơ bản đạt"
    assert "24 new answers, 0 changed" in out.getvalue()
    record = Answer.history.filter(
        inspection_id=round_a.inspections.get(agency__code="33-SNV").pk, criterion__code="HS01"
    ).get()
    assert record.history_user == staff_a
    assert "filled.xlsx" in record.history_change_reason


def test_importing_the_same_workbook_twice_changes_nothing(round_a, tmp_path):
    filled = fill(workbook_bytes(round_a), {"33-SNV": all_conforming()})
    path = write(tmp_path, filled)
    call_command("import_checklists", path, stdout=io.StringIO())
    history = Answer.history.count()
    versions = list(Answer.objects.order_by("pk").values_list("version", flat=True))
    out = io.StringIO()
    call_command("import_checklists", path, stdout=out)
    assert "0 new answers, 0 changed, 12 unchanged" in out.getvalue()
    assert Answer.history.count() == history
    assert list(Answer.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_submit_sends_complete_inspections_only(round_a, tmp_path):
    filled = fill(
        workbook_bytes(round_a),
        {"33-SNV": all_conforming(), "33-STC": {"CB01": "Đạt"}},
    )
    out = io.StringIO()
    call_command("import_checklists", write(tmp_path, filled), "--submit", stdout=out)
    snv = round_a.inspections.get(agency__code="33-SNV")
    stc = round_a.inspections.get(agency__code="33-STC")
    assert (snv.status, snv.score, snv.rating) == ("submitted", 100, "good")
    assert stc.status == "draft"
    assert "not submitted, =Sở Tài chính: not answered CB02" in out.getvalue()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ({"33-SNV": {"HS01": "Tốt"}},
         "Sheet «Phiếu kiểm tra», row 2, column J (HS01): 'Tốt' is not one of"),
        ({"33-SNV": {"agency_code": "33-XXX"}},
         "Sheet «Phiếu kiểm tra», row 2, column A (agency_code): agency '33-XXX' is not in"),
    ],
)  # fmt: skip
def test_bad_cells_are_refused_naming_sheet_row_and_column_and_nothing_is_written(
    round_a, tmp_path, rows, expected
):
    rows = {code: {**all_conforming(), **values} for code, values in rows.items()}
    rows["33-SYT"] = all_conforming()  # a good row that must not be written either
    filled = fill(workbook_bytes(round_a), rows)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_checklists", write(tmp_path, filled), stderr=err)
    assert expected in err.getvalue()
    assert not Answer.objects.exclude(result="").exists()


def test_partial_without_note_is_refused_only_when_submitting(round_a, tmp_path):
    filled = fill(workbook_bytes(round_a), {"33-SNV": all_conforming({"RR01": "Đạt một phần"})})
    path = write(tmp_path, filled)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_checklists", path, "--submit", stderr=err)
    assert "row 2, column AA (RR01_note)" not in err.getvalue()
    assert "(RR01_note): RR01 is Đạt một phần: a note is needed to submit." in err.getvalue()
    assert not Answer.objects.exclude(result="").exists()
    call_command("import_checklists", path, stdout=io.StringIO())
    assert answers_of(round_a, "33-SNV")["RR01"] == ("partial", "")


def test_a_column_that_is_not_a_criterion_of_the_checklist_is_refused(round_a, tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(round_a)))
    book[DATA_SHEET].cell(row=1, column=28).value = "ZZ99"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(FileRefused) as refused:
        checklists_import(data=buffer.getvalue(), filename="x.xlsx")
    assert refused.value.problems == [
        "Sheet «Phiếu kiểm tra», row 1, column AB (ZZ99): ZZ99 is not a criterion of this "
        "round's checklist."
    ]


def test_a_workbook_of_another_round_is_refused_on_the_round_page(
    client, round_a, province_a, staff_a
):
    other = make_round(province_a, [Agency.objects.get(code="33-SNV")], number=2)
    filled = fill(workbook_bytes(other), {"33-SNV": all_conforming()})
    client.force_login(staff_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload = io.BytesIO(filled)
    upload.name = "other.xlsx"
    response = client.post(reverse("round_import", args=[round_a.pk]), {"file": upload})
    assert "is the workbook of another round" in response.content.decode()
    assert not Answer.objects.exclude(result="").exists()


@pytest.mark.parametrize("data", [b"", b"not a workbook at all", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_workbook_is_refused(data):
    with pytest.raises(FileRefused) as refused:
        checklists_import(data=data, filename="bad.xlsx")
    assert "bad.xlsx" in refused.value.problems[0]


def test_a_workbook_without_the_meta_sheet_is_refused(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = DATA_SHEET
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(FileRefused) as refused:
        checklists_import(data=buffer.getvalue(), filename="plain.xlsx")
    assert "not a checklist workbook exported by this system" in refused.value.problems[0]


def test_approved_inspections_are_never_changed_and_the_report_says_why(round_a, tmp_path):
    Inspection.objects.filter(agency__code="33-SNV").update(status=Inspection.Status.APPROVED)
    filled = fill(workbook_bytes(round_a), {"33-SNV": all_conforming(), "33-SYT": all_conforming()})
    out = io.StringIO()
    call_command("import_checklists", write(tmp_path, filled), stdout=out)
    assert set(answers_of(round_a, "33-SNV").values()) == {("", "")}
    assert answers_of(round_a, "33-SYT")["CB01"] == ("conforming", "")
    assert "Row 2, Sở Nội vụ: not changed, the inspection is approved." in out.getvalue()


def test_inspector_export_holds_only_its_agencies(round_a, province_a, tmp_path):
    other = make_user("inspector", province_a, username="other-inspector")
    round_a.inspections.get(agency__code="33-SYT").inspectors.set([other])
    path = tmp_path / "mine.xlsx"
    call_command("export_checklists", str(round_a.pk), str(path), "--inspector",
                 "other-inspector", stdout=io.StringIO())  # fmt: skip
    sheet = openpyxl.load_workbook(path)[DATA_SHEET]
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == ["33-SYT"]


def test_an_inspector_cannot_import_rows_of_agencies_not_assigned_to_it(
    round_a, province_a, tmp_path
):
    make_user("inspector", province_a, username="other-inspector")
    filled = fill(workbook_bytes(round_a), {"33-SNV": all_conforming()})
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_checklists", write(tmp_path, filled), "--user", "other-inspector",
                     stderr=err)  # fmt: skip
    assert "does not exist or is not yours" in err.getvalue()


def test_round_page_preview_then_confirm(client, round_a, staff_a):
    filled = fill(workbook_bytes(round_a), {"33-SNV": all_conforming(), "33-STC": {"KS01": "Đạt"}})
    client.force_login(staff_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload = io.BytesIO(filled)
    upload.name = "filled.xlsx"
    url = reverse("round_import", args=[round_a.pk])
    preview = client.post(url, {"file": upload, "submit": "on"})
    report = preview.context["report"]
    assert (report.new_answers, report.changed_answers) == (13, 0)
    assert [i.agency.code for i in report.to_submit] == ["33-SNV"]
    assert not Answer.objects.exclude(result="").exists()  # a preview writes nothing

    confirm = reverse("round_import_confirm", args=[round_a.pk])
    done = client.post(confirm, {"token": preview.context["token"]})
    assert done.status_code == 302
    assert Answer.objects.exclude(result="").count() == 13
    assert round_a.inspections.get(agency__code="33-SNV").status == "submitted"
    # The same confirmation cannot be replayed.
    again = client.post(confirm, {"token": preview.context["token"]}, follow=True)
    assert "This preview has expired" in again.content.decode()


def test_round_workbook_download_is_scoped(client, round_a, staff_b, inspector_a, viewer):
    url = reverse("round_workbook", args=[round_a.pk])
    client.force_login(staff_b)
    assert client.get(url).status_code == 404
    client.force_login(viewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(inspector_a)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url).content))[DATA_SHEET]
    assert sheet.max_row == 4


def test_round_import_page_is_not_for_viewers_or_other_provinces(client, round_a, viewer, staff_b):
    url = reverse("round_import", args=[round_a.pk])
    for user in (viewer, staff_b):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_create_round_by_codes_prints_the_id_last(province_a):
    make_agency(province_a, code="33-SNV")
    make_agency(province_a, code="33-STC")
    out = io.StringIO()
    call_command("create_round", "--province", "33", "--year", "2026", "--number", "4",
                 "--decision-number", "79/QĐ-SKHCN", "--decision-date", "2022-04-22",
                 "--agencies", "33-SNV,33-STC", stdout=out)  # fmt: skip
    round_ = Round.objects.get(pk=int(out.getvalue().strip().splitlines()[-1]))
    assert (round_.year, round_.number, round_.decision_number) == (2026, 4, "79/QĐ-SKHCN")
    assert sorted(round_.inspections.values_list("agency__code", flat=True)) == ["33-SNV", "33-STC"]
    assert Answer.objects.filter(inspection__round=round_).count() == 24


def test_create_round_from_a_file_and_for_all_agencies(province_a, tmp_path):
    for code in ("33-A", "33-B", "33-C"):
        make_agency(province_a, code=code)
    make_agency(province_a, code="33-OLD", active=False)
    codes = tmp_path / "codes.txt"
    codes.write_text("33-A\n33-C\n", encoding="utf-8")
    out = io.StringIO()
    call_command("create_round", "--province", "33", "--year", "2026", "--number", "1",
                 "--agencies-file", str(codes), stdout=out)  # fmt: skip
    first = Round.objects.get(pk=int(out.getvalue().split()[-1]))
    assert first.inspections.count() == 2
    call_command("create_round", "--province", "33", "--year", "2026", "--number", "2",
                 "--all-agencies", stdout=out)  # fmt: skip
    second = Round.objects.get(pk=int(out.getvalue().split()[-1]))
    assert sorted(second.inspections.values_list("agency__code", flat=True)) == [
        "33-A", "33-B", "33-C"]  # fmt: skip


@pytest.mark.parametrize(
    ("agencies", "message"),
    [
        ("33-SNV,33-NOPE", "33-NOPE: no agency has this code"),
        ("33-SNV,01-SNV", "01-SNV: Sở Nội vụ Hà Nội belongs to province 01, not 33"),
    ],
)
def test_create_round_refuses_bad_codes_and_creates_nothing(
    province_a, province_b, agencies, message
):
    make_agency(province_a, code="33-SNV")
    make_agency(province_b, code="01-SNV", name="Sở Nội vụ Hà Nội")
    err = io.StringIO()
    with pytest.raises(CommandError, match="no round created"):
        call_command("create_round", "--province", "33", "--year", "2026", "--number", "1",
                     "--agencies", agencies, stderr=err)  # fmt: skip
    assert message in err.getvalue()
    assert not Round.objects.exists()


def test_create_round_refuses_a_number_already_used_that_year(province_a):
    agency = make_agency(province_a, code="33-SNV")
    make_round(province_a, [agency], number=3, year=2026)
    with pytest.raises(CommandError, match="round 3 of 2026 already exists"):
        call_command("create_round", "--province", "33", "--year", "2026", "--number", "3",
                     "--all-agencies")  # fmt: skip
    assert Round.objects.count() == 1


def test_export_and_import_cost_a_fixed_number_of_queries(
    province_a, django_assert_max_num_queries, tmp_path
):
    agencies = [make_agency(province_a, code=f"33-Q{n:03d}") for n in range(40)]
    round_ = make_round(province_a, agencies, number=9)
    inspections = list(round_.inspections.select_related("agency"))
    with django_assert_max_num_queries(3):
        data = export_workbook(round_, inspections)
    filled = fill(data, {a.code: all_conforming() for a in agencies})
    # Batched writes (SQLite allows 999 parameters a statement); per-row saves would be 80+.
    with django_assert_max_num_queries(20):
        report = checklists_import(data=filled, filename="q.xlsx", submit=True)
    assert len(report.to_submit) == 40
    assert Inspection.objects.filter(status="submitted").count() == 40
    assert Inspection.history.filter(status="submitted").count() == 40


def test_uploads_kept_for_an_unconfirmed_preview_are_deleted_after_a_day_by_the_hourly_task(
    client, round_a, staff_a, settings, tmp_path
):
    import os
    import time

    from inspections.tasks import inspections_housekeeping

    settings.MEDIA_ROOT = tmp_path
    stale = tmp_path / "imports" / "old.xlsx"
    stale.parent.mkdir()
    stale.write_bytes(b"left over")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stale, (two_days_ago, two_days_ago))
    fresh = tmp_path / "imports" / "recent.xlsx"
    fresh.write_bytes(b"still previewed")
    client.force_login(staff_a)
    upload = io.BytesIO(fill(workbook_bytes(round_a), {"33-SNV": all_conforming()}))
    upload.name = "filled.xlsx"
    client.post(reverse("round_import", args=[round_a.pk]), {"file": upload})
    assert (tmp_path / "imports" / "old.xlsx").exists()  # requests no longer clean up

    inspections_housekeeping.call_local()

    names = sorted(p.name for p in (tmp_path / "imports").iterdir())
    assert "old.xlsx" not in names
    assert "recent.xlsx" in names
    assert len(names) == 2  # the new preview's file and the recent one


def test_an_answer_saved_online_after_the_export_is_not_overwritten(round_a, inspector_a, tmp_path):
    from inspections.services import answer_save

    exported = workbook_bytes(round_a)
    answer = round_a.inspections.get(agency__code="33-SNV").answers.get(criterion__code="CB01")
    answer_save(answer=answer, user=inspector_a, result="nonconforming",
                note="Chưa công bố", base_version=0)  # fmt: skip
    filled = fill(exported, {"33-SNV": all_conforming(), "33-SYT": all_conforming()})
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_checklists", write(tmp_path, filled), stderr=err)
    assert "row 2, column C (CB01): inspector-a saved this criterion on" in err.getvalue()
    assert "after the workbook was exported (now: Nonconforming)" in err.getvalue()
    assert answers_of(round_a, "33-SNV")["CB01"] == ("nonconforming", "Chưa công bố")
    assert answers_of(round_a, "33-SYT")["CB01"] == ("", "")


def test_reimporting_an_untouched_workbook_changes_nothing_even_for_untidy_notes(
    round_a, inspector_a, tmp_path
):
    from inspections.services import answer_save

    answer = round_a.inspections.get(agency__code="33-SNV").answers.get(criterion__code="HS01")
    answer_save(answer=answer, user=inspector_a, result="partial", note="  ghi chú\n",
                base_version=0)  # fmt: skip
    out = io.StringIO()
    call_command("import_checklists", write(tmp_path, workbook_bytes(round_a)), stdout=out)
    assert "0 new answers, 0 changed" in out.getvalue()
    assert Answer.objects.get(pk=answer.pk).version == 1


def test_a_criterion_column_given_twice_is_refused(round_a):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(round_a)))
    book[DATA_SHEET].cell(row=1, column=28).value = "CB01"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(FileRefused) as refused:
        checklists_import(data=buffer.getvalue(), filename="x.xlsx")
    assert refused.value.problems == [
        "Sheet «Phiếu kiểm tra», row 1: the column CB01 appears more than once."
    ]


def test_confirming_an_import_is_post_only_and_404_for_users_who_cannot_import(
    client, round_a, staff_a, staff_b, viewer
):
    client.force_login(staff_a)
    upload = io.BytesIO(fill(workbook_bytes(round_a), {"33-SNV": all_conforming()}))
    upload.name = "filled.xlsx"
    preview = client.post(reverse("round_import", args=[round_a.pk]), {"file": upload})
    token = preview.context["token"]
    confirm = reverse("round_import_confirm", args=[round_a.pk])
    assert client.get(confirm, {"token": token}).status_code == 405
    for user in (staff_b, viewer):
        client.force_login(user)
        assert client.post(confirm, {"token": token}).status_code == 404
    assert not Answer.objects.exclude(result="").exists()


def test_import_checklists_refuses_an_oversized_file_in_words_before_reading_it(
    round_a, tmp_path, settings
):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    path = tmp_path / "big.xlsx"
    path.write_bytes(workbook_bytes(round_a))
    with path.open("r+b") as sparse:
        sparse.truncate(3 * 1024 * 1024)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_checklists", str(path), stderr=err)
    assert "big.xlsx is 3.0 MB; the limit is 1 MB." in err.getvalue()


def test_autosave_keys_older_than_the_window_are_deleted_with_stale_uploads(
    client, round_a, staff_a, settings, tmp_path
):
    from inspections.tasks import inspections_housekeeping

    settings.MEDIA_ROOT = tmp_path
    settings.SAVE_KEY_DAYS = 30
    answer = round_a.inspections.get(agency__code="33-SNV").answers.get(criterion__code="CB01")
    now = timezone.now()
    ages = {"old": 31, "within": 29, "today": 0}
    keys = {name: SaveKey.objects.create(key=uuid.uuid4(), answer=answer, version=1)
            for name in ages}  # fmt: skip
    for name, days in ages.items():
        created = now - datetime.timedelta(days=days)
        SaveKey.objects.filter(pk=keys[name].pk).update(created_at=created)
    inspections_housekeeping.call_local()
    assert set(SaveKey.objects.values_list("pk", flat=True)) == {
        keys["within"].pk, keys["today"].pk}  # fmt: skip
    settings.SAVE_KEY_DAYS = 7
    housekeeping.delete_stale()
    assert list(SaveKey.objects.values_list("pk", flat=True)) == [keys["today"].pk]


def test_a_status_change_writes_only_the_fields_it_changes(round_a, staff_a):
    report = checklists_import(
        data=fill(workbook_bytes(round_a), {"33-SNV": all_conforming()}),
        filename="filled.xlsx",
        submit=True,
    )
    [inspection] = report.to_submit
    with CaptureQueriesContext(connection) as queries:
        inspection_return(inspection=inspection, user=staff_a, reason="Thiếu hồ sơ", version=2)
    table = Inspection._meta.db_table
    [update] = [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"')]
    assert "conclusion" not in update
    assert "score" not in update
    for column in ("status", "version", "return_reason", "reviewed_at", "reviewed_by_id"):
        assert f'"{column}"' in update


def test_create_round_refuses_a_merged_agency_naming_its_successor(province_a):
    ward = make_agency(province_a, code="00009", name="UBND phường W")
    make_agency(province_a, code="00001", name="UBND xã X", dissolved_on=datetime.date(2025, 7, 1),
                successor=ward)  # fmt: skip
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 agency code"):
        call_command("create_round", "--province", "33", "--year", "2026", "--number", "1",
                     "--agencies", "00001,00009", stderr=err)  # fmt: skip

    assert (
        "00001: UBND xã X was dissolved on 2025-07-01, merged into 00009 UBND phường W; "
        "a new round cannot include it" in err.getvalue()
    )
    assert not Round.objects.exists()
    out = io.StringIO()
    call_command("create_round", "--province", "33", "--year", "2026", "--number", "1",
                 "--all-agencies", stdout=out)  # fmt: skip
    round_ = Round.objects.get(pk=int(out.getvalue().split()[-1]))
    assert list(round_.inspections.values_list("agency__code", flat=True)) == ["00009"]
