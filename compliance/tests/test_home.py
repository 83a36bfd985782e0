"""The home page each role lands on, and the menu marking where the user is."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.tests.factories import make_agency, make_user
from inspections.models import Finding, Inspection, Round
from inspections.tests.factories import answer_of, make_round


def finding_for(inspection, code, due_on):
    return Finding.objects.create(
        inspection=inspection,
        answer=answer_of(inspection, code),
        description=f"{code}: chưa đạt",
        due_on=due_on,
    )


def build_work(province, inspectors, agencies=6, number=1):
    """A round of `agencies`: 1 submitted, 1 returned, 1 approved with an overdue finding
    and one due in three days; the rest drafts."""
    today = timezone.localdate()
    round_ = make_round(
        province,
        [make_agency(province) for _ in range(agencies)],
        inspectors=inspectors,
        number=number,
    )
    first, second, third, *_rest = round_.inspections.order_by("pk")
    Inspection.objects.filter(pk=first.pk).update(status=Inspection.Status.SUBMITTED)
    Inspection.objects.filter(pk=second.pk).update(status=Inspection.Status.RETURNED)
    Inspection.objects.filter(pk=third.pk).update(status=Inspection.Status.APPROVED)
    finding_for(third, "CB01", today - datetime.timedelta(days=2))
    finding_for(third, "HS01", today + datetime.timedelta(days=3))
    finding_for(third, "KS01", today + datetime.timedelta(days=30))
    return round_


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("inspector_a", "my_inspections"),
        ("viewer", "national_report"),
        ("admin_user", "national_report"),
    ],
)
def test_each_role_but_staff_is_sent_to_its_own_page(client, request, who, target):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(target)


def test_staff_home_shows_what_needs_them_with_links_to_the_filtered_lists(
    client, province_a, staff_a, inspector_a
):
    round_ = build_work(province_a, [inspector_a])
    client.force_login(staff_a)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    context = response.context
    assert context["waiting"] == {"submitted": 1, "returned": 1}
    assert context["overdue_count"] == 1
    assert context["due_soon_count"] == 1
    assert [f.answer.criterion.code for f in context["overdue"]] == ["CB01"]
    assert [f.answer.criterion.code for f in context["due_soon"]] == ["HS01"]
    (shown,) = context["rounds"]
    assert (shown.total, shown.approved, shown.completion) == (6, 1, 17)
    page = response.content.decode()
    detail = reverse("round_detail", args=[round_.pk])
    for state in ("submitted", "returned", "overdue"):
        assert f'href="{detail}?state={state}"' in page
    overdue = Finding.objects.get(answer__criterion__code="CB01")
    assert f'href="{reverse("finding_detail", args=[overdue.pk])}"' in page


def test_a_returned_finding_due_this_week_still_needs_staff(
    client, province_a, staff_a, inspector_a
):
    # Returned: the agency's record was rejected, so the finding awaits action again.
    build_work(province_a, [inspector_a])
    Finding.objects.filter(answer__criterion__code="HS01").update(status=Finding.Status.RETURNED)
    Finding.objects.filter(answer__criterion__code="KS01").update(status=Finding.Status.SUBMITTED)
    client.force_login(staff_a)

    context = client.get(reverse("home")).context

    assert [f.answer.criterion.code for f in context["due_soon"]] == ["HS01"]


def test_staff_home_leaves_out_closed_rounds(client, province_a, staff_a, inspector_a):
    round_ = build_work(province_a, [inspector_a])
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)
    client.force_login(staff_a)
    assert client.get(reverse("home")).context["rounds"] == []


def test_staff_of_another_province_sees_none_of_province_a_on_home(
    client, province_a, staff_b, inspector_a
):
    build_work(province_a, [inspector_a])
    client.force_login(staff_b)

    response = client.get(reverse("home"))

    context = response.context
    assert context["waiting"] == {"submitted": 0, "returned": 0}
    assert (context["overdue_count"], context["due_soon_count"]) == (0, 0)
    assert context["rounds"] == []
    assert "Sở thử nghiệm" not in response.content.decode()


def test_staff_home_costs_a_fixed_number_of_queries(
    client, province_a, staff_a, inspector_a, django_assert_max_num_queries
):
    for number in range(1, 6):
        build_work(province_a, [inspector_a], agencies=12, number=number)
    client.force_login(staff_a)
    # Session, user and profile; the inspection totals; two counts and two lists of
    # findings; the rounds with their totals.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("home"))
    assert len(response.context["rounds"]) == 5
    assert response.context["overdue_count"] == 5


def test_user_without_a_role_is_told_to_ask_for_one(client, db):
    client.force_login(make_user())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.templates[0].name == "home.html"


@pytest.mark.parametrize(
    ("who", "page", "entry"),
    [
        ("staff_a", "round_list", "round_list"),
        ("staff_a", "agency_list", "agency_list"),
        ("staff_a", "province_report", "province_report"),
        ("viewer", "national_report", "national_report"),
        ("inspector_a", "my_inspections", "my_inspections"),
    ],
)
def test_menu_marks_the_current_section(client, request, who, page, entry):
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse(page)).content.decode()
    current = re.findall(r'<a class="nav-link active" aria-current="page" href="([^"]+)"', html)
    assert current == [reverse(entry)]


def test_inspectors_checklist_is_marked_under_my_inspections(client, province_a, inspector_a):
    round_ = make_round(province_a, [make_agency(province_a)], inspectors=[inspector_a])
    inspection = round_.inspections.get()
    client.force_login(inspector_a)
    html = client.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    current = re.findall(r'<a class="nav-link active" aria-current="page" href="([^"]+)"', html)
    assert current == [reverse("my_inspections")]


def test_staff_home_marks_home_as_current(client, staff_a):
    client.force_login(staff_a)
    html = client.get(reverse("home")).content.decode()
    assert f'<a class="navbar-brand" href="{reverse("home")}" aria-current="page">' in html
    assert 'class="nav-link active"' not in html
