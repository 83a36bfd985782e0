"""Data builders for the report tests; the hand-worked data set is in conftest.py."""

import datetime

from django.db.models import Case, Value, When

from agencies.models import Agency
from inspections.default_checklist import CRITERIA
from inspections.models import Answer, Criterion, Finding, Inspection
from inspections.tests.factories import make_round

TODAY = datetime.date(2026, 6, 15)
YEAR = 2026
TITLES = {code: title for code, title, _clause, _guidance in CRITERIA}

C = Answer.Result.CONFORMING
P = Answer.Result.PARTIAL
N = Answer.Result.NONCONFORMING
NA = Answer.Result.NA

DEPARTMENT = Agency.Level.DEPARTMENT
COMMUNE = Agency.Level.COMMUNE
MANDATORY = Agency.Applicability.MANDATORY
ENCOURAGED = Agency.Applicability.ENCOURAGED
ANNOUNCED = datetime.date(2018, 5, 2)


def set_answers(inspection, default=C, **results):
    """Write answers directly, in one UPDATE: every criterion `default`, then the listed codes."""
    ids = dict(Criterion.objects.filter(checklist__code="QD19-2015").values_list("code", "id"))
    notes = {code: "Chưa đầy đủ" for code, result in results.items() if result in (P, N)}
    default_note = "Chưa đầy đủ" if default in (P, N) else ""
    Answer.objects.filter(inspection=inspection).update(
        result=Case(
            *[When(criterion_id=ids[code], then=Value(r)) for code, r in results.items()],
            default=Value(default),
        ),
        note=Case(
            *[When(criterion_id=ids[code], then=Value(note)) for code, note in notes.items()],
            default=Value(default_note),
        ),
    )


def set_status(inspection, status, rating="", score=None):
    Inspection.objects.filter(pk=inspection.pk).update(status=status, rating=rating, score=score)


def add_finding(inspection, code, due_on, status=Finding.Status.OPEN):
    answer = Answer.objects.get(inspection=inspection, criterion__code=code)
    return Finding.objects.create(
        inspection=inspection,
        answer=answer,
        description=f"{code}: cần khắc phục",
        due_on=due_on,
        status=status,
    )


def inspection_of(round_, agency):
    return round_.inspections.get(agency=agency)


def counted_round(province, agencies, *, number=1, year=YEAR, status=None, **fields):
    """A round whose inspections are all counted (approved) with every answer conforming."""
    round_ = make_round(province, agencies, number=number, year=year, **fields)
    Answer.objects.filter(inspection__round=round_).update(result=C)
    round_.inspections.update(
        status=status or Inspection.Status.APPROVED, rating=Inspection.Rating.GOOD, score=100
    )
    return round_


def bulk_agencies(province, count, prefix="Cơ quan", tag="B"):
    """`count` agencies in one INSERT; save() is bypassed, so derived columns are set here."""
    levels = [DEPARTMENT, COMMUNE, Agency.Level.PROVINCE]
    agencies = []
    for index in range(count):
        agency = Agency(
            province=province,
            code=f"{province.code}-{tag}{index:05d}",
            name=f"{prefix} {index:05d}",
            level=levels[index % 3],
            applicability=MANDATORY if index % 2 else ENCOURAGED,
            announced_on=ANNOUNCED if index % 4 else None,
        )
        agency.refresh_derived()
        agencies.append(agency)
    return Agency.objects.bulk_create(agencies)


def populated_round(province, count, number=1):
    """`count` agencies inspected with a mix of results, ratings and findings, in bulk."""
    agencies = bulk_agencies(
        province, count, prefix=f"Cơ quan {province.code}-{number}", tag=f"R{number}-"
    )
    round_ = make_round(province, agencies, number=number, year=YEAR)
    inspections = list(round_.inspections.order_by("pk"))
    answers = Answer.objects.filter(inspection__round=round_)
    answers.update(result=C)
    answers.filter(criterion__code="CB02").update(result=NA)
    answers.filter(criterion__code="HS01", inspection__in=inspections[::2]).update(
        result=P, note="Chưa đầy đủ"
    )
    ratings = [Inspection.Rating.GOOD, Inspection.Rating.MEETS, Inspection.Rating.NOT_MEETING]
    for offset, rating in enumerate(ratings):
        Inspection.objects.filter(pk__in=[i.pk for i in inspections[offset::3]]).update(
            status=Inspection.Status.APPROVED, rating=rating
        )
    # One in five stays a draft, so the not-finished count has rows too.
    Inspection.objects.filter(pk__in=[i.pk for i in inspections[::5]]).update(
        status=Inspection.Status.DRAFT, rating=""
    )
    partial = Answer.objects.filter(
        inspection__round=round_, criterion__code="HS01", result=P
    ).select_related("inspection")
    Finding.objects.bulk_create(
        Finding(
            inspection=answer.inspection,
            answer=answer,
            description="HS01",
            due_on=TODAY + datetime.timedelta(days=(-1) ** index * 10),
        )
        for index, answer in enumerate(partial)
    )
    return round_
