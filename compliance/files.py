"""Serving stored uploads so that a browser never runs them.

A file is served under the type its bytes were recognised as (sniffed at upload), never
the one its name claims: a PNG uploaded as `x.exe` downloads as `x.png`, a JPEG named
`polyglot.html` as `polyglot.jpg`. Only images are shown inline; everything else is an
attachment, and every response forbids scripts, plugins and sniffing.
"""

import re
from pathlib import PurePosixPath

from django.http import FileResponse, Http404

EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
}
# Types every browser displays by itself; HEIC is left to the phone's own viewer.
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp"}
POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def download_name(name, content_type):
    """`name` without its own extension, plus the one of the detected type."""
    stem = _UNSAFE.sub("", PurePosixPath(name.replace("\\", "/")).stem).strip(" .") or "file"
    return f"{stem}.{EXTENSIONS.get(content_type, 'bin')}"


def file_response(field, name, content_type):
    """A response serving the stored `field` (a FieldFile); 404 if the file is gone."""
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    if content_type not in EXTENSIONS:
        content_type = "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=content_type not in INLINE_TYPES,
        filename=download_name(name, content_type),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # `sandbox` makes a PDF opened anyway a unique origin, with no scripts.
    response["Content-Security-Policy"] = POLICY
    return response
