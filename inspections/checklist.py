"""The checklist page's rows, read in SQL: the inspection (with its agency, round and
province, whether the user is assigned and whether it has findings), its answers with their
criteria and evidence, and its findings.

The checklist page is an inspector's most frequent request. Built with the ORM, composing
and compiling these queries (the answers with two joins, the evidence, the findings with
their criteria) cost several times more than running them; as fixed SQL statements read
with `compliance.rows.fetch` (which converts each column as the ORM would) they cost a
fraction. The inspection is read within `Inspection.objects.for_user`, compiled into its
statement (compliance.scope); every other row read here belongs to that inspection.
"""

import functools

from django.contrib.auth import get_user_model
from django.db import connection

from agencies.models import Agency, Province
from compliance.rows import fetch, related_columns
from compliance.scope import scope_condition
from inspections.history import HistoricalInspection
from inspections.models import Answer, Criterion, Evidence, Finding, Inspection, Round

q = connection.ops.quote_name

# An answer with each of its evidence files: one row per file, one with NULL evidence
# columns for an answer without any.
ANSWERS_SQL = (
    f"SELECT a.*, u.{get_user_model().USERNAME_FIELD} AS answered_by_name, "
    f"{related_columns(Criterion, 'c', 'criterion')}, {related_columns(Evidence, 'e', 'evidence')} "
    f"FROM {Answer._meta.db_table} a "
    f"JOIN {Criterion._meta.db_table} c ON c.id = a.criterion_id "
    f"LEFT JOIN {get_user_model()._meta.db_table} u ON u.id = a.answered_by_id "
    f"LEFT JOIN {Evidence._meta.db_table} e ON e.answer_id = a.id "
    # Answer's ordering: the criteria's order, then code; the files oldest first.
    f"WHERE a.inspection_id = %s ORDER BY c.{q(Criterion._meta.get_field('order').column)}, "
    "c.code, a.id, e.uploaded_at, e.id"
)

FINDINGS_SQL = (
    f"SELECT f.*, c.code AS criterion_code FROM {Finding._meta.db_table} f "
    f"JOIN {Answer._meta.db_table} a ON a.id = f.answer_id "
    f"JOIN {Criterion._meta.db_table} c ON c.id = a.criterion_id "
    f"WHERE f.inspection_id = %s ORDER BY f.due_on, f.id"
)


def answers_of(inspection):
    """The inspection's answers in order, each with its `criterion`, the user who last
    answered it as `answered_by_name` (None if nobody), and its evidence as `files`
    (oldest first). One query."""
    related = [("criterion", Criterion), ("evidence", Evidence)]
    answers = []
    for answer, criterion, evidence in fetch(Answer, ANSWERS_SQL, [inspection.pk], related):
        if not answers or answers[-1].pk != answer.pk:
            Answer.criterion.field.set_cached_value(answer, criterion)
            Answer.inspection.field.set_cached_value(answer, inspection)
            answer.files = []
            answers.append(answer)
        if evidence is not None:
            answers[-1].files.append(evidence)
    return answers


def findings_of(inspection):
    """The inspection's findings by due date, each with its criterion's code as
    `criterion_code`. One query."""
    findings = fetch(Finding, FINDINGS_SQL, [inspection.pk])
    for finding in findings:
        Finding.inspection.field.set_cached_value(finding, inspection)
    return findings


_RELATED = (("agency", Agency, "a"), ("round", Round, "r"), ("province", Province, "p"))


@functools.cache
def _inspection_sql():
    inspectors = Inspection.inspectors.through._meta.db_table
    related = ", ".join(related_columns(model, alias, prefix) for prefix, model, alias in _RELATED)
    return (
        f"SELECT i.*, EXISTS (SELECT 1 FROM {inspectors} t WHERE t.inspection_id = i.id "
        f"AND t.user_id = %s) AS assigned, EXISTS (SELECT 1 FROM {Finding._meta.db_table} f "
        f"WHERE f.inspection_id = i.id) AS has_findings, EXISTS (SELECT 1 FROM "
        f"{HistoricalInspection._meta.db_table} h WHERE h.id = i.id "
        f"AND h.status <> '{Inspection.Status.DRAFT}') AS status_changed, {related} "
        f"FROM {Inspection._meta.db_table} i "
        f"JOIN {Agency._meta.db_table} a ON a.{q(Agency._meta.pk.column)} = i.agency_id "
        f"JOIN {Round._meta.db_table} r ON r.{q(Round._meta.pk.column)} = i.round_id "
        f"JOIN {Province._meta.db_table} p ON p.{q(Province._meta.pk.column)} = r.province_id "
        f"WHERE i.id = %s"
    )


def inspection_for(user, pk):
    """The inspection `pk` if `user` may see it (Inspection.objects.for_user), else None;
    with its agency, round and the round's province, `assigned` (read by `can_edit(user)`),
    `has_findings`, and `status_changed` (whether its history holds a status other than
    draft: without one it has no status entries). One query."""
    scope, params = scope_condition(Inspection.objects.for_user(user), "i.id")
    related = [(prefix, model) for prefix, model, _ in _RELATED]
    rows = fetch(Inspection, _inspection_sql() + scope, [user.pk, pk, *params], related)
    if not rows:
        return None
    inspection, agency, round_, province = rows[0]
    Round.province.field.set_cached_value(round_, province)
    Inspection.agency.field.set_cached_value(inspection, agency)
    Inspection.round.field.set_cached_value(inspection, round_)
    inspection.assigned_user_id = user.pk
    inspection.assigned = bool(inspection.assigned)
    inspection.has_findings = bool(inspection.has_findings)
    inspection.status_changed = bool(inspection.status_changed)
    return inspection
