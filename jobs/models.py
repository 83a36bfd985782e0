"""The Job record: who started which piece of background work, how far it got, its result."""

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


def sees_every_job(user):
    """Admins see every job; the rule lives with the roles (settings.JOBS_SEE_ALL names it)."""
    return user.is_superuser or import_string(settings.JOBS_SEE_ALL)(user)


class JobQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user's own jobs; every job for an admin."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_every_job(user):
            return self
        return self.filter(user=user)

    def active(self):
        return self.filter(state__in=Job.ACTIVE)


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE = (State.QUEUED, State.RUNNING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # Written by the task in the starter's language (see jobs.runner), so it reads the same
    # whoever opens the page later.
    message = models.TextField(blank=True)
    problems = models.JSONField(default=list, blank=True)
    params = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, default="vi")
    source = models.FileField(upload_to="jobs/in/", blank=True)
    source_name = models.CharField(max_length=255, blank=True)
    result = models.FileField(upload_to="jobs/out/", blank=True)
    result_name = models.CharField(max_length=255, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    # Set while the job is queued or running, so that a second click finds the first job.
    dedupe_key = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life written to the database; the running task's heartbeat proper
    # lives in the queue's storage (see jobs.runner.live_progress), because the task's own
    # transaction may hold the database's write lock (SQLite) until it commits.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(dedupe_key=""),
                name="jobs_one_active_job_per_dedupe_key",
            )
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def is_active(self):
        return self.state in self.ACTIVE

    @property
    def percent(self):
        if self.state == self.State.DONE:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @staticmethod
    def dedupe_key_for(*, user, kind, payload):
        return hashlib.sha256(f"{user.pk}:{kind}:".encode() + payload).hexdigest()

    @classmethod
    def expired(cls, *, now=None):
        """Finished jobs older than the retention period, whose files go with them."""
        now = now or timezone.now()
        cutoff = now - datetime.timedelta(days=settings.JOB_RETENTION_DAYS)
        return cls.objects.exclude(state__in=cls.ACTIVE).filter(
            Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
        )
