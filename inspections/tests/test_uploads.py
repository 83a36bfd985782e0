import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_agency, make_round
from inspections import services
from inspections.models import Finding

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def inspection(province_a, inspector_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agency = make_agency(province_a, code="33-SNV")
    return make_round(province_a, [agency], inspectors=[inspector_a], number=1).inspections.get()


def test_stored_evidence_is_named_by_its_real_type_not_the_clients_name(inspection, inspector_a):
    answer = inspection.answers.first()
    upload = SimpleUploadedFile("page.html", PDF, content_type="text/html")
    evidence = services.evidence_add(
        answer=answer, user=inspector_a, upload=upload, content_type="application/pdf"
    )
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
        upload=SimpleUploadedFile("record.pdf", PDF),
        content_type="application/pdf",
        note="Đã khắc phục",
    )
    finding.refresh_from_db()
    services.finding_verify(finding=finding, user=staff_a)
    with pytest.raises(ValidationError):
        services.finding_update_due(finding=finding, user=staff_a, due_on=datetime.date(2027, 1, 1))
    with pytest.raises(ValidationError):
        services.finding_submit_record(
            finding=finding,
            user=inspector_a,
            upload=SimpleUploadedFile("other.pdf", PDF),
            content_type="application/pdf",
            note="",
        )
    finding.refresh_from_db()
    assert (finding.status, finding.due_on, finding.record_name) == (
        "verified",
        datetime.date(2026, 1, 1),
        "record.pdf",
    )
    # The history keeps which record file was verified.
    assert finding.history.filter(record__endswith=".pdf").exists()
