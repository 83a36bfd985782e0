import functools
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agencies.models import Agency, can_plan_rounds
from compliance.files import file_response
from compliance.spreadsheets import XLSX_CONTENT_TYPE, FileRefused
from inspections import checklist, housekeeping, offline, services, workbooks
from inspections.cards import criterion_cards, history_table
from inspections.forms import (
    AssignForm,
    CorrectiveActionForm,
    DueDateForm,
    FindingReturnForm,
    ReturnForm,
    RoundForm,
    WorkbookUploadForm,
)
from inspections.history import RECENT, finding_history, inspection_history
from inspections.models import (
    Answer,
    CorrectiveFile,
    Evidence,
    Finding,
    Inspection,
    Reminder,
    ResponseLink,
    Round,
)
from inspections.tasks import WORKBOOK_IMPORT, WORKBOOK_PREVIEW
from inspections.uploads import check_upload
from jobs.models import Job
from jobs.services import job_start

ANSWERED = ~Q(answers__result="")
HISTORY_PAGE_SIZE = 100
ROUND_PAGE_SIZE = 50


def _planning_province(request):
    """The province a staff member plans rounds in; 404 for anyone who plans none."""
    if not can_plan_rounds(request.user):
        raise Http404
    return request.user.profile.province


# The checklist's result buttons: value, label and Bootstrap colour.
RESULT_STYLES = {"conforming": "success", "partial": "warning", "nonconforming": "danger"}
RESULT_OPTIONS = [
    (value, label, RESULT_STYLES.get(value, "secondary")) for value, label in Answer.Result.choices
]


@login_required
@offline.offline_page
def my_inspections(request):
    inspections = (
        Inspection.objects.for_user(request.user)
        .filter(inspectors=request.user)
        .select_related("agency", "round__province")
        .annotate(
            answered=Count("answers", filter=ANSWERED, distinct=True),
            total=Count("answers", distinct=True),
        )
        # Work still to do first: returned, then drafts, then those awaiting or done.
        .order_by(
            Case(
                When(status=Inspection.Status.RETURNED, then=0),
                When(status=Inspection.Status.DRAFT, then=1),
                When(status=Inspection.Status.SUBMITTED, then=2),
                default=3,
            ),
            "agency__sort_key",
        )
    )
    inspections = list(inspections)
    rounds = list({i.round_id: i.round for i in inspections}.values())
    return render(
        request,
        "inspections/my_inspections.html",
        {"inspections": inspections, "rounds": rounds},
    )


@login_required
def round_list(request):
    rounds = (
        Round.objects.for_user(request.user)
        .select_related("province", "checklist")
        .annotate(inspection_count=Count("inspections", distinct=True))
    )
    return render(
        request,
        "inspections/round_list.html",
        {"rounds": rounds, "can_create": can_plan_rounds(request.user)},
    )


@login_required
def round_create(request):
    province = _planning_province(request)
    form = RoundForm(request.POST or None, province=province)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round_ = services.round_create(
            user=request.user,
            province=province,
            agencies=list(data["agencies"]),
            inspectors=list(data["inspectors"]),
            **{name: data[name] for name in RoundForm.Meta.fields},
        )
        messages.success(
            request,
            _("Round created with %(count)d inspections.") % {"count": len(data["agencies"])},
        )
        return redirect("round_detail", pk=round_.pk)
    return render(
        request,
        "inspections/round_form.html",
        {"form": form, "choices": _agency_choices(request, province, form)},
    )


def _agency_choices(request, province, form=None):
    """The agencies the round form offers under its filters, and those already ticked.

    The ticked ones live in the form's one `agencies` field, kept by the page across
    filter changes, so a filter never clears what was chosen under another.
    """
    agencies = Agency.objects.filter(province=province).existing_on(timezone.localdate())
    params = request.POST if request.method == "POST" else request.GET
    level = params.get("filter_level", "")
    applicability = params.get("filter_applicability", "")
    search = params.get("q", "").strip()
    if level in Agency.Level.values:
        agencies = agencies.filter(level=level)
    if applicability in Agency.Applicability.values:
        agencies = agencies.filter(applicability=applicability)
    if search:
        agencies = agencies.search(search)
    selected = set()
    if form is not None and form.is_bound:
        selected = set(form["agencies"].value() or [])
    return {
        "agencies": agencies.only("pk", "name", "code"),
        "selected": selected,
        "level": level,
        "applicability": applicability,
        "search": search,
        "levels": Agency.Level.choices,
        "applicabilities": Agency.Applicability.choices,
    }


