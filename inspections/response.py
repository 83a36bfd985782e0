"""The agency's response link: its open findings of one inspection, answered without an account.

Whoever holds the URL sees only that inspection's findings awaiting action (criterion, note,
due date, reason for return) and may submit a corrective action for each. The pages name no
inspector, link nowhere, and a wrong, tampered, expired or revoked token is a bare 404.
The token is never logged (compliance.logfilters redacts it; these views log the inspection).
"""

import logging

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from inspections import services
from inspections.forms import CorrectiveActionForm
from inspections.models import Finding
from inspections.uploads import check_upload

logger = logging.getLogger("inspections.response")


def _private(response):
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _not_found(request):
    return _private(render(request, "inspections/response/not_found.html", status=404))


def _page(request, link, token, *, failed=None, form=None):
    findings = list(
        link.inspection.findings.filter(Finding.awaiting_condition())
        .select_related("answer__criterion")
        .order_by("due_on", "answer__criterion__order", "pk")
    )
    # A returned record comes back with what the agency wrote: it corrects, not retypes.
    rows = [
        (
            f,
            form
            if failed == f.pk
            else CorrectiveActionForm(
                prefix=f"f{f.pk}",
                initial={"root_cause": f.root_cause, "action_taken": f.action_taken},
            ),
        )
        for f in findings
    ]
    return _private(
        render(
            request,
            "inspections/response/page.html",
            {
                "link": link,
                "token": token,
                "agency": link.inspection.agency,
                "rows": rows,
                "sent": request.GET.get("sent") == "1" and not failed,
            },
            status=400 if failed else 200,
        )
    )


@never_cache
@require_safe
def response_page(request, token):
    link = services.response_link_find(token)
    if link is None:
        return _not_found(request)
    logger.info("response link opened: inspection %s", link.inspection_id)
    return _page(request, link, token)


# No CSRF check: the secret is the token in the URL, not a cookie, so a forged post needs
# the token itself. And under Referrer-Policy: no-referrer browsers send "Origin: null"
# with the form, which CsrfViewMiddleware refuses: the agency could never submit.
@csrf_exempt
@never_cache
@require_POST
def response_submit(request, token, finding_id):
    link = services.response_link_find(token)
    if link is None:
        return _not_found(request)
    form = CorrectiveActionForm(request.POST, request.FILES, prefix=f"f{finding_id}")
    if not link.inspection.findings.filter(Finding.awaiting_condition(), pk=finding_id).exists():
        return _not_found(request)
    if form.is_valid():
        try:
            services.finding_submit_via_link(
                link=link,
                finding_id=finding_id,
                root_cause=form.cleaned_data["root_cause"],
                action_taken=form.cleaned_data["action_taken"],
                files=[(f, check_upload(f)) for f in form.cleaned_data["files"]],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except Finding.DoesNotExist:
            return _not_found(request)
        else:
            logger.info(
                "corrective action via response link: inspection %s, finding %s",
                link.inspection_id,
                finding_id,
            )
            return _private(redirect(reverse("response_page", args=[token]) + "?sent=1"))
    return _page(request, link, token, failed=finding_id, form=form)
