"""Every page of inspections/urls.py: the right user succeeds, a wrong user sees nothing."""

import datetime
import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agencies.models import Agency, Role
from agencies.tests.factories import make_agency, make_user
from inspections import services, views
from inspections.models import Answer, Checklist, Evidence, Finding, Inspection, Round
from inspections.tests.factories import (
    CODES,
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    answer_all,
    answer_of,
    make_round,
)


def url(name, *args):
    return reverse(name, args=args)


def stored_files(media):
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def outsider_a(province_a):
    """An inspector of province A assigned to nothing."""
    return make_user(Role.INSPECTOR, province_a, username="outsider-a")


@pytest.fixture
def inspection_b(province_b, inspector_b):
    round_b = make_round(province_b, [make_agency(province_b)], inspectors=[inspector_b])
    return round_b.inspections.get()


def fill(inspection, user, shortfalls=()):
    answer_all(inspection, user)
    for code, result, note in shortfalls:
        answer = answer_of(inspection, code)
        services.answer_save(
            answer=answer, user=user, result=result, note=note, base_version=answer.version
        )


def submit(inspection, user, shortfalls=()):
    fill(inspection, user, shortfalls)
    return services.inspection_submit(inspection=inspection, user=user)


def approve(inspection, inspector, staff, shortfalls=(), today=None):
    submitted = submit(inspection, inspector, shortfalls)
    return services.inspection_approve(
        inspection=submitted, user=staff, version=submitted.version, today=today
    )


def snapshot(inspection):
    """Everything a change to an inspection could touch."""
    fresh = Inspection.objects.get(pk=inspection.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.return_reason,
        fresh.score,
        fresh.rating,
        sorted(fresh.inspectors.values_list("pk", flat=True)),
        list(fresh.answers.values_list("pk", "result", "note", "version")),
        list(fresh.findings.values_list("pk", "status", "due_on", "action_taken")),
        Evidence.objects.filter(answer__inspection=fresh).count(),
        Inspection.history.filter(id=fresh.pk).count(),
        Answer.history.filter(inspection_id=fresh.pk).count(),
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def body(response):
    return b"".join(response.streaming_content)


# my_inspections


def test_my_inspections_lists_only_the_users_inspections(
    client, province_a, inspector_a, outsider_a, inspection, inspection_b
):
    second = make_round(province_a, [make_agency(province_a)], inspectors=[inspector_a])
    make_round(province_a, [make_agency(province_a)], inspectors=[outsider_a])
    client.force_login(inspector_a)

    response = client.get(url("my_inspections"))

    assert response.status_code == 200
    listed = {i.pk for i in response.context["inspections"]}
    assert listed == {inspection.pk, second.inspections.get().pk}
    assert inspection.agency.name in response.content.decode()


def test_inspector_of_another_province_sees_none_of_province_a_in_my_inspections(
    client, inspector_b, inspection, inspection_b
):
    client.force_login(inspector_b)
    response = client.get(url("my_inspections"))
    assert [i.pk for i in response.context["inspections"]] == [inspection_b.pk]
    assert inspection.agency.name not in response.content.decode()


def test_my_inspections_counts_answered_criteria(client, inspector_a, inspection):
    for code in ("CB01", "CB02", "TC01"):
        answer = answer_of(inspection, code)
        services.answer_save(
            answer=answer, user=inspector_a, result="conforming", note="", base_version=0
        )
    client.force_login(inspector_a)
    (listed,) = client.get(url("my_inspections")).context["inspections"]
    assert (listed.answered, listed.total) == (3, 12)


def test_anonymous_user_is_sent_to_login_from_every_page(client, inspection):
    for name, args in [
        ("my_inspections", ()),
        ("round_list", ()),
        ("round_create", ()),
        ("round_agency_choices", ()),
        ("round_detail", (inspection.round_id,)),
        ("inspection_detail", (inspection.pk,)),
        ("inspection_assign", (inspection.pk,)),
    ]:
        response = client.get(url(name, *args))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


# round_list


def test_round_list_is_scoped_to_the_users_province_or_assignments(
    client,
    province_a,
    province_b,
    staff_a,
    staff_b,
    inspector_a,
    outsider_a,
    viewer,
    round_a,
    inspection_b,
):
    other_a = make_round(province_a, [make_agency(province_a), make_agency(province_a)])
    round_b = inspection_b.round
    expected = {
        staff_a: {round_a.pk, other_a.pk},
        staff_b: {round_b.pk},
        inspector_a: {round_a.pk},
        outsider_a: set(),
        viewer: {round_a.pk, other_a.pk, round_b.pk},
    }
    for user, rounds in expected.items():
        client.force_login(user)
        response = client.get(url("round_list"))
        assert response.status_code == 200
        assert {r.pk for r in response.context["rounds"]} == rounds, user.username
    client.force_login(staff_a)
    counts = {r.pk: r.inspection_count for r in client.get(url("round_list")).context["rounds"]}
    assert counts == {round_a.pk: 1, other_a.pk: 2}


def test_inspector_in_a_rounds_team_sees_the_round(client, province_a, outsider_a):
    round_ = make_round(province_a, [make_agency(province_a)], inspectors=[outsider_a])
    round_.inspections.get().inspectors.clear()
    client.force_login(outsider_a)
    assert [r.pk for r in client.get(url("round_list")).context["rounds"]] == [round_.pk]


def test_only_provincial_staff_is_offered_a_new_round(client, staff_a, viewer, inspector_a):
    for user, can_create in [(staff_a, True), (viewer, False), (inspector_a, False)]:
        client.force_login(user)
        response = client.get(url("round_list"))
        assert response.context["can_create"] is can_create
        assert (url("round_create") in response.content.decode()) is can_create


# round_create


@pytest.fixture
def agencies_a(province_a):
    return {
        "department": make_agency(province_a, name="Sở Tư pháp"),
        "commune": make_agency(
            province_a,
            name="UBND xã Tân Hưng",
            level=Agency.Level.COMMUNE,
            applicability=Agency.Applicability.ENCOURAGED,
        ),
        "mandatory_commune": make_agency(
            province_a, name="UBND phường Hiến Nam", level=Agency.Level.COMMUNE
        ),
        "inactive": make_agency(province_a, name="Sở đã giải thể", active=False),
    }


def round_data(agencies, inspectors=(), **overrides):
    data = {
        "year": 2026,
        "number": 3,
        "title": "Kiểm tra ISO năm 2026",
        "decision_number": "123/QĐ-UBND",
        "decision_date": "2026-02-01",
        "checklist": Checklist.objects.get(code="QD19-2015", version=1).pk,
        "starts_on": "2026-03-01",
        "ends_on": "2026-06-30",
        "agencies": [a.pk for a in agencies],
        "inspectors": [u.pk for u in inspectors],
    }
    data.update(overrides)
    return data


def test_staff_opens_the_new_round_form_with_own_province_choices(
    client, staff_a, inspector_a, inspector_b, agencies_a, province_b
):
    make_agency(province_b, name="Sở Tài chính Hà Nội")
    client.force_login(staff_a)

    response = client.get(url("round_create"))

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields["agencies"].queryset) == {
        agencies_a["department"],
        agencies_a["commune"],
        agencies_a["mandatory_commune"],
    }
    assert list(form.fields["inspectors"].queryset) == [inspector_a]
    page = response.content.decode()
    assert "Sở Tư pháp" in page
    assert "Sở Tài chính Hà Nội" not in page
    assert "Sở đã giải thể" not in page


