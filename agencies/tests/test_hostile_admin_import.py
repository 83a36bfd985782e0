"""The admin's agency import refuses every hostile file as a form error: no 500, no preview,
nothing written. The files and their refusals are those of compliance/tests/hostile.py."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import Agency
from compliance.tests.hostile import agency_lists

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
def test_admin_import_refuses_each_hostile_file_as_a_form_error(
    admin_client, ident, name, data, says
):
    kind = name.rsplit(".", 1)[1]
    upload = SimpleUploadedFile(name, data, "application/octet-stream")
    response = admin_client.post(
        reverse("admin:agencies_agency_import"),
        {"resource": "0", "format": FORMATS[kind], "import_file": upload},
    )
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    errors = response.context["form"].errors["import_file"]
    # The admin's reader does not see the upload's name; it calls it upload.<kind>.
    assert len(errors) == 1
    assert errors[0].startswith(says.replace(name, f"upload.{kind}", 1))
    assert not Agency.objects.exists()