@login_required
def round_agency_choices(request):
    """The htmx partial that refreshes the list of agencies when a filter changes."""
    province = _planning_province(request)
    return render(request, "inspections/_agency_choices.html", _agency_choices(request, province))


def _round(request, pk):
    return get_object_or_404(
        Round.objects.for_user(request.user).select_related("province", "checklist"), pk=pk
    )


@login_required
def round_detail(request, pk):
    """A round's inspections, a page at a time, filtered on the server, with the number
    in each state at the top: a fixed number of queries whatever the round's size. Only
    the counts and the list of inspectors go over the whole round, through indexes; the
    page's rows are read for their 50 inspections alone."""
    round_ = _round(request, pk)
    today = timezone.localdate()
    params = request.GET
    overdue = Finding.objects.filter(Finding.overdue_condition(today), inspection=OuterRef("pk"))
    inspections = Inspection.objects.for_user(request.user).filter(round=round_)
    inspections, filters = _round_filters(inspections, round_, params)
    counts = _state_counts(inspections, overdue)
    state = params.get("state", "")
    if state in Inspection.State.values:
        inspections = inspections.filter(Inspection.state_condition(state))
    elif state == "overdue":
        inspections = inspections.filter(Exists(overdue))
    # The page is chosen by its ids alone, in the round's order; only its 50 rows are then
    # read with their agency, state and overdue findings (see _page_rows).
    ordered = inspections.order_by("agency__sort_key", "pk").values_list("pk", flat=True)
    paginator = Paginator(ordered, ROUND_PAGE_SIZE)
    total = sum(n for key, n in counts.items() if key != "overdue")
    # Known from the counts above: no COUNT over the round again.
    paginator.count = counts.get(state, total)
    page = paginator.get_page(params.get("page"))
    rows = []
    for inspection in _page_rows(_page_ids(ordered, page), overdue):
        shown = inspection.state(inspection.answered)
        rows.append((inspection, shown, shown.label))
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/round_detail.html",
        {
            "round": round_,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "state": state,
            "counts": counts,
            "total": total,
            "labels": dict(Inspection.State.choices),
            "can_manage": round_.can_manage(request.user),
            "can_import": round_.can_import_workbook(request.user),
            **filters,
        },
    )


def _page_ids(ordered, page):
    """The ids of `page`, a slice of `ordered`, taken from the nearer end: an OFFSET costs a
    step for each row it skips, so a page past the middle is counted back from the last."""
    count = page.paginator.count
    bottom = (page.number - 1) * page.paginator.per_page
    top = min(bottom + page.paginator.per_page, count)
    if count - top < bottom:
        return ordered.reverse()[count - top : count - bottom]
    return ordered[bottom:top]


def _page_rows(ids, overdue):
    """The inspections of a page, `ids` being the page's slice of ids (a subquery): only
    these rows are looked up for answers and overdue findings, whatever the round's size."""
    overdue_count = overdue.order_by().values("inspection").annotate(n=Count("pk")).values("n")
    return (
        Inspection.objects.filter(pk__in=ids)
        .select_related("agency")
        .prefetch_related("inspectors")
        .annotate(
            answered=Inspection.started_condition(),
            overdue=Coalesce(Subquery(overdue_count), 0),
        )
        .order_by("agency__sort_key", "pk")
    )