def test_staff_creates_a_round_with_inspections_for_the_chosen_agencies_and_team(
    client, province_a, staff_a, inspector_a, agencies_a
):
    second = make_user(Role.INSPECTOR, province_a)
    chosen = [agencies_a["department"], agencies_a["commune"]]
    client.force_login(staff_a)

    response = client.post(url("round_create"), round_data(chosen, [inspector_a, second]))

    round_ = Round.objects.get()
    assert response.status_code == 302
    assert response.url == url("round_detail", round_.pk)
    assert (round_.province, round_.year, round_.number) == (province_a, 2026, 3)
    assert round_.decision_number == "123/QĐ-UBND"
    assert round_.ends_on == datetime.date(2026, 6, 30)
    assert round_.created_by == staff_a
    assert set(round_.team.all()) == {inspector_a, second}
    inspections = round_.inspections.all()
    assert {i.agency for i in inspections} == set(chosen)
    for inspection in inspections:
        assert set(inspection.inspectors.all()) == {inspector_a, second}
        assert inspection.answers.count() == 12


@pytest.mark.parametrize("who", ["viewer", "inspector_a", "admin_user"])
def test_only_provincial_staff_can_create_a_round(client, request, agencies_a, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("round_create")).status_code == 404
    response = client.post(url("round_create"), round_data([agencies_a["department"]]))
    assert response.status_code == 404
    assert Round.objects.count() == 0
    assert Inspection.objects.count() == 0


def test_other_province_staff_cannot_create_a_round_of_province_a_agencies(
    client, staff_b, agencies_a
):
    client.force_login(staff_b)
    response = client.post(url("round_create"), round_data([agencies_a["department"]]))
    assert response.status_code == 200
    assert "agencies" in response.context["form"].errors
    assert Round.objects.count() == 0


def test_round_number_already_used_in_the_year_is_refused(client, province_a, staff_a, agencies_a):
    make_round(province_a, [agencies_a["commune"]], number=3, year=2026)
    client.force_login(staff_a)

    response = client.post(url("round_create"), round_data([agencies_a["department"]]))

    assert response.status_code == 200
    assert "number" in response.context["form"].errors
    assert Round.objects.count() == 1
    assert Inspection.objects.count() == 1


def test_same_round_number_in_another_province_or_year_is_allowed(
    client, province_b, staff_a, agencies_a
):
    make_round(province_b, [make_agency(province_b)], number=3, year=2026)
    client.force_login(staff_a)
    response = client.post(url("round_create"), round_data([agencies_a["department"]]))
    assert response.status_code == 302
    assert Round.objects.filter(province_id="33", number=3).count() == 1


def test_round_ending_before_it_starts_is_refused(client, staff_a, agencies_a):
    client.force_login(staff_a)
    data = round_data([agencies_a["department"]], starts_on="2026-05-01", ends_on="2026-04-30")

    response = client.post(url("round_create"), data)

    assert response.status_code == 200
    assert "ends_on" in response.context["form"].errors
    assert Round.objects.count() == 0
    assert Inspection.objects.count() == 0


def test_round_with_another_provinces_agency_or_inspector_is_refused(
    client, province_b, staff_a, inspector_b, agencies_a
):
    foreign = make_agency(province_b)
    client.force_login(staff_a)

    for data in (
        round_data([agencies_a["department"], foreign]),
        round_data([agencies_a["department"]], [inspector_b]),
        round_data([agencies_a["inactive"]]),
    ):
        response = client.post(url("round_create"), data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert Round.objects.count() == 0
    assert Inspection.objects.count() == 0


# round_agency_choices


def listed_agencies(response):
    return {a.pk for a in response.context["agencies"]}


def test_agency_choices_filter_by_level_and_applicability(client, province_b, staff_a, agencies_a):
    make_agency(province_b, level=Agency.Level.COMMUNE)
    client.force_login(staff_a)
    choices = url("round_agency_choices")

    everything = client.get(choices)
    communes = client.get(choices, {"filter_level": "commune"})
    encouraged = client.get(choices, {"filter_applicability": "encouraged"})
    mandatory_communes = client.get(
        choices, {"filter_level": "commune", "filter_applicability": "mandatory"}
    )
    nonsense = client.get(choices, {"filter_level": "galaxy"})

    a = agencies_a
    assert everything.status_code == 200
    assert listed_agencies(everything) == {
        a["department"].pk,
        a["commune"].pk,
        a["mandatory_commune"].pk,
    }
    assert listed_agencies(communes) == {a["commune"].pk, a["mandatory_commune"].pk}
    assert listed_agencies(encouraged) == {a["commune"].pk}
    assert listed_agencies(mandatory_communes) == {a["mandatory_commune"].pk}
    assert listed_agencies(nonsense) == listed_agencies(everything)
    assert "UBND xã Tân Hưng" not in mandatory_communes.content.decode()
    assert "UBND phường Hiến Nam" in mandatory_communes.content.decode()


@pytest.mark.parametrize("who", ["viewer", "inspector_a", "admin_user"])
def test_agency_choices_are_only_for_provincial_staff(client, request, agencies_a, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("round_agency_choices")).status_code == 404


def test_other_province_staff_gets_its_own_agencies_only(client, staff_b, agencies_a, province_b):
    own = make_agency(province_b, name="Sở Y tế Hà Nội")
    client.force_login(staff_b)
    response = client.get(url("round_agency_choices"))
    assert listed_agencies(response) == {own.pk}
    assert "Sở Tư pháp" not in response.content.decode()


# round_detail


@pytest.fixture
def states_round(province_a, inspector_a, staff_a):
    """One inspection in each state; the approved one has an overdue finding."""
    names = ["A chưa bắt đầu", "B đang làm", "C đã nộp", "D trả lại", "E đã duyệt"]
    agencies = [make_agency(province_a, name=name) for name in names]
    round_ = make_round(province_a, agencies, inspectors=[inspector_a])
    by_name = {i.agency.name: i for i in round_.inspections.select_related("agency")}
    answer = answer_of(by_name["B đang làm"], "CB01")
    services.answer_save(
        answer=answer, user=inspector_a, result="conforming", note="", base_version=0
    )
    submit(by_name["C đã nộp"], inspector_a, [("KP01", "partial", "Một phần")])
    returned = submit(by_name["D trả lại"], inspector_a)
    services.inspection_return(
        inspection=returned, user=staff_a, reason="Thiếu hồ sơ", version=returned.version
    )
    approve(
        by_name["E đã duyệt"],
        inspector_a,
        staff_a,
        [("DG01", "nonconforming", "Chưa đánh giá")],
        today=timezone.localdate() - datetime.timedelta(days=60),
    )
    return round_


def rows_of(response):
    """(inspection, state code) per row of the round page."""
    return [(row[0], row[1]) for row in response.context["rows"]]


def row_html(page, agency_name):
    (row,) = [row for row in page.split("<tr")[1:] if agency_name in row]
    return row


def test_round_detail_shows_each_inspections_state_rating_and_inspectors(
    client, staff_a, states_round
):
    client.force_login(staff_a)

    response = client.get(url("round_detail", states_round.pk))

    assert response.status_code == 200
    states = {inspection.agency.name: state for inspection, state in rows_of(response)}
    assert states == {
        "A chưa bắt đầu": "not_started",
        "B đang làm": "in_progress",
        "C đã nộp": "submitted",
        "D trả lại": "returned",
        "E đã duyệt": "approved",
    }
    page = response.content.decode()
    # The score is localised: 95,8 in Vietnamese, 95.8 in English.
    assert re.search(r"\(95[.,]8\)", row_html(page, "C đã nộp"))
    assert re.search(r"\(91[.,]7\)", row_html(page, "E đã duyệt"))
    assert "<td>—</td>" in row_html(page, "A chưa bắt đầu")
    assert "inspector-a" in row_html(page, "A chưa bắt đầu")


def test_round_detail_marks_rows_with_overdue_findings(client, staff_a, states_round):
    client.force_login(staff_a)
    page = client.get(url("round_detail", states_round.pk)).content.decode()

    names = ["A chưa bắt đầu", "B đang làm", "C đã nộp", "D trả lại", "E đã duyệt"]
    marked = [name for name in names if row_html(page, name).startswith(' class="table-danger"')]
    assert marked == ["E đã duyệt"]
    assert '<strong class="text-danger">1</strong>' in row_html(page, "E đã duyệt")


def test_finding_not_yet_due_does_not_mark_the_row(client, province_a, inspector_a, staff_a):
    round_ = make_round(province_a, [make_agency(province_a, name="F")], inspectors=[inspector_a])
    approve(round_.inspections.get(), inspector_a, staff_a, [("DG01", "partial", "x")])
    client.force_login(staff_a)
    response = client.get(url("round_detail", round_.pk))
    assert 'class="table-danger"' not in response.content.decode()
    assert [i.overdue for i, _state in rows_of(response)] == [0]


def test_round_detail_state_filter_keeps_only_that_state(client, staff_a, states_round):
    client.force_login(staff_a)
    for state, agency in [
        ("not_started", "A chưa bắt đầu"),
        ("in_progress", "B đang làm"),
        ("submitted", "C đã nộp"),
        ("returned", "D trả lại"),
        ("approved", "E đã duyệt"),
        ("overdue", "E đã duyệt"),
    ]:
        response = client.get(url("round_detail", states_round.pk), {"state": state})
        assert [i.agency.name for i, _state in rows_of(response)] == [agency], state


def test_round_detail_unknown_state_filter_shows_everything(client, staff_a, states_round):
    client.force_login(staff_a)
    response = client.get(url("round_detail", states_round.pk), {"state": "bogus"})
    assert len(response.context["rows"]) == 5


@pytest.mark.parametrize("who", ["staff_b", "inspector_b", "outsider_a"])
def test_round_detail_is_404_outside_the_users_scope(client, request, round_a, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("round_detail", round_a.pk)).status_code == 404


def test_round_detail_for_viewer_and_inspector(client, province_a, viewer, inspector_a, round_a):
    colleague = make_user(Role.INSPECTOR, province_a)
    not_mine = make_round(province_a, [make_agency(province_a)], inspectors=[colleague])
    not_mine.team.add(inspector_a)

    client.force_login(viewer)
    response = client.get(url("round_detail", round_a.pk))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1
    assert response.context["can_manage"] is False
    assert url("inspection_assign", round_a.inspections.get().pk) not in response.content.decode()

    client.force_login(inspector_a)
    # In the team but assigned to none of its inspections: the round, without their rows.
    response = client.get(url("round_detail", not_mine.pk))
    assert response.status_code == 200
    assert response.context["rows"] == []


def test_staff_round_detail_links_to_assignment(client, staff_a, round_a):
    client.force_login(staff_a)
    response = client.get(url("round_detail", round_a.pk))
    assert response.context["can_manage"] is True
    assert url("inspection_assign", round_a.inspections.get().pk) in response.content.decode()


ROUND_PERSONAS = ["admin_user", "staff_a", "staff_b", "inspector_a", "inspector_b", "viewer"]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("can_manage", [False, True, False, False, False, False]),
        # Any inspector may import; which rounds they reach is the round fetch's scope.
        ("can_import_workbook", [True, True, False, True, True, False]),
    ],
)
def test_round_rules_allow_exactly_their_roles(request, round_a, rule, expected):
    users = [request.getfixturevalue(name) for name in ROUND_PERSONAS]
    allowed = [getattr(round_a, rule)(user) for user in users]
    assert dict(zip(ROUND_PERSONAS, allowed, strict=True)) == dict(
        zip(ROUND_PERSONAS, expected, strict=True)
    )


