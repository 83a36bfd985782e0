"""Recording an agency's announcement date from the agency page or the report's list."""

import datetime

import pytest
from django.urls import reverse

from agencies.tests.factories import make_agency


def record_url(agency):
    return reverse("agency_record_announcement", args=[agency.code])


@pytest.fixture
def unannounced(province_a):
    return make_agency(province_a, name="UBND xã Tân Dân")


def test_staff_record_the_date_they_enter(client, staff_a, unannounced):
    client.force_login(staff_a)

    response = client.post(record_url(unannounced), {"announced_on": "2024-03-15"})

    assert response.status_code == 302
    assert response["Location"] == reverse("agency_detail", args=[unannounced.code])
    unannounced.refresh_from_db()
    assert unannounced.announced_on == datetime.date(2024, 3, 15)


def test_the_agency_page_offers_the_form_to_staff_while_the_date_is_missing(
    client, staff_a, viewer, unannounced
):
    url = reverse("agency_detail", args=[unannounced.code])
    client.force_login(viewer)
    viewer_page = client.get(url).content.decode()
    client.force_login(staff_a)
    staff_page = client.get(url).content.decode()

    assert record_url(unannounced) in staff_page
    assert record_url(unannounced) not in viewer_page


def test_a_recorded_date_is_not_overwritten(client, staff_a, unannounced):
    unannounced.announced_on = datetime.date(2019, 1, 2)
    unannounced.save()
    client.force_login(staff_a)

    client.post(record_url(unannounced), {"announced_on": "2024-03-15"})

    unannounced.refresh_from_db()
    assert unannounced.announced_on == datetime.date(2019, 1, 2)


@pytest.mark.parametrize("day", ["", "not a date", "2999-01-01"])
def test_a_missing_invalid_or_future_date_records_nothing(client, staff_a, unannounced, day):
    client.force_login(staff_a)

    client.post(record_url(unannounced), {"announced_on": day})

    unannounced.refresh_from_db()
    assert unannounced.announced_on is None


def test_the_next_address_is_followed_only_on_this_site(client, staff_a, unannounced):
    client.force_login(staff_a)

    local = client.post(record_url(unannounced), {"announced_on": "2024-03-15", "next": "/r/"})
    unannounced.announced_on = None
    unannounced.save()
    away = client.post(
        record_url(unannounced), {"announced_on": "2024-03-15", "next": "https://evil.invalid/"}
    )

    assert local["Location"] == "/r/"
    assert away["Location"] == reverse("agency_detail", args=[unannounced.code])


@pytest.mark.parametrize("persona", ["staff_b", "inspector_a", "viewer"])
def test_others_get_404_and_change_nothing(client, request, persona, unannounced):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(record_url(unannounced), {"announced_on": "2024-03-15"})

    assert response.status_code == 404
    unannounced.refresh_from_db()
    assert unannounced.announced_on is None


def test_a_get_is_refused(client, staff_a, unannounced):
    client.force_login(staff_a)

    assert client.get(record_url(unannounced)).status_code == 405
