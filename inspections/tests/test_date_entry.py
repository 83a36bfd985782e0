"""Dates typed on the site's pages, in Vietnamese (the default) and in English: the round
form, a finding's due date, the workspace's bulk move and an agency's announcement take
21/11/2026 as well as ISO, show dates back in that format, and a wrong date is a line in
the form, never a server error."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import Agency
from agencies.tests.factories import make_agency
from inspections.models import Checklist, Finding, Round
from inspections.tests.test_corrective_actions import approve_with_finding

pytestmark = pytest.mark.django_db

WRONG = {
    "vi": "Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 21/11/2026.",
    "en": "Enter the date as dd/mm/yyyy, for example 21/11/2026.",
}
NEXT_YEAR = timezone.localdate().year + 1


def errors_of(form, name, language):
    """A form's errors as the page wrote them, in the page's language."""
    with translation.override(language):
        return [str(error) for error in form.errors[name]]


@pytest.fixture(params=["vi", "en"])
def language(request, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = request.param
    return request.param


@pytest.fixture
def finding(inspection, inspector_a, staff_a):
    return approve_with_finding(inspection, inspector_a, staff_a)


def round_data(agency, **dates):
    return {
        "year": 2026,
        "number": 7,
        "title": "Kiểm tra ISO năm 2026",
        "decision_number": "123/QĐ-UBND",
        "checklist": Checklist.objects.get(code="QD19-2015", version=1).pk,
        "agencies": [agency.pk],
        **dates,
    }


def test_a_round_takes_its_dates_as_the_user_writes_them(client, staff_a, province_a, language):
    agency = make_agency(province_a, name="Sở Tư pháp")
    client.force_login(staff_a)

    response = client.post(
        reverse("round_create"),
        round_data(
            agency, decision_date="01/02/2026", starts_on="2026-03-01", ends_on="30/06/2026"
        ),
    )

    assert response.status_code == 302
    round_ = Round.objects.get()
    assert (round_.decision_date, round_.starts_on, round_.ends_on) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 3, 1),
        datetime.date(2026, 6, 30),
    )


def test_a_wrong_round_date_is_one_line_beside_the_field(client, staff_a, province_a, language):
    agency = make_agency(province_a, name="Sở Tư pháp")
    client.force_login(staff_a)

    response = client.post(reverse("round_create"), round_data(agency, decision_date="31/02/2026"))

    assert response.status_code == 200
    assert errors_of(response.context["form"], "decision_date", language) == [WRONG[language]]
    assert WRONG[language] in response.content.decode()
    # What was typed stays in the field, to be corrected.
    assert 'value="31/02/2026"' in response.content.decode()
    assert not Round.objects.exists()


def test_the_round_form_offers_text_date_inputs_with_the_format(client, staff_a, language):
    client.force_login(staff_a)

    page = client.get(reverse("round_create")).content.decode()

    for name in ("decision_date", "starts_on", "ends_on"):
        [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert 'type="text"' in tag
        assert 'placeholder="dd/mm/yyyy"' in tag


def test_a_finding_shows_and_takes_its_due_date_as_the_user_writes_it(
    client, staff_a, finding, language
):
    client.force_login(staff_a)
    shown = finding.due_on.strftime("%d/%m/%Y")

    page = client.get(reverse("finding_detail", args=[finding.pk])).content.decode()
    response = client.post(
        reverse("finding_due", args=[finding.pk]),
        {"due_on": f"31/12/{NEXT_YEAR}", "reason": "Chờ vốn"},
    )

    assert f'value="{shown}"' in page
    assert response.status_code == 302
    assert Finding.objects.get(pk=finding.pk).due_on == datetime.date(NEXT_YEAR, 12, 31)


def test_a_wrong_due_date_is_one_line_in_the_form(client, staff_a, finding, language):
    client.force_login(staff_a)
    before = finding.due_on

    response = client.post(
        reverse("finding_due", args=[finding.pk]), {"due_on": "12/31/2030", "reason": "x"}
    )

    assert response.status_code == 200
    assert errors_of(response.context["due_form"], "due_on", language) == [WRONG[language]]
    assert WRONG[language] in response.content.decode()
    assert Finding.objects.get(pk=finding.pk).due_on == before


def test_the_bulk_move_reads_the_users_date_and_carries_it_to_the_confirmation(
    client, staff_a, finding, language
):
    client.force_login(staff_a)
    data = {"finding": [finding.pk], "due_on": f"15/01/{NEXT_YEAR}", "reason": "Lũ lụt"}

    check = client.post(reverse("finding_due_bulk"), data)
    wrong = client.post(reverse("finding_due_bulk"), {**data, "due_on": "15/13/2030"})

    page = check.content.decode()
    assert f"15/01/{NEXT_YEAR}" in page
    # The confirmation posts the date back in ISO, which the second step reads too.
    assert f'name="due_on" value="{NEXT_YEAR}-01-15"' in page
    confirm = client.post(
        reverse("finding_due_bulk_apply"), {**data, "due_on": f"{NEXT_YEAR}-01-15"}
    )
    assert confirm.status_code == 302
    assert Finding.objects.get(pk=finding.pk).due_on == datetime.date(NEXT_YEAR, 1, 15)
    assert wrong.status_code == 200
    assert WRONG[language] in wrong.content.decode()


def test_an_announcement_date_is_typed_as_the_user_writes_it(client, staff_a, province_a, language):
    agency = make_agency(province_a, name="Sở Y tế")
    client.force_login(staff_a)
    record = reverse("agency_record_announcement", args=[agency.code])

    page = client.get(reverse("agency_detail", args=[agency.code])).content.decode()
    wrong = client.post(record, {"announced_on": "2024-02-30"}, follow=True)
    right = client.post(record, {"announced_on": "15/03/2024"})

    [tag] = re.findall(r'<input[^>]*id="announced_on"[^>]*>', page)
    assert 'placeholder="dd/mm/yyyy"' in tag
    assert wrong.status_code == 200
    assert [str(m) for m in wrong.context["messages"]] == [WRONG[language]]
    assert right.status_code == 302
    assert Agency.objects.get(pk=agency.pk).announced_on == datetime.date(2024, 3, 15)
