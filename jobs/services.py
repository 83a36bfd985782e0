import json
import uuid
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import get_language

from jobs.models import Job


def job_start(*, user, kind, params=None, source=None, source_name=""):
    """Queue a job; if the same user already has the same job (same kind, parameters and
    file) queued or running, return that one instead, so two clicks start one job.

    Call it outside a transaction: a consumer on another machine must find the Job row.
    """
    from jobs.tasks import run_job  # the tasks module binds to the configured queue

    params = params or {}
    payload = json.dumps(params, sort_keys=True).encode() + b"\0" + (source or b"")
    key = Job.dedupe_key_for(user=user, kind=kind, payload=payload)
    existing = Job.objects.active().filter(dedupe_key=key).first()
    if existing:
        return existing
    job = Job(
        user=user,
        kind=kind,
        params=params,
        dedupe_key=key,
        language=get_language() or "vi",
        source_name=source_name,
    )
    if source is not None:
        suffix = PurePath(source_name).suffix.lower()
        job.source.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(source), save=False)
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        # The other click won the race between our check and our insert.
        if job.source:
            job.source.delete(save=False)
        return Job.objects.active().get(dedupe_key=key)
    run_job(job.pk)
    return job
