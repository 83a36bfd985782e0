"""The admin's agency import refuses every hostile file: the queued preview lists the one-line
refusal instead of changes, offers no confirmation, and nothing is written; no 500. The files
and their refusals are those of compliance/tests/hostile.py."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import Agency
from agencies.tasks import PREVIEW
from compliance.tests.hostile import agency_lists
from jobs.models import Job

pytestmark = pytest.mark.django_db
FORMATS = {"xlsx": "0", "csv": "1"}  # indexes into AgencyAdmin.formats
AGENCY_LISTS = agency_lists()


@pytest.fixture
def admin_client(client, admin_user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    ("ident", "name", "data", "says"), AGENCY_LISTS, ids=[a[0] for a in AGENCY_LISTS]
)
def test_admin_import_refuses_each_hostile_file_in_its_preview(
    admin_client, ident, name, data, says
):
    kind = name.rsplit(".", 1)[1]
    upload = SimpleUploadedFile(name, data, "application/octet-stream")
    response = admin_client.post(
        reverse("admin:agencies_agency_import"),
        {"resource": "0", "format": FORMATS[kind], "import_file": upload},
    )

    # The upload only queues the preview (run at once in tests); the preview is the refusal.
    assert response.status_code == 302
    job = Job.objects.get(kind=PREVIEW)
    assert job.state == Job.State.DONE, job.message
    (problem,) = job.data["problems"]
    assert problem.startswith(says)
    page = admin_client.get(reverse("admin:agencies_agency_import_preview", args=[job.pk]))
    assert page.status_code == 200
    assert not page.context["can_confirm"]
    assert not Agency.objects.exists()
