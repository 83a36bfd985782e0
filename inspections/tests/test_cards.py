"""The checklist page's criterion cards are remembered between loads: a remembered card
must always be the card that would be rendered now, for this visitor."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from inspections import services
from inspections.models import Answer, Criterion
from inspections.tests.factories import PNG_BYTES, answer_of


def page(client, inspection, language="vi"):
    client.cookies["django_language"] = language
    response = client.get(reverse("inspection_detail", args=[inspection.pk]))
    assert response.status_code == 200
    return response.content.decode()


def card(html, answer):
    start = html.index(f'id="criterion-{answer.pk}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def inspector_client(inspector_a):
    client = Client()
    client.force_login(inspector_a)
    return client


def test_a_change_made_outside_the_autosave_shows_at_once(inspection, inspector_client):
    answer = answer_of(inspection, "CB01")
    assert "Sửa ngoài" not in card(page(inspector_client, inspection), answer)

    # No version bump (an administrator's correction, say): the card still changes.
    Answer.objects.filter(pk=answer.pk).update(note="Sửa ngoài")
    assert "Sửa ngoài" in card(page(inspector_client, inspection), answer)
    Answer.objects.filter(pk=answer.pk).update(result="partial")
    assert re.search(
        r'value="partial"[^>]*checked', card(page(inspector_client, inspection), answer)
    )


def test_criterion_text_and_evidence_changes_show(inspection, inspector_client, media):
    answer = answer_of(inspection, "CB01")
    page(inspector_client, inspection)
    Criterion.objects.filter(pk=answer.criterion_id).update(guidance="Hướng dẫn mới")
    assert "Hướng dẫn mới" in card(page(inspector_client, inspection), answer)

    upload = SimpleUploadedFile("bien-ban.png", PNG_BYTES, content_type="image/png")
    response = inspector_client.post(
        reverse("evidence_upload", args=[inspection.pk, answer.pk]), {"file": upload}
    )
    assert response.status_code == 302
    assert "bien-ban.png" in card(page(inspector_client, inspection), answer)


def test_each_language_and_each_permission_gets_its_own_card(inspection, inspector_a, staff_a):
    answer = answer_of(inspection, "CB01")
    client = Client()
    client.force_login(inspector_a)
    assert "Đạt một phần" in card(page(client, inspection, "vi"), answer)
    assert "Partly conforming" in card(page(client, inspection, "en"), answer)
    assert "evidence-form" in card(page(client, inspection), answer)

    staff = Client()
    staff.force_login(staff_a)
    shown = card(page(staff, inspection), answer)
    assert "evidence-form" not in shown
    assert "<fieldset disabled" in shown


def test_each_visitor_gets_a_working_csrf_token_of_their_own(inspection, inspector_a, media):
    answer = answer_of(inspection, "CB01")
    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(inspector_a)
        shown = card(page(client, inspection), answer)
        (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', shown)
        tokens.append(token)
        upload = SimpleUploadedFile("anh.png", PNG_BYTES, content_type="image/png")
        response = client.post(
            reverse("evidence_upload", args=[inspection.pk, answer.pk]),
            {"file": upload, "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302  # 403 if the token were another visitor's
    assert tokens[0] != tokens[1]


def history(html):
    start = html.index('id="history-title"')
    return html[start : html.index("</section>", start)]


def test_the_remembered_history_table_follows_every_change_language_and_time_zone(
    inspection, inspector_client, settings
):
    answer = answer_of(inspection, "CB01")
    first = history(page(inspector_client, inspection, "en"))
    assert "Nothing recorded yet" in first

    services.answer_save(
        answer=answer, user=answer.inspection.inspectors.get(), result="partial",
        note="Lần một", base_version=0,
    )  # fmt: skip
    saved = history(page(inspector_client, inspection, "en"))
    assert "Lần một" in saved
    assert "When" in saved
    assert "Lần một" in history(page(inspector_client, inspection, "vi"))
    assert "Thời gian" in history(page(inspector_client, inspection, "vi"))

    # Another user's name changes the entries: the table is rendered again.
    user = answer.inspection.inspectors.get()
    user.first_name, user.last_name = "Nguyễn", "An"
    user.save()
    assert "Nguyễn An" in history(page(inspector_client, inspection, "en"))

    # The same entries read in another time zone show other times.
    hours = re.findall(r"\d\d:\d\d", history(page(inspector_client, inspection, "en")))
    settings.TIME_ZONE = "UTC"
    assert re.findall(r"\d\d:\d\d", history(page(inspector_client, inspection, "en"))) != hours
