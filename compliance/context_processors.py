from functools import partial

from agencies.models import (
    can_administer,
    can_browse_agencies,
    can_fill_checklists,
    can_import_agencies,
    can_list_rounds,
    can_manage_findings,
    can_read_findings,
    can_read_national,
    can_read_reports,
    can_record_announcements,
)

RULES = {
    "fill_checklists": can_fill_checklists,
    "list_rounds": can_list_rounds,
    "read_reports": can_read_reports,
    "read_national": can_read_national,
    "browse_agencies": can_browse_agencies,
    "import_agencies": can_import_agencies,
    "administer": can_administer,
    "record_announcements": can_record_announcements,
    "read_findings": can_read_findings,
    "manage_findings": can_manage_findings,
}


def permissions(request):
    """`{% if can.read_reports %}`: the navigation asks the same rules as the views.

    Each rule runs only when a template reads it (templates call what they find).
    """
    user = getattr(request, "user", None)
    if user is None:
        return {"can": {}}
    return {"can": {name: partial(rule, user) for name, rule in RULES.items()}}


# The menu entry each page belongs to, by URL name prefix (longest first).
SECTIONS = [
    ("national_report", "national"),
    ("province_report", "reports"),
    ("my_inspections", "my"),
    ("round", "rounds"),
    ("inspection", "rounds"),
    ("finding", "rounds"),
    ("agency", "agencies"),
    ("home", "home"),
]


def navigation(request):
    """`nav_section`: which menu entry to mark as the current page (aria-current)."""
    match = getattr(request, "resolver_match", None)
    name = (match.url_name or "") if match else ""
    for prefix, section in SECTIONS:
        if name.startswith(prefix):
            # An inspector's inspections and findings live under "My inspections".
            if section == "rounds" and not name.startswith("round"):
                user = getattr(request, "user", None)
                if user is not None and can_fill_checklists(user):
                    return {"nav_section": "my"}
            return {"nav_section": section}
    return {"nav_section": ""}