def _round_filters(inspections, round_, params):
    """The round page's filters other than the state: level, inspector, agency search."""
    level = params.get("level", "")
    if level in Agency.Level.values:
        inspections = inspections.filter(agency__level=level)
    assigned = Inspection.inspectors.through.objects.filter(inspection__round=round_)
    inspectors = get_user_model().objects.filter(pk__in=assigned.values("user_id"))
    inspectors = list(inspectors.order_by("username"))
    inspector = params.get("inspector", "")
    if inspector in {str(user.pk) for user in inspectors}:
        # A probe of the (inspection, user) unique index per inspection, not a join of the
        # round's assignments.
        assignment = Inspection.inspectors.through.objects.filter(
            inspection=OuterRef("pk"), user_id=inspector
        )
        inspections = inspections.filter(Exists(assignment))
    search = params.get("q", "").strip()
    if search:
        inspections = inspections.filter(agency__in=Agency.objects.search(search))
    return inspections, {
        "level": level,
        "levels": Agency.Level.choices,
        "inspector": inspector,
        "inspectors": inspectors,
        "search": search,
    }


def _state_counts(inspections, overdue):
    """How many inspections are in each state of Inspection.State, and how many have an
    overdue finding, in one query of three parts: the number per status (from the index on
    round and status), the drafts begun and the inspections with an overdue finding (each
    a semi-join, which the database may answer through an index on either side)."""
    inspections = inspections.order_by()
    per_status = inspections.values(key=F("status")).annotate(n=Count("pk"))
    started = inspections.filter(Inspection.state_condition(Inspection.State.IN_PROGRESS))
    started = started.values(key=Value(Inspection.State.IN_PROGRESS)).annotate(n=Count("pk"))
    late = inspections.filter(Exists(overdue)).values(key=Value("overdue")).annotate(n=Count("pk"))
    found = {row["key"]: row["n"] for row in per_status.union(started, late, all=True)}
    counts = {state: found.get(state, 0) for state in Inspection.State.values}
    # Drafts are split by whether work has begun.
    drafts = found.get(Inspection.Status.DRAFT, 0)
    counts[Inspection.State.NOT_STARTED] = drafts - counts[Inspection.State.IN_PROGRESS]
    counts["overdue"] = found.get("overdue", 0)
    return counts


def _inspection(request, pk):
    return get_object_or_404(
        Inspection.objects.for_user(request.user).select_related(
            "agency", "round__province", "round__checklist"
        ),
        pk=pk,
    )


@login_required
@offline.offline_page
def inspection_detail(request, pk):
    inspection = checklist.inspection_for(request.user, pk)
    if inspection is None:
        raise Http404
    answers = checklist.answers_of(inspection)
    findings = checklist.findings_of(inspection) if inspection.has_findings else []
    can_edit = inspection.can_edit(request.user)
    today = timezone.localdate()
    # The latest entries only, so the page does not grow with every save.
    history = inspection_history(
        inspection, limit=RECENT + 1, status_changed=inspection.status_changed
    )
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "answers": answers,
            "answered": sum(1 for a in answers if a.result),
            "cards": criterion_cards(
                request, inspection, answers, can_edit=can_edit, results=RESULT_OPTIONS
            ),
            "can_edit": can_edit,
            "can_review": inspection.status == Inspection.Status.SUBMITTED
            and inspection.can_review(request.user),
            "return_form": ReturnForm(initial={"version": inspection.version}),
            "shortfalls": sum(1 for a in answers if a.result in services.SHORTFALL_RESULTS),
            "finding_days": services.FINDING_DAYS,
            "findings": [(f, f.is_overdue(today)) for f in findings],
            "follow_up": _follow_up(inspection, request.user, today) if findings else None,
            "history": history[:RECENT],
            "history_table": history_table(history[:RECENT]) if history else "",
            "more_history": len(history) > RECENT,
            "js_texts": _checklist_texts(),
            "offline": offline.page_settings(request),
        },
    )


@login_required
@require_safe
def inspection_history_page(request, pk):
    """Every entry of an inspection's history, a page at a time."""
    inspection = _inspection(request, pk)
    page = Paginator(inspection_history(inspection), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "inspections/inspection_history.html",
        {"inspection": inspection, "page": page, "history": page.object_list},
    )


