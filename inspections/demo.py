"""A finished demo round, made through the same services as the pages use."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from inspections import services
from inspections.models import Checklist, Round

# Per agency (in name order), the results of the 12 criteria, cycled; "-" = not answered.
PATTERNS = [
    "cccccccccccc",
    "cnccccccpccc",
    "ccccaccccccc",
    "cpcccpccccnc",
    "cccccccccccc",
    "cnnpcccpcnnc",
    "ccpccccccccc",
    "cccc--------",
]
RESULTS = {"c": "conforming", "p": "partial", "n": "nonconforming", "a": "not_applicable"}


def demo_round(province_code, staff_username, inspector_username):
    """Round 1 of this year, if missing: 16 agencies, most approved, a few unfinished."""
    year = timezone.localdate().year
    if Round.objects.filter(province_id=province_code, year=year, number=1).exists():
        return f"Demo round 1/{year} already exists."
    users = get_user_model().objects
    staff, inspector = users.get(username=staff_username), users.get(username=inspector_username)
    agencies = list(
        Agency.objects.filter(province_id=province_code, level__in=["province", "department"])
    ) + list(
        Agency.objects.filter(province_id=province_code, announced_on__isnull=False)
        .filter(level="commune")
        .order_by("code")[:8]
    )
    with transaction.atomic():
        _demo_contacts(agencies)
        round_ = services.round_create(
            user=staff,
            province=staff.profile.province,
            agencies=agencies,
            inspectors=[inspector],
            year=year,
            number=1,
            title=f"Kiểm tra việc áp dụng HTQLCL theo TCVN ISO 9001:2015 năm {year}",
            decision_number="79/QĐ-SKHCN",
            decision_date=datetime.date(year, 1, 15),
            starts_on=datetime.date(year, 2, 1),
            ends_on=datetime.date(year, 12, 15),
            checklist=Checklist.objects.filter(code="QD19-2015").order_by("-version").first(),
        )
        for index, inspection in enumerate(round_.inspections.order_by("agency__sort_key")):
            pattern = PATTERNS[index % len(PATTERNS)]
            answers = inspection.answers.select_related("criterion", "inspection")
            for answer, letter in zip(answers, pattern, strict=True):
                if letter == "-":
                    continue
                result = RESULTS[letter]
                note = "" if letter in "ca" else f"Chưa đáp ứng: {answer.criterion.title.lower()}"
                services.answer_save(
                    answer=answer, user=inspector, result=result, note=note, base_version=0
                )
            if "-" in pattern:
                continue
            services.inspection_submit(inspection=inspection, user=inspector)
            if index % 5 != 4:  # one in five awaits review
                inspection.refresh_from_db()
                services.inspection_approve(
                    inspection=inspection,
                    user=staff,
                    version=inspection.version,
                    today=datetime.date(year, 3, 1),
                )
    return f"Demo round 1/{year}: {len(agencies)} agencies, results filled in."


def _demo_contacts(agencies):
    """An ISO contact (a reserved example.org address) for demo agencies without one, so
    that `send_reminders` has someone to write to after `make run`."""
    for number, agency in enumerate(agencies, start=1):
        if not agency.contact_email:
            agency.contact_name = f"Cán bộ ISO {number}"
            # Agency codes are letters, digits, dots, dashes and underscores (CODE_RE).
            agency.contact_email = f"iso.{agency.code.lower()}@example.org"
    Agency.objects.bulk_update(agencies, ["contact_name", "contact_email"])
