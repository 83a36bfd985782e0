"""Checking uploaded evidence by its bytes, not by the name or type the browser claims."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from compliance.spreadsheets import FileRefused, check_size

SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]


def sniff_content_type(head):
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic"
    return None


def check_upload(upload):
    """The file's real type if it is a PDF or photo within the size limit, else ValidationError."""
    try:
        check_size(upload.size, upload.name, limit=settings.EVIDENCE_MAX_BYTES)
    except FileRefused as refused:
        raise ValidationError(refused.problems) from None
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not a PDF or a photo (JPEG, PNG, WebP, HEIC).") % {"name": upload.name}
        )
    return content_type
