from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from agencies.models import can_fill_checklists, can_plan_rounds, can_read_national
from inspections.dashboard import staff_work


@login_required
def home(request):
    """Each role starts where its work is."""
    if can_fill_checklists(request.user):
        return redirect("my_inspections")
    if can_read_national(request.user):
        return redirect("national_report")
    if can_plan_rounds(request.user):
        context = staff_work(request.user, timezone.localdate())
        return render(request, "home_staff.html", context)
    return render(request, "home.html")