# inspection_detail


def test_assigned_inspector_gets_an_editable_checklist(client, inspector_a, inspection):
    client.force_login(inspector_a)

    response = client.get(url("inspection_detail", inspection.pk))

    assert response.status_code == 200
    assert response.context["can_edit"] is True
    assert response.context["can_review"] is False
    assert len(response.context["answers"]) == 12
    page = response.content.decode()
    assert 'data-editable="1"' in page
    assert url("inspection_submit", inspection.pk) in page
    assert url("inspection_approve", inspection.pk) not in page


def test_staff_sees_review_forms_once_submitted(client, staff_a, inspector_a, inspection):
    client.force_login(staff_a)
    draft = client.get(url("inspection_detail", inspection.pk))
    assert draft.context["can_review"] is False
    assert url("inspection_approve", inspection.pk) not in draft.content.decode()

    submit(inspection, inspector_a)
    response = client.get(url("inspection_detail", inspection.pk))

    assert response.context["can_edit"] is False
    assert response.context["can_review"] is True
    page = response.content.decode()
    assert url("inspection_approve", inspection.pk) in page
    assert url("inspection_return", inspection.pk) in page
    assert 'name="version" value="2"' in page
    assert 'data-editable="0"' in page


def test_viewer_reads_an_inspection_without_edit_or_review(client, viewer, inspector_a, inspection):
    submit(inspection, inspector_a)
    client.force_login(viewer)
    response = client.get(url("inspection_detail", inspection.pk))
    assert response.status_code == 200
    assert (response.context["can_edit"], response.context["can_review"]) == (False, False)
    assert url("inspection_approve", inspection.pk) not in response.content.decode()


@pytest.mark.parametrize("who", ["inspector_b", "staff_b", "outsider_a"])
def test_inspector_cannot_open_other_province_or_unassigned_inspection(
    client, request, inspection, who
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("inspection_detail", inspection.pk)).status_code == 404


def test_inspection_detail_shows_history_and_findings(
    client, settings, staff_a, inspector_a, inspection
):
    settings.HISTORY_MERGE_MINUTES = 0  # every save its own entry
    approve(inspection, inspector_a, staff_a, [("DG01", "nonconforming", "Chưa đánh giá nội bộ")])
    client.force_login(staff_a)
    response = client.get(url("inspection_detail", inspection.pk))
    ((finding, overdue),) = response.context["findings"]
    assert finding.answer.criterion.code == "DG01"
    assert overdue is False
    assert len(response.context["history"]) == 12 + 1 + 2
    assert url("finding_detail", finding.pk) in response.content.decode()


# answer_save


def post_answer(client, inspection, answer, result="conforming", version=0, **extra):
    data = {"result": result, "note": extra.pop("note", ""), "version": version, **extra}
    return client.post(url("answer_save", inspection.pk, answer.pk), data)


def test_answer_save_returns_the_new_version(client, inspector_a, inspection):
    answer = answer_of(inspection, "CB01")
    client.force_login(inspector_a)

    response = post_answer(client, inspection, answer, "partial", note="Chưa thông báo")

    assert response.status_code == 200
    data = response.json()
    assert (data["version"], data["result"], data["note"]) == (1, "partial", "Chưa thông báo")
    assert (data["answered_by"], data["answered"]) == ("inspector-a", 1)
    stored = Answer.objects.get(pk=answer.pk)
    assert (stored.result, stored.version, stored.answered_by) == ("partial", 1, inspector_a)


def test_answer_save_on_a_stale_version_is_409_with_the_current_value(
    client, province_a, inspector_a, inspection
):
    colleague = make_user(Role.INSPECTOR, province_a, username="colleague")
    inspection.inspectors.add(colleague)
    answer = answer_of(inspection, "CB01")
    client.force_login(inspector_a)
    assert post_answer(client, inspection, answer, "conforming", note="Có QĐ").status_code == 200

    client.force_login(colleague)
    response = post_answer(client, inspection, answer, "nonconforming", note="Không có")

    assert response.status_code == 409
    data = response.json()
    assert data["current"]["result"] == "conforming"
    assert data["current"]["note"] == "Có QĐ"
    assert data["current"]["version"] == 1
    assert data["current"]["answered_by"] == "inspector-a"
    assert "inspector-a" in data["error"]
    stored = Answer.objects.get(pk=answer.pk)
    assert (stored.result, stored.note, stored.version) == ("conforming", "Có QĐ", 1)


