"""`load_demo` run again keeps the demo users' passwords and prints them each time."""

import datetime
import io
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from agencies.models import Agency
from agencies.tests.factories import make_province
from inspections.management.commands.load_demo import USERS
from inspections.reminders import reminders_send


def run(path, *args):
    out = io.StringIO()
    call_command("load_demo", *args, passwords_file=path, stdout=out)
    return out.getvalue()


def printed(output):
    """{username: password} from the table at the end of the output."""
    names = {username for username, _role, _province in USERS}
    rows = [line.split() for line in output.splitlines() if line.strip().split(" ")[0] in names]
    return {row[0]: row[1] for row in rows}


@pytest.fixture
def passwords_file(tmp_path, db):
    make_province("33", "Hưng Yên")
    return tmp_path / ".demo-passwords"


def test_a_second_run_keeps_and_prints_the_same_passwords(passwords_file):
    first = printed(run(passwords_file))
    second = printed(run(passwords_file))

    assert set(first) == {"demo-admin", "demo-staff", "demo-inspector", "demo-viewer"}
    assert second == first
    users = get_user_model().objects
    for username, password in second.items():
        assert users.get(username=username).check_password(password)
    assert stat.S_IMODE(passwords_file.stat().st_mode) == 0o600


def test_reset_passwords_gives_new_ones_that_work(passwords_file):
    first = printed(run(passwords_file))
    reset = printed(run(passwords_file, "--reset-passwords"))
    again = printed(run(passwords_file))

    assert all(reset[name] != first[name] for name in first)
    assert again == reset
    staff = get_user_model().objects.get(username="demo-staff")
    assert staff.check_password(reset["demo-staff"])
    assert not staff.check_password(first["demo-staff"])


def test_a_password_changed_elsewhere_is_not_printed_as_if_it_worked(passwords_file):
    run(passwords_file)
    staff = get_user_model().objects.get(username="demo-staff")
    staff.set_password("changed-by-an-admin")
    staff.save()

    output = run(passwords_file)

    assert printed(output)["demo-staff"] == "(not"
    assert "changed elsewhere" in output
    assert staff.check_password("changed-by-an-admin")


def test_the_demo_round_gives_its_agencies_a_contact_for_reminders(passwords_file):
    run(passwords_file)

    agencies = Agency.objects.filter(inspections__isnull=False).distinct()
    assert agencies.exists()
    assert all(agency.contact_email.endswith("@example.org") for agency in agencies)
    # After `make run`, `send_reminders --dry-run` has agencies to write to.
    outgoing = reminders_send(today=datetime.date(2026, 12, 31), dry_run=True)
    to_agencies = [item for item in outgoing if item.kind == "agency"]
    assert to_agencies
    assert not [item.skipped for item in to_agencies if item.skipped]
