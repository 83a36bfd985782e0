"""Reminders: whom, what, once a day; the command's dry run; a real SMTP server receiving one."""

import datetime
import email
import email.policy
import io
import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from compliance.settings import email_settings
from inspections import reminders, services
from inspections.models import Finding, Reminder, ResponseLink
from inspections.tests.test_corrective_actions import approve_with_finding

# Near today, so the links the reminders carry have not expired when the test opens them.
APPROVED = timezone.localdate() - datetime.timedelta(days=20)
DUE = APPROVED + datetime.timedelta(days=30)  # approval gives findings 30 days
DUE_TEXT = f"{DUE:%d/%m/%Y}"


@pytest.fixture
def finding(inspection, inspector_a, staff_a):
    agency = inspection.agency
    agency.contact_name, agency.contact_email = "Trần Văn Bình", "iso@stp.hungyen.gov.vn"
    agency.save()
    staff_a.email = "chicuc@hungyen.gov.vn"
    staff_a.save()
    return approve_with_finding(inspection, inspector_a, staff_a, today=APPROVED)


def run(today, *args):
    out = io.StringIO()
    call_command("send_reminders", "--today", today.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_nothing_is_sent_before_the_reminder_window(finding):
    assert reminders.reminders_send(today=DUE - datetime.timedelta(days=8)) == []
    assert mail.outbox == []


def test_the_agency_contact_gets_one_vietnamese_email_with_a_working_link(client, finding):
    sent = reminders.reminders_send(today=DUE - datetime.timedelta(days=7))
    assert [(o.kind, o.recipient, o.skipped) for o in sent] == [
        ("agency", "iso@stp.hungyen.gov.vn", "")
    ]
    (message,) = mail.outbox
    assert message.to == ["iso@stp.hungyen.gov.vn"]
    assert "Nhắc hạn khắc phục" in message.subject
    assert f"Hạn khắc phục: {DUE_TEXT}" in message.body
    assert "ông/bà Trần Văn Bình" in message.body
    url = next(line for line in message.body.splitlines() if "/r/" in line).strip()
    assert client.get(url.replace("http://localhost:8000", "")).status_code == 200
    reminder = Reminder.objects.get()
    assert (reminder.agency, list(reminder.findings.all())) == (
        finding.inspection.agency,
        [finding],
    )
    assert ResponseLink.objects.get().source == "reminder"


def test_the_same_reminder_is_not_sent_twice_a_day_and_the_old_reminder_link_is_replaced(
    finding,
):
    day = DUE - datetime.timedelta(days=3)
    reminders.reminders_send(today=day)
    again = reminders.reminders_send(today=day)
    assert [o.skipped for o in again] == ["đã gửi hôm nay"]
    assert len(mail.outbox) == 1
    reminders.reminders_send(today=day + datetime.timedelta(days=1))
    assert len(mail.outbox) == 2
    assert ResponseLink.objects.filter(revoked_at__isnull=True).count() == 1


def test_staff_get_a_digest_of_what_became_overdue_once(finding, staff_a, staff_b):
    staff_b.email = "khac@tinh-b.gov.vn"
    staff_b.save()
    reminders.reminders_send(today=DUE + datetime.timedelta(days=1))
    digests = [m for m in mail.outbox if m.to == ["chicuc@hungyen.gov.vn"]]
    assert len(digests) == 1
    assert "quá hạn 1 ngày" in digests[0].body
    assert reverse("finding_detail", args=[finding.pk]) in digests[0].body
    assert not [m for m in mail.outbox if m.to == ["khac@tinh-b.gov.vn"]]
    mail.outbox.clear()
    reminders.reminders_send(today=DUE + datetime.timedelta(days=2))
    # The agency is reminded again; the staff were already told of this finding.
    assert [m.to for m in mail.outbox] == [["iso@stp.hungyen.gov.vn"]]


def test_closed_or_submitted_findings_are_not_reminded(finding, inspector_a):
    services.finding_submit_record(
        finding=finding, user=inspector_a, root_cause="a", action_taken="b"
    )
    assert reminders.reminders_send(today=DUE + datetime.timedelta(days=5)) == []


def test_an_agency_without_contact_email_is_listed_but_not_sent(finding):
    agency = finding.inspection.agency
    agency.contact_email = ""
    agency.save()
    out = run(DUE, "--dry-run")
    assert "không gửi: chưa có email liên hệ" in out
    assert not [m for m in mail.outbox if "Nhắc hạn" in m.subject]


def test_dry_run_lists_what_the_day_would_send_and_sends_nothing(finding):
    out = run(DUE + datetime.timedelta(days=1), "--dry-run")
    assert "agency → iso@stp.hungyen.gov.vn" in out
    assert "digest → chicuc@hungyen.gov.vn" in out
    assert "(đã quá hạn)" in out
    assert "2 reminder(s) would send" in out
    assert mail.outbox == []
    assert not Reminder.objects.exists()
    assert not ResponseLink.objects.exists()
    assert "2 reminder(s) sent" in run(DUE + datetime.timedelta(days=1))
    assert len(mail.outbox) == 2


def test_the_bulk_action_service_is_scoped_to_the_staff_member(finding, staff_b, viewer):
    assert reminders.reminders_send(today=DUE, findings=[finding], user=staff_b) == []
    with pytest.raises(reminders.PermissionDenied):
        reminders.reminders_send(today=DUE, findings=[finding], user=viewer)
    sent = reminders.reminders_send(
        today=DUE - datetime.timedelta(days=20), findings=Finding.objects.all(), user=None
    )
    # Asked for explicitly, a finding is reminded outside the daily window too.
    assert [o.recipient for o in sent] == ["iso@stp.hungyen.gov.vn"]


def test_the_inspection_page_shows_when_the_agency_was_last_reminded(client, finding, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("inspection_detail", args=[finding.inspection_id]))
    assert page.context["follow_up"]["last_reminder"] is None
    reminders.reminders_send(today=DUE)
    page = client.get(reverse("inspection_detail", args=[finding.inspection_id]))
    assert page.context["follow_up"]["last_reminder"].recipient == "iso@stp.hungyen.gov.vn"
    assert "iso@stp.hungyen.gov.vn" in page.content.decode()


def test_email_url_parsing():
    assert email_settings("smtp+tls://u%40x:p%3Aw@mail.example.vn:587") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.vn",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "u@x",
        "EMAIL_HOST_PASSWORD": "p:w",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }
    assert email_settings("")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ValueError, match="unknown scheme"):
        email_settings("http://x")


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(email.message.EmailMessage), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


def test_a_real_smtp_server_receives_the_reminder_with_vietnamese_intact(
    settings, smtp_server, finding
):
    port, received = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

    reminders.reminders_send(today=DUE)

    by_recipient = {m["X-RcptTo"]: m for m in received}
    message = email.message_from_bytes(
        by_recipient["iso@stp.hungyen.gov.vn"].as_bytes(), policy=email.policy.default
    )
    subject = str(message["Subject"]).strip()
    body = message.get_body(("plain",)).get_content()
    agency = finding.inspection.agency.name
    assert subject == f"Nhắc hạn khắc phục điểm chưa phù hợp: {agency}"
    assert "Kính gửi" in body
    assert "ông/bà Trần Văn Bình" in body
    assert f"Hạn khắc phục: {DUE_TEXT} (đã quá hạn)" not in body  # due today, not yet overdue
    assert f"Hạn khắc phục: {DUE_TEXT}" in body
    assert "Đường dẫn trên chỉ dành cho đơn vị" in body
