from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, render

from agencies.forms import AgencyFilterForm
from agencies.models import Agency

PAGE_SIZE = 50


@login_required
def agency_list(request):
    form = AgencyFilterForm(request.GET or None, user=request.user)
    agencies = (
        Agency.objects.for_user(request.user)
        .select_related("province")
        .annotate(successor_name=_successor_name(request.user))
    )
    if form.is_bound:
        agencies = form.filter(agencies)
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agencies/agency_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _successor_name(user):
    """The name of the agency a dissolved one merged into, if `user` may see it."""
    return Subquery(
        Agency.objects.for_user(user).filter(code=OuterRef("successor_id")).values("name")[:1]
    )


@login_required
def agency_detail(request, code):
    agency = get_object_or_404(
        Agency.objects.for_user(request.user).select_related("province", "parent"), code=code
    )
    children = Agency.objects.for_user(request.user).filter(parent=agency)
    # Those merged into this agency, and the one it merged into: its history across mergers.
    related = Agency.objects.for_user(request.user).filter(
        Q(successor=agency) | Q(code=agency.successor_id)
    )
    predecessors = [other for other in related if other.successor_id == agency.code]
    successor = next((other for other in related if other.code == agency.successor_id), None)
    agency.successor_name = successor.name if successor else None
    return render(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "children": children,
            "predecessors": predecessors,
            "successor": successor,
            "lineage": [*predecessors, agency, *([successor] if successor else [])],
        },
    )
