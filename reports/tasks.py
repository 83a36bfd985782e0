"""Report files (PDF, Excel) as background jobs: the page queues one, the job page offers it."""

from django.core.files.base import ContentFile
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.registry import JobFailed, register
from reports.contexts import national_page_context, province_page_context
from reports.files import CONTENT_TYPES, national_file, province_file

PROVINCE_FILE = "reports.province_file"
NATIONAL_FILE = "reports.national_file"
STEPS = gettext_lazy("step %(done)s of %(total)s")


def _make_file(job, progress, page_context, make_file):
    """Build the report as the person who asked for it: their scope, checked again here."""
    progress(0, 2)
    query = QueryDict(mutable=True)
    query.update(job.params["query"])
    try:
        context = page_context(user=job.user, query=query)
    except Http404:
        raise JobFailed(_("This report is not (or no longer) yours to read.")) from None
    progress(1, 2)
    fmt = job.params["format"]
    data, name = make_file(context, fmt)
    job.result.save(name, ContentFile(data), save=False)
    job.result_name = name
    job.result_content_type = CONTENT_TYPES[fmt]
    job.message = _("The file is ready.")
    progress(2, 2)


@register(PROVINCE_FILE, label=gettext_lazy("Province report file"), counts=STEPS)
def make_province_file(job, progress):
    _make_file(job, progress, province_page_context, province_file)


@register(NATIONAL_FILE, label=gettext_lazy("National report file"), counts=STEPS)
def make_national_file(job, progress):
    _make_file(job, progress, national_page_context, national_file)
