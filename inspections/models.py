import hashlib
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from agencies.models import Agency, Province, Role, can_fill_checklists, role_of
from compliance.text import LONG_TEXT_MAX, validate_code

# A finding's description is "<code>. <criterion title>: <note>", so it holds a whole note.
FINDING_DESCRIPTION_MAX = LONG_TEXT_MAX + 1_000


def long_text(verbose_name, *, limit=LONG_TEXT_MAX, **options):
    """A TextField that holds at most `limit` characters: checked by forms (max_length),
    by full_clean (the validator) and by the database (see text_fits)."""
    return models.TextField(
        verbose_name, max_length=limit, validators=[MaxLengthValidator(limit)], **options
    )


def text_fits(model, field, limit=LONG_TEXT_MAX):
    """The database's guard for a long_text field, whatever path the text takes."""
    return models.CheckConstraint(
        name=f"{model}_{field}_length",
        condition=LessThanOrEqual(Length(field), limit),
        violation_error_message=_("A text is longer than its field may hold."),
    )


class Checklist(models.Model):
    """A versioned list of criteria. Frozen once a round uses it: edits make a new version."""

    code = models.CharField(_("code"), max_length=32, validators=[validate_code])
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=255)
    legal_basis = long_text(_("legal basis"), blank=True)
    good_from = models.DecimalField(
        _("score for 'good' from"), max_digits=4, decimal_places=1, default=Decimal("90")
    )
    meets_from = models.DecimalField(
        _("score for 'meets requirements' from"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("70"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="checklist_code_version"),
            models.CheckConstraint(
                name="checklist_thresholds_ordered",
                condition=Q(meets_from__lte=models.F("good_from")),
            ),
            text_fits("checklist", "legal_basis"),
        ]

    def __str__(self):
        return f"{self.code} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            validate_not_frozen(self)
        super().save(*args, **kwargs)

    def is_frozen(self):
        return self.pk is not None and self.rounds.exists()

    def rating_for(self, score):
        """The tier a score falls in, with this checklist's thresholds."""
        if score is None:
            return ""
        if score >= self.good_from:
            return Inspection.Rating.GOOD
        if score >= self.meets_from:
            return Inspection.Rating.MEETS
        return Inspection.Rating.NOT_MEETING


class Criterion(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=16, validators=[validate_code])
    title = models.CharField(_("criterion"), max_length=500)
    guidance = long_text(_("guidance"), blank=True)
    iso_clause = models.CharField(_("ISO 9001:2015 clause"), max_length=16, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    weight = models.PositiveIntegerField(_("weight"), default=1)
    # The report's narrative: "55/60 đơn vị <statement_met>", "có 1/60 đơn vị <statement_unmet>".
    statement_met = models.CharField(
        _("statement when met"),
        max_length=300,
        blank=True,
        help_text=_("What a conforming agency did: “có ban hành mục tiêu chất lượng hằng năm”."),
    )
    statement_unmet = models.CharField(
        _("statement when not met"),
        max_length=300,
        blank=True,
        help_text=_("What an agency falling short did not: “chưa thực hiện đánh giá nội bộ”."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["checklist", "order", "code"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["checklist", "code"], name="criterion_code_unique"),
            text_fits("criterion", "guidance"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def save(self, *args, **kwargs):
        validate_not_frozen(self.checklist)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        validate_not_frozen(self.checklist)
        return super().delete(*args, **kwargs)


class RoundQuerySet(models.QuerySet):
    def for_user(self, user):
        role = role_of(user)
        if role in (Role.ADMIN, Role.NATIONAL_VIEWER):
            return self
        if role == Role.PROVINCIAL_STAFF:
            return self.filter(province_id=user.profile.province_id)
        if role == Role.INSPECTOR:
            assigned = Inspection.objects.filter(inspectors=user).values("round_id")
            return self.filter(Q(pk__in=assigned) | Q(team=user)).distinct()
        return self.none()


class Round(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", pgettext_lazy("round status", "Open")
        CLOSED = "closed", _("Closed")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("province")
    )
    year = models.PositiveIntegerField(_("year"))
    number = models.PositiveIntegerField(_("round number"))
    title = models.CharField(_("title"), max_length=255, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("checklist")
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="team_rounds", verbose_name=_("team")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "number"], name="round_number_unique_per_year"
            ),
            models.CheckConstraint(
                name="round_ends_after_start",
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self):
        return _("Round %(number)s/%(year)s, %(province)s") % {
            "number": self.number,
            "year": self.year,
            "province": self.province.name,
        }

    def can_manage(self, user):
        """Provincial staff of the round's province assign its inspectors."""
        return (
            role_of(user) == Role.PROVINCIAL_STAFF and user.profile.province_id == self.province_id
        )

    def can_import_workbook(self, user):
        """Inspectors and admins import filled workbooks; staff who manage the round key in
        paper forms the same way."""
        return role_of(user) in (Role.ADMIN, Role.INSPECTOR) or self.can_manage(user)


class InspectionQuerySet(models.QuerySet):
    def for_user(self, user):
        role = role_of(user)
        if role in (Role.ADMIN, Role.NATIONAL_VIEWER):
            return self
        if role == Role.PROVINCIAL_STAFF:
            return self.filter(round__province_id=user.profile.province_id)
        if role == Role.INSPECTOR:
            return self.filter(inspectors=user)
        return self.none()


class Inspection(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    class Rating(models.TextChoices):
        GOOD = "good", _("Good")
        MEETS = "meets", _("Meets requirements")
        NOT_MEETING = "not_meeting", _("Not yet meeting")

    class State(models.TextChoices):
        """Status as the round page shows it: drafts split by whether work has begun."""

        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("round")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("agency")
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="inspections",
        verbose_name=_("inspectors"),
    )
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1, null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    conclusion = long_text(_("conclusion"), blank=True)
    return_reason = long_text(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Bumped by every status change, so two reviewers cannot act on the same state twice.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["conclusion"])

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["round", "agency__sort_key"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        # The round page counts a round's inspections per status from this index alone.
        indexes = [models.Index(fields=["round", "status"], name="inspection_round_status")]
        constraints = [
            models.UniqueConstraint(fields=["round", "agency"], name="inspection_agency_once"),
            text_fits("inspection", "conclusion"),
            text_fits("inspection", "return_reason"),
        ]

    def __str__(self):
        return f"{self.agency.name} ({self.round})"

    @property
    def is_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def can_edit(self, user):
        """Assigned inspectors fill the checklist while it is a draft or returned."""
        return self.is_editable and can_fill_checklists(user) and self.is_assigned(user)

    def is_assigned(self, user):
        """Whether `user` is one of the inspectors; read with the inspection when it was
        loaded for that user by inspections.checklist.inspection_for."""
        if getattr(self, "assigned_user_id", None) == user.pk:
            return self.assigned
        return self.inspectors.filter(pk=user.pk).exists()

    def can_review(self, user):
        """Provincial staff of the round's province approve or return submitted work."""
        role = role_of(user)
        if role == Role.ADMIN:
            return True
        return role == Role.PROVINCIAL_STAFF and user.profile.province_id == self.round.province_id

    @staticmethod
    def score_of(answers):
        """100 × Σ weight × (1 conforming, ½ partial) / Σ weight, half up to 0.1.

        Over the answered criteria that apply; each answer's criterion must be loaded.
        With every weight 1 this is 100 × (conforming + ½ partial) / (answered − not
        applicable). None when nothing that counts was answered.
        """
        counted = [a for a in answers if a.result and a.result != Answer.Result.NA]
        total = sum(a.criterion.weight for a in counted)
        if not total:
            return None
        credit = {Answer.Result.CONFORMING: Decimal(1), Answer.Result.PARTIAL: Decimal("0.5")}
        points = sum(credit.get(a.result, 0) * a.criterion.weight for a in counted)
        score = Decimal(100) * points / Decimal(total)
        return score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @staticmethod
    def missing_for_submit(answers):
        """What stops submission: criteria unanswered, and partial/nonconforming without a note.

        Two lists of criterion codes; each answer's criterion must be loaded.
        """
        unanswered = [a.criterion.code for a in answers if not a.result]
        without_note = [
            a.criterion.code
            for a in answers
            if a.result in (Answer.Result.PARTIAL, Answer.Result.NONCONFORMING)
            and not a.note.strip()
        ]
        return unanswered, without_note

    def state(self, answered_count):
        """The round page's state: a draft with no answer yet is 'not started'."""
        if self.status == self.Status.DRAFT:
            return self.State.IN_PROGRESS if answered_count else self.State.NOT_STARTED
        return self.State(self.status)

    @staticmethod
    def started_condition():
        """Any criterion answered, as a query condition on inspections: what state() is
        given for a draft. An EXISTS, which the database answers from the index of answered
        answers (answer_answered), one probe per inspection it is asked about."""
        return Exists(Answer.objects.filter(inspection=OuterRef("pk")).exclude(result=""))

    @staticmethod
    def state_condition(state):
        """state() as a query condition.

        'Not started' is written as a CASE over the EXISTS rather than a NOT EXISTS, for
        PostgreSQL's sake: a NOT EXISTS becomes an anti-join, whose size it estimates from
        the answers of every inspection (each has rows, answered or not) as almost nothing,
        and then it sorts the whole round for a page of 50. A CASE it leaves as a test per
        inspection, estimated at half of them, so the round page walks the round in agency
        order and stops at the page's last row, as for the other states."""
        if state == Inspection.State.NOT_STARTED:
            not_started = Case(
                When(Inspection.started_condition(), then=Value(False)),
                default=Value(True),
                output_field=models.BooleanField(),
            )
            return Q(status=Inspection.Status.DRAFT) & Q(not_started)
        if state == Inspection.State.IN_PROGRESS:
            return Q(status=Inspection.Status.DRAFT) & Inspection.started_condition()
        return Q(status=state)


class Answer(models.Model):
    class Result(models.TextChoices):
        CONFORMING = "conforming", _("Conforming")
        PARTIAL = "partial", _("Partly conforming")
        NONCONFORMING = "nonconforming", _("Nonconforming")
        NA = "not_applicable", _("Not applicable")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    note = long_text(_("note"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: a save names the version it started from.
    version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__order", "criterion__code"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            # Whether an inspection has begun (Inspection.started_condition): one probe in
            # an index of the answered answers only, never a read of its blank ones.
            models.Index(fields=["inspection"], condition=~Q(result=""), name="answer_answered")
        ]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "criterion"], name="answer_once"),
            text_fits("answer", "note"),
        ]

    def __str__(self):
        return f"{self.criterion.code}: {self.get_result_display() or '—'}"


# Stored files are named by the type their bytes were found to be, never by the client.
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
}


def evidence_path(instance, filename):
    extension = EXTENSIONS.get(instance.content_type, "bin")
    return f"evidence/{instance.answer.inspection_id}/{uuid.uuid4().hex}.{extension}"


class Evidence(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The idempotency key of an upload queued on a device: a replay finds this row.
    key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name


class SaveKey(models.Model):
    """An autosave already applied. Inserting the key first makes a replay a no-op."""

    key = models.UUIDField(primary_key=True)
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return str(self.key)


class FindingQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(inspection__in=Inspection.objects.for_user(user))

    def overdue(self, today):
        return self.filter(Finding.overdue_condition(today))


def finding_record_path(instance, filename):
    """Where the single record of earlier versions was stored (kept for old migrations)."""
    return f"corrective/{instance.inspection_id}/{uuid.uuid4().hex}.bin"


class Finding(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("finding status", "Open")
        SUBMITTED = "submitted", _("Corrective action submitted")
        RETURNED = "returned", pgettext_lazy("finding status", "Returned")
        VERIFIED = "verified", _("Verified and closed")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="finding")
    description = long_text(_("description"), limit=FINDING_DESCRIPTION_MAX)
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # Why the due date last moved; the history row of each move keeps its reason.
    due_reason = long_text(_("reason for the due date"), blank=True)
    root_cause = long_text(_("root cause"), blank=True)
    action_taken = long_text(_("action taken"), blank=True)
    return_reason = long_text(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # True when the last corrective action came in through the agency's response link.
    submitted_via_link = models.BooleanField(default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = FindingQuerySet.as_manager()

    # Findings the agency still has to act on: counted as open, and overdue past their date.
    AWAITING_ACTION = (Status.OPEN, Status.RETURNED)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [
            # An inspection's overdue findings (overdue_condition) from the index alone.
            models.Index(fields=["inspection", "status", "due_on"], name="finding_overdue")
        ]
        constraints = [
            text_fits("finding", "description", FINDING_DESCRIPTION_MAX),
            text_fits("finding", "root_cause"),
            text_fits("finding", "action_taken"),
            text_fits("finding", "return_reason"),
            text_fits("finding", "due_reason"),
        ]

    def __str__(self):
        return f"{self.answer.criterion.code}: {self.description[:60]}"

    @property
    def awaits_action(self):
        return self.status in self.AWAITING_ACTION

    def is_overdue(self, today):
        return self.awaits_action and self.due_on < today

    def can_submit_record(self, user):
        """Reviewers and the inspection's inspectors enter corrective actions until the
        finding is verified."""
        return self.status != self.Status.VERIFIED and self.handles_record(user)

    def handles_record(self, user):
        """Who deals with corrective-action records: reviewers and the inspection's inspectors."""
        inspection = self.inspection
        return inspection.can_review(user) or inspection.inspectors.filter(pk=user.pk).exists()

    @staticmethod
    def awaiting_condition(prefix=""):
        return Q(**{f"{prefix}status__in": Finding.AWAITING_ACTION})

    @staticmethod
    def overdue_condition(today, prefix=""):
        """is_overdue as a query condition; `prefix` reaches findings through a relation."""
        return Finding.awaiting_condition(prefix) & Q(**{f"{prefix}due_on__lt": today})


def corrective_file_path(instance, filename):
    extension = EXTENSIONS.get(instance.content_type, "bin")
    return f"corrective/{instance.finding.inspection_id}/{uuid.uuid4().hex}.{extension}"


class CorrectiveFile(models.Model):
    """A file of a corrective action (a photo, a PDF, a scan), type-checked by its bytes."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=corrective_file_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Set when the agency uploaded it through its response link (uploaded_by is then empty).
    link = models.ForeignKey(
        "ResponseLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="files"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("corrective action file")
        verbose_name_plural = _("corrective action files")

    def __str__(self):
        return self.original_name


class ResponseLink(models.Model):
    """An agency's way to answer its findings of one inspection without an account.

    Only the SHA-256 of the token is stored: the URL is shown once, when it is issued.
    """

    class Source(models.TextChoices):
        STAFF = "staff", _("Issued by staff")
        REMINDER = "reminder", _("Sent in a reminder")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="response_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.STAFF)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(_("expires on"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("agency response link")
        verbose_name_plural = _("agency response links")

    def __str__(self):
        return f"{self.inspection_id}: {self.created_at:%Y-%m-%d}"

    @staticmethod
    def hash_of(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def active_condition(today):
        return Q(revoked_at__isnull=True, expires_on__gte=today)


class Reminder(models.Model):
    """One reminder email sent: to an agency's contact, or an overdue digest to a staff member.

    `key` names what it is about ("agency:12", "province:3"); one per key, recipient and day.
    """

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Agency reminder")
        DIGEST = "digest", _("Overdue digest")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=40)
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(max_length=255)
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    findings = models.ManyToManyField(Finding, related_name="reminders")

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient", "sent_on"], name="reminder_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.recipient} {self.sent_on}"


def validate_not_frozen(checklist):
    if checklist.is_frozen():
        raise ValidationError(
            _("Checklist %(checklist)s is used by a round and cannot change; make a new version.")
            % {"checklist": checklist}
        )