def test_answer_save_sent_twice_with_the_same_key_is_applied_once(client, inspector_a, inspection):
    answer = answer_of(inspection, "CB01")
    key = str(uuid.uuid4())
    client.force_login(inspector_a)

    first = post_answer(client, inspection, answer, "nonconforming", note="x", key=key)
    second = post_answer(client, inspection, answer, "nonconforming", note="x", key=key)

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["version"] == second.json()["version"] == 1
    assert Answer.objects.get(pk=answer.pk).version == 1
    assert Answer.history.filter(id=answer.pk).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"result": "excellent", "version": 0},
        {"result": "conforming"},
        {"result": "conforming", "version": "one"},
        {"result": "conforming", "version": 0, "key": "not-a-uuid"},
    ],
)
def test_answer_save_refuses_a_bad_request_with_400(client, inspector_a, inspection, data):
    answer = answer_of(inspection, "CB01")
    client.force_login(inspector_a)
    response = client.post(url("answer_save", inspection.pk, answer.pk), data)
    assert response.status_code == 400
    assert response.json()["error"]
    assert Answer.objects.get(pk=answer.pk).version == 0


def test_answer_save_is_403_once_submitted(client, inspector_a, inspection):
    submit(inspection, inspector_a)
    answer = answer_of(inspection, "CB01")
    before = snapshot(inspection)
    client.force_login(inspector_a)

    response = post_answer(client, inspection, answer, "nonconforming", version=answer.version)

    assert response.status_code == 403
    assert response.json()["error"]
    assert snapshot(inspection) == before


@pytest.mark.parametrize("who", ["viewer", "staff_a", "admin_user"])
def test_users_who_do_not_fill_checklists_cannot_save_answers(client, request, inspection, who):
    answer = answer_of(inspection, "CB01")
    before = snapshot(inspection)
    client.force_login(request.getfixturevalue(who))
    response = post_answer(client, inspection, answer)
    assert response.status_code in (403, 404)
    assert snapshot(inspection) == before


@pytest.mark.parametrize("who", ["inspector_b", "staff_b", "outsider_a"])
def test_answer_save_outside_scope_is_404(client, request, inspection, who):
    answer = answer_of(inspection, "CB01")
    before = snapshot(inspection)
    client.force_login(request.getfixturevalue(who))
    assert post_answer(client, inspection, answer).status_code == 404
    assert snapshot(inspection) == before


def test_answer_of_another_inspection_cannot_be_saved_through_this_one(
    client, inspector_a, inspection, inspection_b
):
    foreign = answer_of(inspection_b, "CB01")
    client.force_login(inspector_a)
    assert post_answer(client, inspection, foreign).status_code == 404
    assert Answer.objects.get(pk=foreign.pk).version == 0


def test_answer_save_accepts_only_post(client, inspector_a, inspection):
    client.force_login(inspector_a)
    answer = answer_of(inspection, "CB01")
    assert client.get(url("answer_save", inspection.pk, answer.pk)).status_code == 405


# evidence_upload and evidence_download


def upload(client, inspection, answer, name, content):
    return client.post(
        url("evidence_upload", inspection.pk, answer.pk),
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("anh.png", PNG_BYTES, "image/png"),
        ("anh.jpg", JPEG_BYTES, "image/jpeg"),
        ("quyet-dinh.pdf", PDF_BYTES, "application/pdf"),
    ],
)
def test_inspector_uploads_evidence_and_the_bytes_are_kept_exactly(
    client, inspector_a, inspection, media, name, content, content_type
):
    answer = answer_of(inspection, "CB01")
    client.force_login(inspector_a)

    response = upload(client, inspection, answer, name, content)

    assert response.status_code == 302
    assert response.url == url("inspection_detail", inspection.pk) + f"#criterion-{answer.pk}"
    evidence = Evidence.objects.get(answer=answer)
    assert (evidence.original_name, evidence.content_type) == (name, content_type)
    assert evidence.size == len(content)
    assert evidence.uploaded_by == inspector_a
    (path,) = stored_files(media)
    assert path.read_bytes() == content


@pytest.mark.parametrize(
    "content",
    [EXE_BYTES, b"Day khong phai la anh, chi la van ban.\n", b"<html><script>x</script></html>"],
)
def test_file_that_is_not_a_pdf_or_photo_is_refused_whatever_its_name(
    client, inspector_a, inspection, media, content
):
    answer = answer_of(inspection, "CB01")
    client.force_login(inspector_a)

    response = client.post(
        url("evidence_upload", inspection.pk, answer.pk),
        {"file": SimpleUploadedFile("anh.jpg", content, content_type="image/jpeg")},
        follow=True,
    )

    assert response.status_code == 200
    assert any("anh.jpg" in message for message in messages_of(response))
    assert Evidence.objects.count() == 0
    assert stored_files(media) == []


def test_file_over_the_size_limit_is_refused(client, settings, inspector_a, inspection, media):
    settings.EVIDENCE_MAX_BYTES = len(PNG_BYTES) - 1
    answer = answer_of(inspection, "CB01")
    client.force_login(inspector_a)

    response = upload(client, inspection, answer, "anh.png", PNG_BYTES)

    assert response.status_code == 302
    assert Evidence.objects.count() == 0
    assert stored_files(media) == []
    settings.EVIDENCE_MAX_BYTES = len(PNG_BYTES)
    assert upload(client, inspection, answer, "anh.png", PNG_BYTES).status_code == 302
    assert Evidence.objects.count() == 1


def test_upload_without_a_file_stores_nothing(client, inspector_a, inspection, media):
    answer = answer_of(inspection, "CB01")
    client.force_login(inspector_a)
    response = client.post(url("evidence_upload", inspection.pk, answer.pk), {}, follow=True)
    assert response.status_code == 200
    assert messages_of(response)
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize("who", ["inspector_b", "staff_b", "outsider_a", "viewer", "staff_a"])
def test_only_the_assigned_inspector_can_upload_evidence(client, request, inspection, media, who):
    answer = answer_of(inspection, "CB01")
    client.force_login(request.getfixturevalue(who))
    response = upload(client, inspection, answer, "anh.png", PNG_BYTES)
    assert response.status_code in (403, 404)
    assert Evidence.objects.count() == 0
    assert stored_files(media) == []


def test_evidence_cannot_be_added_once_submitted(client, inspector_a, inspection, media):
    submit(inspection, inspector_a)
    answer = answer_of(inspection, "CB01")
    client.force_login(inspector_a)
    response = upload(client, inspection, answer, "anh.png", PNG_BYTES)
    assert response.status_code in (403, 404)
    assert Evidence.objects.count() == 0


@pytest.fixture
def evidence(inspection, inspector_a, media):
    return services.evidence_add(
        answer=answer_of(inspection, "CB01"),
        user=inspector_a,
        upload=SimpleUploadedFile("quyet-dinh.pdf", PDF_BYTES),
        content_type="application/pdf",
    )


@pytest.mark.parametrize("who", ["inspector_a", "staff_a", "viewer", "admin_user"])
def test_evidence_is_served_to_users_in_scope(client, request, evidence, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url("evidence_download", evidence.pk))
    assert response.status_code == 200
    assert body(response) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["inspector_b", "staff_b", "outsider_a"])
def test_evidence_is_404_outside_scope(client, request, evidence, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("evidence_download", evidence.pk)).status_code == 404


# inspection_submit


