"""An agency's optional ISO contact in the registry's import and export files."""

import pytest

from agencies.models import Agency
from agencies.tests.factories import EXPORT_HEADER, HEADER, make_agency
from agencies.tests.test_import_agencies import (
    agency_row,
    read_csv_export,
    refused_import,
    run_export,
    run_import,
    write_csv,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def contact_row(code, name="", email="", phone=""):
    return [*agency_row(code), "", "", "", name, email, phone]


def test_contact_columns_come_after_successor_code_and_round_trip(tmp_path, provinces):
    assert EXPORT_HEADER[-4:] == [
        "successor_code",
        "contact_name",
        "contact_email",
        "contact_phone",
    ]
    path = write_csv(
        tmp_path / "a.csv",
        [contact_row("33-STP", "Nguyễn Thị Hoà", "iso@stp.hungyen.gov.vn", "0221 3862 111")],
        header=EXPORT_HEADER,
    )
    assert "1 rows: 1 new" in run_import(path)
    agency = Agency.objects.get(code="33-STP")
    assert (agency.contact_name, agency.contact_email, agency.contact_phone) == (
        "Nguyễn Thị Hoà",
        "iso@stp.hungyen.gov.vn",
        "0221 3862 111",
    )
    out = tmp_path / "out.csv"
    run_export(out)
    rows = read_csv_export(out)
    assert rows[0] == EXPORT_HEADER
    assert rows[1][-3:] == ["Nguyễn Thị Hoà", "iso@stp.hungyen.gov.vn", "0221 3862 111"]


def test_an_invalid_contact_email_is_refused(tmp_path, provinces):
    path = write_csv(
        tmp_path / "a.csv", [contact_row("33-STP", email="không-phải-email")], header=EXPORT_HEADER
    )
    assert "contact_email" in refused_import(path)
    assert not Agency.objects.filter(code="33-STP").exists()


def test_an_old_file_without_contact_columns_keeps_the_contact(tmp_path, provinces):
    make_agency(provinces[0], code="33-STP", contact_email="iso@stp.gov.vn")
    path = write_csv(tmp_path / "a.csv", [agency_row("33-STP", name="Sở Tư pháp")], header=HEADER)
    run_import(path)
    assert Agency.objects.get(code="33-STP").contact_email == "iso@stp.gov.vn"
