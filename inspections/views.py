import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Case, Count, Prefetch, Q, When
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.models import Agency, Role, role_of
from compliance.files import file_response
from inspections import services, workbooks
from inspections.forms import (
    AssignForm,
    DueDateForm,
    RecordForm,
    ReturnForm,
    RoundForm,
    WorkbookUploadForm,
)
from inspections.history import inspection_history
from inspections.models import (
    STATE_LABELS,
    Answer,
    Evidence,
    Finding,
    Inspection,
    Round,
)
from inspections.uploads import check_upload

ANSWERED = ~Q(answers__result="")


def _staff_province(user):
    if role_of(user) != Role.PROVINCIAL_STAFF:
        raise Http404
    return user.profile.province


@login_required
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
        {"inspections": inspections, "rounds": rounds, "labels": STATE_LABELS},
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
        {"rounds": rounds, "can_create": role_of(request.user) == Role.PROVINCIAL_STAFF},
    )


@login_required
def round_create(request):
    province = _staff_province(request.user)
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
    agencies = Agency.objects.filter(province=province, active=True)
    params = request.POST if request.method == "POST" else request.GET
    level = params.get("filter_level", "")
    applicability = params.get("filter_applicability", "")
    if level in Agency.Level.values:
        agencies = agencies.filter(level=level)
    if applicability in Agency.Applicability.values:
        agencies = agencies.filter(applicability=applicability)
    selected = set()
    if form is not None and form.is_bound:
        selected = set(form.data.getlist("agencies"))
    return {
        "agencies": agencies,
        "selected": selected,
        "level": level,
        "applicability": applicability,
        "levels": Agency.Level.choices,
        "applicabilities": Agency.Applicability.choices,
    }


@login_required
def round_agency_choices(request):
    """The htmx partial that refreshes the list of agencies when a filter changes."""
    province = _staff_province(request.user)
    return render(request, "inspections/_agency_choices.html", _agency_choices(request, province))


@login_required
def round_detail(request, pk):
    round_ = get_object_or_404(
        Round.objects.for_user(request.user).select_related("province", "checklist"), pk=pk
    )
    today = timezone.localdate()
    inspections = (
        Inspection.objects.for_user(request.user)
        .filter(round=round_)
        .select_related("agency")
        .prefetch_related("inspectors")
        .annotate(
            answered=Count("answers", filter=ANSWERED, distinct=True),
            overdue=Count(
                "findings",
                filter=Finding.overdue_condition(today, prefix="findings__"),
                distinct=True,
            ),
        )
        .order_by("agency__sort_key")
    )
    state = request.GET.get("state", "")
    if state == "not_started":
        inspections = inspections.filter(status=Inspection.Status.DRAFT, answered=0)
    elif state == "in_progress":
        inspections = inspections.filter(status=Inspection.Status.DRAFT, answered__gt=0)
    elif state in Inspection.Status.values:
        inspections = inspections.filter(status=state)
    elif state == "overdue":
        inspections = inspections.filter(overdue__gt=0)
    rows = [(i, i.state(i.answered)) for i in inspections]
    rows = [(i, state, STATE_LABELS[state]) for i, state in rows]
    return render(
        request,
        "inspections/round_detail.html",
        {
            "round": round_,
            "rows": rows,
            "state": state,
            "labels": STATE_LABELS,
            "can_manage": _can_manage(request.user, round_),
            "can_import": _can_import(request.user, round_),
        },
    )


def _can_manage(user, round_):
    role = role_of(user)
    return role == Role.PROVINCIAL_STAFF and user.profile.province_id == round_.province_id


def _inspection(request, pk):
    return get_object_or_404(
        Inspection.objects.for_user(request.user).select_related(
            "agency", "round__province", "round__checklist"
        ),
        pk=pk,
    )


@login_required
def inspection_detail(request, pk):
    inspection = _inspection(request, pk)
    answers = list(
        inspection.answers.select_related("criterion", "answered_by").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk"))
        )
    )
    findings = list(inspection.findings.select_related("answer__criterion"))
    can_edit = inspection.can_edit(request.user)
    today = timezone.localdate()
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "answers": answers,
            "answered": sum(1 for a in answers if a.result),
            "results": Answer.Result.choices,
            "can_edit": can_edit,
            "can_review": inspection.status == Inspection.Status.SUBMITTED
            and inspection.can_review(request.user),
            "return_form": ReturnForm(initial={"version": inspection.version}),
            "findings": [(f, f.is_overdue(today)) for f in findings],
            "history": inspection_history(inspection),
            "js_texts": _checklist_texts(),
        },
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


def _answer_json(answer, inspection):
    answered = inspection.answers.exclude(result="").count()
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
        "answered": answered,
    }


