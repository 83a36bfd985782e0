"""UPDATEs without the ORM composing them: one `UPDATE ... FROM (VALUES ...)` statement per
batch for many rows, and one plain statement for one row on a hot path.

Django's `bulk_update` builds a `CASE WHEN pk=... THEN ...` expression per row and field,
and resolving those in Python costs about 2 ms a row: 30 s for 15,000 agencies. Joining
on a VALUES list does the same work in SQL in a fraction of that. SQLite has had
`UPDATE ... FROM` since 3.33 (Debian 12 ships 3.40); older ones fall back to Django's.
"""

import sqlite3

from django.db import connections, router


def bulk_update_values(model, objects, field_names, batch_size=1000):
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor not in ("postgresql", "sqlite") or (
        connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33)
    ):
        model._default_manager.bulk_update(objects, field_names, batch_size=batch_size)
        return
    meta = model._meta
    fields = [meta.pk] + [meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    columns = ", ".join(quote(f.column) for f in fields)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields[1:])
    if connection.vendor == "postgresql":
        # VALUES rows carry no types of their own: cast each to its column's type.
        row = "(" + ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields) + ")"
    else:
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    max_params = connection.features.max_query_params or 65535
    step = max(1, min(batch_size, max_params // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(objects), step):
            chunk = objects[start : start + step]
            params = [
                f.get_db_prep_save(getattr(obj, f.attname), connection)
                for obj in chunk
                for f in fields
            ]
            values = ", ".join([row] * len(chunk))
            if connection.vendor == "postgresql":
                sql = (
                    f"UPDATE {table} AS t SET {assignments} "
                    f"FROM (VALUES {values}) AS v({columns}) WHERE t.{pk} = v.{pk}"
                )
            else:
                sql = (
                    f"WITH v({columns}) AS (VALUES {values}) "
                    f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.{pk}"
                )
            cursor.execute(sql, params)


def update_row(model, pk, values, field_names):
    """UPDATE the row of `model` whose primary key is `pk`, setting `field_names` from the
    attributes of `values` (a model instance): the statement `save(update_fields=…)` runs,
    without its signals. For requests that run it every time (the autosave), where
    composing it with the ORM cost more than running it. One query."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    params = [
        field.get_db_prep_save(getattr(values, field.attname), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
            f"WHERE {quote(model._meta.pk.column)} = %s",
            [*params, pk],
        )