def test_inspector_submits_a_complete_checklist(client, inspector_a, inspection):
    fill(inspection, inspector_a, [("KP01", "partial", "Một phần")])
    client.force_login(inspector_a)

    response = client.post(url("inspection_submit", inspection.pk))

    assert response.status_code == 302
    assert response.url == url("inspection_detail", inspection.pk)
    stored = Inspection.objects.get(pk=inspection.pk)
    assert (stored.status, str(stored.score), stored.rating) == ("submitted", "95.8", "good")


def test_incomplete_checklist_is_not_submitted_and_the_page_says_what_is_missing(
    client, inspector_a, inspection
):
    answer = answer_of(inspection, "CB01")
    services.answer_save(
        answer=answer, user=inspector_a, result="conforming", note="", base_version=0
    )
    client.force_login(inspector_a)

    response = client.post(url("inspection_submit", inspection.pk), follow=True)

    text = " ".join(messages_of(response))
    assert "CB02" in text
    assert "KP01" in text
    assert Inspection.objects.get(pk=inspection.pk).status == Inspection.Status.DRAFT


@pytest.mark.parametrize(
    "who", ["inspector_b", "staff_b", "outsider_a", "viewer", "staff_a", "admin_user"]
)
def test_only_the_assigned_inspector_can_submit(client, request, inspector_a, inspection, who):
    fill(inspection, inspector_a)
    before = snapshot(inspection)
    client.force_login(request.getfixturevalue(who))
    response = client.post(url("inspection_submit", inspection.pk))
    assert response.status_code in (403, 404)
    assert snapshot(inspection) == before


# inspection_return and inspection_approve


@pytest.fixture
def submitted_inspection(inspection, inspector_a):
    return submit(inspection, inspector_a, [("DG01", "nonconforming", "Chưa đánh giá")])


def test_staff_returns_a_submitted_inspection_with_a_reason(client, staff_a, submitted_inspection):
    client.force_login(staff_a)
    response = client.post(
        url("inspection_return", submitted_inspection.pk),
        {"reason": "Thiếu minh chứng DG01", "version": submitted_inspection.version},
    )
    assert response.status_code == 302
    stored = Inspection.objects.get(pk=submitted_inspection.pk)
    assert (stored.status, stored.return_reason) == ("returned", "Thiếu minh chứng DG01")
    page = client.get(url("inspection_detail", stored.pk)).content.decode()
    assert "Thiếu minh chứng DG01" in page


@pytest.mark.parametrize(
    "data",
    [{"reason": "", "version": 2}, {"reason": "   ", "version": 2}, {"reason": "x", "version": 1}],
)
def test_return_without_a_reason_or_on_a_stale_version_changes_nothing(
    client, staff_a, submitted_inspection, data
):
    before = snapshot(submitted_inspection)
    client.force_login(staff_a)
    response = client.post(url("inspection_return", submitted_inspection.pk), data, follow=True)
    assert response.status_code == 200
    assert messages_of(response)
    assert snapshot(submitted_inspection) == before


def test_staff_approves_and_findings_are_opened(client, staff_a, submitted_inspection):
    client.force_login(staff_a)
    response = client.post(
        url("inspection_approve", submitted_inspection.pk),
        {"version": submitted_inspection.version},
    )
    assert response.status_code == 302
    stored = Inspection.objects.get(pk=submitted_inspection.pk)
    assert stored.status == Inspection.Status.APPROVED
    (finding,) = stored.findings.all()
    assert finding.answer.criterion.code == "DG01"
    assert finding.due_on == timezone.localdate() + datetime.timedelta(days=30)


@pytest.mark.parametrize("version", ["1", "", "abc"])
def test_approve_on_a_stale_or_missing_version_changes_nothing(
    client, staff_a, submitted_inspection, version
):
    before = snapshot(submitted_inspection)
    client.force_login(staff_a)
    response = client.post(
        url("inspection_approve", submitted_inspection.pk), {"version": version}, follow=True
    )
    assert response.status_code == 200
    assert messages_of(response)
    assert snapshot(submitted_inspection) == before


@pytest.mark.parametrize("who", ["viewer", "inspector_a", "outsider_a", "staff_b", "inspector_b"])
def test_only_staff_of_the_province_can_approve_or_return(
    client, request, submitted_inspection, who
):
    before = snapshot(submitted_inspection)
    client.force_login(request.getfixturevalue(who))
    version = submitted_inspection.version
    approve_response = client.post(
        url("inspection_approve", submitted_inspection.pk), {"version": version}
    )
    return_response = client.post(
        url("inspection_return", submitted_inspection.pk), {"reason": "x", "version": version}
    )
    assert approve_response.status_code in (403, 404)
    assert return_response.status_code in (403, 404)
    assert snapshot(submitted_inspection) == before


# inspection_assign


def test_staff_assigns_inspectors_of_own_province(
    client, province_a, staff_a, inspector_a, inspector_b, inspection
):
    second = make_user(Role.INSPECTOR, province_a, username="second")
    client.force_login(staff_a)

    page = client.get(url("inspection_assign", inspection.pk))
    assert page.status_code == 200
    assert set(page.context["form"].fields["inspectors"].queryset) == {inspector_a, second}

    response = client.post(url("inspection_assign", inspection.pk), {"inspectors": [second.pk]})

    assert response.status_code == 302
    assert response.url == url("round_detail", inspection.round_id)
    assert list(inspection.inspectors.all()) == [second]


def test_inspector_of_another_province_cannot_be_assigned(
    client, staff_a, inspector_a, inspector_b, inspection
):
    client.force_login(staff_a)
    response = client.post(
        url("inspection_assign", inspection.pk), {"inspectors": [inspector_b.pk]}
    )
    assert response.status_code == 200
    assert "inspectors" in response.context["form"].errors
    assert list(inspection.inspectors.all()) == [inspector_a]


@pytest.mark.parametrize(
    "who", ["viewer", "inspector_a", "outsider_a", "staff_b", "inspector_b", "admin_user"]
)
def test_only_staff_of_the_province_can_assign(client, request, outsider_a, inspection, who):
    before = snapshot(inspection)
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("inspection_assign", inspection.pk)).status_code == 404
    response = client.post(url("inspection_assign", inspection.pk), {"inspectors": [outsider_a.pk]})
    assert response.status_code in (403, 404)
    assert snapshot(inspection) == before


# finding_detail, its actions and corrective_file


@pytest.fixture
def finding(inspection, inspector_a, staff_a):
    approve(inspection, inspector_a, staff_a, [("DG01", "nonconforming", "Chưa đánh giá")])
    return Finding.objects.get(inspection=inspection)


def finding_snapshot(finding):
    fresh = Finding.objects.get(pk=finding.pk)
    files = list(fresh.files.values_list("original_name", flat=True))
    return (
        fresh.status,
        fresh.due_on,
        fresh.verified_by_id,
        fresh.root_cause,
        fresh.action_taken,
        fresh.return_reason,
        files,
    )


def post_record(client, finding, name="bien-ban.pdf", content=PDF_BYTES, **extra):
    data = {
        "files": [SimpleUploadedFile(name, content)],
        "root_cause": "Chưa phân công",
        "action_taken": "Đã khắc phục",
    }
    return client.post(url("finding_record_upload", finding.pk), {**data, **extra})


NEXT_YEAR = str(timezone.localdate().year + 1)


@pytest.mark.parametrize("who", ["staff_a", "inspector_a", "viewer"])
def test_finding_detail_opens_for_users_in_scope(client, request, finding, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url("finding_detail", finding.pk))
    assert response.status_code == 200
    assert "Chưa đánh giá" in response.content.decode()


