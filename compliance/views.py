from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from agencies.models import can_browse_agencies, can_fill_checklists, can_plan_rounds


@login_required
def home(request):
    if can_fill_checklists(request.user):
        return redirect("my_inspections")
    if can_plan_rounds(request.user):
        return redirect("round_list")
    if can_browse_agencies(request.user):
        return redirect("agency_list")
    return render(request, "home.html")
