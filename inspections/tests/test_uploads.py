"""Uploads are typed by their bytes (inspections/uploads.py), never by the client's claim."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import services
from inspections.models import Finding
from inspections.tests.factories import EXE_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES
from inspections.uploads import check_upload

PDF = PDF_BYTES
# The first bytes of a WebP and of an iPhone HEIC photo; the sniffing reads no further.
WEBP_HEAD = b"RIFF\x24\x00\x00\x00WEBPVP8 "
HEIC_HEAD = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"

pytestmark = pytest.mark.usefixtures("media")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (PDF_BYTES, "application/pdf"),
        (JPEG_BYTES, "image/jpeg"),
        (PNG_BYTES, "image/png"),
        (WEBP_HEAD + b"\x00" * 32, "image/webp"),
        (HEIC_HEAD + b"\x00" * 32, "image/heic"),
        (b"\x00\x00\x00\x18ftypmif1" + b"\x00" * 32, "image/heic"),
    ],
    ids=["pdf", "jpeg", "png", "webp", "heic", "heif-brand-mif1"],
)
def test_upload_is_typed_by_its_bytes_whatever_the_client_claims(content, content_type):
    upload = SimpleUploadedFile("anh.txt", content, content_type="text/plain")
    assert check_upload(upload) == content_type
    # The check reads only the head, and leaves the file to be stored from its start.
    assert upload.read() == content


@pytest.mark.parametrize(
    ("name", "content", "claimed"),
    [
        ("setup.pdf", EXE_BYTES, "application/pdf"),
        ("trang.pdf", b"<!DOCTYPE html><html></html>", "application/pdf"),
        ("anh.gif", b"GIF89a\x01\x00\x01\x00" + b"\x00" * 16, "image/gif"),
        # RIFF, but a sound rather than a WebP picture.
        ("am-thanh.webp", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 16, "image/webp"),
        # An ISO media file, but an MP4 video rather than a HEIC photo.
        ("video.heic", b"\x00\x00\x00\x18ftypisom" + b"\x00" * 16, "image/heic"),
        ("rong.pdf", b"", "application/pdf"),
    ],
    ids=["exe", "html", "gif", "wav", "mp4", "empty"],
)
def test_upload_that_is_no_pdf_or_photo_is_refused_whatever_its_name(name, content, claimed):
    upload = SimpleUploadedFile(name, content, content_type=claimed)
    with pytest.raises(ValidationError, match=name):
        check_upload(upload)


def test_stored_evidence_is_named_by_its_real_type_not_the_clients_name(inspection, inspector_a):
    answer = inspection.answers.first()
    upload = SimpleUploadedFile("page.html", PDF, content_type="text/html")
    evidence = services.evidence_add(
        answer=answer, user=inspector_a, upload=upload, content_type=check_upload(upload)
    )
    assert evidence.content_type == "application/pdf"
    assert evidence.file.name.endswith(".pdf")
    assert evidence.original_name == "page.html"
    with evidence.file.open("rb") as stored:
        assert stored.read() == PDF


def test_a_closed_finding_keeps_its_due_date_and_record(inspection, inspector_a, staff_a):
    answer = inspection.answers.first()
    finding = Finding.objects.create(
        inspection=inspection, answer=answer, description="x", due_on=datetime.date(2026, 1, 1)
    )
    services.finding_submit_record(
        finding=finding,
        user=inspector_a,
        root_cause="Chưa phân công",
        action_taken="Đã khắc phục",
        files=[(SimpleUploadedFile("record.pdf", PDF), "application/pdf")],
    )
    finding.refresh_from_db()
    services.finding_verify(finding=finding, user=staff_a)
    with pytest.raises(ValidationError):
        services.finding_update_due(
            finding=finding, user=staff_a, due_on=datetime.date(2027, 1, 1), reason="x"
        )
    with pytest.raises(ValidationError):
        services.finding_submit_record(
            finding=finding,
            user=inspector_a,
            root_cause="Chưa phân công",
            action_taken="Đã khắc phục",
            files=[(SimpleUploadedFile("other.pdf", PDF), "application/pdf")],
        )
    finding.refresh_from_db()
    assert (finding.status, finding.due_on) == ("verified", datetime.date(2026, 1, 1))
    assert [f.original_name for f in finding.files.all()] == ["record.pdf"]
    assert finding.history.filter(status="submitted", action_taken="Đã khắc phục").exists()
