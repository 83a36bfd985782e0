"""The inspections of an agency and of those it merged with, for the agency's page.

A template tag rather than a query in agencies/views.py: agencies do not import inspections
(the data flows agencies <- inspections), so the page asks this app for the rows.
"""

from django import template

from inspections.models import Inspection

register = template.Library()


@register.inclusion_tag("inspections/_agency_history.html")
def agency_history(agencies, user):
    """Every inspection `user` may see of `agencies`, newest round first; one query."""
    inspections = (
        Inspection.objects.for_user(user)
        .filter(agency__in=[agency.pk for agency in agencies])
        .select_related("round", "agency")
        .order_by("-round__year", "-round__number", "agency__sort_key", "pk")
    )
    return {"inspections": inspections, "several": len(agencies) > 1}
