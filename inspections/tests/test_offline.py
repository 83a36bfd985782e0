"""The server's side of offline work: the service worker and manifest, the pages it may
keep, the session and login endpoints of the in-page dialog, and evidence uploads that a
device may send twice."""

import json
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agencies.models import Role
from agencies.tests.factories import make_agency, make_user
from inspections import offline
from inspections.models import Evidence
from inspections.tests.factories import EXE_BYTES, PNG_BYTES, answer_of, make_round
from inspections.tests.test_views import stored_files, submit

PASSWORD = "pw-for-tests-only"


def post_evidence(client, inspection, answer, content=PNG_BYTES, key=None, name="anh.png"):
    data = {"file": SimpleUploadedFile(name, content, content_type="image/png")}
    if key:
        data["key"] = key
    return client.post(
        reverse("evidence_upload", args=[inspection.pk, answer.pk]),
        data,
        headers={"Accept": "application/json"},
    )


def new_key():
    return str(uuid.uuid4())


# the service worker and the manifest


def test_service_worker_is_served_from_the_root_with_its_settings(client, settings):
    settings.STATIC_VERSION = "release-7"
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    config = json.loads(body.split("\n", 1)[0].removeprefix("self.OFFLINE_CONFIG = ")[:-1])
    assert config["version"] == "release-7"
    assert "/static/js/checklist.js" in config["precache"]
    assert 'addEventListener("fetch"' in body


def test_a_new_static_version_changes_the_worker_so_browsers_replace_it(client, settings):
    settings.STATIC_VERSION = "release-7"
    before = client.get("/sw.js").content
    settings.STATIC_VERSION = "release-8"
    assert client.get("/sw.js").content != before


def test_static_version_comes_from_the_files_content_unless_set(settings):
    settings.STATIC_VERSION = ""
    assert len(offline.static_version()) == 12
    settings.STATIC_VERSION = "release-9"
    assert offline.static_version() == "release-9"


def test_worker_keeps_only_my_inspections_and_checklists():
    patterns = offline._page_patterns()
    kept = [path for path in ("/my/", "/inspections/12/", "/inspections/12/submit/", "/rounds/1/")
            if any(re.search(p, path) for p in patterns)]  # fmt: skip
    assert kept == ["/my/", "/inspections/12/"]


def test_manifest_names_the_app_in_vietnamese_with_icons(client):
    response = client.get(reverse("manifest"))
    data = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert data["name"] == "Kiểm tra ISO 9001"
    assert data["start_url"] == reverse("my_inspections")
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    assert data["theme_color"] == offline.THEME_COLOR


# pages the worker may keep


def test_checklist_and_my_inspections_are_marked_with_their_user(client, inspector_a, inspection):
    client.force_login(inspector_a)
    for path in (reverse("my_inspections"), reverse("inspection_detail", args=[inspection.pk])):
        response = client.get(path)
        assert response[offline.USER_HEADER] == str(inspector_a.pk)


def test_a_page_refused_to_another_user_is_not_marked(client, inspector_b, inspection):
    client.force_login(inspector_b)
    response = client.get(reverse("inspection_detail", args=[inspection.pk]))
    assert response.status_code == 404
    assert offline.USER_HEADER not in response


def test_only_inspectors_register_the_worker(client, inspector_a, staff_a):
    client.force_login(staff_a)
    assert b"data-service-worker" not in client.get(reverse("round_list")).content
    client.force_login(inspector_a)
    assert b"data-service-worker" in client.get(reverse("my_inspections")).content


def test_download_button_lists_only_the_users_own_checklists_of_the_round(
    client, inspector_a, inspection, checklist_of_b
):
    client.force_login(inspector_a)
    content = client.get(reverse("my_inspections")).content.decode()
    assert reverse("inspection_detail", args=[inspection.pk]) in content
    assert reverse("inspection_detail", args=[checklist_of_b.pk]) not in content


@pytest.fixture
def checklist_of_b(province_b, inspector_b):
    round_b = make_round(province_b, [make_agency(province_b)], inspectors=[inspector_b])
    return round_b.inspections.get()


# the session and login endpoints


def test_session_endpoint_says_who_is_logged_in_and_gives_a_csrf_token(client, inspector_a):
    anonymous = client.get(reverse("offline_session")).json()
    assert anonymous["user"] is None
    assert anonymous["csrf"]
    client.force_login(inspector_a)
    response = client.get(reverse("offline_session"))
    assert response.json()["user"] == inspector_a.pk
    assert "no-cache" in response["Cache-Control"]


