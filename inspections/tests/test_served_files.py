"""Evidence and corrective-action records are served inert, named by what they really are."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections import services
from inspections.models import Evidence
from inspections.tests.factories import answer_all
from inspections.uploads import check_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
# A JPEG whose bytes also hold a page with a script: a polyglot.
POLYGLOT = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"<html><script>alert(document.cookie)</script>"
PDF = b"%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF\n"
HEIC = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 16


pytestmark = pytest.mark.usefixtures("media")


def served_evidence(client, inspection, inspector, name, content):
    answer = inspection.answers.first()
    client.force_login(inspector)
    client.post(
        reverse("evidence_upload", args=[inspection.pk, answer.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="text/html")},
    )
    evidence = Evidence.objects.get(answer=answer)
    return client.get(reverse("evidence_download", args=[evidence.pk]))


def content(response):
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("name", "data", "content_type", "disposition"),
    [
        ("x.exe", PNG, "image/png", 'inline; filename="x.png"'),
        ("polyglot.html", POLYGLOT, "image/jpeg", 'inline; filename="polyglot.jpg"'),
        ("bien-ban.svg", PDF, "application/pdf", 'attachment; filename="bien-ban.pdf"'),
        ("IMG_0001.HEIC", HEIC, "image/heic", 'attachment; filename="IMG_0001.heic"'),
    ],
)
def test_evidence_is_served_under_its_detected_type_and_extension(
    client, inspection, inspector_a, name, data, content_type, disposition
):
    response = served_evidence(client, inspection, inspector_a, name, data)

    assert response.status_code == 200
    assert content(response) == data
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_a_pdf_is_an_attachment_in_a_sandbox(client, inspection, inspector_a):
    response = served_evidence(client, inspection, inspector_a, "quyet-dinh.pdf", PDF)

    assert response["Content-Disposition"].startswith("attachment;")
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy


def test_a_corrective_action_record_is_served_under_its_detected_extension(
    client, inspection, inspector_a, staff_a
):
    answer_all(inspection, inspector_a, result="nonconforming", note="Chưa có")
    submitted = services.inspection_submit(inspection=inspection, user=inspector_a)
    services.inspection_approve(inspection=submitted, user=staff_a, version=submitted.version)
    finding = submitted.findings.first()
    upload = SimpleUploadedFile("bien-ban.html", POLYGLOT)
    services.finding_submit_record(
        finding=finding,
        user=staff_a,
        root_cause="Chưa phân công",
        action_taken="Đã khắc phục",
        files=[(upload, check_upload(upload))],
    )
    client.force_login(staff_a)

    response = client.get(reverse("corrective_file", args=[finding.files.get().pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="bien-ban.jpg"'
    assert content(response) == POLYGLOT
