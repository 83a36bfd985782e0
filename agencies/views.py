from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.forms import AgencyFilterForm, AnnouncementForm
from agencies.models import Agency, can_record_announcements

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
            "announcement_form": AnnouncementForm(auto_id="%s"),
            "successor": successor,
            "lineage": [*predecessors, agency, *([successor] if successor else [])],
        },
    )


@login_required
@require_POST
def agency_record_announcement(request, code):
    """Record the date an agency announced its QMS, when the registry has none yet."""
    if not can_record_announcements(request.user):
        raise Http404
    agency = get_object_or_404(Agency.objects.for_user(request.user), code=code)
    form = AnnouncementForm(request.POST)
    if agency.announced_on is not None:
        messages.info(
            request, _("%(agency)s already has an announcement date.") % {"agency": agency}
        )
    elif form.is_valid():
        agency.announced_on = form.cleaned_data["announced_on"]
        agency.save(update_fields=["announced_on"])
        messages.success(request, _("Announcement of %(agency)s recorded.") % {"agency": agency})
    else:
        messages.error(request, " ".join(form.errors["announced_on"]))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("agency_detail", code=agency.code)