def test_finding_detail_offers_actions_by_role(client, staff_a, inspector_a, viewer, finding):
    expected = {staff_a: (True, True), inspector_a: (False, True), viewer: (False, False)}
    for user, (can_review, can_upload) in expected.items():
        client.force_login(user)
        response = client.get(url("finding_detail", finding.pk))
        assert (response.context["can_review"], response.context["can_upload"]) == (
            can_review,
            can_upload,
        ), user.username


@pytest.mark.parametrize("who", ["staff_b", "inspector_b", "outsider_a"])
def test_finding_detail_is_404_outside_scope(client, request, finding, media, who):
    before = finding_snapshot(finding)
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("finding_detail", finding.pk)).status_code == 404
    assert post_record(client, finding).status_code == 404
    response = client.post(url("finding_due", finding.pk), {"due_on": "2030-01-01", "reason": "x"})
    assert response.status_code == 404
    response = client.post(url("finding_return", finding.pk), {"reason": "x"})
    assert response.status_code == 404
    assert finding_snapshot(finding) == before
    assert stored_files(media) == []


def test_staff_changes_the_due_date(client, staff_a, finding):
    client.force_login(staff_a)
    response = client.post(
        url("finding_due", finding.pk), {"due_on": f"{NEXT_YEAR}-12-31", "reason": "Chờ vốn"}
    )
    assert response.status_code == 302
    stored = Finding.objects.get(pk=finding.pk)
    assert stored.due_on == datetime.date(int(NEXT_YEAR), 12, 31)
    assert stored.due_reason == "Chờ vốn"
    assert stored.history.first().history_change_reason.endswith(": Chờ vốn")


def test_bad_due_date_changes_nothing(client, staff_a, finding):
    before = finding_snapshot(finding)
    client.force_login(staff_a)
    response = client.post(url("finding_due", finding.pk), {"due_on": "soon"})
    assert response.status_code == 200
    assert response.context["due_form"].errors
    assert finding_snapshot(finding) == before


@pytest.mark.parametrize("who", ["inspector_a", "viewer"])
def test_only_staff_changes_due_dates_or_verifies(client, request, finding, who):
    before = finding_snapshot(finding)
    client.force_login(request.getfixturevalue(who))
    due = client.post(url("finding_due", finding.pk), {"due_on": "2030-01-01", "reason": "x"})
    verify = client.post(url("finding_verify", finding.pk))
    assert due.status_code in (403, 404)
    assert verify.status_code in (403, 404)
    assert finding_snapshot(finding) == before


@pytest.mark.parametrize("who", ["inspector_a", "viewer", "staff_b"])
def test_a_user_who_may_not_act_gets_404_before_the_form_is_read(client, request, finding, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(url("finding_due", finding.pk), {"due_on": "soon"}).status_code == 404
    assert client.post(url("finding_return", finding.pk), {}).status_code == 404


def test_a_refused_action_shows_the_finding_again_with_what_was_posted(client, staff_a, finding):
    before = finding_snapshot(finding)
    client.force_login(staff_a)
    # The finding is open: there is no corrective action to return yet.
    response = client.post(url("finding_return", finding.pk), {"reason": "Thiếu ảnh chụp"})
    assert response.status_code == 200
    assert messages_of(response)
    assert response.context["return_form"]["reason"].value() == "Thiếu ảnh chụp"
    assert finding_snapshot(finding) == before


def test_inspector_uploads_the_corrective_action_record(client, inspector_a, finding, media):
    client.force_login(inspector_a)

    response = post_record(client, finding, action_taken="Đã đánh giá nội bộ")

    assert response.status_code == 302
    stored = Finding.objects.get(pk=finding.pk)
    assert stored.status == Finding.Status.SUBMITTED
    (record,) = stored.files.all()
    assert (record.original_name, record.content_type) == ("bien-ban.pdf", "application/pdf")
    assert stored.action_taken == "Đã đánh giá nội bộ"
    (path,) = stored_files(media)
    assert path.read_bytes() == PDF_BYTES


def test_record_that_is_not_a_pdf_or_photo_is_refused(client, inspector_a, finding, media):
    before = finding_snapshot(finding)
    client.force_login(inspector_a)
    response = post_record(client, finding, name="bien-ban.pdf", content=EXE_BYTES)
    assert response.status_code == 200
    assert messages_of(response)
    assert finding_snapshot(finding) == before
    assert stored_files(media) == []


def test_viewer_cannot_upload_a_record(client, viewer, finding, media):
    before = finding_snapshot(finding)
    client.force_login(viewer)
    assert post_record(client, finding).status_code in (403, 404)
    assert finding_snapshot(finding) == before
    assert stored_files(media) == []


def test_verify_before_a_record_exists_is_refused(client, staff_a, finding):
    client.force_login(staff_a)
    response = client.post(url("finding_verify", finding.pk))
    assert response.status_code == 200
    assert messages_of(response)
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN


def test_staff_verifies_after_the_record_and_the_finding_is_closed(
    client, staff_a, inspector_a, finding, media
):
    client.force_login(inspector_a)
    post_record(client, finding)
    client.force_login(staff_a)

    response = client.post(url("finding_verify", finding.pk))

    assert response.status_code == 302
    stored = Finding.objects.get(pk=finding.pk)
    assert (stored.status, stored.verified_by) == ("verified", staff_a)
    assert stored.verified_on == timezone.localdate()
    client.force_login(inspector_a)
    assert client.get(url("finding_detail", finding.pk)).context["can_upload"] is False
    assert post_record(client, finding, name="late.pdf").status_code == 404
    assert [f.original_name for f in Finding.objects.get(pk=finding.pk).files.all()] == [
        "bien-ban.pdf"
    ]


def test_unknown_finding_action_is_404(client, staff_a, finding):
    before = finding_snapshot(finding)
    client.force_login(staff_a)
    assert client.post(f"/findings/{finding.pk}/delete/").status_code == 404
    # The page itself takes no action: each has its own address.
    page = client.post(url("finding_detail", finding.pk), {"due_on": "2030-01-01"})
    assert page.status_code == 405
    assert finding_snapshot(finding) == before


def test_record_may_be_submitted_by_reviewers_and_the_inspections_inspectors(request, finding):
    personas = ["admin_user", "staff_a", "staff_b", "inspector_a", "inspector_b", "viewer"]
    allowed = {
        name for name in personas if finding.can_submit_record(request.getfixturevalue(name))
    }
    assert allowed == {"admin_user", "staff_a", "inspector_a"}
    finding.status = Finding.Status.VERIFIED
    assert not any(finding.can_submit_record(request.getfixturevalue(n)) for n in personas)


@pytest.fixture
def finding_with_record(finding, inspector_a, media):
    services.finding_submit_record(
        finding=finding,
        user=inspector_a,
        root_cause="Chưa phân công",
        action_taken="Đã khắc phục",
        files=[(SimpleUploadedFile("bien-ban.png", PNG_BYTES), "image/png")],
    )
    return finding


@pytest.mark.parametrize("who", ["staff_b", "inspector_b", "outsider_a", "inspector_a", "viewer"])
def test_finding_verify_is_404_for_users_who_do_not_review(
    client, request, finding_with_record, who
):
    before = finding_snapshot(finding_with_record)
    client.force_login(request.getfixturevalue(who))
    assert client.post(url("finding_verify", finding_with_record.pk)).status_code == 404
    assert finding_snapshot(finding_with_record) == before


@pytest.mark.parametrize(
    "name", ["finding_due", "finding_verify", "finding_record_upload", "finding_return"]
)
def test_finding_actions_take_only_posts(client, staff_a, finding, name):
    client.force_login(staff_a)
    assert client.get(url(name, finding.pk)).status_code == 405


@pytest.mark.parametrize("who", ["staff_a", "inspector_a", "viewer", "admin_user"])
def test_corrective_action_record_is_served_to_users_in_scope(
    client, request, finding_with_record, who
):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url("corrective_file", finding_with_record.files.get().pk))
    assert response.status_code == 200
    assert body(response) == PNG_BYTES
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize("who", ["staff_b", "inspector_b", "outsider_a"])
def test_corrective_action_record_is_404_outside_scope(client, request, finding_with_record, who):
    client.force_login(request.getfixturevalue(who))
    stored = finding_with_record.files.get()
    assert client.get(url("corrective_file", stored.pk)).status_code == 404


