"""Criterion statements: shipped for QD19-2015, copied into a new version, edited in the admin."""

from django.urls import reverse

from inspections.default_checklist import STATEMENTS
from inspections.models import Checklist
from inspections.services import checklist_new_version
from inspections.tests.factories import make_round


def test_the_default_checklist_ships_a_statement_pair_for_each_of_its_twelve_criteria(db):
    checklist = Checklist.objects.get(code="QD19-2015", version=1)

    pairs = {c.code: (c.statement_met, c.statement_unmet) for c in checklist.criteria.all()}

    assert pairs == STATEMENTS
    assert len(pairs) == 12
    assert all(met and unmet.startswith(("chưa", "sắp xếp hồ sơ chưa")) for met, unmet in
               pairs.values())  # fmt: skip


def test_a_new_version_keeps_the_statements(province_a):
    round_ = make_round(province_a, [])

    copy = checklist_new_version(checklist=round_.checklist)

    assert copy.criteria.get(code="DG01").statement_unmet == "chưa thực hiện đánh giá nội bộ"


def test_the_checklist_admin_edits_the_statements(client, django_user_model):
    checklist = Checklist.objects.get(code="QD19-2015", version=1)
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))

    page = client.get(reverse("admin:inspections_checklist_change", args=[checklist.pk]))

    assert 'name="criteria-0-statement_met"' in page.content.decode()
    assert 'name="criteria-0-statement_unmet"' in page.content.decode()
