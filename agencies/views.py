from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from agencies.forms import AgencyFilterForm
from agencies.models import Agency

PAGE_SIZE = 50


@login_required
def agency_list(request):
    form = AgencyFilterForm(request.GET or None, user=request.user)
    agencies = Agency.objects.for_user(request.user).select_related("province")
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


@login_required
def agency_detail(request, code):
    agency = get_object_or_404(
        Agency.objects.for_user(request.user).select_related("province", "parent"), code=code
    )
    children = Agency.objects.for_user(request.user).filter(parent=agency)
    return render(request, "agencies/agency_detail.html", {"agency": agency, "children": children})