def _checklist_texts():
    """The words the autosave script shows, translated on the server."""
    return {
        "saving": _("Saving…"),
        "typing": _("Typing…"),
        "saved": _("Saved %(when)s"),
        "allSaved": _("All changes saved"),
        "pendingOnline": _("%(count)s change(s) being sent…"),
        "pendingOffline": _(
            "Offline: %(count)s change(s) kept on this device, sent when the network is back"
        ),
        "offline": _("Not sent yet: kept on this device, will be sent when back online"),
        "session": _("Not sent: your session ended. Log in again in another tab; kept here."),
        "restored": _("Restored from this device; sending…"),
        "serverError": _("The server could not save this; retrying."),
        "yours": _("Your change was: %(result)s, note: %(note)s."),
        "waitBeforeSubmit": _("Some changes are not saved yet. Wait until they are sent."),
        "stranded": _(
            "%(count)s change(s) kept on this device were not sent before this checklist "
            "was locked, and cannot be saved now:"
        ),
        "discard": _("Remove them from this device"),
        "labels": dict(Answer.Result.choices),
    }


def _answer_json(answer):
    """An answer as the autosave script reads it; `answer.answered` is set by the save."""
    return {
        "id": answer.pk,
        "version": answer.version,
        "result": answer.result,
        "result_label": answer.get_result_display(),
        "note": answer.note,
        "answered_by": answer.answered_by.get_username() if answer.answered_by else "",
        "answered_at": (
            date_format(timezone.localtime(answer.answered_at), "SHORT_DATETIME_FORMAT")
            if answer.answered_at
            else ""
        ),
        "answered": answer.answered,
    }


