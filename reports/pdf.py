"""PDF rendering with WeasyPrint, reading only the project's own static files."""

import mimetypes

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Templates refer to static files under this made-up origin; nothing else can be fetched.
BASE_URL = "https://report.invalid/"
STATIC_PREFIX = BASE_URL + "static/"


def static_only_fetcher(url, timeout=10, ssl_context=None):
    """WeasyPrint URL fetcher: project static files only; no file://, no network."""
    if not url.startswith(STATIC_PREFIX):
        raise ValueError(f"blocked: {url}")
    relative = url[len(STATIC_PREFIX) :]
    path = finders.find(relative) if ".." not in relative else None
    if not path:
        raise ValueError(f"no such static file: {relative}")
    mime_type, _encoding = mimetypes.guess_type(path)
    return {"file_obj": open(path, "rb"), "mime_type": mime_type, "redirected_url": url}  # noqa: SIM115


def render_pdf(template, context):
    # Imported here: WeasyPrint loads Pango at import, which pages other than PDFs never need.
    from weasyprint import HTML

    html = render_to_string(template, {**context, "static_base": STATIC_PREFIX})
    return HTML(string=html, base_url=BASE_URL, url_fetcher=static_only_fetcher).write_pdf()
