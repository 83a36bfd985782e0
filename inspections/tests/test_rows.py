"""compliance.rows.fetch: hand-written SQL read as raw() and select_related read it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from agencies.models import Agency
from compliance.rows import fetch, related_columns
from inspections.models import Inspection, Round

pytestmark = pytest.mark.django_db

SQL = (
    f"SELECT i.*, 1 + 1 AS extra, i.status AS id_again, {related_columns(Round, 'r', 'round')} "
    f"FROM {Inspection._meta.db_table} i JOIN {Round._meta.db_table} r ON r.id = i.round_id "
    "WHERE i.id = %s"
)


@pytest.fixture
def visited(inspection):
    """An inspection with a date, a decimal, a datetime and text set."""
    Inspection.objects.filter(pk=inspection.pk).update(
        visited_on=datetime.date(2026, 3, 9),
        score=Decimal("87.5"),
        reviewed_at=timezone.now(),
        rating=Inspection.Rating.GOOD,
    )
    return Inspection.objects.get(pk=inspection.pk)


def test_every_column_is_converted_as_raw_converts_it(visited):
    (loaded,) = fetch(Inspection, SQL, [visited.pk])
    (expected,) = Inspection.objects.raw(SQL, [visited.pk])

    for field in Inspection._meta.concrete_fields:
        value = getattr(loaded, field.attname)
        assert value == getattr(visited, field.attname), field.name
        assert type(value) is type(getattr(expected, field.attname)), field.name
    assert isinstance(loaded.visited_on, datetime.date)
    assert loaded.score == Decimal("87.5")
    assert timezone.is_aware(loaded.reviewed_at)
    # Columns of no field are attributes, as the database gave them.
    assert loaded.extra == expected.extra == 2
    assert loaded._state.adding is False
    assert loaded._state.db == "default"


def test_related_rows_come_back_beside_the_row(visited):
    (row,) = fetch(Inspection, SQL, [visited.pk], related=[("round", Round)])
    loaded, round_ = row

    assert loaded.pk == visited.pk
    assert isinstance(round_, Round)
    expected = Round.objects.get(pk=visited.round_id)
    for field in Round._meta.concrete_fields:
        assert getattr(round_, field.attname) == getattr(expected, field.attname), field.name
    # A related column is not also an attribute of the row.
    assert not hasattr(loaded, "round__id")


def test_a_missing_related_row_is_none(visited):
    sql = (
        f"SELECT i.*, {related_columns(Agency, 'a', 'agency')} FROM {Inspection._meta.db_table} i "
        f"LEFT JOIN {Agency._meta.db_table} a ON a.id = i.agency_id AND 1 = 0 WHERE i.id = %s"
    )

    ((loaded, agency),) = fetch(Inspection, sql, [visited.pk], related=[("agency", Agency)])

    assert loaded.pk == visited.pk
    assert agency is None


def test_columns_not_selected_are_deferred_as_raw_leaves_them(visited, django_assert_num_queries):
    sql = f"SELECT id, status FROM {Inspection._meta.db_table} WHERE id = %s"

    with django_assert_num_queries(1):
        (loaded,) = fetch(Inspection, sql, [visited.pk])
    (expected,) = Inspection.objects.raw(sql, [visited.pk])

    assert loaded.get_deferred_fields() == expected.get_deferred_fields()
    assert "score" in loaded.get_deferred_fields()
    with django_assert_num_queries(1):
        assert loaded.score == Decimal("87.5")


def test_no_rows_is_an_empty_list(visited):
    assert fetch(Inspection, SQL, [0]) == []
    assert fetch(Inspection, SQL, [0], related=[("round", Round)]) == []