# round_workbook and round_import (added while these tests were written: scope only here)


def workbook_agency_codes(response):
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_round_workbook_holds_the_round_for_staff_and_own_agencies_for_an_inspector(
    client, province_a, staff_a, inspector_a, outsider_a
):
    mine, theirs = make_agency(province_a), make_agency(province_a)
    round_ = make_round(province_a, [mine, theirs], inspectors=[inspector_a])
    round_.inspections.get(agency=theirs).inspectors.set([outsider_a])

    client.force_login(staff_a)
    response = client.get(url("round_workbook", round_.pk))
    assert response.status_code == 200
    assert sorted(workbook_agency_codes(response)) == sorted([mine.code, theirs.code])

    client.force_login(inspector_a)
    assert workbook_agency_codes(client.get(url("round_workbook", round_.pk))) == [mine.code]


@pytest.mark.parametrize("who", ["staff_b", "inspector_b", "outsider_a"])
def test_round_workbook_is_404_outside_scope(client, request, round_a, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("round_workbook", round_a.pk)).status_code == 404


def test_round_import_page_opens_for_staff_and_assigned_inspector(
    client, staff_a, inspector_a, round_a
):
    for user in (staff_a, inspector_a):
        client.force_login(user)
        assert client.get(url("round_import", round_a.pk)).status_code == 200


@pytest.mark.parametrize("who", ["viewer", "staff_b", "inspector_b", "outsider_a"])
def test_round_import_is_404_for_users_who_cannot_import_into_the_round(
    client, request, staff_a, round_a, inspection, who
):
    client.force_login(staff_a)
    workbook = client.get(url("round_workbook", round_a.pk)).content
    before = snapshot(inspection)
    client.force_login(request.getfixturevalue(who))

    assert client.get(url("round_import", round_a.pk)).status_code == 404
    response = client.post(
        url("round_import", round_a.pk),
        {"file": SimpleUploadedFile("phieu.xlsx", workbook), "submit": "on"},
    )
    assert response.status_code == 404
    assert snapshot(inspection) == before


# Query counts: measured on a small data set, asserted on a large one too, so that a count
# growing with the rows (an N+1) fails.

# session, user with profile, round, its inspectors (the filter), the counts per state and
# with overdue findings (one query), the page of inspections, their inspectors
ROUND_DETAIL_QUERIES = 7
ROUND_LIST_QUERIES = 4  # session, user, profile, rounds with counts
MY_INSPECTIONS_QUERIES = 4  # session, user, profile, inspections with agency, round, province
# session, user with profile, inspection (with whether the user is assigned), answers with
# their evidence, findings, answer and status history, and the follow-up of findings for
# staff (response links, last reminder)
INSPECTION_DETAIL_QUERIES = 9
# Session and user with profile (every request), then the save's own four: the answer
# locked with its inspection, the idempotency key, the answer, its history row.
ANSWER_SAVE_QUERIES = 6


def populated_round(province, size, inspectors, number=None):
    """A round of `size` agencies in every state; a fifth have overdue findings."""
    agencies = [make_agency(province) for _ in range(size)]
    round_ = make_round(province, agencies, inspectors=inspectors, number=number)
    long_ago = datetime.date(2020, 1, 1)
    findings = []
    for index, inspection in enumerate(round_.inspections.order_by("pk")):
        kind = index % 5
        if kind == 0:
            continue  # not started
        inspection.answers.update(result="partial", note="Một phần")
        if kind >= 2:
            Inspection.objects.filter(pk=inspection.pk).update(
                status=["submitted", "returned", "approved"][kind - 2],
                score=50,
                rating=Inspection.Rating.NOT_MEETING,
            )
        if kind == 4:
            findings += [
                Finding(inspection=inspection, answer=answer, description="d", due_on=long_ago)
                for answer in inspection.answers.all()[:3]
            ]
    Finding.objects.bulk_create(findings)
    return round_


