"""403, 404 and 500 in Vietnamese, with the site's menu, saying what to do; one date and
time format per language."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import permission_denied, server_error


def test_missing_page_is_translated_with_the_menu(client, staff_a):
    client.force_login(staff_a)
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in page
    assert "Về trang chủ" in page
    assert 'class="navbar' in page
    assert "Đợt kiểm tra" in page  # the staff member's menu


def test_forbidden_page_is_translated_and_says_what_to_do(rf, staff_a):
    request = rf.get("/")
    request.user = staff_a
    with translation.override("vi"):
        response = permission_denied(request, PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403
    assert "Không được phép" in page
    assert "quản trị viên" in page


def test_server_error_page_needs_no_database_nor_request(db, django_assert_num_queries):
    with translation.override("vi"), django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Máy chủ gặp sự cố" in page
    assert "Về trang chủ" in page
    assert 'class="navbar' in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_and_times_read_day_first_in_both_languages(language, settings):
    moment = datetime.datetime(2026, 11, 21, 13, 28, tzinfo=datetime.UTC)  # 20:28 in Hà Nội
    template = Template(
        "{{ day|date }}|{{ day|date:'SHORT_DATE_FORMAT' }}"
        "|{{ moment|date:'SHORT_DATETIME_FORMAT' }}|{{ moment|date:'DATETIME_FORMAT' }}"
    )
    with translation.override(language):
        text = template.render(Context({"day": moment.date(), "moment": moment}))
    assert text == "21/11/2026|21/11/2026|21/11/2026 20:28|21/11/2026 20:28"
