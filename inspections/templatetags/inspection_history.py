"""The story of an agency and of those it merged with, for the agency's page: every
inspection with its score and rating, and every finding with its state, newest first.

A template tag rather than a query in agencies/views.py: agencies do not import inspections
(the data flows agencies <- inspections), so the page asks this app for the rows.
"""

from django import template
from django.utils import timezone

from inspections.models import Finding, Inspection

register = template.Library()


@register.inclusion_tag("inspections/_agency_history.html")
def agency_history(agencies, user):
    """Every inspection and finding `user` may see of `agencies`, newest round first;
    two queries, however many rounds and findings."""
    pks = [agency.pk for agency in agencies]
    newest = ("-inspection__round__year", "-inspection__round__number")
    inspections = list(
        Inspection.objects.for_user(user)
        .filter(agency__in=pks)
        .select_related("round", "agency")
        .order_by("-round__year", "-round__number", "agency__sort_key", "pk")
    )
    findings = list(
        Finding.objects.for_user(user)
        .filter(inspection__agency__in=pks)
        .select_related("inspection__round", "inspection__agency", "answer__criterion")
        .order_by(*newest, "answer__criterion__order", "answer__criterion__code", "pk")
    )
    today = timezone.localdate()
    per_inspection = {}
    for finding in findings:
        per_inspection.setdefault(finding.inspection_id, []).append(finding)
    return {
        "rows": [(i, len(per_inspection.get(i.pk, ()))) for i in inspections],
        "findings": [(f, f.is_overdue(today)) for f in findings],
        "several": len(agencies) > 1,
    }
