"""Logins: the client's address, the lockout page and a log line for every attempt.

django-axes counts the failures and locks out; this module tells it where a request comes
from and what to show, and writes each attempt to the `compliance.auth` logger (never the
password: Django's signal has already masked it, and only the username is read).
"""

import functools
import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import connection
from django.dispatch import receiver
from django.shortcuts import render

from agencies.models import Profile
from compliance.rows import fetch, related_columns

log = logging.getLogger("compliance.auth")


class ProfileBackend(ModelBackend):
    """Django's backend, loading the user's profile with the user: every page reads the
    role from it, so this saves a query on every request.

    The statement is fixed SQL read with `compliance.rows.fetch` (the ORM's conversions
    applied): it runs on every request, and composing it with the ORM cost more than
    running it.
    """

    def get_user(self, user_id):
        rows = fetch(get_user_model(), _user_sql(), [user_id], [("profile", Profile)])
        if not rows:
            return None
        # profile is None without one, as select_related leaves it: `user.profile` then
        # raises DoesNotExist.
        user, profile = rows[0]
        if not self.user_can_authenticate(user):
            return None
        if profile is not None:
            Profile.user.field.set_cached_value(profile, user)
        get_user_model().profile.related.set_cached_value(user, profile)
        return user


@functools.cache
def _user_sql():
    quote = connection.ops.quote_name
    user_model = get_user_model()
    return (
        f"SELECT u.*, {related_columns(Profile, 'p', 'profile')} "
        f"FROM {quote(user_model._meta.db_table)} u "
        f"LEFT JOIN {quote(Profile._meta.db_table)} p ON p.user_id = u.id "
        f"WHERE u.{quote(user_model._meta.pk.column)} = %s"
    )


def client_ip(request):
    """The client's address; behind a trusted proxy, the peer that proxy saw.

    A proxy appends the address it was reached from to X-Forwarded-For (nginx:
    `$proxy_add_x_forwarded_for`), so only the last entry is not the client's own claim.
    """
    if settings.TRUST_PROXY:
        last = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, saying for how long logging in is paused (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "form": AuthenticationForm(request),
        "locked_out_minutes": minutes,
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    return render(request, "registration/login.html", context, status=429)


def _address(request):
    return (client_ip(request) if request is not None else "") or "-"


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    log.info("login succeeded: username=%r address=%s", user.get_username(), _address(request))


@receiver(user_login_failed)
def log_login_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get(get_user_model().USERNAME_FIELD)
    log.warning("login failed: username=%r address=%s", username, _address(request))


@receiver(user_locked_out)
def log_lockout(sender, request, username, ip_address, **kwargs):
    log.warning("login locked out: username=%r address=%s", username, ip_address)
