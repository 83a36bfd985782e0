"""Hostile requests: an oversized body is refused unread, a NUL byte in a URL is a 404."""

import pytest
from django.conf import settings
from django.urls import reverse

from agencies.tests.factories import make_agency
from inspections.tests.factories import make_round


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def post_claiming(client, path, length):
    return client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
    )


def test_an_anonymous_50_mb_post_to_the_login_page_is_refused_unread(client, db):
    response = post_claiming(client, reverse("login"), 50 * 2**20)

    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "Yêu cầu quá lớn: chỉ nhận tệp tối đa 10 MB."


def test_a_50_mb_evidence_upload_is_refused_unread(client, province_a, inspector_a):
    inspection = make_round(province_a, [make_agency(province_a)], [inspector_a]).inspections.get()
    answer = inspection.answers.first()
    client.force_login(inspector_a)

    upload_url = reverse("evidence_upload", args=[inspection.pk, answer.pk])

    response = post_claiming(client, upload_url, 50 * 2**20)

    assert response.status_code == 413
    assert not answer.evidence.exists()


def test_the_refusal_is_in_english_when_chosen(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = post_claiming(client, reverse("login"), settings.REQUEST_MAX_BYTES + 1)
    assert response.status_code == 413
    assert response.content.decode() == (
        "The request is too large: files up to 10 MB are accepted."
    )


def test_the_limit_leaves_room_for_the_biggest_upload_and_its_form():
    biggest = max(settings.IMPORT_MAX_BYTES, settings.EVIDENCE_MAX_BYTES)
    assert biggest < settings.REQUEST_MAX_BYTES <= biggest + 2**20


def test_a_body_within_the_limit_reaches_the_view(client, staff_a):
    response = client.post(reverse("login"), {"username": "staff-a", "password": "wrong"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/agencies/%00/",
        "/agencies/33-%00/",
        "/agencies/?q=%00",
        "/agencies/?province=%00",
        "/reports/?province=%00",
        "/rounds/?state=%00",
        "/my/?x%00=1",
        "/%00",
    ],
)
def test_a_nul_byte_in_a_url_is_a_404(client, admin_user, staff_a, path):
    client.force_login(admin_user)
    assert client.get(path).status_code == 404


def test_a_session_cookie_holding_a_nul_byte_is_ignored(client, staff_a):
    # SimpleCookie decodes octal escapes in a quoted value: "\000" arrives as a NUL byte.
    client.cookies.load({settings.SESSION_COOKIE_NAME: "abc\x00defghijklmnop"})
    response = client.get(reverse("agency_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_nul_byte_in_a_cookie_leaves_the_other_cookies_alone(client, staff_a):
    client.force_login(staff_a)
    client.cookies.load({"other": "a\x00b"})
    assert client.get(reverse("agency_list")).status_code == 200
