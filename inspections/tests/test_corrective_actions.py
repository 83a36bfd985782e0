"""The finding lifecycle: open → submitted → verified, or returned with a reason and answered
again; due dates never in the past and every move explained; several files per action."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.history import finding_history
from inspections.models import Finding
from inspections.tests.factories import EXE_BYTES, JPEG_BYTES, PDF_BYTES, answer_all, answer_of


def approve_with_finding(inspection, inspector, staff, today=None):
    answer_all(inspection, inspector)
    answer = answer_of(inspection, "DG01")
    services.answer_save(
        answer=answer,
        user=inspector,
        result="nonconforming",
        note="Chưa đánh giá nội bộ",
        base_version=answer.version,
    )
    submitted = services.inspection_submit(inspection=inspection, user=inspector)
    services.inspection_approve(
        inspection=submitted, user=staff, version=submitted.version, today=today
    )
    return Finding.objects.get(inspection=inspection)


@pytest.fixture
def finding(inspection, inspector_a, staff_a):
    return approve_with_finding(inspection, inspector_a, staff_a)


def fresh(finding):
    return Finding.objects.get(pk=finding.pk)


def submit(client, finding, files=(), **data):
    fields = {"root_cause": "Chưa phân công", "action_taken": "Đã đánh giá nội bộ", **data}
    return client.post(
        reverse("finding_record_upload", args=[finding.pk]), {**fields, "files": list(files)}
    )


def test_returned_then_resubmitted_then_verified_with_every_step_in_the_history(
    client, finding, inspector_a, staff_a, media, english
):
    client.force_login(inspector_a)
    photo = SimpleUploadedFile("anh.jpg", JPEG_BYTES)
    scan = SimpleUploadedFile("bien-ban.pdf", PDF_BYTES)
    assert submit(client, finding, [photo, scan]).status_code == 302
    assert fresh(finding).files.count() == 2

    client.force_login(staff_a)
    response = client.post(
        reverse("finding_return", args=[finding.pk]), {"reason": "Thiếu biên bản họp"}
    )
    assert response.status_code == 302
    returned = fresh(finding)
    assert (returned.status, returned.return_reason) == ("returned", "Thiếu biên bản họp")
    # Returned still awaits action: it is overdue past its date like an open one.
    later = returned.due_on + datetime.timedelta(days=1)
    assert returned.is_overdue(later)
    assert Finding.objects.overdue(later).filter(pk=finding.pk).exists()
    page = client.get(reverse("finding_detail", args=[finding.pk])).content.decode()
    assert "Thiếu biên bản họp" in page

    client.force_login(inspector_a)
    assert submit(client, finding, action_taken="Đã bổ sung biên bản").status_code == 302
    client.force_login(staff_a)
    assert client.post(reverse("finding_verify", args=[finding.pk])).status_code == 302

    assert fresh(finding).status == "verified"
    steps = [(e.after, e.user, e.reason) for e in reversed(finding_history(finding))]
    statuses = [after for after, _user, _reason in steps]
    assert statuses == [
        "Open",
        "Corrective action submitted",
        "Returned",
        "Corrective action submitted",
        "Verified and closed",
    ]
    assert steps[2][1:] == (staff_a.get_full_name() or staff_a.username, "Thiếu biên bản họp")


def test_only_a_submitted_action_can_be_returned_and_a_reason_is_required(finding, staff_a):
    with pytest.raises(ValidationError):
        services.finding_return(finding=finding, user=staff_a, reason="Chưa đủ")
    assert fresh(finding).status == "open"
    finding.status = "submitted"
    finding.save()
    with pytest.raises(ValidationError):
        services.finding_return(finding=finding, user=staff_a, reason="   ")
    assert fresh(finding).status == "submitted"


def test_a_due_date_in_the_past_is_refused_with_a_message(client, finding, staff_a, english):
    before = fresh(finding).due_on
    client.force_login(staff_a)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("finding_due", args=[finding.pk]), {"due_on": yesterday, "reason": "x"}
    )
    assert response.status_code == 200
    assert "A due date cannot be in the past." in response.context["due_form"].errors["due_on"]
    with pytest.raises(ValidationError):
        services.finding_update_due(finding=finding, user=staff_a, due_on=yesterday, reason="x")
    assert fresh(finding).due_on == before


def test_moving_a_due_date_needs_a_reason_and_the_history_keeps_the_old_date(
    client, finding, staff_a, english
):
    old = fresh(finding).due_on
    client.force_login(staff_a)
    new = old + datetime.timedelta(days=15)
    response = client.post(reverse("finding_due", args=[finding.pk]), {"due_on": new})
    assert response.status_code == 200
    assert response.context["due_form"].errors["reason"]
    assert fresh(finding).due_on == old

    client.post(reverse("finding_due", args=[finding.pk]), {"due_on": new, "reason": "Lũ lụt"})

    (move,) = [e for e in finding_history(finding) if e.what == "due date"]
    assert (move.before, move.after, move.reason) == (
        f"{old:%d/%m/%Y}",
        f"{new:%d/%m/%Y}",
        "Lũ lụt",
    )


def test_every_file_is_checked_by_its_bytes_and_one_bad_file_stores_none(
    client, finding, inspector_a, media
):
    client.force_login(inspector_a)
    good = SimpleUploadedFile("anh.jpg", JPEG_BYTES)
    bad = SimpleUploadedFile("anh2.jpg", EXE_BYTES)
    response = submit(client, finding, [good, bad])
    assert response.status_code == 200
    stored = fresh(finding)
    assert (stored.status, stored.files.count()) == ("open", 0)
    assert not [p for p in media.rglob("*") if p.is_file()] if media.exists() else True


def test_a_corrective_action_needs_its_root_cause_and_action(client, finding, inspector_a):
    client.force_login(inspector_a)
    response = submit(client, finding, root_cause="")
    assert response.status_code == 200
    assert response.context["action_form"].errors["root_cause"]
    assert fresh(finding).status == "open"
