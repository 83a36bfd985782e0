"""The agency response link: one inspection's open findings answered without an account,
and nothing else of the site (the issue's Security section)."""

import datetime
import io
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agencies.tests.factories import make_agency
from inspections import services
from inspections.history import finding_history
from inspections.models import CorrectiveFile, Finding, ResponseLink
from inspections.tests.factories import EXE_BYTES, JPEG_BYTES, PDF_BYTES, make_round
from inspections.tests.test_corrective_actions import approve_with_finding


@pytest.fixture
def finding(inspection, inspector_a, staff_a):
    return approve_with_finding(inspection, inspector_a, staff_a)


@pytest.fixture
def token(finding, staff_a):
    _link, token = services.response_link_issue(inspection=finding.inspection, user=staff_a)
    return token


@pytest.fixture
def finding_b(province_b, inspector_b, staff_b):
    round_b = make_round(
        province_b, [make_agency(province_b, name="Sở B")], inspectors=[inspector_b]
    )
    return approve_with_finding(round_b.inspections.get(), inspector_b, staff_b)


def page_url(token):
    return reverse("response_page", args=[token])


def submit_url(token, finding_id):
    return reverse("response_submit", args=[token, finding_id])


def answer(client, token, finding, files=(), **data):
    prefix = f"f{finding.pk}-"
    fields = {"root_cause": "Chưa phân công người phụ trách", "action_taken": "Đã ban hành"}
    fields.update(data)
    payload = {prefix + key: value for key, value in fields.items()}
    payload[prefix + "files"] = list(files)
    return client.post(submit_url(token, finding.pk), payload)


def snapshot(finding):
    fresh = Finding.objects.get(pk=finding.pk)
    return (fresh.status, fresh.root_cause, fresh.action_taken, fresh.files.count())


