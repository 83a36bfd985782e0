"""Rows of hand-written SQL read as model instances, as `raw()` and `select_related` give
them, at a fraction of their cost.

Some statements run on nearly every request (the user with their profile, the checklist
page's rows, the autosave's answer). `raw()` converts each column as the ORM would, but
works out which column is which field, and how to convert it, again for every statement;
on the checklist page that cost more than running the statements. `fetch` works it out
once per model and list of columns, and keeps it.

A related row's columns are selected as `<prefix>__<attname>` (`related_columns`) and come
back as an instance of their model beside the row's own.
"""

import functools

from django.db import connection, connections


def related_columns(model, alias, prefix):
    """`alias.column AS prefix__attname, …` for every concrete field of `model`."""
    quote = connection.ops.quote_name
    return ", ".join(
        f"{alias}.{quote(field.column)} AS {prefix}__{field.attname}"
        for field in model._meta.concrete_fields
    )


def fetch(model, sql, params, related=()):
    """The rows of `sql` as instances of `model`, as `model.objects.raw(sql, params)` gives
    them: each column of one of its fields converted as the ORM converts it (dates on
    SQLite, say), every other column an attribute as the database gave it.

    With `related` (pairs of prefix and model, their columns selected with
    `related_columns`), each row is a tuple: the instance, then one instance of each
    related model (None where its primary key is NULL: no related row).
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = tuple(column[0] for column in cursor.description)
        rows = cursor.fetchall()
    # Per connection object (one per thread), as its converters are.
    builders = _plan(model, columns, tuple(related), connections[connection.alias])
    if not related:
        build = builders[0]
        return [build(row) for row in rows]
    return [tuple(build(row) for build in builders) for row in rows]


@functools.lru_cache(maxsize=256)
def _plan(model, columns, related, db):
    """What builds the instances of a row of `columns`: the row's model first, then each
    related one."""
    positions = {}
    for position, name in enumerate(columns):
        positions.setdefault(name, position)  # a name selected twice: the first, as raw()
    own = {field.column: field.column for field in model._meta.concrete_fields}
    specs = [_fields(model, own, positions, db)]
    for prefix, related_model in related:
        names = {f.column: f"{prefix}__{f.attname}" for f in related_model._meta.concrete_fields}
        specs.append(_fields(related_model, names, positions, db))
    used = {index for spec in specs for index in spec[2]}
    # The columns of no field are attributes of the row's own instance.
    others = [(name, position) for name, position in positions.items() if position not in used]
    return [_builder(db, *specs[0], others=others, nullable=False)] + [
        _builder(db, *spec, others=(), nullable=True) for spec in specs[1:]
    ]


def _fields(model, names, positions, db):
    """`model`, the attnames of its fields in the row, their positions and conversions;
    `names` maps each field's column to the name its value has in the row."""
    attnames, indexes, conversions = [], [], []
    for field in model._meta.concrete_fields:
        position = positions.get(names[field.column])
        if position is None:
            continue  # not selected: deferred, as raw() leaves it
        column = field.get_col(model._meta.db_table)
        converters = db.ops.get_db_converters(column) + column.get_db_converters(db)
        if converters:
            conversions.append((len(indexes), converters, column))
        attnames.append(field.attname)
        indexes.append(position)
    return model, attnames, indexes, conversions


def _builder(db, model, attnames, indexes, conversions, *, others, nullable):
    """What builds an instance of `model` from a row; None for a `nullable` one whose
    primary key is NULL."""
    pk = indexes[attnames.index(model._meta.pk.attname)]

    def build(row):
        if nullable and row[pk] is None:
            return None
        values = [row[index] for index in indexes]
        for index, converters, column in conversions:
            value = values[index]
            for converter in converters:
                value = converter(value, column, db)
            values[index] = value
        instance = model.from_db(db.alias, attnames, values)
        for name, position in others:
            setattr(instance, name, row[position])
        return instance

    return build