@pytest.mark.parametrize("size", [5, 60])
def test_round_detail_costs_a_fixed_number_of_queries(
    client, province_a, staff_a, inspector_a, django_assert_max_num_queries, size
):
    second = make_user(Role.INSPECTOR, province_a)
    round_ = populated_round(province_a, size, [inspector_a, second])
    client.force_login(staff_a)

    with django_assert_max_num_queries(ROUND_DETAIL_QUERIES):
        response = client.get(url("round_detail", round_.pk))

    assert len(response.context["rows"]) == min(size, 50)
    assert response.context["counts"] == {
        **dict.fromkeys(Inspection.State.values, size // 5),
        "overdue": size // 5,
    }
    overdue = {i.pk for i in round_.inspections.filter(findings__isnull=False)}
    assert [bool(i.overdue) for i, _ in rows_of(response)] == [
        i.pk in overdue for i, _ in rows_of(response)
    ]


@pytest.mark.parametrize("size", [2, 20])
def test_round_list_costs_a_fixed_number_of_queries(
    client, province_a, staff_a, django_assert_max_num_queries, size
):
    for _ in range(size):
        make_round(province_a, [make_agency(province_a)])
    client.force_login(staff_a)
    with django_assert_max_num_queries(ROUND_LIST_QUERIES):
        response = client.get(url("round_list"))
    assert len(response.context["rounds"]) == size


@pytest.mark.parametrize(("rounds", "per_round"), [(1, 3), (3, 10)])
def test_my_inspections_costs_a_fixed_number_of_queries(
    client, province_a, inspector_a, django_assert_max_num_queries, rounds, per_round
):
    for _ in range(rounds):
        populated_round(province_a, per_round, [inspector_a])
    client.force_login(inspector_a)

    with django_assert_max_num_queries(MY_INSPECTIONS_QUERIES):
        response = client.get(url("my_inspections"))

    assert len(response.context["inspections"]) == rounds * per_round


@pytest.mark.parametrize("files", [1, 6])
def test_inspection_detail_costs_a_fixed_number_of_queries(
    client, settings, staff_a, inspector_a, inspection, media, django_assert_max_num_queries, files
):
    settings.HISTORY_MERGE_MINUTES = 0  # every save its own entry
    codes = ["CB01", "CB02", "TC01", "CS01", "MT01", "RR01"][:files]
    for code in codes:
        services.evidence_add(
            answer=answer_of(inspection, code),
            user=inspector_a,
            upload=SimpleUploadedFile(f"{code}.png", PNG_BYTES),
            content_type="image/png",
        )
    approve(inspection, inspector_a, staff_a, [(code, "partial", "Một phần") for code in codes])
    client.force_login(staff_a)

    with django_assert_max_num_queries(INSPECTION_DETAIL_QUERIES):
        response = client.get(url("inspection_detail", inspection.pk))

    assert len(response.context["findings"]) == files
    assert sum(len(a.files) for a in response.context["answers"]) == files
    assert len(response.context["history"]) == 12 + files + 2


def test_inspection_detail_reads_each_answer_once_with_its_files_in_order(
    client, inspector_a, inspection, media
):
    for name in ("mot.png", "hai.png", "ba.png"):
        services.evidence_add(
            answer=answer_of(inspection, "TC01"),
            user=inspector_a,
            upload=SimpleUploadedFile(name, PNG_BYTES),
            content_type="image/png",
        )
    services.evidence_add(
        answer=answer_of(inspection, "KP01"),
        user=inspector_a,
        upload=SimpleUploadedFile("cuoi.png", PNG_BYTES),
        content_type="image/png",
    )
    client.force_login(inspector_a)

    response = client.get(url("inspection_detail", inspection.pk))

    answers = response.context["answers"]
    assert [a.criterion.code for a in answers] == CODES
    files = {a.criterion.code: [f.original_name for f in a.files] for a in answers}
    assert files["TC01"] == ["mot.png", "hai.png", "ba.png"]
    assert files["KP01"] == ["cuoi.png"]
    assert sum(len(names) for names in files.values()) == 4


@pytest.mark.parametrize("earlier_saves", [0, 8])
def test_answer_save_costs_a_fixed_number_of_queries(
    client, inspector_a, inspection, django_assert_max_num_queries, earlier_saves
):
    if earlier_saves:
        fill(inspection, inspector_a)
    answer = answer_of(inspection, "CB01")
    for number in range(earlier_saves):
        services.answer_save(
            answer=answer,
            user=inspector_a,
            result="partial",
            note=str(number),
            base_version=answer.version + number,
        )
    version = Answer.objects.get(pk=answer.pk).version
    client.force_login(inspector_a)

    with django_assert_max_num_queries(ANSWER_SAVE_QUERIES):
        response = post_answer(
            client, inspection, answer, "nonconforming", version=version, key=str(uuid.uuid4())
        )

    assert response.status_code == 200
    assert response.json()["version"] == version + 1


def test_dissolved_agencies_are_never_offered_for_a_new_round(
    client, staff_a, agencies_a, province_a
):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    ward = make_agency(province_a, name="UBND phường Mới")
    merged = make_agency(province_a, name="UBND xã Cũ", dissolved_on=today, successor=ward)
    leaving = make_agency(province_a, name="Sở còn đến mai", dissolved_on=today + day)
    not_yet = make_agency(province_a, name="Sở thành lập mai", established_on=today + day)
    client.force_login(staff_a)

    offered = listed_agencies(client.get(url("round_agency_choices")))
    form_choices = set(
        client.get(url("round_create"))
        .context["form"]
        .fields["agencies"]
        .queryset.values_list("pk", flat=True)
    )

    assert {ward.pk, leaving.pk} <= offered
    assert not {merged.pk, not_yet.pk, agencies_a["inactive"].pk} & offered
    assert form_choices == offered
    response = client.post(url("round_create"), round_data([merged]))
    assert "agencies" in response.context["form"].errors
    assert not Round.objects.exists()


# The round page at size: paginated, filtered on the server


def names_on(response):
    return [inspection.agency.name for inspection, _state in rows_of(response)]


def test_round_detail_shows_fifty_rows_a_page_with_the_counts_of_the_whole_round(
    client, province_a, staff_a, inspector_a
):
    round_ = populated_round(province_a, 60, [inspector_a])
    client.force_login(staff_a)

    first = client.get(url("round_detail", round_.pk))
    second = client.get(url("round_detail", round_.pk), {"page": 2})

    assert (len(first.context["rows"]), len(second.context["rows"])) == (50, 10)
    assert not set(names_on(first)) & set(names_on(second))
    assert first.context["total"] == 60
    assert first.context["page"].paginator.num_pages == 2
    assert "page=2" in first.content.decode()


@pytest.mark.parametrize("state", ["", "not_started", "in_progress", "approved", "overdue"])
def test_round_detail_pages_hold_the_inspections_in_agency_order_with_state_and_findings(
    client, monkeypatch, province_a, staff_a, inspector_a, state
):
    """Page after page, the rows are the round's inspections in that state, in the agencies'
    order, each with its state and overdue findings as counted one inspection at a time."""
    monkeypatch.setattr(views, "ROUND_PAGE_SIZE", 4)
    round_ = populated_round(province_a, 30, [inspector_a])
    # Names in an order of their own, not that of the rows' creation.
    for index, inspection in enumerate(round_.inspections.select_related("agency")):
        inspection.agency.name = f"Đơn vị {index * 7 % 30:02d}"
        inspection.agency.save()
    today = timezone.localdate()
    expected = []
    inspections = round_.inspections.select_related("agency")
    for inspection in inspections.prefetch_related("answers", "findings"):
        shown = inspection.state(sum(1 for answer in inspection.answers.all() if answer.result))
        overdue = sum(1 for finding in inspection.findings.all() if finding.is_overdue(today))
        if state in ("", shown) or (state == "overdue" and overdue):
            expected.append((inspection.agency.sort_key, inspection.pk, shown, overdue))
    pages = -(-len(expected) // 4)
    client.force_login(staff_a)

    shown_rows = []
    for number in range(1, pages + 1):
        response = client.get(url("round_detail", round_.pk), {"state": state, "page": number})
        shown_rows += [(i.pk, shown, i.overdue) for i, shown in rows_of(response)]

    assert pages > 1
    assert response.context["page"].paginator.num_pages == pages
    assert shown_rows == [(pk, shown, overdue) for _key, pk, shown, overdue in sorted(expected)]


def test_round_detail_not_started_filter_is_planned_without_an_anti_join(round_a):
    """PostgreSQL estimates an anti-join of the answers at almost no rows whatever the
    round, and then sorts the whole round for a page of 50: the 'not started' condition is
    kept out of that shape (Inspection.state_condition), so the page walks the round in
    agency order and stops at its end."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plan")
    condition = Inspection.state_condition(Inspection.State.NOT_STARTED)
    page = round_a.inspections.filter(condition).order_by("agency__sort_key", "pk")[:50]
    assert "Anti Join" not in page.values_list("pk", flat=True).explain()


def test_round_detail_pages_keep_the_filters(client, province_a, staff_a, inspector_a):
    round_ = populated_round(province_a, 60, [inspector_a])
    client.force_login(staff_a)
    response = client.get(url("round_detail", round_.pk), {"state": "not_started"})
    assert len(response.context["rows"]) == 12
    assert response.context["page"].paginator.count == 12


def test_round_detail_filters_by_level_inspector_and_accent_free_search(
    client, province_a, staff_a, inspector_a
):
    colleague = make_user(Role.INSPECTOR, province_a)
    agencies = [
        make_agency(province_a, name="Sở Tư pháp tỉnh Hưng Yên", level="department"),
        make_agency(province_a, name="UBND xã Tân Hưng", level="commune"),
        make_agency(province_a, name="Sở Y tế", level="department"),
    ]
    round_ = make_round(province_a, agencies, inspectors=[inspector_a])
    round_.inspections.get(agency=agencies[2]).inspectors.set([colleague])
    client.force_login(staff_a)
    address = url("round_detail", round_.pk)

    by_level = client.get(address, {"level": "commune"})
    by_inspector = client.get(address, {"inspector": colleague.pk})
    by_search = client.get(address, {"q": "hung yen"})
    combined = client.get(address, {"q": "hung", "level": "department"})

    assert names_on(by_level) == ["UBND xã Tân Hưng"]
    assert names_on(by_inspector) == ["Sở Y tế"]
    assert names_on(by_search) == ["Sở Tư pháp tỉnh Hưng Yên"]
    assert names_on(combined) == ["Sở Tư pháp tỉnh Hưng Yên"]
    # The counts at the top follow the filters other than the state.
    assert combined.context["counts"]["not_started"] == 1


def test_round_detail_ignores_an_inspector_outside_the_round(
    client, province_a, staff_a, inspector_a, round_a, inspector_b
):
    client.force_login(staff_a)
    response = client.get(url("round_detail", round_a.pk), {"inspector": inspector_b.pk})
    assert len(response.context["rows"]) == 1
    assert inspector_b not in response.context["inspectors"]
