"""PDF rendering with WeasyPrint, reading only the project's own static files."""

import mimetypes
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from reports.contexts import province_pdf_context

# Templates refer to static files under this made-up origin; nothing else can be fetched.
BASE_URL = "https://report.invalid/"
STATIC_PREFIX = BASE_URL + "static/"


def static_file(url):
    """(path, MIME type) of a project static file named under STATIC_PREFIX.

    ValueError for anything else: no file://, no network, no way out of the static folders.
    """
    if not url.startswith(STATIC_PREFIX):
        raise ValueError(f"blocked: {url}")
    relative = url[len(STATIC_PREFIX) :]
    path = finders.find(relative) if ".." not in relative else None
    if not path:
        raise ValueError(f"no such static file: {relative}")
    mime_type, _encoding = mimetypes.guess_type(path)
    return path, mime_type


def static_only_fetcher():
    """A WeasyPrint URL fetcher that serves static_file() and nothing else.

    WeasyPrint 70 wants a URLFetcher whose fetch() returns a URLFetcherResponse (a plain
    function returning a dict fails, and the PDF silently falls back to system fonts).
    """
    # Imported here: WeasyPrint loads Pango at import, which pages other than PDFs never need.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path, mime_type = static_file(url)
            body = Path(path).read_bytes()
            return URLFetcherResponse(url, body, {"Content-Type": mime_type or ""})

    return StaticOnlyFetcher()


def html_document(template, context):
    """The laid-out WeasyPrint document: its pages can be measured before writing a PDF."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "static_base": STATIC_PREFIX})
    return HTML(string=html, base_url=BASE_URL, url_fetcher=static_only_fetcher()).render()


def render_pdf(template, context):
    return html_document(template, context).write_pdf()


def province_pdf_document(report):
    """The province report as the administrative document it is sent as: in Vietnamese,
    whatever language the person downloading it reads the site in."""
    with translation.override("vi"):
        return html_document("reports/province_pdf.html", province_pdf_context(report))


def province_pdf(report):
    return province_pdf_document(report).write_pdf()
