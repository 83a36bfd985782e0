"""Benchmark: the round page of a round of --agencies agencies (1,000 to 50,000), and one
autosave request, through Django's full request cycle, in process, after the tables are
analysed. Each figure is the median of --repeat requests, with the range; the round page
is timed unfiltered, on a later page, filtered by state and searched.

Targets on this machine: round page < 150 ms whatever the size; autosave < 50 ms.

    .venv/bin/python bench/round_page.py [--agencies 1000] [--repeat 20]
"""

from common import Runs, analyze, run


def measure(args):
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from agencies.models import Agency, Profile, Province, Role
    from compliance.bulk import bulk_update_values
    from inspections.models import Answer, Checklist, Finding
    from inspections.services import round_create

    province = Province.objects.get(code="33")
    agencies = [
        Agency(code=f"RB-{n:04d}", name=f"Cơ quan thử {n}", level="department", province=province)
        for n in range(args.agencies)
    ]
    for agency in agencies:
        agency.refresh_derived()
    Agency.objects.bulk_create(agencies, batch_size=2000)
    agencies = list(Agency.objects.filter(code__startswith="RB-"))
    User = get_user_model()
    staff = User.objects.create_user("bench-staff")
    Profile.objects.create(user=staff, role=Role.PROVINCIAL_STAFF, province=province)
    inspector = User.objects.create_user("bench-inspector")
    Profile.objects.create(user=inspector, role=Role.INSPECTOR, province=province)
    round_ = round_create(
        user=staff,
        province=province,
        agencies=agencies,
        inspectors=[inspector],
        year=2026,
        number=1,
        checklist=Checklist.objects.get(code="QD19-2015"),
    )
    # A third of the agencies half answered, a tenth with an overdue finding.
    answers = list(Answer.objects.filter(inspection__round=round_).order_by("pk"))
    half = answers[: len(answers) // 3 : 2]
    for answer in half:
        answer.result = "conforming"
    bulk_update_values(Answer, half, ["result"])
    past = datetime.date(2026, 1, 1)
    Finding.objects.bulk_create(
        (
            Finding(inspection_id=a.inspection_id, answer=a, description="x", due_on=past)
            for a in answers[::120]
        ),
        batch_size=2000,
    )
    analyze()

    client = Client()
    client.force_login(staff)
    url = reverse("round_detail", args=[round_.pk])
    pages = {
        "round page": {},
        "round page, page 10": {"page": 10},
        "round page, in progress": {"state": "in_progress"},
        "round page, not started": {"state": "not_started"},
        "round page, last page": {"page": 100000},  # past the end: the last page
        "round page, overdue": {"state": "overdue"},
        "round page, search": {"q": "thu 12"},
    }
    timings = {}
    for name, params in pages.items():
        response = client.get(url, params)
        assert response.status_code == 200, name
        assert b"/inspections/" in response.content, name  # at least one row
        timings[name] = Runs(lambda params=params: client.get(url, params), args.repeat)

    writer = Client()
    writer.force_login(inspector)
    answer = Answer.objects.filter(inspection__round=round_, result="").first()
    save_url = reverse("answer_save", args=[answer.inspection_id, answer.pk])
    results = iter(["conforming", "partial", "nonconforming", "not_applicable"] * args.repeat)
    state = {"version": answer.version}

    def autosave():
        response = writer.post(
            save_url, {"result": next(results), "note": "Ghi chú", "version": state["version"]}
        )
        state["version"] = response.json()["version"]

    save = Runs(autosave, args.repeat)
    print(f"{connection.vendor}: a round of {args.agencies} agencies")
    for name, runs in timings.items():
        print(f"  {name:<26} {runs.ms()}   target < 150 ms")
    print(f"  {'autosave request':<26} {save.ms()}   target < 50 ms")


if __name__ == "__main__":

    def arguments(parser):
        parser.add_argument("--agencies", type=int, default=1000)
        parser.add_argument("--repeat", type=int, default=20)

    run(__file__, measure, lambda args: "Round page and autosave (median)", arguments)