@login_required
@require_POST
def answer_save(request, pk, answer_pk):
    inspection = _inspection(request, pk)
    answer = get_object_or_404(inspection.answers.select_related("answered_by"), pk=answer_pk)
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
        )
    except (KeyError, ValueError, ValidationError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else ""
        return JsonResponse({"error": message or _("The request was incomplete.")}, status=400)
    except PermissionDenied:
        return JsonResponse({"error": _("This checklist can no longer be changed.")}, status=403)
    except services.Conflict as conflict:
        current = _answer_json(conflict.answer, inspection)
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
    return JsonResponse(_answer_json(answer, inspection))


@login_required
@require_POST
def evidence_upload(request, pk, answer_pk):
    inspection = _inspection(request, pk)
    answer = get_object_or_404(inspection.answers, pk=answer_pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError(_("Choose a file to upload."))
        content_type = check_upload(upload)
        services.evidence_add(
            answer=answer, user=request.user, upload=upload, content_type=content_type
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
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
    if not _can_manage(request.user, inspection.round):
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
def finding_detail(request, pk):
    finding = _finding(request, pk)
    inspection = finding.inspection
    can_review = inspection.can_review(request.user)
    can_upload = finding.status != Finding.Status.VERIFIED and (
        can_review or inspection.inspectors.filter(pk=request.user.pk).exists()
    )
    due_form = DueDateForm(initial={"due_on": finding.due_on})
    record_form = RecordForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "due" and can_review:
                due_form = DueDateForm(request.POST)
                if due_form.is_valid():
                    services.finding_update_due(
                        finding=finding, user=request.user, due_on=due_form.cleaned_data["due_on"]
                    )
                    messages.success(request, _("Due date changed."))
                    return redirect("finding_detail", pk=pk)
            elif action == "record" and can_upload:
                record_form = RecordForm(request.POST, request.FILES)
                if record_form.is_valid():
                    upload = record_form.cleaned_data["record"]
                    services.finding_submit_record(
                        finding=finding,
                        user=request.user,
                        upload=upload,
                        content_type=check_upload(upload),
                        note=record_form.cleaned_data["note"],
                    )
                    messages.success(request, _("Corrective action record uploaded."))
                    return redirect("finding_detail", pk=pk)
            elif action == "verify" and can_review:
                services.finding_verify(finding=finding, user=request.user)
                messages.success(request, _("Finding verified and closed."))
                return redirect("finding_detail", pk=pk)
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            raise Http404 from None
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "overdue": finding.is_overdue(timezone.localdate()),
            "can_review": can_review,
            "can_upload": can_upload,
            "due_form": due_form,
            "record_form": record_form,
        },
    )


@login_required
def finding_record(request, pk):
    finding = _finding(request, pk)
    if not finding.record:
        raise Http404
    return file_response(finding.record, finding.record_name, finding.record_content_type)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def round_workbook(request, pk):
    """The round's checklists as a workbook: the whole round, or an inspector's agencies."""
    round_ = get_object_or_404(
        Round.objects.for_user(request.user).select_related("province", "checklist"), pk=pk
    )
    inspections = list(
        Inspection.objects.for_user(request.user)
        .filter(round=round_)
        .select_related("agency")
        .order_by("agency__sort_key")
    )
    response = HttpResponse(workbooks.export_workbook(round_, inspections), content_type=XLSX)
    filename = f"phieu-kiem-tra-{round_.province_id}-{round_.year}-dot-{round_.number}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _can_import(user, round_):
    return role_of(user) in (Role.ADMIN, Role.INSPECTOR) or _can_manage(user, round_)


@login_required
def round_import(request, pk):
    """Upload a filled workbook, see what would change, then confirm."""
    round_ = get_object_or_404(
        Round.objects.for_user(request.user).select_related("province", "checklist"), pk=pk
    )
    if not _can_import(request.user, round_):
        raise Http404
    pending = request.session.get("workbook_imports", {})
    context = {"round": round_, "form": WorkbookUploadForm()}
    if request.method == "POST":
        token = request.POST.get("token")
        if token:
            # Confirmation: the file the preview was made from, kept on the server.
            stored = pending.pop(token, None)
            request.session["workbook_imports"] = pending
            if not stored or stored["round"] != round_.pk:
                messages.error(request, _("This preview has expired; upload the file again."))
                return redirect("round_import", pk=pk)
            try:
                with default_storage.open(stored["path"]) as handle:
                    data = handle.read()
            except FileNotFoundError:
                messages.error(request, _("This preview has expired; upload the file again."))
                return redirect("round_import", pk=pk)
            default_storage.delete(stored["path"])
            return _import(request, round_, data, stored["name"], stored["submit"])
        form = WorkbookUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            submit = form.cleaned_data["submit"]
            try:
                report = services.checklists_import(
                    data=data,
                    filename=upload.name,
                    user=request.user,
                    submit=submit,
                    round_=round_,
                    scope_user=request.user,
                    dry_run=True,
                )
            except services.WorkbookRefused as refused:
                context["problems"] = refused.problems
            else:
                _delete_stale_imports()
                token = uuid.uuid4().hex
                path = default_storage.save(f"imports/{token}.xlsx", ContentFile(data))
                pending[token] = {
                    "path": path,
                    "name": upload.name,
                    "round": round_.pk,
                    "submit": submit,
                }
                request.session["workbook_imports"] = pending
                context.update(report=report, token=token, filename=upload.name)
    return render(request, "inspections/round_import.html", context)


def _delete_stale_imports(max_age=datetime.timedelta(days=1)):
    """Uploads kept for a preview nobody confirmed are removed after a day."""
    try:
        _folders, names = default_storage.listdir("imports")
    except FileNotFoundError:
        return
    cutoff = timezone.now() - max_age
    for name in names:
        path = f"imports/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


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
    except services.WorkbookRefused as refused:
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
