from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from agencies.models import Role, role_of


@login_required
def home(request):
    role = role_of(request.user)
    if role == Role.INSPECTOR:
        return redirect("my_inspections")
    if role == Role.PROVINCIAL_STAFF:
        return redirect("round_list")
    if role in (Role.ADMIN, Role.NATIONAL_VIEWER):
        return redirect("agency_list")
    return render(request, "home.html")
