"""The findings workspace's pages: the list, its Excel export, and its bulk actions (move
the due dates, remind the agencies now), each confirmed on a page of its own first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from agencies.models import can_manage_findings, can_read_findings
from compliance.spreadsheets import XLSX_CONTENT_TYPE
from inspections import services
from inspections.findings_workspace import (
    DueMoveForm,
    FindingFilterForm,
    days_overdue,
    export_name,
    export_workbook,
    managed_selection,
    rows_of,
    selected_ids,
    status_counts,
)
from inspections.models import Finding
from inspections.reminders import NO_CONTACT, SENT_TODAY, reminders_plan, reminders_send

PAGE_SIZE = 50


def _filtered(request, today):
    """The filter form and the user's findings narrowed by it (all filters but status)."""
    if not can_read_findings(request.user):
        raise Http404
    form = FindingFilterForm(request.GET or None, user=request.user)
    return form, form.filter(Finding.objects.for_user(request.user), today)


@login_required
@require_safe
def finding_list(request):
    today = timezone.localdate()
    form, narrowed = _filtered(request, today)
    findings = rows_of(form.with_status(narrowed)).order_by(*form.ordering())
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    without_status = query.copy()
    without_status.pop("status", None)
    return render(
        request,
        "inspections/findings.html",
        {
            "form": form,
            "page": page,
            "rows": [(finding, days_overdue(finding, today)) for finding in page],
            "counts": status_counts(narrowed),
            "overdue_count": narrowed.filter(Finding.overdue_condition(today)).count(),
            "query": query.urlencode(),
            "without_status": without_status.urlencode(),
            "can_manage": can_manage_findings(request.user),
            "due_form": DueMoveForm(today=today),
            "today": today,
        },
    )


@login_required
@require_safe
def finding_export(request):
    today = timezone.localdate()
    form, narrowed = _filtered(request, today)
    findings = rows_of(form.with_status(narrowed)).order_by(*form.ordering())
    response = HttpResponse(export_workbook(findings, today), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_name(today)}"'
    return response


def _selection(request):
    """The posted findings, if the user manages every one of them; 404 otherwise."""
    if not can_manage_findings(request.user):
        raise Http404
    findings = managed_selection(request.user, selected_ids(request.POST))
    if findings is None:
        raise Http404
    return findings


def _back(request):
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return back
    return reverse("finding_list")


def _confirm_page(request, findings, form):
    closed = [f for f in findings if f.status == Finding.Status.VERIFIED]
    return render(
        request,
        "inspections/findings_due_confirm.html",
        {
            "form": form,
            "changing": [f for f in findings if f.status != Finding.Status.VERIFIED],
            "closed": closed,
            "next": _back(request),
        },
    )


@login_required
@require_POST
def finding_due_bulk(request):
    """Step one: what the new due date would change, for the user to confirm."""
    findings = _selection(request)
    form = DueMoveForm(request.POST, today=timezone.localdate())
    form.is_valid()
    return _confirm_page(request, findings, form)


@login_required
@require_POST
def finding_due_bulk_apply(request):
    """Step two: move the due dates confirmed on the page of step one."""
    findings = _selection(request)
    form = DueMoveForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        return _confirm_page(request, findings, form)
    try:
        moved = services.findings_move_due(
            findings=findings,
            user=request.user,
            due_on=form.cleaned_data["due_on"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _confirm_page(request, findings, form)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request,
        _("Due date moved for %(count)d findings.") % {"count": len(moved)},
    )
    return redirect(_back(request))


# Remind the agencies of the selected findings now


def _remind_page(request, findings):
    """What "send a reminder now" would send: one email per agency, or why not."""
    planned = reminders_plan(today=timezone.localdate(), findings=findings, user=request.user)
    reminded = {f.pk for item in planned for f in item.findings}
    why_not = {
        NO_CONTACT: _("No contact email in the registry"),
        SENT_TODAY: _("Already reminded today"),
    }
    return render(
        request,
        "inspections/findings_remind_confirm.html",
        {
            "findings": findings,
            "rows": [(item, why_not.get(item.skipped, item.skipped)) for item in planned],
            "sending": sum(1 for item in planned if not item.skipped),
            "left_out": [f for f in findings if f.pk not in reminded],
            "next": _back(request),
        },
    )


@login_required
@require_POST
def finding_remind_bulk(request):
    """Step one: the reminders the selected findings would send, for the user to confirm."""
    return _remind_page(request, _selection(request))


@login_required
@require_POST
def finding_remind_bulk_apply(request):
    """Step two: send them; a reminder already sent today is not sent again."""
    outgoing = reminders_send(
        today=timezone.localdate(), findings=_selection(request), user=request.user
    )
    sent = sum(1 for item in outgoing if not item.skipped)
    no_contact = sum(1 for item in outgoing if item.skipped == NO_CONTACT)
    already = sum(1 for item in outgoing if item.skipped == SENT_TODAY)
    messages.success(
        request,
        ngettext("%(count)d reminder email sent.", "%(count)d reminder emails sent.", sent)
        % {"count": sent},
    )
    if no_contact:
        messages.warning(
            request,
            ngettext(
                "%(count)d agency has no contact email and was not reminded.",
                "%(count)d agencies have no contact email and were not reminded.",
                no_contact,
            )
            % {"count": no_contact},
        )
    if already:
        messages.info(
            request,
            ngettext(
                "%(count)d agency was already reminded today; not sent again.",
                "%(count)d agencies were already reminded today; not sent again.",
                already,
            )
            % {"count": already},
        )
    return redirect(_back(request))
