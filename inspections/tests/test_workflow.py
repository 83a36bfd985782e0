"""The inspection workflow in services.py: plan, fill, submit, review, follow up findings."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from agencies.models import Role
from agencies.tests.factories import make_agency, make_user
from inspections import services
from inspections.checklist import inspection_for
from inspections.history import inspection_history
from inspections.models import Answer, Checklist, Criterion, Finding, Inspection
from inspections.tests.factories import CODES, PDF_BYTES, answer_all, answer_of, make_round

TODAY = datetime.date(2026, 3, 2)


def save(inspection, user, code, result, note="", key=None):
    answer = answer_of(inspection, code)
    return services.answer_save(
        answer=answer, user=user, result=result, note=note, base_version=answer.version, key=key
    )


def fresh(obj):
    obj.refresh_from_db()
    return obj


def submitted(inspection, user, shortfalls=()):
    """Answer everything conforming except `shortfalls` (code, result, note), then submit."""
    answer_all(inspection, user)
    for code, result, note in shortfalls:
        save(inspection, user, code, result, note)
    return services.inspection_submit(inspection=fresh(inspection), user=user)


# Planning a round


def test_round_create_makes_a_draft_inspection_with_twelve_blank_answers_per_agency(
    province_a, staff_a, inspector_a
):
    second_inspector = make_user(Role.INSPECTOR, province_a)
    agencies = [make_agency(province_a) for _ in range(3)]
    round_ = services.round_create(
        user=staff_a,
        province=province_a,
        agencies=agencies,
        inspectors=[inspector_a, second_inspector],
        year=2026,
        number=1,
        checklist=Checklist.objects.get(code="QD19-2015"),
    )

    assert round_.created_by == staff_a
    assert set(round_.team.all()) == {inspector_a, second_inspector}
    inspections = list(round_.inspections.all())
    assert {i.agency for i in inspections} == set(agencies)
    for inspection in inspections:
        assert inspection.status == Inspection.Status.DRAFT
        assert set(inspection.inspectors.all()) == {inspector_a, second_inspector}
        answers = list(inspection.answers.select_related("criterion"))
        assert [a.criterion.code for a in answers] == CODES
        assert {(a.result, a.note, a.version) for a in answers} == {("", "", 0)}


def test_round_create_without_team_leaves_inspections_unassigned(province_a):
    round_ = make_round(province_a, [make_agency(province_a)])
    assert round_.team.count() == 0
    assert round_.inspections.get().inspectors.count() == 0


# Saving answers


def test_answer_save_stores_the_result_and_bumps_the_version(inspection, inspector_a):
    answer, changed = save(inspection, inspector_a, "CB01", "partial", "Chưa niêm yết")

    assert changed is True
    stored = Answer.objects.get(pk=answer.pk)
    assert (stored.result, stored.note, stored.version) == ("partial", "Chưa niêm yết", 1)
    assert stored.answered_by == inspector_a
    assert stored.answered_at is not None


def test_answer_save_writes_a_history_record_naming_the_user(inspection, inspector_a):
    answer, _changed = save(inspection, inspector_a, "CB01", "conforming")

    records = list(answer.history.all())
    assert len(records) == 1
    assert records[0].history_user == inspector_a
    assert records[0].result == "conforming"


def test_answer_save_with_the_same_values_changes_nothing(inspection, inspector_a):
    save(inspection, inspector_a, "CB01", "conforming", "ok")
    answer, changed = save(inspection, inspector_a, "CB01", "conforming", "ok")

    assert changed is False
    assert answer.version == 1
    assert answer.history.count() == 1


def test_replayed_save_with_the_same_key_is_applied_once(inspection, inspector_a):
    answer = answer_of(inspection, "CB01")
    key = uuid.uuid4()
    request = {"result": "conforming", "note": "", "base_version": 0, "key": key}

    first, first_changed = services.answer_save(answer=answer, user=inspector_a, **request)
    replay, replay_changed = services.answer_save(answer=answer, user=inspector_a, **request)

    assert (first_changed, replay_changed) == (True, False)
    assert replay.version == first.version == 1
    assert replay.result == "conforming"
    assert Answer.objects.get(pk=answer.pk).version == 1
    assert Answer.history.filter(id=answer.pk).count() == 1


def test_replay_after_a_later_save_is_a_conflict_showing_it_and_undoes_nothing(
    settings, inspection, inspector_a
):
    settings.HISTORY_MERGE_MINUTES = 0  # every save its own history row, counted below
    # The first save landed but its reply was lost; meanwhile someone saved over it. The
    # replay must not report "saved" with values the sender never sent.
    answer = answer_of(inspection, "CB01")
    key = uuid.uuid4()
    services.answer_save(
        answer=answer, user=inspector_a, result="conforming", note="", base_version=0, key=key
    )
    save(inspection, inspector_a, "CB01", "nonconforming", "Thiếu")

    with pytest.raises(services.Conflict) as conflict:
        services.answer_save(
            answer=answer, user=inspector_a, result="conforming", note="", base_version=0, key=key
        )

    assert (conflict.value.answer.result, conflict.value.answer.version) == ("nonconforming", 2)
    assert Answer.objects.get(pk=answer.pk).result == "nonconforming"
    assert Answer.history.filter(id=answer.pk).count() == 2


def test_second_writer_from_a_stale_version_gets_a_conflict_with_the_first_writers_value(
    province_a, inspection, inspector_a
):
    colleague = make_user(Role.INSPECTOR, province_a)
    inspection.inspectors.add(colleague)
    # Both open the page while the answer is at version 0.
    seen_by_first = answer_of(inspection, "CB01")
    seen_by_second = answer_of(inspection, "CB01")
    services.answer_save(
        answer=seen_by_first, user=inspector_a, result="conforming", note="A", base_version=0
    )

    with pytest.raises(services.Conflict) as conflict:
        services.answer_save(
            answer=seen_by_second,
            user=colleague,
            result="nonconforming",
            note="B",
            base_version=0,
        )

    current = conflict.value.answer
    assert (current.result, current.note, current.version) == ("conforming", "A", 1)
    assert current.answered_by == inspector_a
    stored = Answer.objects.get(pk=seen_by_first.pk)
    assert (stored.result, stored.note, stored.version) == ("conforming", "A", 1)
    assert stored.history.count() == 1


def test_inspector_not_assigned_cannot_save_an_answer(province_a, inspection):
    outsider = make_user(Role.INSPECTOR, province_a)
    answer = answer_of(inspection, "CB01")

    with pytest.raises(PermissionDenied):
        services.answer_save(
            answer=answer, user=outsider, result="conforming", note="", base_version=0
        )
    assert Answer.objects.get(pk=answer.pk).result == ""


def test_staff_cannot_fill_the_checklist(inspection, staff_a):
    answer = answer_of(inspection, "CB01")
    with pytest.raises(PermissionDenied):
        services.answer_save(
            answer=answer, user=staff_a, result="conforming", note="", base_version=0
        )
    assert Answer.objects.get(pk=answer.pk).version == 0


def test_unknown_result_is_refused(inspection, inspector_a):
    with pytest.raises(ValidationError):
        save(inspection, inspector_a, "CB01", "excellent")
    assert answer_of(inspection, "CB01").result == ""


# Submitting


def test_submit_is_refused_while_criteria_are_unanswered_and_names_them(inspection, inspector_a):
    for code in CODES[:-2]:
        save(inspection, inspector_a, code, "conforming")

    with pytest.raises(ValidationError) as error:
        services.inspection_submit(inspection=inspection, user=inspector_a)

    message = " ".join(error.value.messages)
    assert "XX01" in message
    assert "KP01" in message
    assert "CB01" not in message
    stored = fresh(inspection)
    assert (stored.status, stored.version, stored.score) == ("draft", 1, None)


def test_submit_is_refused_for_a_shortfall_without_a_note(inspection, inspector_a):
    answer_all(inspection, inspector_a)
    save(inspection, inspector_a, "RR01", "partial", "")
    save(inspection, inspector_a, "DG01", "nonconforming", "   ")
    save(inspection, inspector_a, "KS01", "partial", "Chưa khảo sát năm nay")

    with pytest.raises(ValidationError) as error:
        services.inspection_submit(inspection=inspection, user=inspector_a)

    message = " ".join(error.value.messages)
    assert "RR01" in message
    assert "DG01" in message
    assert "KS01" not in message
    assert fresh(inspection).status == Inspection.Status.DRAFT


def test_submit_computes_score_and_rating(inspection, inspector_a):
    result = submitted(
        inspection,
        inspector_a,
        shortfalls=[
            ("CB02", "not_applicable", ""),
            ("RR01", "partial", "Chưa đủ"),
            ("DG01", "nonconforming", "Chưa đánh giá"),
            ("XX01", "nonconforming", "Chưa họp"),
        ],
    )

    # 8 conforming + ½ partial over 11 applicable = 77.27… → 77.3
    stored = fresh(inspection)
    assert stored.status == Inspection.Status.SUBMITTED
    assert stored.score == Decimal("77.3")
    assert stored.rating == Inspection.Rating.MEETS
    assert stored.submitted_at is not None
    assert stored.version == 2
    assert result.score == Decimal("77.3")


def test_submit_uses_the_checklists_own_thresholds(province_a, inspector_a):
    custom = services.checklist_new_version(checklist=Checklist.objects.get(code="QD19-2015"))
    custom.good_from, custom.meets_from = Decimal("75"), Decimal("50")
    custom.save()
    round_ = make_round(
        province_a, [make_agency(province_a)], inspectors=[inspector_a], checklist=custom
    )
    inspection = round_.inspections.get()

    submitted(
        inspection,
        inspector_a,
        shortfalls=[("CB01", "nonconforming", "x"), ("CB02", "nonconforming", "y")],
    )

    # 10/12 = 83.3: only meets by the default 90, good by this checklist's 75.
    stored = fresh(inspection)
    assert stored.score == Decimal("83.3")
    assert stored.rating == Inspection.Rating.GOOD
    inspection2 = make_round(
        province_a, [make_agency(province_a)], inspectors=[inspector_a], checklist=custom
    ).inspections.get()
    submitted(
        inspection2,
        inspector_a,
        shortfalls=[(code, "nonconforming", "x") for code in CODES[:4]],
    )
    # 8/12 = 66.7: below the default 70 but meets this checklist's 50.
    assert fresh(inspection2).score == Decimal("66.7")
    assert fresh(inspection2).rating == Inspection.Rating.MEETS


def test_submit_with_every_criterion_not_applicable_has_no_score(inspection, inspector_a):
    answer_all(inspection, inspector_a, result="not_applicable")
    services.inspection_submit(inspection=inspection, user=inspector_a)

    stored = fresh(inspection)
    assert stored.status == Inspection.Status.SUBMITTED
    assert stored.score is None
    assert stored.rating == ""


def test_staff_cannot_submit_for_the_inspectors(inspection, inspector_a, staff_a):
    answer_all(inspection, inspector_a)
    with pytest.raises(PermissionDenied):
        services.inspection_submit(inspection=inspection, user=staff_a)
    assert fresh(inspection).status == Inspection.Status.DRAFT


def test_submitted_inspection_cannot_be_submitted_or_edited_again(inspection, inspector_a):
    submitted(inspection, inspector_a)
    inspection = fresh(inspection)

    assert inspection.can_edit(inspector_a) is False
    with pytest.raises(PermissionDenied):
        services.inspection_submit(inspection=inspection, user=inspector_a)
    with pytest.raises(PermissionDenied):
        save(inspection, inspector_a, "CB01", "nonconforming", "late change")
    assert fresh(inspection).version == 2


def test_autosave_arriving_after_the_inspection_was_submitted_is_refused(inspection, inspector_a):
    answer_all(inspection, inspector_a)
    # An autosave request loads the answer while the checklist is still a draft...
    in_flight = answer_of(inspection, "CB01")
    # ...and a submit from another tab or colleague commits before that save does.
    services.inspection_submit(inspection=fresh(inspection), user=inspector_a)

    with pytest.raises(PermissionDenied):
        services.answer_save(
            answer=in_flight,
            user=inspector_a,
            result="nonconforming",
            note="late",
            base_version=in_flight.version,
        )

    assert answer_of(inspection, "CB01").result == "conforming"
    assert fresh(inspection).score == Decimal("100.0")


# Reviewing


def test_approved_inspection_is_read_only(inspection, inspector_a, staff_a, media):
    submitted(inspection, inspector_a)
    services.inspection_approve(inspection=fresh(inspection), user=staff_a, version=2)
    inspection = fresh(inspection)

    assert inspection.status == Inspection.Status.APPROVED
    assert inspection.can_edit(inspector_a) is False
    answer = answer_of(inspection, "CB01")
    with pytest.raises(PermissionDenied):
        services.answer_save(
            answer=answer,
            user=inspector_a,
            result="nonconforming",
            note="after approval",
            base_version=answer.version,
        )
    with pytest.raises(PermissionDenied):
        services.evidence_add(
            answer=answer,
            user=inspector_a,
            upload=SimpleUploadedFile("a.pdf", PDF_BYTES),
            content_type="application/pdf",
        )
    assert answer_of(inspection, "CB01").result == "conforming"
    assert answer.evidence.count() == 0


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_return_requires_a_reason(inspection, inspector_a, staff_a, reason):
    submitted(inspection, inspector_a)

    with pytest.raises(ValidationError):
        services.inspection_return(inspection=inspection, user=staff_a, reason=reason, version=2)

    stored = fresh(inspection)
    assert (stored.status, stored.version) == ("submitted", 2)


def test_return_sets_the_status_and_keeps_the_reason_in_history(inspection, inspector_a, staff_a):
    submitted(inspection, inspector_a)

    services.inspection_return(
        inspection=inspection, user=staff_a, reason="Thiếu minh chứng CB01", version=2
    )

    stored = fresh(inspection)
    assert stored.status == Inspection.Status.RETURNED
    assert stored.return_reason == "Thiếu minh chứng CB01"
    assert stored.reviewed_by == staff_a
    assert stored.version == 3
    latest = stored.history.first()
    assert latest.status == Inspection.Status.RETURNED
    assert latest.history_change_reason == "Thiếu minh chứng CB01"
    assert latest.history_user == staff_a


def test_returned_inspection_can_be_corrected_and_resubmitted(inspection, inspector_a, staff_a):
    submitted(inspection, inspector_a, shortfalls=[("CB01", "nonconforming", "Chưa công bố")])
    services.inspection_return(inspection=inspection, user=staff_a, reason="Xem lại", version=2)
    inspection = fresh(inspection)
    assert inspection.can_edit(inspector_a) is True

    save(inspection, inspector_a, "CB01", "partial", "Đã công bố, chưa thông báo")
    services.inspection_submit(inspection=inspection, user=inspector_a)

    stored = fresh(inspection)
    assert stored.status == Inspection.Status.SUBMITTED
    assert stored.return_reason == ""
    assert stored.version == 4
    assert stored.score == Decimal("95.8")  # 11.5 / 12
    assert stored.rating == Inspection.Rating.GOOD


def test_approve_opens_one_finding_per_shortfall_due_in_thirty_days(
    inspection, inspector_a, staff_a
):
    submitted(
        inspection,
        inspector_a,
        shortfalls=[
            ("CB02", "not_applicable", ""),
            ("RR01", "partial", "Chưa đủ rủi ro"),
            ("DG01", "nonconforming", "Chưa đánh giá nội bộ"),
        ],
    )

    services.inspection_approve(inspection=inspection, user=staff_a, version=2, today=TODAY)

    stored = fresh(inspection)
    assert stored.status == Inspection.Status.APPROVED
    assert stored.reviewed_by == staff_a
    findings = {f.answer.criterion.code: f for f in stored.findings.select_related("answer")}
    assert set(findings) == {"RR01", "DG01"}
    for finding in findings.values():
        assert finding.due_on == datetime.date(2026, 4, 1)
        assert finding.status == Finding.Status.OPEN
    assert "Chưa đánh giá nội bộ" in findings["DG01"].description
    assert findings["DG01"].description.startswith("DG01")


def test_approve_with_a_stale_version_is_refused(inspection, inspector_a, staff_a):
    submitted(inspection, inspector_a, shortfalls=[("RR01", "partial", "x")])

    with pytest.raises(ValidationError):
        services.inspection_approve(inspection=inspection, user=staff_a, version=1, today=TODAY)

    stored = fresh(inspection)
    assert (stored.status, stored.version) == ("submitted", 2)
    assert stored.findings.count() == 0


def test_return_with_a_stale_version_is_refused(inspection, inspector_a, staff_a):
    submitted(inspection, inspector_a)
    with pytest.raises(ValidationError):
        services.inspection_return(inspection=inspection, user=staff_a, reason="x", version=1)
    assert fresh(inspection).status == Inspection.Status.SUBMITTED


def test_second_reviewer_acting_on_the_same_version_is_refused(
    province_a, inspection, inspector_a, staff_a
):
    other_staff = make_user(Role.PROVINCIAL_STAFF, province_a)
    submitted(inspection, inspector_a, shortfalls=[("RR01", "partial", "x")])
    services.inspection_approve(inspection=inspection, user=staff_a, version=2, today=TODAY)

    with pytest.raises(ValidationError):
        services.inspection_return(
            inspection=inspection, user=other_staff, reason="Không đồng ý", version=2
        )

    stored = fresh(inspection)
    assert (stored.status, stored.return_reason) == ("approved", "")
    assert stored.findings.count() == 1


def test_draft_cannot_be_approved(inspection, staff_a):
    with pytest.raises(ValidationError):
        services.inspection_approve(inspection=inspection, user=staff_a, version=1)
    assert fresh(inspection).status == Inspection.Status.DRAFT


@pytest.mark.parametrize("who", ["staff_b", "viewer", "inspector_a"])
def test_only_staff_of_the_province_can_review(request, inspection, inspector_a, who):
    user = request.getfixturevalue(who)
    submitted(inspection, inspector_a)

    with pytest.raises(PermissionDenied):
        services.inspection_approve(inspection=inspection, user=user, version=2)
    with pytest.raises(PermissionDenied):
        services.inspection_return(inspection=inspection, user=user, reason="x", version=2)
    assert fresh(inspection).status == Inspection.Status.SUBMITTED


# Findings


@pytest.fixture
def finding(inspection, inspector_a, staff_a):
    submitted(inspection, inspector_a, shortfalls=[("DG01", "nonconforming", "Chưa đánh giá")])
    services.inspection_approve(inspection=inspection, user=staff_a, version=2, today=TODAY)
    return Finding.objects.get(inspection=inspection)


def test_staff_can_change_a_findings_due_date(finding, staff_a):
    services.finding_update_due(
        finding=finding,
        user=staff_a,
        due_on=datetime.date(2026, 6, 30),
        reason="Chờ kinh phí",
        today=TODAY,
    )
    assert fresh(finding).due_on == datetime.date(2026, 6, 30)
    latest = finding.history.first()
    assert latest.history_user == staff_a
    assert latest.due_reason == "Chờ kinh phí"
    assert latest.history_change_reason == "01/04/2026 → 30/06/2026: Chờ kinh phí"


def test_inspector_cannot_change_a_findings_due_date(finding, inspector_a):
    with pytest.raises(PermissionDenied):
        services.finding_update_due(
            finding=finding, user=inspector_a, due_on=datetime.date(2027, 1, 1), reason="x"
        )
    assert fresh(finding).due_on == datetime.date(2026, 4, 1)


def test_corrective_action_record_is_stored_with_its_bytes(finding, inspector_a, media):
    services.finding_submit_record(
        finding=finding,
        user=inspector_a,
        root_cause="Chưa phân công",
        action_taken="Đã đánh giá nội bộ tháng 4",
        files=[
            (
                SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, content_type="application/pdf"),
                "application/pdf",
            )
        ],
    )

    stored = fresh(finding)
    assert stored.status == Finding.Status.SUBMITTED
    (record,) = stored.files.all()
    assert (record.original_name, record.content_type) == ("bien-ban.pdf", "application/pdf")
    assert stored.action_taken == "Đã đánh giá nội bộ tháng 4"
    assert stored.root_cause == "Chưa phân công"
    assert stored.submitted_by == inspector_a
    with record.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    assert str(media) in record.file.path


def test_record_from_someone_outside_the_inspection_is_refused(province_a, finding, staff_b, media):
    outsider = make_user(Role.INSPECTOR, province_a)
    for user in (outsider, staff_b):
        with pytest.raises(PermissionDenied):
            services.finding_submit_record(
                finding=finding,
                user=user,
                root_cause="Chưa phân công",
                action_taken="Đã khắc phục",
                files=[(SimpleUploadedFile("x.pdf", PDF_BYTES), "application/pdf")],
            )
    assert fresh(finding).status == Finding.Status.OPEN
    assert not fresh(finding).files.exists()


def test_verify_is_refused_before_a_record_exists(finding, staff_a):
    with pytest.raises(ValidationError):
        services.finding_verify(finding=finding, user=staff_a, today=TODAY)
    stored = fresh(finding)
    assert (stored.status, stored.verified_by, stored.verified_on) == ("open", None, None)


def test_staff_verifies_a_submitted_record_and_closes_the_finding(
    finding, inspector_a, staff_a, media
):
    services.finding_submit_record(
        finding=finding,
        user=inspector_a,
        root_cause="Chưa phân công",
        action_taken="Đã khắc phục",
        files=[(SimpleUploadedFile("bien-ban.pdf", PDF_BYTES), "application/pdf")],
    )
    with pytest.raises(PermissionDenied):
        services.finding_verify(finding=fresh(finding), user=inspector_a)

    services.finding_verify(finding=fresh(finding), user=staff_a, today=TODAY)

    stored = fresh(finding)
    assert stored.status == Finding.Status.VERIFIED
    assert (stored.verified_by, stored.verified_on) == (staff_a, TODAY)
    with pytest.raises(ValidationError):
        services.finding_submit_record(
            finding=stored,
            user=inspector_a,
            root_cause="Chưa phân công",
            action_taken="Đã khắc phục",
            files=[(SimpleUploadedFile("again.pdf", PDF_BYTES), "application/pdf")],
        )
    assert [f.original_name for f in fresh(finding).files.all()] == ["bien-ban.pdf"]


def test_finding_is_overdue_only_when_open_and_past_its_due_date():
    due = datetime.date(2026, 4, 1)
    day_after = due + datetime.timedelta(days=1)
    assert Finding(due_on=due, status=Finding.Status.OPEN).is_overdue(day_after) is True
    assert Finding(due_on=due, status=Finding.Status.OPEN).is_overdue(due) is False
    assert Finding(due_on=due, status=Finding.Status.SUBMITTED).is_overdue(day_after) is False
    assert Finding(due_on=due, status=Finding.Status.VERIFIED).is_overdue(day_after) is False


def test_overdue_findings_query_matches_is_overdue(finding, staff_a):
    open_late = finding
    due = open_late.due_on
    inspection = open_late.inspection
    extra = []
    for code, status in [("CB01", "submitted"), ("CB02", "verified"), ("TC01", "open")]:
        extra.append(
            Finding.objects.create(
                inspection=inspection,
                answer=answer_of(inspection, code),
                description=code,
                due_on=due if code != "TC01" else due + datetime.timedelta(days=10),
                status=status,
            )
        )
    day_after = due + datetime.timedelta(days=1)

    overdue = set(Finding.objects.overdue(day_after))

    assert overdue == {open_late}
    assert {f for f in Finding.objects.all() if f.is_overdue(day_after)} == overdue
    assert set(Finding.objects.overdue(due)) == set()


# Checklists


def test_checklist_is_frozen_once_a_round_uses_it(province_a):
    checklist = Checklist.objects.create(code="TEST", title="Thử")
    criterion = Criterion.objects.create(checklist=checklist, code="A1", title="Một", order=1)
    checklist.title = "Thử nghiệm"
    checklist.save()  # still editable: no round uses it
    make_round(province_a, [make_agency(province_a)], checklist=checklist)

    checklist.title = "Đổi sau khi dùng"
    with pytest.raises(ValidationError):
        checklist.save()
    criterion.title = "Đổi tiêu chí"
    with pytest.raises(ValidationError):
        criterion.save()
    with pytest.raises(ValidationError):
        Criterion.objects.create(checklist=checklist, code="A2", title="Hai")
    with pytest.raises(ValidationError):
        criterion.delete()

    assert Checklist.objects.get(pk=checklist.pk).title == "Thử nghiệm"
    assert list(checklist.criteria.values_list("code", "title")) == [("A1", "Một")]


def test_new_version_copies_a_frozen_checklist_and_is_editable(province_a):
    original = Checklist.objects.get(code="QD19-2015")
    make_round(province_a, [make_agency(province_a)], checklist=original)
    assert original.is_frozen()

    copy = services.checklist_new_version(checklist=original)

    assert (copy.code, copy.version) == ("QD19-2015", 2)
    assert (copy.good_from, copy.meets_from) == (original.good_from, original.meets_from)
    assert list(copy.criteria.values_list("code", flat=True)) == CODES
    assert list(copy.criteria.values_list("title", "iso_clause")) == list(
        original.criteria.values_list("title", "iso_clause")
    )
    assert not copy.is_frozen()
    copy.title = "Phiếu kiểm tra (sửa đổi)"
    copy.save()
    criterion = copy.criteria.get(code="KP01")
    criterion.guidance = "Hướng dẫn mới"
    criterion.save()
    assert copy.criteria.get(code="KP01").guidance == "Hướng dẫn mới"
    assert original.criteria.get(code="KP01").guidance != "Hướng dẫn mới"
    assert Checklist.objects.get(pk=original.pk).version == 1


# History


def test_history_lists_answer_and_status_changes_newest_first(
    settings, inspection, inspector_a, staff_a
):
    settings.HISTORY_MERGE_MINUTES = 0  # every save its own entry; merging: test_history.py
    answer_all(inspection, inspector_a)
    save(inspection, inspector_a, "CB01", "partial", "Chưa thông báo")
    save(inspection, inspector_a, "CB01", "partial", "Chưa thông báo")  # no change, no entry
    services.inspection_submit(inspection=fresh(inspection), user=inspector_a)
    services.inspection_return(
        inspection=inspection, user=staff_a, reason="Bổ sung minh chứng", version=2
    )

    with translation.override("en"):
        entries = inspection_history(inspection)

        assert len(entries) == 12 + 1 + 2
        returned, submitted_, changed = entries[:3]
        assert (returned.before, returned.after) == ("Submitted", "Returned")
        assert returned.reason == "Bổ sung minh chứng"
        assert returned.user == "staff-a"
        assert (submitted_.before, submitted_.after) == ("Draft", "Submitted")
        assert submitted_.user == "inspector-a"
        assert changed.what == "CB01"
        assert changed.before == "Conforming"
        assert changed.after == "Partly conforming: Chưa thông báo"
        first_answers = entries[3:]
        assert {e.what for e in first_answers} == set(CODES)
        assert {(e.before, e.after) for e in first_answers} == {("", "Conforming")}
        times = [e.at for e in entries]
        assert times == sorted(times, reverse=True)


def test_history_costs_two_queries_however_long(
    settings, inspection, inspector_a, staff_a, django_assert_num_queries
):
    settings.HISTORY_MERGE_MINUTES = 0  # every save its own entry
    submitted(inspection, inspector_a, shortfalls=[("CB01", "partial", "a")])
    services.inspection_return(inspection=inspection, user=staff_a, reason="x", version=2)
    for note in ("b", "c", "d"):
        save(fresh(inspection), inspector_a, "CB01", "partial", note)

    with django_assert_num_queries(2):
        entries = inspection_history(inspection)
    assert len(entries) == 12 + 1 + 3 + 2


def test_the_checklist_page_reads_its_inspection_within_the_scope_with_the_assignment(
    inspection, inspector_a, staff_a, province_a, django_assert_num_queries
):
    other = make_user(Role.INSPECTOR, province_a, username="inspector-a2")
    admin = make_user(Role.ADMIN, username="admin-x")
    nobody = make_user(username="no-role")
    expected = Inspection.objects.select_related("agency", "round__province").get(pk=inspection.pk)

    with django_assert_num_queries(1):
        loaded = inspection_for(inspector_a, inspection.pk)
    with django_assert_num_queries(0):
        assert loaded.can_edit(inspector_a) is True
        assert loaded.has_findings is False
        # Every column as the ORM reads it (dates as dates on SQLite too).
        for obj, orm in (
            (loaded, expected),
            (loaded.agency, expected.agency),
            (loaded.round, expected.round),
            (loaded.round.province, expected.round.province),
        ):
            for field in type(obj)._meta.concrete_fields:
                assert getattr(obj, field.attname) == getattr(orm, field.attname), field.name
    # Read for inspector_a: for anyone else the inspection asks the database.
    with django_assert_num_queries(1):
        assert loaded.can_edit(other) is False
    # The scope is Inspection.objects.for_user's.
    assert inspection_for(other, inspection.pk) is None
    assert inspection_for(nobody, inspection.pk) is None
    assert inspection_for(staff_a, inspection.pk).can_edit(staff_a) is False
    assert inspection_for(admin, inspection.pk).assigned is False
