"""A model's `for_user` scope inside hand-written SQL.

Some statements are written in SQL because they run often and the ORM composing them cost
more than running them; the scope of what a user may see stays the `for_user` helper's,
compiled into the statement, so that each role rule keeps its one definition.
"""

from django.core.exceptions import EmptyResultSet


def scope_condition(scoped, column):
    """`(sql, params)`: a condition on `column` (the primary key of `scoped`'s model, as the
    statement names it) keeping the rows `scoped` (a `for_user` queryset) holds: nothing
    when the scope filters nothing, never true when it holds nothing."""
    if not scoped.query.has_filters():
        return "", []
    try:
        sql, params = scoped.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a user who may see nothing
        return " AND 1 = 0", []
    return f" AND {column} IN ({sql})", list(params)
