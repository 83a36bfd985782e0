"""Reminders of findings due soon or overdue: to each agency's ISO contact, one email per
agency with a response link per inspection; and to each province's staff a digest of the
findings that became overdue since their last digest. Sent in Vietnamese.

Each email sent is a Reminder row (what, to whom, when, which findings): the same reminder
(key, recipient, day) is never sent twice. Links: a token is stored only as its hash, so an
earlier link cannot be put into a new email; each agency reminder therefore issues a fresh
link per inspection (source "reminder"), which replaces the previous reminder link of that
inspection. Links staff issued by hand are left alone.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from agencies.models import Role, role_of
from inspections import services
from inspections.models import Finding, Inspection, Reminder, ResponseLink

DRY_RUN_LINK = "(đường dẫn phản hồi mới)"

# Why an Outgoing is not sent (Outgoing.skipped); the terminal prints them as they are.
NO_CONTACT = "chưa có email liên hệ"
SENT_TODAY = "đã gửi hôm nay"


@dataclass
class Outgoing:
    kind: str
    key: str
    recipient: str
    subject: str
    findings: list
    agency: object = None
    province: object = None
    body: str = ""
    skipped: str = ""  # why it is not sent: already sent today, no contact
    links: dict = field(default_factory=dict)


def _findings(findings, user):
    queryset = Finding.objects.filter(
        Finding.awaiting_condition(), inspection__status=Inspection.Status.APPROVED
    ).select_related(
        "inspection__agency__province", "inspection__round__province", "answer__criterion"
    )
    if findings is not None:
        queryset = queryset.filter(pk__in=[getattr(f, "pk", f) for f in findings])
    if user is not None:
        role = role_of(user)
        if role == Role.PROVINCIAL_STAFF:
            queryset = queryset.filter(inspection__round__province_id=user.profile.province_id)
        elif role != Role.ADMIN:
            raise PermissionDenied
    return queryset.order_by("inspection__agency__sort_key", "due_on", "pk")


def _agency_reminders(findings, today):
    by_agency = {}
    for finding in findings:
        by_agency.setdefault(finding.inspection.agency, []).append(finding)
    return [
        Outgoing(
            kind=Reminder.Kind.AGENCY,
            key=f"agency:{agency.pk}",
            recipient=agency.contact_email,
            subject=f"Nhắc hạn khắc phục điểm chưa phù hợp: {agency.name}"[:255],
            findings=items,
            agency=agency,
            skipped="" if agency.contact_email else NO_CONTACT,
        )
        for agency, items in by_agency.items()
    ]


def _digests(today, user):
    overdue = _findings(None, user).filter(Finding.overdue_condition(today))
    by_province = {}
    for finding in overdue:
        province = finding.inspection.round.province
        by_province.setdefault(province, []).append(finding)
    outgoing = []
    for province, items in by_province.items():
        already = set(
            Reminder.findings.through.objects.filter(
                reminder__key=f"province:{province.pk}"
            ).values_list("finding_id", flat=True)
        )
        fresh = [f for f in items if f.pk not in already]
        if not fresh:
            continue
        for staff in _staff_of(province):
            outgoing.append(
                Outgoing(
                    kind=Reminder.Kind.DIGEST,
                    key=f"province:{province.pk}",
                    recipient=staff.email,
                    subject=f"Điểm chưa phù hợp quá hạn khắc phục: {province.name}"[:255],
                    findings=fresh,
                    province=province,
                )
            )
    return outgoing


def _staff_of(province):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True, profile__role=Role.PROVINCIAL_STAFF, profile__province=province
        )
        .exclude(email="")
        .order_by("username")
    )


def reminders_plan(*, today, findings=None, user=None):
    """What a day would send: agency reminders, then (for the daily run) staff digests."""
    if findings is None:
        window = today + datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE)
        due = _findings(None, user).filter(due_on__lte=window)
        outgoing = _agency_reminders(due, today) + _digests(today, user)
    else:
        outgoing = _agency_reminders(_findings(findings, user), today)
    sent_today = set(Reminder.objects.filter(sent_on=today).values_list("key", "recipient"))
    for item in outgoing:
        if not item.skipped and (item.key, item.recipient) in sent_today:
            item.skipped = SENT_TODAY
    return outgoing


def reminders_send(*, today, findings=None, user=None, dry_run=False):
    """Send (or with dry_run only compose) the reminders of `today`; returns the Outgoing list.

    `findings` limits it to those findings' agencies (the workspace's "send a reminder now");
    `user` scopes it to what that staff member reviews.
    """
    outgoing = reminders_plan(today=today, findings=findings, user=user)
    for item in outgoing:
        if item.skipped:
            continue
        if dry_run:
            item.body = _body(item, today, dry_run=True)
            continue
        try:
            with transaction.atomic():
                _send(item, today, user)
        except IntegrityError:  # another run sent it a moment ago
            item.skipped = SENT_TODAY
    return outgoing


def _send(item, today, user):
    reminder = Reminder.objects.create(
        kind=item.kind,
        key=item.key,
        agency=item.agency,
        province=item.province,
        recipient=item.recipient,
        subject=item.subject,
        sent_on=today,
        sent_by=user,
    )
    reminder.findings.set(item.findings)
    item.body = _body(item, today, dry_run=False)
    EmailMessage(
        subject=item.subject,
        body=item.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[item.recipient],
    ).send()


def _links(item, today, dry_run):
    inspections = {f.inspection_id: f.inspection for f in item.findings}
    links = {}
    for pk, inspection in inspections.items():
        if dry_run:
            links[pk] = DRY_RUN_LINK
            continue
        _link, token = services.response_link_issue(
            inspection=inspection, user=None, today=today, source=ResponseLink.Source.REMINDER
        )
        links[pk] = settings.SITE_URL + reverse("response_page", args=[token])
    return links


def _body(item, today, *, dry_run):
    context = {"item": item, "today": today, "site_url": settings.SITE_URL}
    if item.kind == Reminder.Kind.AGENCY:
        links = _links(item, today, dry_run)
        groups = {}
        for finding in item.findings:
            groups.setdefault(finding.inspection_id, []).append(finding)
        context["groups"] = [
            (rows[0].inspection, links[pk], [(f, f.due_on < today) for f in rows])
            for pk, rows in groups.items()
        ]
        template = "inspections/email/agency_reminder.txt"
    else:
        context["rows"] = [(f, (today - f.due_on).days) for f in item.findings]
        template = "inspections/email/overdue_digest.txt"
    with translation.override("vi"):
        return render_to_string(template, context)


def describe(item):
    """One line for the terminal."""
    codes = ", ".join(
        f"{f.inspection.agency.code}/{f.answer.criterion.code}" for f in item.findings
    )
    state = f" [không gửi: {item.skipped}]" if item.skipped else ""
    return f"{item.kind} → {item.recipient or '-'}: {item.subject} ({codes}){state}"
