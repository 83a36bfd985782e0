"""The checklist page's rows, read in SQL: its answers with their criteria and evidence, and
its findings.

The checklist page is an inspector's most frequent request. Built with the ORM, composing
and compiling these queries (the answers with two joins, the evidence, the findings with
their criteria) cost several times more than running them; as fixed SQL statements read
through `raw()` (which still converts each column as the ORM would) they cost a fraction.
Every row read here belongs to an inspection the caller has already loaded through
`Inspection.objects.for_user`: the scope is decided there, once.
"""

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection

from inspections.models import Answer, Criterion, Evidence, Finding

q = connection.ops.quote_name
_CRITERION_FIELDS = [field.attname for field in Criterion._meta.concrete_fields]
_CRITERION_COLUMNS = ", ".join(
    f"c.{q(field.column)} AS criterion__{field.attname}"
    for field in Criterion._meta.concrete_fields
)

ANSWERS_SQL = (
    f"SELECT a.*, u.{get_user_model().USERNAME_FIELD} AS answered_by_name, {_CRITERION_COLUMNS} "
    f"FROM {Answer._meta.db_table} a "
    f"JOIN {Criterion._meta.db_table} c ON c.id = a.criterion_id "
    f"LEFT JOIN {get_user_model()._meta.db_table} u ON u.id = a.answered_by_id "
    # Answer's ordering: the criteria's order, then code.
    f"WHERE a.inspection_id = %s ORDER BY c.{q(Criterion._meta.get_field('order').column)}, c.code"
)

EVIDENCE_SQL = (
    f"SELECT e.* FROM {Evidence._meta.db_table} e "
    f"JOIN {Answer._meta.db_table} a ON a.id = e.answer_id "
    f"WHERE a.inspection_id = %s ORDER BY e.uploaded_at, e.id"
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
    (oldest first). Two queries."""
    answers = list(Answer.objects.raw(ANSWERS_SQL, [inspection.pk]))
    files = {answer.pk: [] for answer in answers}
    for evidence in Evidence.objects.raw(EVIDENCE_SQL, [inspection.pk]):
        files[evidence.answer_id].append(evidence)
    for answer in answers:
        values = [getattr(answer, f"criterion__{name}") for name in _CRITERION_FIELDS]
        criterion = Criterion.from_db(DEFAULT_DB_ALIAS, _CRITERION_FIELDS, values)
        Answer.criterion.field.set_cached_value(answer, criterion)
        answer.inspection = inspection
        answer.files = files[answer.pk]
    return answers


def findings_of(inspection):
    """The inspection's findings by due date, each with its criterion's code as
    `criterion_code`. One query."""
    findings = list(Finding.objects.raw(FINDINGS_SQL, [inspection.pk]))
    for finding in findings:
        finding.inspection = inspection
    return findings