@login_required
@require_POST
def answer_save(request, pk, answer_pk):
    # The service loads the answer, scoped and locked, in its one query: a row of another
    # inspection, or one the user may not see, is a 404.
    answer = Answer(pk=answer_pk, inspection_id=pk)
    try:
        base_version = int(request.POST["version"])
        key = request.POST.get("key") or None
        answer, _changed = services.answer_save(
            answer=answer,
            user=request.user,
            result=request.POST.get("result", ""),
            note=request.POST.get("note", ""),
            base_version=base_version,
            key=key,
            scoped=True,
        )
    except Answer.DoesNotExist:
        raise Http404 from None
    except (KeyError, ValueError, ValidationError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else ""
        return JsonResponse({"error": message or _("The request was incomplete.")}, status=400)
    except PermissionDenied:
        return JsonResponse({"error": _("This checklist can no longer be changed.")}, status=403)
    except services.Conflict as conflict:
        current = _answer_json(conflict.answer)
        return JsonResponse(
            {
                "error": _(
                    "Someone else saved this criterion first (%(who)s, %(when)s): "
                    "%(result)s. Your change was not saved; check and choose again."
                )
                % {
                    "who": current["answered_by"] or "—",
                    "when": current["answered_at"] or "—",
                    "result": current["result_label"] or _("not answered"),
                },
                "current": current,
            },
            status=409,
        )
    return JsonResponse(_answer_json(answer))


@login_required
@require_POST
def evidence_upload(request, pk, answer_pk):
    inspection = _inspection(request, pk)
    answer = get_object_or_404(inspection.answers, pk=answer_pk)
    upload = request.FILES.get("file")
    # The device's upload queue asks for JSON and sends an idempotency key.
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        if upload is None:
            raise ValidationError(_("Choose a file to upload."))
        content_type = check_upload(upload)
        evidence = services.evidence_add(
            answer=answer,
            user=request.user,
            upload=upload,
            content_type=content_type,
            key=request.POST.get("key") or None,
        )
    except ValidationError as error:
        if wants_json:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        if wants_json:
            return JsonResponse(
                {"error": _("This checklist can no longer be changed.")}, status=403
            )
        raise Http404 from None
    else:
        if wants_json:
            return JsonResponse(offline.evidence_json(evidence))
        messages.success(request, _("File uploaded: %(name)s") % {"name": upload.name})
    return redirect(reverse("inspection_detail", args=[pk]) + f"#criterion-{answer.pk}")


@login_required
def evidence_download(request, pk):
    evidence = get_object_or_404(
        Evidence.objects.filter(answer__inspection__in=Inspection.objects.for_user(request.user)),
        pk=pk,
    )
    return file_response(evidence.file, evidence.original_name, evidence.content_type)


@login_required
@require_POST
def inspection_submit(request, pk):
    inspection = _inspection(request, pk)
    try:
        services.inspection_submit(inspection=inspection, user=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Submitted for review."))
    return redirect("inspection_detail", pk=pk)


@login_required
@require_POST
def inspection_return(request, pk):
    inspection = _inspection(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        if form.has_error("reason", "max_length"):
            messages.error(request, form.errors["reason"][0])
        else:
            messages.error(request, _("Say why the inspection is returned."))
        return redirect("inspection_detail", pk=pk)
    try:
        services.inspection_return(
            inspection=inspection,
            user=request.user,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Returned to the inspectors."))
    return redirect("inspection_detail", pk=pk)


@login_required
@require_POST
def inspection_approve(request, pk):
    inspection = _inspection(request, pk)
    try:
        services.inspection_approve(
            inspection=inspection, user=request.user, version=int(request.POST.get("version", 0))
        )
    except PermissionDenied:
        raise Http404 from None
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Approved. Findings were opened for every shortfall."))
    return redirect("inspection_detail", pk=pk)


@login_required
def inspection_assign(request, pk):
    inspection = _inspection(request, pk)
    if not inspection.round.can_manage(request.user):
        raise Http404
    form = AssignForm(
        request.POST or None,
        province_id=inspection.round.province_id,
        initial={"inspectors": inspection.inspectors.all()},
    )
    if request.method == "POST" and form.is_valid():
        services.inspection_assign(
            inspection=inspection, inspectors=form.cleaned_data["inspectors"]
        )
        messages.success(request, _("Inspectors assigned."))
        return redirect("round_detail", pk=inspection.round_id)
    return render(
        request, "inspections/inspection_assign.html", {"inspection": inspection, "form": form}
    )


def _finding(request, pk):
    return get_object_or_404(
        Finding.objects.for_user(request.user).select_related(
            "inspection__agency", "inspection__round", "answer__criterion"
        ),
        pk=pk,
    )


@login_required
@require_safe
def finding_detail(request, pk):
    return _finding_page(request, _finding(request, pk))


def _finding_page(request, finding, *, due_form=None, action_form=None, return_form=None):
    """The finding with the forms its user may use; the action views re-render it on errors."""
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "files": list(finding.files.all()),
            "overdue": finding.is_overdue(timezone.localdate()),
            "can_review": finding.inspection.can_review(request.user),
            "can_upload": finding.can_submit_record(request.user),
            "due_form": due_form or DueDateForm(initial={"due_on": finding.due_on}),
            "action_form": action_form
            or CorrectiveActionForm(
                initial={"root_cause": finding.root_cause, "action_taken": finding.action_taken}
            ),
            "return_form": return_form or FindingReturnForm(),
            "history": finding_history(finding),
        },
    )


def checked_files(uploads):
    """(upload, detected type) pairs; ValidationError naming any file that is not allowed."""
    return [(upload, check_upload(upload)) for upload in uploads]


def _finding_action(*, may, form=None):
    """The shape of a finding's POST views, around a view that calls one service.

    The view gets the finding (in the user's scope, 404 unless `may(finding, user)`) and
    the cleaned data of `form` (its class, and its slot on the finding page), and returns
    the message to show on the finding after the redirect. A refused form or a
    ValidationError of the service shows the finding's page again, as posted.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, pk):
            finding = _finding(request, pk)
            if not may(finding, request.user):
                raise Http404
            forms, data = {}, {}
            if form is not None:
                form_class, slot = form
                bound = forms[slot] = form_class(request.POST, request.FILES)
                if not bound.is_valid():
                    return _finding_page(request, finding, **forms)
                data = bound.cleaned_data
            try:
                done = view(request, finding, data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return _finding_page(request, finding, **forms)
            except PermissionDenied:
                raise Http404 from None
            messages.success(request, done)
            return redirect("finding_detail", pk=pk)

        return wrapper

    return decorate


def _reviews(finding, user):
    return finding.inspection.can_review(user)


def _handles_record(finding, user):
    return finding.can_submit_record(user)


@login_required
@require_POST
@_finding_action(may=_reviews, form=(DueDateForm, "due_form"))
def finding_due(request, finding, data):
    services.finding_update_due(
        finding=finding, user=request.user, due_on=data["due_on"], reason=data["reason"]
    )
    return _("Due date changed.")


@login_required
@require_POST
@_finding_action(may=_handles_record, form=(CorrectiveActionForm, "action_form"))
def finding_record_upload(request, finding, data):
    services.finding_submit_record(
        finding=finding,
        user=request.user,
        root_cause=data["root_cause"],
        action_taken=data["action_taken"],
        files=checked_files(data["files"]),
    )
    return _("Corrective action submitted.")


@login_required
@require_POST
@_finding_action(may=_reviews, form=(FindingReturnForm, "return_form"))
def finding_return(request, finding, data):
    services.finding_return(finding=finding, user=request.user, reason=data["reason"])
    return _("Corrective action returned to the agency.")


@login_required
@require_POST
@_finding_action(may=_reviews)
def finding_verify(request, finding, _data):
    services.finding_verify(finding=finding, user=request.user)
    return _("Finding verified and closed.")


@login_required
def corrective_file(request, pk):
    stored = get_object_or_404(
        CorrectiveFile.objects.filter(finding__in=Finding.objects.for_user(request.user)), pk=pk
    )
    return file_response(stored.file, stored.original_name, stored.content_type)


def _reviewed_inspection(request, pk):
    """The inspection if the user reviews it (staff of its province, admins); else 404."""
    inspection = _inspection(request, pk)
    if not inspection.can_review(request.user):
        raise Http404
    return inspection


@login_required
@require_POST
def response_link_issue(request, pk):
    """Issue (or re-issue) the agency's response link; its URL is shown on this one page."""
    inspection = _reviewed_inspection(request, pk)
    try:
        link, token = services.response_link_issue(inspection=inspection, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("inspection_detail", args=[pk]) + "#response-link")
    response = render(
        request,
        "inspections/response_link_issued.html",
        {
            "inspection": inspection,
            "link": link,
            "url": request.build_absolute_uri(reverse("response_page", args=[token])),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def response_link_revoke(request, pk):
    inspection = _reviewed_inspection(request, pk)
    link = get_object_or_404(inspection.response_links, pk=request.POST.get("link") or 0)
    services.response_link_revoke(link=link, user=request.user)
    messages.success(request, _("The response link was revoked."))
    return redirect(reverse("inspection_detail", args=[pk]) + "#response-link")


def _follow_up(inspection, user, today):
    """The inspection page's block for staff: active response links and the last reminder."""
    if not inspection.can_review(user):
        return None
    return {
        "links": list(
            inspection.response_links.filter(ResponseLink.active_condition(today)).order_by(
                "-created_at"
            )
        ),
        "last_reminder": Reminder.objects.filter(
            kind=Reminder.Kind.AGENCY, agency_id=inspection.agency_id
        )
        .order_by("-sent_at")
        .first(),
    }


@login_required
def round_workbook(request, pk):
    """The round's checklists as a workbook: the whole round, or an inspector's agencies."""
    round_ = _round(request, pk)
    inspections = list(
        Inspection.objects.for_user(request.user)
        .filter(round=round_)
        .select_related("agency")
        .order_by("agency__sort_key")
    )
    response = HttpResponse(
        workbooks.export_workbook(round_, inspections), content_type=XLSX_CONTENT_TYPE
    )
    filename = f"phieu-kiem-tra-{round_.province_id}-{round_.year}-dot-{round_.number}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def round_import(request, pk):
    """Upload a filled workbook and see what it would change; round_import_confirm imports it."""
    round_ = _round(request, pk)
    if not round_.can_import_workbook(request.user):
        raise Http404
    form = WorkbookUploadForm()
    context = {"round": round_}
    if request.method == "POST":
        form = WorkbookUploadForm(request.POST, request.FILES)
        if form.is_valid() and form.cleaned_data["file"].size >= settings.WORKBOOK_JOB_MIN_BYTES:
            return _queue_preview(request, round_, **form.cleaned_data)
        if form.is_valid():
            context.update(_import_preview(request, round_, **form.cleaned_data))
    elif request.GET.get("job"):
        context.update(_queued_preview(request, round_, request.GET["job"]))
    context["form"] = form
    return render(request, "inspections/round_import.html", context)


def _queue_preview(request, round_, *, file, submit):
    """A large workbook is previewed on the queue; the job page comes back here when done."""
    job = job_start(
        user=request.user,
        kind=WORKBOOK_PREVIEW,
        params={"round": round_.pk, "submit": submit},
        source=file.read(),
        source_name=file.name,
    )
    return redirect("job_detail", pk=job.pk)


def _preview_job(request, round_, job_id):
    if not str(job_id).isdigit():
        raise Http404
    return get_object_or_404(
        Job.objects.for_user(request.user).filter(
            kind=WORKBOOK_PREVIEW, state=Job.State.DONE, params__round=round_.pk
        ),
        pk=job_id,
    )


def _queued_preview(request, round_, job_id):
    job = _preview_job(request, round_, job_id)
    if "problems" in job.data:
        return {"problems": job.data["problems"]}
    return {"report": job.data, "job": job, "filename": job.source_name}


def _import_preview(request, round_, *, file, submit):
    """A dry run of the upload; the file is kept on the server, under a token in the session,
    so that the confirmation imports exactly what was previewed."""
    data = file.read()
    try:
        report = services.checklists_import(
            data=data,
            filename=file.name,
            user=request.user,
            submit=submit,
            round_=round_,
            scope_user=request.user,
            dry_run=True,
        )
    except FileRefused as refused:
        return {"problems": refused.problems}
    token = uuid.uuid4().hex
    path = default_storage.save(f"{housekeeping.PREVIEW_UPLOADS}/{token}.xlsx", ContentFile(data))
    pending = request.session.get("workbook_imports", {})
    pending[token] = {"path": path, "name": file.name, "round": round_.pk, "submit": submit}
    request.session["workbook_imports"] = pending
    return {"report": report, "token": token, "filename": file.name}


@login_required
@require_POST
def round_import_confirm(request, pk):
    """Import the file a preview was made from; each preview can be confirmed once."""
    round_ = _round(request, pk)
    if not round_.can_import_workbook(request.user):
        raise Http404
    if request.POST.get("job"):
        preview = _preview_job(request, round_, request.POST["job"])
        with preview.source.open("rb") as handle:
            data = handle.read()
        job = job_start(
            user=request.user,
            kind=WORKBOOK_IMPORT,
            params={"round": round_.pk, "submit": preview.params["submit"], "preview": preview.pk},
            source=data,
            source_name=preview.source_name,
        )
        return redirect("job_detail", pk=job.pk)
    pending = request.session.get("workbook_imports", {})
    stored = pending.pop(request.POST.get("token", ""), None)
    request.session["workbook_imports"] = pending
    data = _previewed_file(stored, round_)
    if data is None:
        messages.error(request, _("This preview has expired; upload the file again."))
        return redirect("round_import", pk=pk)
    return _import(request, round_, data, stored["name"], stored["submit"])


def _previewed_file(stored, round_):
    """The bytes kept for a preview of this round, removed from storage; None if gone."""
    if not stored or stored["round"] != round_.pk:
        return None
    try:
        with default_storage.open(stored["path"]) as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    default_storage.delete(stored["path"])
    return data


def _import(request, round_, data, name, submit):
    try:
        report = services.checklists_import(
            data=data,
            filename=name,
            user=request.user,
            submit=submit,
            round_=round_,
            scope_user=request.user,
        )
    except FileRefused as refused:
        # The round changed between preview and confirmation (e.g. an approval).
        for problem in refused.problems:
            messages.error(request, problem)
        return redirect("round_import", pk=round_.pk)
    messages.success(
        request,
        _(
            "Imported %(name)s: %(new)d new answers, %(changed)d changed, "
            "%(submitted)d inspections submitted, %(skipped)d rows skipped."
        )
        % {
            "name": name,
            "new": report.new_answers,
            "changed": report.changed_answers,
            "submitted": len(report.to_submit),
            "skipped": len(report.skipped),
        },
    )
    for line in report.skipped:
        messages.warning(request, line)
    return redirect("round_detail", pk=round_.pk)
