"""The backend that loads every request's user: the user with the profile, in one query."""

import pytest
from django.contrib.auth import get_user_model

from agencies.models import Profile, Role
from agencies.tests.factories import make_user
from compliance.auth import ProfileBackend

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_the_profile_in_one_query(province_a, django_assert_num_queries):
    user = make_user(Role.INSPECTOR, province_a, username="inspector-x")

    with django_assert_num_queries(1):
        loaded = ProfileBackend().get_user(user.pk)
        assert (loaded.pk, loaded.get_username()) == (user.pk, "inspector-x")
        assert (loaded.profile.role, loaded.profile.province_id) == (Role.INSPECTOR, province_a.pk)
        assert loaded.profile.user is loaded
    # Every column as the ORM reads it (dates as dates on SQLite too).
    expected = get_user_model().objects.get(pk=user.pk)
    for field in get_user_model()._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name


def test_a_user_without_a_profile_is_loaded_without_one(django_assert_num_queries):
    user = get_user_model().objects.create_user("no-profile", password="x")

    loaded = ProfileBackend().get_user(user.pk)

    with django_assert_num_queries(0), pytest.raises(Profile.DoesNotExist):
        loaded.profile  # noqa: B018


def test_an_inactive_or_unknown_user_is_nobody(province_a):
    user = make_user(Role.INSPECTOR, province_a, username="gone")
    user.is_active = False
    user.save()

    assert ProfileBackend().get_user(user.pk) is None
    assert ProfileBackend().get_user(user.pk + 1000) is None
