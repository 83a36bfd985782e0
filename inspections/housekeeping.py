"""Removing what is kept only for a while: unconfirmed workbook uploads, old autosave keys.

Today the round page's workbook preview runs it; it is written to run on a schedule too.
"""

import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from inspections.models import SaveKey

# Where the round page keeps an uploaded workbook between its preview and the confirmation.
PREVIEW_UPLOADS = "imports"
PREVIEW_UPLOAD_AGE = datetime.timedelta(days=1)


def delete_stale(*, now=None):
    """Delete preview uploads nobody confirmed within a day, and autosave keys older than
    SAVE_KEY_DAYS: a key only has to outlive the offline spell of the save it guards."""
    now = now or timezone.now()
    _delete_old_files(PREVIEW_UPLOADS, now - PREVIEW_UPLOAD_AGE)
    SaveKey.objects.filter(
        created_at__lt=now - datetime.timedelta(days=settings.SAVE_KEY_DAYS)
    ).delete()


def _delete_old_files(folder, cutoff):
    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        path = f"{folder}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