def test_staff_issue_a_link_shown_once_and_stored_only_as_its_hash(client, staff_a, finding):
    client.force_login(staff_a)
    response = client.post(reverse("response_link_issue", args=[finding.inspection_id]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    url = response.context["url"]
    token = re.fullmatch(r"http://testserver/r/([\w-]+)/", url)[1]
    assert len(token) >= 43
    link = ResponseLink.objects.get()
    assert link.token_hash == ResponseLink.hash_of(token) != token
    assert link.expires_on == Finding.objects.get().due_on + datetime.timedelta(days=30)
    page = client.get(reverse("inspection_detail", args=[finding.inspection_id]))
    assert token not in page.content.decode()
    # The page shows local time: after 17:00 UTC it is already the next day in Vietnam.
    issued = timezone.localtime(link.created_at).strftime("%d/%m/%Y")
    assert "Issued on" in page.content.decode() or issued in page.content.decode()


def test_the_page_shows_only_that_inspections_findings_and_no_way_out(
    client, token, finding, finding_b, inspector_a
):
    response = client.get(page_url(token))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Chưa đánh giá nội bộ" in html
    assert finding.inspection.agency.name in html
    assert "Sở B" not in html
    inspector_a.last_name = "Nguyễn Thanh Tra"
    inspector_a.save()
    html = client.get(page_url(token)).content.decode()
    assert inspector_a.username not in html
    assert "Nguyễn Thanh Tra" not in html
    # No link anywhere: every URL on the page is its own form or a static file.
    assert "<a " not in html
    hrefs = re.findall(r'(?:href|action|src)="([^"]+)"', html)
    assert all(h.startswith(("/static/", f"/r/{token}/")) for h in hrefs), hrefs


@pytest.mark.parametrize("kind", ["wrong", "tampered", "expired", "revoked", "empty"])
def test_a_bad_token_is_a_bare_404(client, token, finding, staff_a, kind):
    link = ResponseLink.objects.get()
    bad = token
    if kind == "wrong":
        bad = "A" * len(token)
    elif kind == "tampered":
        bad = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif kind == "expired":
        ResponseLink.objects.update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    elif kind == "revoked":
        services.response_link_revoke(link=link, user=staff_a)
    elif kind == "empty":
        bad = "-"
    before = snapshot(finding)
    page = client.get(page_url(bad))
    post = answer(client, bad, finding)
    for response in (page, post):
        assert response.status_code == 404
        assert response["Referrer-Policy"] == "no-referrer"
        html = response.content.decode()
        assert finding.inspection.agency.name not in html
        assert "DG01" not in html
        assert "<a " not in html
    assert snapshot(finding) == before


def test_the_agency_submits_and_the_history_says_via_link(client, token, finding, media, english):
    response = answer(
        client,
        token,
        finding,
        [SimpleUploadedFile("anh.jpg", JPEG_BYTES), SimpleUploadedFile("bb.pdf", PDF_BYTES)],
    )
    assert response.status_code == 302
    assert response["Referrer-Policy"] == "no-referrer"
    stored = Finding.objects.get(pk=finding.pk)
    assert (stored.status, stored.submitted_by, stored.submitted_via_link) == (
        "submitted",
        None,
        True,
    )
    assert sorted(f.content_type for f in stored.files.all()) == ["application/pdf", "image/jpeg"]
    assert {f.link_id for f in stored.files.all()} == {ResponseLink.objects.get().pk}
    record = stored.history.first()
    assert (record.history_user, record.history_change_reason) == (
        None,
        "Submitted by the agency via link",
    )
    assert finding_history(stored)[0].user == "the agency, via its response link"
    # Submitted: no longer on the agency's page.
    assert "Chưa đánh giá nội bộ" not in client.get(page_url(token)).content.decode()


def test_a_returned_record_comes_back_with_what_the_agency_wrote(
    client, token, finding, staff_a, media
):
    answer(client, token, finding, root_cause="Thiếu người phụ trách", action_taken="Đã phân công")
    services.finding_return(
        finding=Finding.objects.get(pk=finding.pk), user=staff_a, reason="Thiếu quyết định"
    )

    page = client.get(page_url(token)).content.decode()

    assert "Thiếu quyết định" in page
    assert re.search(r">\s*Thiếu người phụ trách</textarea>", page)
    assert re.search(r">\s*Đã phân công</textarea>", page)


def test_a_browser_under_no_referrer_can_submit(token, finding, media):
    """Browsers send "Origin: null" with a form posted from a no-referrer page, and no CSRF
    cookie exists here: the submission must not hinge on either (test_browser_response.py
    shows it in Chromium)."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="null")
    assert answer(browser, token, finding).status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == "submitted"
    assert "csrftoken" not in browser.get(page_url(token)).cookies


def test_a_link_cannot_write_another_inspections_finding(client, token, finding, finding_b):
    before = snapshot(finding_b)
    response = answer(client, token, finding_b)
    assert response.status_code == 404
    # The finding id of B with the form fields of A's finding changes nothing either.
    payload = {f"f{finding.pk}-root_cause": "x", f"f{finding.pk}-action_taken": "y"}
    assert client.post(submit_url(token, finding_b.pk), payload).status_code == 404
    assert snapshot(finding_b) == before
    with pytest.raises(Finding.DoesNotExist):
        services.finding_submit_via_link(
            link=ResponseLink.objects.get(),
            finding_id=finding_b.pk,
            root_cause="x",
            action_taken="y",
        )
    assert snapshot(finding_b) == before


def test_a_verified_finding_cannot_be_answered_through_the_link(
    client, token, finding, staff_a, inspector_a
):
    services.finding_submit_record(
        finding=finding, user=inspector_a, root_cause="a", action_taken="b"
    )
    services.finding_verify(finding=finding, user=staff_a)
    before = snapshot(finding)
    assert answer(client, token, finding).status_code == 404
    assert snapshot(finding) == before


def test_the_link_opens_no_other_page_of_the_site(client, token, finding):
    client.get(page_url(token))
    assert "_auth_user_id" not in client.session
    for name, args in [
        ("inspection_detail", [finding.inspection_id]),
        ("finding_detail", [finding.pk]),
        ("my_inspections", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    # A path below the token is not a page either.
    assert client.get(f"/r/{token}/../../inspections/{finding.inspection_id}/").status_code in (
        302,
        404,
    )


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [("anh.jpg", EXE_BYTES, "not a PDF or a photo"), ("big.pdf", None, "")],
)
def test_uploads_through_the_link_obey_type_and_size(
    client, settings, token, finding, media, name, content, problem
):
    settings.EVIDENCE_MAX_BYTES = 1000
    content = content or PDF_BYTES + b"0" * 2000
    before = snapshot(finding)
    response = answer(client, token, finding, [SimpleUploadedFile(name, content)])
    assert response.status_code == 400
    assert response["Referrer-Policy"] == "no-referrer"
    assert snapshot(finding) == before
    assert CorrectiveFile.objects.count() == 0


def test_uploads_through_the_link_are_rate_limited(client, settings, token, finding, media):
    settings.RESPONSE_LINK_UPLOADS_PER_HOUR = 2
    two = [SimpleUploadedFile("a.jpg", JPEG_BYTES), SimpleUploadedFile("b.jpg", JPEG_BYTES)]
    assert answer(client, token, finding, two).status_code == 302
    Finding.objects.filter(pk=finding.pk).update(status="returned", return_reason="Thiếu")
    before = snapshot(finding)
    response = answer(client, token, finding, [SimpleUploadedFile("c.jpg", JPEG_BYTES)])
    assert response.status_code == 400
    assert snapshot(finding) == before
    # An hour later the link may upload again.
    CorrectiveFile.objects.update(uploaded_at=timezone.now() - datetime.timedelta(minutes=61))
    response = answer(client, token, finding, [SimpleUploadedFile("c.jpg", JPEG_BYTES)])
    assert response.status_code == 302


@pytest.fixture
def log_output():
    """What the configured handlers write (their filters included), not pytest's capture."""
    stream = io.StringIO()
    handlers = [*logging.getLogger().handlers, *logging.getLogger("django.server").handlers]
    ours = [h for h in handlers if isinstance(h, logging.StreamHandler) and h.filters]
    assert ours, "the settings' handlers are installed"
    saved = [h.setStream(stream) for h in ours]
    yield stream
    for handler, old in zip(ours, saved, strict=True):
        handler.setStream(old)


def test_the_token_never_reaches_a_log_line(client, settings, token, finding, log_output):
    logging.getLogger("inspections.response").setLevel(logging.INFO)
    client.get(page_url(token))
    client.get(page_url(token[:-2] + "xy"))
    answer(client, token, finding, [SimpleUploadedFile("x.jpg", EXE_BYTES)])
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /r/{token}/ HTTP/1.1", "200", "512", extra={"status_code": 200}
    )
    written = log_output.getvalue()
    assert "Not Found: /r/[token]/" in written
    assert f"inspection {finding.inspection_id}" in written
    assert '"GET /r/[token]/ HTTP/1.1" 200' in written
    assert token not in written
    assert token[:20] not in written


@pytest.mark.parametrize("who", ["staff_b", "inspector_a", "viewer", "inspector_b"])
def test_only_reviewers_issue_or_revoke_links(client, request, finding, token, who):
    client.force_login(request.getfixturevalue(who))
    link = ResponseLink.objects.get()
    issue = client.post(reverse("response_link_issue", args=[finding.inspection_id]))
    revoke = client.post(
        reverse("response_link_revoke", args=[finding.inspection_id]), {"link": link.pk}
    )
    assert (issue.status_code, revoke.status_code) == (404, 404)
    assert list(ResponseLink.objects.values_list("pk", "revoked_at")) == [(link.pk, None)]


def test_reissue_revokes_the_old_link(client, staff_a, finding, token):
    client.force_login(staff_a)
    response = client.post(reverse("response_link_issue", args=[finding.inspection_id]))
    new = response.context["url"].rstrip("/").rsplit("/", 1)[1]
    client.logout()
    assert client.get(page_url(token)).status_code == 404
    assert client.get(page_url(new)).status_code == 200


def test_staff_revoke_the_link(client, staff_a, finding, token):
    client.force_login(staff_a)
    link = ResponseLink.objects.get()
    response = client.post(
        reverse("response_link_revoke", args=[finding.inspection_id]), {"link": link.pk}
    )
    assert response.status_code == 302
    client.logout()
    assert client.get(page_url(token)).status_code == 404