def test_login_endpoint_logs_in_and_returns_the_new_token(inspector_a):
    client = Client(enforce_csrf_checks=True)
    token = client.get(reverse("offline_session")).json()["csrf"]
    response = client.post(
        reverse("offline_login"),
        {"username": "inspector-a", "password": PASSWORD},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["user"], data["username"]) == (inspector_a.pk, "inspector-a")
    assert client.get(reverse("offline_session")).json()["user"] == inspector_a.pk


def test_login_endpoint_refuses_a_post_without_csrf_token(inspector_a):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("offline_session"))
    response = client.post(
        reverse("offline_login"), {"username": "inspector-a", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert client.get(reverse("offline_session")).json()["user"] is None


@pytest.mark.parametrize("password", ["wrong", ""])
def test_login_endpoint_refuses_a_wrong_password(client, inspector_a, password):
    response = client.post(
        reverse("offline_login"), {"username": "inspector-a", "password": password}
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert client.get(reverse("offline_session")).json()["user"] is None


def test_login_endpoint_refuses_an_inactive_user(client, province_a):
    make_user(Role.INSPECTOR, province_a, username="gone", is_active=False)
    response = client.post(reverse("offline_login"), {"username": "gone", "password": PASSWORD})
    assert response.status_code == 400


# evidence sent twice from a device's queue


def test_an_upload_sent_twice_with_its_key_is_stored_once(client, inspector_a, inspection, media):
    answer = answer_of(inspection, "CB01")
    client.force_login(inspector_a)
    key = new_key()

    first = post_evidence(client, inspection, answer, key=key)
    again = post_evidence(client, inspection, answer, key=key)

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    evidence = Evidence.objects.get()
    assert str(evidence.key) == key
    assert first.json()["url"] == reverse("evidence_download", args=[evidence.pk])
    assert len(stored_files(media)) == 1


def test_uploads_with_different_keys_are_both_stored(client, inspector_a, inspection, media):
    answer = answer_of(inspection, "CB01")
    client.force_login(inspector_a)
    post_evidence(client, inspection, answer, key=new_key())
    post_evidence(client, inspection, answer, key=new_key())
    assert Evidence.objects.count() == 2


def test_a_key_reused_on_another_criterion_is_refused(client, inspector_a, inspection, media):
    client.force_login(inspector_a)
    key = new_key()
    post_evidence(client, inspection, answer_of(inspection, "CB01"), key=key)
    response = post_evidence(client, inspection, answer_of(inspection, "TC01"), key=key)
    assert response.status_code == 400
    assert Evidence.objects.count() == 1


def test_queued_upload_that_is_not_a_photo_is_refused_with_json(
    client, inspector_a, inspection, media
):
    client.force_login(inspector_a)
    response = post_evidence(
        client, inspection, answer_of(inspection, "CB01"), EXE_BYTES, new_key()
    )
    assert response.status_code == 400
    assert "anh.png" in response.json()["error"]
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_queued_upload_to_a_submitted_checklist_is_refused_with_json(
    client, inspector_a, inspection, media
):
    submit(inspection, inspector_a)
    client.force_login(inspector_a)
    response = post_evidence(client, inspection, answer_of(inspection, "CB01"), key=new_key())
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_a_key_already_stored_is_found_even_after_the_checklist_was_submitted(
    client, inspector_a, inspection, media
):
    """The reply to the upload was lost, then the checklist was submitted: the resend is
    recognised as done, not refused."""
    answer = answer_of(inspection, "CB01")
    client.force_login(inspector_a)
    key = new_key()
    post_evidence(client, inspection, answer, key=key)
    submit(inspection, inspector_a)
    assert post_evidence(client, inspection, answer, key=key).status_code == 200
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize("who", ["inspector_b", "staff_a"])
def test_another_user_cannot_upload_with_a_key(client, request, inspection, media, who):
    client.force_login(request.getfixturevalue(who))
    response = post_evidence(client, inspection, answer_of(inspection, "CB01"), key=new_key())
    assert response.status_code in (403, 404)
    assert not Evidence.objects.exists()


def test_an_invalid_key_is_refused(client, inspector_a, inspection, media):
    client.force_login(inspector_a)
    response = post_evidence(client, inspection, answer_of(inspection, "CB01"), key="not-a-uuid")
    assert response.status_code == 400
    assert not Evidence.objects.exists()
