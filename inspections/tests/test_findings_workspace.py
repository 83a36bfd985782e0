"""The findings workspace: who sees what, the filters and counts, the bulk actions (due-date
move, reminders now), the Excel export, and a fixed number of queries with 5,000 findings."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agencies.models import Agency
from agencies.tests.factories import make_agency, make_user
from inspections import services
from inspections.findings_workspace import managed_selection
from inspections.history import finding_history
from inspections.models import Answer, Finding, Inspection, Reminder
from inspections.tests.factories import CODES, answer_of, make_round

URL = reverse("finding_list")


def add_finding(inspection, code, due_on, status=Finding.Status.OPEN, description=None):
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.APPROVED)
    answer = answer_of(inspection, code)
    Answer.objects.filter(pk=answer.pk).update(result=Answer.Result.NONCONFORMING)
    return Finding.objects.create(
        inspection=inspection,
        answer=answer,
        description=description or f"{code}. ghi chú",
        due_on=due_on,
        status=status,
    )


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(province_a, province_b, today):
    """Province A: two rounds, a commune and a department, four findings; B: one finding."""
    commune = make_agency(province_a, code="33-X1", name="UBND xã Tân Tiến", level="commune")
    department = make_agency(province_a, code="33-S1", name="Sở Nội vụ", level="department")
    first = make_round(province_a, [commune, department], number=1)
    second = make_round(province_a, [commune], number=2)
    other = make_round(province_b, [make_agency(province_b, name="UBND phường Ba Đình")])
    inspection = first.inspections.get(agency=commune)
    late = today - datetime.timedelta(days=5)
    findings = {
        "late": add_finding(inspection, "CB01", late),
        "soon": add_finding(inspection, "MT01", today + datetime.timedelta(days=3)),
        "submitted": add_finding(
            first.inspections.get(agency=department),
            "MT01",
            late,
            Finding.Status.SUBMITTED,
        ),
        "closed": add_finding(
            second.inspections.get(), "DG01", late, Finding.Status.VERIFIED, description="=cmd"
        ),
        "b": add_finding(other.inspections.get(), "CB01", late),
    }
    return {"first": first, "second": second, "other": other, **findings}


def shown(response):
    return sorted(f.pk for f, _late in response.context["rows"])


def pks(world, *names):
    return sorted(world[name].pk for name in names)


def counts(response):
    return {value: n for value, _label, n in response.context["counts"]}


def test_staff_see_the_findings_of_their_own_province_only(client, staff_a, world):
    client.force_login(staff_a)
    response = client.get(URL)
    assert shown(response) == pks(world, "late", "soon", "submitted", "closed")
    assert b'id="bulk-form"' in response.content


def test_national_viewer_sees_every_province_without_bulk_actions(client, viewer, world):
    client.force_login(viewer)
    response = client.get(URL)
    assert shown(response) == pks(world, "late", "soon", "submitted", "closed", "b")
    assert b'id="bulk-form"' not in response.content
    assert b'name="finding"' not in response.content


@pytest.mark.parametrize("name", ["finding_list", "finding_export"])
def test_inspectors_and_strangers_get_404(client, inspector_a, world, name):
    client.force_login(inspector_a)
    assert client.get(reverse(name)).status_code == 404
    client.force_login(make_user(username="no-role"))
    assert client.get(reverse(name)).status_code == 404


def test_the_menu_and_the_round_page_link_to_the_workspace(client, staff_a, inspector_a, world):
    client.force_login(staff_a)
    page = client.get(reverse("round_detail", args=[world["first"].pk])).content.decode()
    assert f'href="{URL}"' in page
    assert f'href="{URL}?round={world["first"].pk}"' in page
    client.force_login(inspector_a)
    assert f'href="{URL}"' not in client.get(reverse("my_inspections")).content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "tan tien"}, ["late", "soon", "closed"]),
        ({"q": "TÂN  tiến"}, ["late", "soon", "closed"]),
        ({"agency": "33-S1"}, ["submitted"]),
        ({"level": "department"}, ["submitted"]),
        ({"status": "open"}, ["late", "soon"]),
        ({"overdue": "on"}, ["late"]),
        ({"criterion": "mt01"}, ["soon", "submitted"]),
        ({"year": "2026", "level": "commune", "status": "verified"}, ["closed"]),
    ],
)
def test_each_filter_narrows_the_list(client, staff_a, world, query, expected):
    client.force_login(staff_a)
    assert shown(client.get(URL, query)) == pks(world, *expected)


def test_the_round_filter_offers_only_rounds_the_user_may_see(client, staff_a, world):
    client.force_login(staff_a)
    response = client.get(URL, {"round": world["second"].pk})
    assert shown(response) == pks(world, "closed")
    # Province B's round is not a choice: the filter is refused, not obeyed.
    response = client.get(URL, {"round": world["other"].pk})
    assert world["b"].pk not in shown(response)
    assert "round" in response.context["form"].errors


def test_every_filter_has_the_sites_look_and_fits_a_phone(client, staff_a, world):
    # Unstyled inputs keep their browser width and pushed the page past 360 px.
    client.force_login(staff_a)
    page = client.get(reverse("finding_list")).content.decode()
    form = page[
        page.index('id="finding-filters"') : page.index(
            "</form>", page.index('id="finding-filters"')
        )
    ]
    controls = re.findall(r"<(?:input|select)\b[^>]*>", form)
    shown = [c for c in controls if 'type="hidden"' not in c]
    assert len(shown) == 9  # the agency search and eight filters
    for control in shown:
        assert re.search(r'class="[^"]*(form-control|form-select|form-check-input)', control), (
            control
        )


def test_status_counts_follow_the_other_filters_but_not_the_status(client, staff_a, world):
    client.force_login(staff_a)
    response = client.get(URL, {"status": "open"})
    assert counts(response) == {"open": 2, "submitted": 1, "returned": 0, "verified": 1}
    response = client.get(URL, {"criterion": "MT01", "status": "open"})
    assert counts(response) == {"open": 1, "submitted": 1, "returned": 0, "verified": 0}
    assert shown(response) == pks(world, "soon")
    assert response.context["overdue_count"] == 0
    assert client.get(URL).context["overdue_count"] == 1


def test_days_overdue_are_shown_for_open_findings_past_their_date(client, staff_a, world):
    client.force_login(staff_a)
    late = {f.pk: days for f, days in client.get(URL).context["rows"]}
    assert late == {world["late"].pk: 5, world["soon"].pk: 0, world["submitted"].pk: 0,
                    world["closed"].pk: 0}  # fmt: skip


def test_sort_by_agency_or_by_due_date(client, staff_a, world):
    client.force_login(staff_a)
    rows = client.get(URL, {"sort": "agency"}).context["rows"]
    by_agency = [f.inspection.agency.name for f, _ in rows]
    assert by_agency == ["Sở Nội vụ"] + ["UBND xã Tân Tiến"] * 3
    by_due = [f.due_on for f, _ in client.get(URL).context["rows"]]
    assert by_due == sorted(by_due)


# Bulk move of due dates


def post_due(client, world, names, due_on, reason="Đơn vị xin gia hạn", apply=False):
    name = "finding_due_bulk_apply" if apply else "finding_due_bulk"
    data = {"finding": [world[n].pk for n in names], "due_on": due_on, "reason": reason}
    data["next"] = f"{URL}?status=open"
    return client.post(reverse(name), data)


def test_moving_due_dates_asks_for_confirmation_then_records_why(client, staff_a, world, today):
    client.force_login(staff_a)
    new = today + datetime.timedelta(days=30)
    page = post_due(client, world, ["late", "soon", "closed"], new.isoformat())
    assert page.status_code == 200
    assert [f.pk for f in page.context["changing"]] == pks(world, "late", "soon")
    assert b'id="closed-skipped"' in page.content
    assert Finding.objects.get(pk=world["late"].pk).due_on < today  # nothing changed yet
    done = post_due(client, world, ["late", "soon"], new.isoformat(), apply=True)
    assert done.status_code == 302
    assert done.url == f"{URL}?status=open"
    moved = Finding.objects.get(pk=world["late"].pk)
    assert (moved.due_on, moved.due_reason) == (new, "Đơn vị xin gia hạn")
    latest, before = moved.history.order_by("-history_id")[:2]
    old = today - datetime.timedelta(days=5)
    assert (latest.history_change_reason, latest.history_user) == (
        f"{old:%d/%m/%Y} → {new:%d/%m/%Y}: Đơn vị xin gia hạn",
        staff_a,
    )
    assert before.due_on == old
    assert Finding.objects.get(pk=world["closed"].pk).due_on == world["closed"].due_on
    # The finding's own page tells the move as it tells one made there.
    (entry,) = [e for e in finding_history(moved) if e.before == f"{old:%d/%m/%Y}"]
    assert (entry.after, entry.reason, entry.user) == (f"{new:%d/%m/%Y}", "Đơn vị xin gia hạn",
                                                      "staff-a")  # fmt: skip


def test_a_long_reason_is_kept_whole_on_the_finding_and_cut_to_fit_the_history(
    client, staff_a, world, today
):
    client.force_login(staff_a)
    reason = "Đơn vị xin gia hạn vì chờ kinh phí " * 8
    new = (today + datetime.timedelta(days=30)).isoformat()
    assert post_due(client, world, ["late"], new, reason, apply=True).status_code == 302
    moved = Finding.objects.get(pk=world["late"].pk)
    assert moved.due_reason == reason.strip()
    assert len(moved.history.first().history_change_reason) == 100


@pytest.mark.parametrize(("due", "reason", "field"), [(-1, "lý do", "due_on"), (0, "  ", "reason")])
def test_a_past_date_or_a_missing_reason_moves_nothing(
    client, staff_a, world, today, due, reason, field
):
    client.force_login(staff_a)
    day = (today + datetime.timedelta(days=due)).isoformat()
    for apply in (False, True):
        page = post_due(client, world, ["late"], day, reason, apply=apply)
        assert page.status_code == 200
        assert list(page.context["form"].errors) == [field]
        assert b'id="changes"' in page.content
    assert Finding.objects.get(pk=world["late"].pk).due_on == world["late"].due_on


def test_the_one_due_date_service_refuses_a_past_date_a_blank_reason_and_other_provinces(
    staff_a, staff_b, world, today, english
):
    findings = managed_selection(staff_a, pks(world, "late", "soon"))
    yesterday = today - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be in the past"):
        services.findings_move_due(findings=findings, user=staff_a, due_on=yesterday, reason="x")
    with pytest.raises(ValidationError, match="cannot be in the past"):
        services.finding_update_due(finding=findings[0], user=staff_a, due_on=yesterday, reason="x")
    with pytest.raises(ValidationError, match="Say why"):
        services.findings_move_due(findings=findings, user=staff_a, due_on=today, reason=" \x00 ")
    with pytest.raises(PermissionDenied):
        services.findings_move_due(findings=findings, user=staff_b, due_on=today, reason="x")
    assert [f.due_on for f in Finding.objects.filter(pk__in=pks(world, "late", "soon"))] == [
        world["late"].due_on,
        world["soon"].due_on,
    ]
    moved = services.findings_move_due(findings=findings, user=staff_a, due_on=today, reason="x")
    assert sorted(f.pk for f in moved) == pks(world, "late", "soon")


@pytest.mark.parametrize("apply", [False, True])
def test_staff_of_another_province_cannot_move_findings_by_posting_their_ids(
    client, staff_b, viewer, inspector_a, world, today, apply
):
    new = (today + datetime.timedelta(days=30)).isoformat()
    for user in (staff_b, viewer, inspector_a):
        client.force_login(user)
        assert post_due(client, world, ["late"], new, apply=apply).status_code == 404
    client.force_login(staff_b)
    # Mixed with one of their own, the whole selection is refused.
    assert post_due(client, world, ["b", "late"], new, apply=apply).status_code == 404
    assert Finding.objects.get(pk=world["late"].pk).due_on == world["late"].due_on


def test_admin_moves_findings_of_any_province(client, admin_user, world, today):
    client.force_login(admin_user)
    new = today + datetime.timedelta(days=9)
    post_due(client, world, ["late", "b"], new.isoformat(), apply=True)
    assert set(Finding.objects.filter(due_on=new).values_list("pk", flat=True)) == {
        world["late"].pk,
        world["b"].pk,
    }


def test_an_unsafe_next_is_not_followed(client, staff_a, world, today):
    client.force_login(staff_a)
    data = {"finding": [world["late"].pk], "reason": "x", "next": "https://evil.example/"}
    data["due_on"] = (today + datetime.timedelta(days=3)).isoformat()
    response = client.post(reverse("finding_due_bulk_apply"), data)
    assert response.url == URL


# Reminders now


@pytest.fixture
def contacts(world):
    """The commune has an ISO contact; the department has none and one more open finding."""
    Agency.objects.filter(code="33-X1").update(contact_email="iso@tantien.gov.vn")
    department = world["first"].inspections.get(agency__code="33-S1")
    world["department"] = add_finding(department, "CB01", timezone.localdate())
    return world


def post_remind(client, world, names, apply=False, follow=False):
    name = "finding_remind_bulk_apply" if apply else "finding_remind_bulk"
    data = {"finding": [world[n].pk for n in names], "next": f"{URL}?overdue=on"}
    return client.post(reverse(name), data, follow=follow)


def flashed(response):
    return [str(m) for m in response.context["messages"]]


def test_the_workspace_offers_reminders_to_staff_only(client, staff_a, viewer, world):
    client.force_login(staff_a)
    page = client.get(URL).content.decode()
    assert f'formaction="{reverse("finding_remind_bulk")}" formnovalidate' in page
    client.force_login(viewer)
    assert b'id="remind-button"' not in client.get(URL).content


def test_reminding_now_shows_what_will_be_sent_before_sending_anything(client, staff_a, contacts):
    client.force_login(staff_a)
    page = post_remind(client, contacts, ["late", "soon", "submitted", "closed", "department"])
    assert page.status_code == 200
    rows = {item.agency.code: (item.recipient, why_not) for item, why_not in page.context["rows"]}
    assert rows == {
        "33-X1": ("iso@tantien.gov.vn", ""),
        "33-S1": ("", "Chưa có email liên hệ trong danh mục"),
    }
    assert page.context["sending"] == 1
    assert sorted(f.pk for f in page.context["left_out"]) == pks(contacts, "submitted", "closed")
    html = page.content.decode()
    assert "Sẽ gửi 1 email" in html
    assert 'id="left-out"' in html
    assert f'action="{reverse("finding_remind_bulk_apply")}"' in html
    assert (mail.outbox, Reminder.objects.count()) == ([], 0)


def test_staff_send_one_reminder_per_agency_and_are_told_what_was_not_sent(
    client, staff_a, contacts
):
    client.force_login(staff_a)
    names = ["late", "soon", "submitted", "department"]
    response = post_remind(client, contacts, names, apply=True, follow=True)
    assert response.redirect_chain == [(f"{URL}?overdue=on", 302)]
    (message,) = mail.outbox
    assert message.to == ["iso@tantien.gov.vn"]
    assert "CB01" in message.body
    assert "MT01" in message.body
    reminder = Reminder.objects.get()
    assert reminder.sent_by == staff_a
    assert sorted(reminder.findings.values_list("pk", flat=True)) == pks(contacts, "late", "soon")
    assert flashed(response) == [
        "Đã gửi 1 email nhắc hạn.",
        "1 cơ quan chưa có email liên hệ nên chưa được nhắc.",
    ]


def test_a_reminder_already_sent_today_is_not_sent_twice(client, staff_a, contacts):
    client.force_login(staff_a)
    post_remind(client, contacts, ["late"], apply=True)
    page = post_remind(client, contacts, ["soon"])
    assert [why for _item, why in page.context["rows"]] == ["Đã nhắc trong hôm nay"]
    assert b'id="remind-confirm"' in page.content
    assert b"btn btn-primary" not in page.content  # nothing to send: no send button
    response = post_remind(client, contacts, ["late", "soon"], apply=True, follow=True)
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1
    assert flashed(response) == [
        "Đã gửi 0 email nhắc hạn.",
        "1 cơ quan đã được nhắc trong hôm nay; không gửi lại.",
    ]


@pytest.mark.parametrize("apply", [False, True])
def test_staff_of_another_province_or_viewers_cannot_remind_agencies(
    client, staff_b, viewer, inspector_a, contacts, apply
):
    for user in (staff_b, viewer, inspector_a):
        client.force_login(user)
        assert post_remind(client, contacts, ["late"], apply=apply).status_code == 404
    client.force_login(staff_b)
    assert post_remind(client, contacts, ["b", "late"], apply=apply).status_code == 404
    assert (mail.outbox, Reminder.objects.count()) == ([], 0)


def test_reminders_now_cost_fixed_queries_however_many_findings(
    client, staff_a, province_a, today, django_assert_max_num_queries
):
    # 900: a form posts at most DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) values.
    round_ = bulk_findings(province_a, 900, today)
    agencies = Agency.objects.filter(inspections__round=round_)
    ids = list(Finding.objects.filter(inspection__round=round_).values_list("pk", flat=True))
    data = {"finding": ids, "next": URL}
    client.force_login(staff_a)
    client.get(URL)
    with django_assert_max_num_queries(5):
        page = client.post(reverse("finding_remind_bulk"), data)
    assert len(page.context["rows"]) == agencies.count() == 75
    with django_assert_max_num_queries(5):  # no agency has a contact: nothing to send
        client.post(reverse("finding_remind_bulk_apply"), data)
    # With contacts, each email costs its own few writes (the reminder, its findings, a
    # link), never one per finding.
    agencies.update(contact_email="iso@xa.gov.vn")
    with django_assert_max_num_queries(5 + 75 * 11):
        client.post(reverse("finding_remind_bulk_apply"), data)
    assert len(mail.outbox) == 75


# Export


def test_the_export_holds_the_filtered_list_safely_with_real_dates(client, staff_a, world):
    client.force_login(staff_a)
    response = client.get(reverse("finding_export"), {"q": "tân tiến", "sort": "agency"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(row[-1] for row in rows) == pks(world, "late", "soon", "closed")
    closed = next(row for row in rows if row[-1] == world["closed"].pk)
    assert closed[6] == "'=cmd"
    assert closed[7] == datetime.datetime.combine(world["closed"].due_on, datetime.time())
    late = next(row for row in rows if row[-1] == world["late"].pk)
    assert late[9] == 5


# Cost with many findings


def bulk_findings(province, count, today):
    """`count` findings over communes of one round, created in a few bulk inserts."""
    per = len(CODES)
    agencies = [
        Agency(code=f"{province.code}-B{i:05d}", name=f"UBND xã Số {i}", level="commune",
               province=province)
        for i in range(-(-count // per))
    ]  # fmt: skip
    for agency in agencies:
        agency.refresh_derived()
    round_ = make_round(province, Agency.objects.bulk_create(agencies), number=90)
    round_.inspections.update(status=Inspection.Status.APPROVED)
    answers = Answer.objects.filter(inspection__round=round_).order_by("pk")[:count]
    statuses = Finding.Status.values
    Finding.objects.bulk_create(
        [
            Finding(
                inspection_id=answer.inspection_id,
                answer=answer,
                description="ghi chú",
                due_on=today + datetime.timedelta(days=i % 40 - 20),
                status=statuses[i % len(statuses)],
            )
            for i, answer in enumerate(answers)
        ],
        batch_size=1000,
    )
    return round_


def test_the_list_and_its_export_cost_fixed_queries_with_5000_findings(
    client, staff_a, province_a, today, django_assert_max_num_queries
):
    round_ = bulk_findings(province_a, 5_000, today)
    client.force_login(staff_a)
    client.get(URL)  # session and user cached as in any later request
    query = {"round": round_.pk, "q": "xa so", "sort": "agency", "page": "3"}
    with django_assert_max_num_queries(10):
        response = client.get(URL, query)
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.count == 5_000
    assert sum(n for _v, _l, n in response.context["counts"]) == 5_000
    with django_assert_max_num_queries(5):
        response = client.get(reverse("finding_export"), {"status": "open"})
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    opened = Finding.objects.filter(status="open").count()
    assert sum(1 for _ in sheet.iter_rows(min_row=2)) == opened > 1000


def test_role_rules(staff_a, staff_b, viewer, inspector_a, admin_user, province_a):
    from agencies.models import can_manage_findings, can_read_findings

    assert [can_read_findings(u) for u in (staff_a, viewer, admin_user, inspector_a)] == [
        True, True, True, False,
    ]  # fmt: skip
    assert can_manage_findings(staff_a, province_a)
    assert can_manage_findings(admin_user, province_a)
    assert not can_manage_findings(staff_b, province_a)
    assert not can_manage_findings(viewer)
    assert not can_manage_findings(inspector_a)
