"""The history of an inspection: bursts of autosaves merged, the latest entries on the
checklist page, every entry on the history page."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from agencies.models import Role
from agencies.tests.factories import make_user
from inspections import services, views
from inspections.history import RECENT, inspection_history
from inspections.models import Answer
from inspections.tests.factories import answer_all, answer_of


def save(inspection, user, code, result, note=""):
    answer = Answer.objects.get(inspection=inspection, criterion__code=code)
    return services.answer_save(
        answer=answer, user=user, result=result, note=note, base_version=answer.version
    )


def rows_of(inspection, code):
    return Answer.history.filter(inspection_id=inspection.pk, criterion__code=code).count()


def age_history(minutes):
    """Every history row as if written `minutes` earlier."""
    for record in Answer.history.all():
        record.history_date -= datetime.timedelta(minutes=minutes)
        record.save(update_fields=["history_date"])


def test_a_burst_of_saves_on_one_criterion_by_one_user_is_one_entry(inspection, inspector_a):
    for note in ("T", "Th", "Thiếu", "Thiếu biên bản"):
        save(inspection, inspector_a, "CB01", "partial", note)

    assert rows_of(inspection, "CB01") == 1
    with translation.override("en"):
        (entry,) = inspection_history(inspection)
    assert (entry.what, entry.before) == ("CB01", "")
    assert entry.after == "Partly conforming: Thiếu biên bản"
    stored = Answer.history.get(inspection_id=inspection.pk)
    assert (stored.version, stored.history_user) == (4, inspector_a)
    # The merged entry is dated by its latest save, and holds who saved it and when.
    answer = answer_of(inspection, "CB01")
    assert stored.history_date == answer.answered_at == entry.at
    assert (stored.answered_by_id, stored.answered_at) == (inspector_a.pk, answer.answered_at)


def test_a_merged_entry_moves_to_its_latest_save(inspection, inspector_a):
    save(inspection, inspector_a, "CB01", "partial", "T")
    age_history(2)
    first = Answer.history.get(inspection_id=inspection.pk).history_date
    save(inspection, inspector_a, "CB01", "partial", "Thiếu")

    stored = Answer.history.get(inspection_id=inspection.pk)
    assert stored.history_date > first + datetime.timedelta(minutes=1)
    assert stored.history_date == answer_of(inspection, "CB01").answered_at


def test_saves_on_different_criteria_stay_apart(inspection, inspector_a):
    save(inspection, inspector_a, "CB01", "conforming")
    save(inspection, inspector_a, "TC01", "partial", "x")
    save(inspection, inspector_a, "CB01", "nonconforming", "y")

    assert (rows_of(inspection, "CB01"), rows_of(inspection, "TC01")) == (1, 1)
    assert len(inspection_history(inspection)) == 2


def test_a_colleagues_save_in_between_starts_a_new_entry(province_a, inspection, inspector_a):
    colleague = make_user(Role.INSPECTOR, province_a)
    inspection.inspectors.add(colleague)
    save(inspection, inspector_a, "CB01", "conforming")
    save(inspection, colleague, "CB01", "partial", "Thiếu")
    save(inspection, inspector_a, "CB01", "conforming")

    assert rows_of(inspection, "CB01") == 3
    users = [entry.user for entry in inspection_history(inspection)]
    assert users == ["inspector-a", colleague.username, "inspector-a"]


def test_saves_further_apart_than_the_setting_stay_apart(settings, inspection, inspector_a):
    settings.HISTORY_MERGE_MINUTES = 5
    save(inspection, inspector_a, "CB01", "conforming")
    age_history(4)
    save(inspection, inspector_a, "CB01", "partial", "a")
    assert rows_of(inspection, "CB01") == 1
    age_history(6)
    save(inspection, inspector_a, "CB01", "partial", "b")
    assert rows_of(inspection, "CB01") == 2


def test_the_value_submitted_stays_in_the_history_after_a_return(inspection, inspector_a, staff_a):
    answer_all(inspection, inspector_a)
    services.inspection_submit(inspection=inspection, user=inspector_a)
    services.inspection_return(inspection=inspection, user=staff_a, reason="Sửa", version=2)
    inspection.refresh_from_db()
    save(inspection, inspector_a, "CB01", "partial", "Sửa lại")

    assert rows_of(inspection, "CB01") == 2
    with translation.override("en"):
        latest = inspection_history(inspection)[0]
    assert (latest.before, latest.after) == ("Conforming", "Partly conforming: Sửa lại")


def test_an_import_row_is_never_merged_into(inspection, inspector_a):
    answer = answer_of(inspection, "CB01")
    answer.result = "conforming"
    Answer.history.bulk_history_create(
        [answer], update=True, default_user=inspector_a, default_change_reason="imported"
    )
    save(inspection, inspector_a, "CB01", "partial", "x")
    assert rows_of(inspection, "CB01") == 2


# Pages


@pytest.fixture
def long_history(settings, inspection, inspector_a):
    """More entries than the checklist page shows: every save its own entry."""
    settings.HISTORY_MERGE_MINUTES = 0
    for number in range(RECENT + 10):
        save(inspection, inspector_a, "CB01", "partial", f"lần {number}")
    return inspection


def test_checklist_page_shows_the_latest_entries_and_links_the_full_history(
    client, inspector_a, long_history
):
    client.force_login(inspector_a)
    response = client.get(reverse("inspection_detail", args=[long_history.pk]))

    history = response.context["history"]
    assert len(history) == RECENT
    assert history[0].after.endswith(f"lần {RECENT + 9}")
    assert reverse("inspection_history", args=[long_history.pk]) in response.content.decode()


def test_checklist_page_does_not_link_a_history_it_shows_whole(client, inspector_a, inspection):
    save(inspection, inspector_a, "CB01", "conforming")
    client.force_login(inspector_a)
    response = client.get(reverse("inspection_detail", args=[inspection.pk]))

    assert len(response.context["history"]) == 1
    assert reverse("inspection_history", args=[inspection.pk]) not in response.content.decode()


def test_checklist_page_costs_the_same_queries_with_a_long_history(
    client, inspector_a, long_history, django_assert_max_num_queries
):
    client.force_login(inspector_a)
    # Session, user, inspection (with the assignment, whether it has findings and whether
    # its status ever changed: neither here), answers with their evidence, the answers'
    # history.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("inspection_detail", args=[long_history.pk]))
    assert response.status_code == 200


def test_history_page_lists_every_entry_a_page_at_a_time(
    monkeypatch, client, staff_a, long_history
):
    monkeypatch.setattr(views, "HISTORY_PAGE_SIZE", 25)
    client.force_login(staff_a)
    address = reverse("inspection_history", args=[long_history.pk])

    pages = [client.get(address, {"page": number}) for number in (1, 2, 3)]

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert pages[0].context["page"].paginator.num_pages == 3
    shown = [entry for page in pages for entry in page.context["history"]]
    assert len(shown) == RECENT + 10
    assert shown[0].after.endswith(f"lần {RECENT + 9}")
    assert shown[-1].after.endswith("lần 0")


@pytest.mark.parametrize("who", ["inspector_b", "staff_b"])
def test_history_page_is_404_outside_the_users_scope(client, request, inspection, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("inspection_history", args=[inspection.pk]))
    assert response.status_code == 404


def test_history_page_for_an_unassigned_inspector_of_the_province_is_404(
    client, province_a, inspection
):
    client.force_login(make_user(Role.INSPECTOR, province_a))
    response = client.get(reverse("inspection_history", args=[inspection.pk]))
    assert response.status_code == 404


def test_autosave_with_a_key_is_applied_once_and_answers_the_count(client, inspector_a, inspection):
    answer = answer_of(inspection, "CB01")
    client.force_login(inspector_a)
    address = reverse("answer_save", args=[inspection.pk, answer.pk])
    data = {"result": "conforming", "note": "", "version": 0, "key": str(uuid.uuid4())}

    first = client.post(address, data)
    replay = client.post(address, data)

    assert first.json()["answered"] == replay.json()["answered"] == 1
    assert first.json()["version"] == replay.json()["version"] == 1
    assert Answer.objects.get(pk=answer.pk).version == 1
