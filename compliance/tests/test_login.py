"""Logins lock out after a few failures, by username and by address, and are logged."""

import logging
import os
import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from agencies.models import Role
from agencies.tests.factories import make_user

PASSWORD = "pw-for-tests-only"
LOCKED = "Đăng nhập sai quá nhiều lần"


def log_in(client, username, password, address="10.0.0.1", url=None):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def is_logged_in(client):
    return "_auth_user_id" in client.session


def fail(client, username, times, address="10.0.0.1", url=None):
    """Wrong passwords; the one reaching the limit is answered with the lockout."""
    return [log_in(client, username, "wrong", address, url).status_code for _ in range(times)]


def test_right_password_is_refused_after_five_failures_for_the_username(client, staff_a):
    assert fail(client, "staff-a", 5) == [200, 200, 200, 200, 429]

    response = log_in(client, "staff-a", PASSWORD)

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "15 phút" in response.content.decode()
    assert not is_logged_in(client)


def test_a_username_is_locked_out_from_every_address(client, staff_a):
    for number in range(5):
        log_in(client, "staff-a", "wrong", address=f"10.0.1.{number}")

    assert log_in(client, "staff-a", PASSWORD, address="10.0.2.1").status_code == 429
    assert not is_logged_in(client)


def test_an_address_is_locked_out_for_every_username(client, staff_a, inspector_a):
    for number in range(5):
        log_in(client, f"guess-{number}", "wrong", address="10.0.3.1")

    assert log_in(client, "inspector-a", PASSWORD, address="10.0.3.1").status_code == 429
    assert not is_logged_in(client)
    # Another address and username are untouched.
    assert log_in(client, "inspector-a", PASSWORD, address="10.0.3.2").status_code == 302
    assert is_logged_in(client)


def test_fewer_failures_than_the_limit_do_not_lock_out(client, staff_a):
    assert fail(client, "staff-a", 4) == [200] * 4
    assert log_in(client, "staff-a", PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_the_lockout_ends_after_the_cool_off(client, staff_a, settings):
    fail(client, "staff-a", 5)
    settings.AXES_COOLOFF_TIME = settings.AXES_COOLOFF_TIME * 0

    assert log_in(client, "staff-a", PASSWORD).status_code == 302


def test_the_lockout_message_is_in_english_when_chosen(client, staff_a):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    fail(client, "staff-a", 5)

    response = log_in(client, "staff-a", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


def test_admin_login_locks_out_too(client, db):
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    admin_login = reverse("admin:login")
    fail(client, "root", 5, url=admin_login)

    response = log_in(client, "root", PASSWORD, url=admin_login)

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not is_logged_in(client)


def test_failures_on_the_admin_and_the_site_count_together(client, staff_a):
    fail(client, "staff-a", 3, url=reverse("admin:login"))
    fail(client, "staff-a", 2)
    assert log_in(client, "staff-a", PASSWORD).status_code == 429


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(client, staff_a, settings):
    settings.TRUST_PROXY = True
    for number in range(5):
        client.post(
            reverse("login"),
            {"username": f"guess-{number}", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 198.51.100.7",
        )
    # The client's own (forged) first entry changed each time; the proxy's did not.
    response = client.post(
        reverse("login"),
        {"username": "staff-a", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 429


def test_logins_are_logged_without_the_password(client, staff_a, caplog):
    caplog.set_level(logging.INFO, logger="compliance.auth")

    log_in(client, "staff-a", "s3cret-guess", address="10.0.4.1")
    log_in(client, "staff-a", PASSWORD, address="10.0.4.1")

    records = [r for r in caplog.records if r.name == "compliance.auth"]
    assert [r.getMessage() for r in records] == [
        "login failed: username='staff-a' address=10.0.4.1",
        "login succeeded: username='staff-a' address=10.0.4.1",
    ]
    assert [r.levelname for r in records] == ["WARNING", "INFO"]
    assert "s3cret" not in caplog.text
    assert PASSWORD not in caplog.text


def test_a_lockout_is_logged(client, staff_a, caplog):
    caplog.set_level(logging.INFO, logger="compliance.auth")
    fail(client, "staff-a", 5, address="10.0.5.1")
    assert "login locked out: username='staff-a' address=10.0.5.1" in caplog.messages


def test_the_admin_lives_at_the_configured_path(tmp_path):
    code = (
        "import django; django.setup(); "
        "from django.urls import reverse; print(reverse('admin:index'))"
    )
    env = {
        **os.environ,
        "ADMIN_URL": "quan-tri-7f3a/",
        "DJANGO_SETTINGS_MODULE": "compliance.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "/quan-tri-7f3a/"


def test_a_locked_out_user_can_still_be_logged_in_by_tests_with_force_login(client, province_a):
    user = make_user(Role.INSPECTOR, province_a, username="forced")
    fail(client, "forced", 5)
    client.force_login(user)
    assert client.get(reverse("my_inspections")).status_code == 200
