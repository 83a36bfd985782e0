"""Agency names and codes: cleaned where they come in (import, admin), validated on every
path, and exported safely whatever is stored (issue 9, items 4 and 7)."""

import csv
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Agency, Province
from agencies.services import agencies_import
from agencies.tests.factories import EXPORT_HEADER, HEADER, make_agency
from compliance.spreadsheets import FileRefused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def csv_bytes(rows):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def export(tmp_path, name):
    path = tmp_path / name
    call_command("export_agencies", str(path), stdout=io.StringIO())
    if name.endswith(".xlsx"):
        sheet = openpyxl.load_workbook(path).worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


@pytest.fixture
def admin_client(client, admin_user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin_user)
    return client


def test_a_name_with_a_word_line_break_imports_as_one_line_and_exports(tmp_path, provinces):
    data = csv_bytes([["33-STP", "Sở\x0bTư pháp\x01", "department", "33"]])

    agencies_import(data=data, filename="agencies.csv")

    assert Agency.objects.get(code="33-STP").name == "Sở Tư pháp"
    assert export(tmp_path, "out.xlsx")[1][:2] == ["33-STP", "Sở Tư pháp"]


def test_importing_the_same_file_again_leaves_the_cleaned_row_unchanged(provinces):
    data = csv_bytes([["33-STP", "Sở\x0bTư pháp", "department", "33"]])
    agencies_import(data=data, filename="agencies.csv")

    result = agencies_import(data=data, filename="agencies.csv")

    assert result.totals["skip"] == 1


def test_a_formula_code_is_refused_by_the_import(provinces):
    data = csv_bytes([["=1+2", "Sở Tư pháp", "department", "33"]])
    with pytest.raises(FileRefused, match="not a valid code"):
        agencies_import(data=data, filename="agencies.csv")
    assert not Agency.objects.exists()


@pytest.mark.parametrize("name", ["out.xlsx", "out.csv"])
def test_every_export_works_and_is_inert_whatever_is_stored(tmp_path, provinces, name):
    """Values stored before entry cleaning and validation existed, put straight in the table."""
    agency = make_agency(provinces[0], code="33-X")
    Agency.objects.filter(pk=agency.pk).update(code="=1+2", name='=HYPERLINK("http://x","y")\x0b')
    Province.objects.filter(code="33").update(name="Hưng\x1bYên")

    header, row = export(tmp_path, name)

    assert header == EXPORT_HEADER
    assert row[:2] == ["'=1+2", '\'=HYPERLINK("http://x","y")\n']


def test_the_admin_refuses_a_formula_code_and_cleans_the_name(admin_client, provinces):
    url = reverse("admin:agencies_agency_add")
    form = {
        "name": "Sở\x0bTư pháp",
        "level": "department",
        "province": "33",
        "applicability": "mandatory",
        "active": "on",
    }

    refused = admin_client.post(url, {**form, "code": "=1+2"})
    accepted = admin_client.post(url, {**form, "code": "33-STP"})

    assert refused.status_code == 200
    assert "code" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    assert list(Agency.objects.values_list("code", "name")) == [("33-STP", "Sở Tư pháp")]


def test_the_admin_refuses_a_province_code_that_is_not_two_digits(admin_client, db):
    url = reverse("admin:agencies_province_add")
    response = admin_client.post(url, {"code": "=1", "name": "X", "kind": "province"})
    assert "code" in response.context["adminform"].form.errors
    assert not Province.objects.exists()


def test_names_are_stored_as_one_clean_line_whatever_path_saves_them(provinces):
    agency = make_agency(provinces[0], name="Sở\x0bTư pháp\x1b")
    province = Province.objects.create(code="79", name="Thành phố\x0cHồ Chí Minh", kind="city")
    assert Agency.objects.get(pk=agency.pk).name == "Sở Tư pháp"
    assert Province.objects.get(pk=province.pk).name == "Thành phố Hồ Chí Minh"
