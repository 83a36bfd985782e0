"""Related rows read beside a row in hand-written SQL, as `select_related` would read them.

A statement read through `raw()` gives instances of one model, with its other columns as
attributes. A related row's columns are selected as `<prefix>__<attname>`
(`related_columns`) and turned into an instance of their model, each value converted as the
ORM converts it (dates on SQLite, say), by `related_instance`.
"""

import functools

from django.db import DEFAULT_DB_ALIAS, connection


def related_columns(model, alias, prefix):
    """`alias.column AS prefix__attname, …` for every concrete field of `model`."""
    quote = connection.ops.quote_name
    return ", ".join(
        f"{alias}.{quote(field.column)} AS {prefix}__{field.attname}"
        for field in model._meta.concrete_fields
    )


@functools.cache
def _converters(model):
    """Per concrete field of `model`: its attname, and what turns a database value into the
    value the ORM would give, with the expression they take."""
    fields = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        fields.append((field.attname, converters, column))
    return fields


def related_instance(model, prefix, row):
    """The instance of `model` whose columns `row` holds as `prefix__attname` attributes
    (selected with related_columns); None when its primary key is NULL (no related row)."""
    if getattr(row, f"{prefix}__{model._meta.pk.attname}") is None:
        return None
    values = []
    for attname, converters, column in _converters(model):
        value = getattr(row, f"{prefix}__{attname}")
        for converter in converters:
            value = converter(value, column, connection)
        values.append(value)
    return model.from_db(DEFAULT_DB_ALIAS, None, values)
