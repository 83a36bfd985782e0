"""The provincial staff's home: what needs them today."""

import datetime

from django.db.models import Count, Q

from inspections.models import Finding, Inspection, Round

# How many findings the staff home lists under each heading; the count says how many more.
FINDINGS_SHOWN = 8


def staff_work(user, today):
    """What needs a provincial staff member today, in a fixed number of queries."""
    week_end = today + datetime.timedelta(days=7)
    inspections = Inspection.objects.for_user(user)
    waiting = inspections.aggregate(
        submitted=Count("pk", filter=Q(status=Inspection.Status.SUBMITTED)),
        returned=Count("pk", filter=Q(status=Inspection.Status.RETURNED)),
    )
    findings = Finding.objects.for_user(user).select_related(
        "inspection__agency", "inspection__round", "answer__criterion"
    )
    overdue = findings.filter(Finding.overdue_condition(today))
    due_soon = findings.filter(
        Finding.awaiting_condition(), due_on__gte=today, due_on__lte=week_end
    )
    overdue_count, due_soon_count = overdue.count(), due_soon.count()
    overdue, due_soon = list(overdue[:FINDINGS_SHOWN]), list(due_soon[:FINDINGS_SHOWN])
    return {
        "week_end": week_end,
        "waiting": waiting,
        "overdue": overdue,
        "overdue_count": overdue_count,
        "overdue_more": overdue_count - len(overdue),
        "due_soon": due_soon,
        "due_soon_count": due_soon_count,
        "due_soon_more": due_soon_count - len(due_soon),
        "rounds": _rounds_in_progress(user, today),
    }


def _rounds_in_progress(user, today):
    statuses = Inspection.Status
    rounds = (
        Round.objects.for_user(user)
        .exclude(status=Round.Status.CLOSED)
        .select_related("province")
        .annotate(
            total=Count("inspections", distinct=True),
            approved=Count(
                "inspections", filter=Q(inspections__status=statuses.APPROVED), distinct=True
            ),
            submitted=Count(
                "inspections", filter=Q(inspections__status=statuses.SUBMITTED), distinct=True
            ),
            returned=Count(
                "inspections", filter=Q(inspections__status=statuses.RETURNED), distinct=True
            ),
            overdue=Count(
                "inspections__findings",
                filter=Finding.overdue_condition(today, prefix="inspections__findings__"),
                distinct=True,
            ),
        )
        .order_by("-year", "-number")
    )
    rows = list(rounds)
    for round_ in rows:
        round_.completion = round(100 * round_.approved / round_.total) if round_.total else 0
    return rows
