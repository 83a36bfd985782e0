"""Benchmark: the round page with 500 agencies, and one autosave request.

Targets on this machine: round page < 300 ms, autosave < 50 ms (median of repeated
requests through Django's full request cycle, in process, on SQLite and PostgreSQL).

    .venv/bin/python bench/round_page.py [--agencies 500] [--repeat 20]
"""

from common import median_ms, run


def measure(args):
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from agencies.models import Agency, Profile, Province, Role
    from inspections.models import Answer, Checklist, Finding
    from inspections.services import round_create

    province = Province.objects.get(code="33")
    agencies = [
        Agency(code=f"RB-{n:04d}", name=f"Cơ quan thử {n}", level="department", province=province)
        for n in range(args.agencies)
    ]
    for agency in agencies:
        agency.refresh_derived()
    Agency.objects.bulk_create(agencies)
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
    for answer in answers[: len(answers) // 3 : 2]:
        answer.result = "conforming"
    Answer.objects.bulk_update(answers, ["result"], batch_size=500)
    past = datetime.date(2026, 1, 1)
    Finding.objects.bulk_create(
        Finding(inspection_id=a.inspection_id, answer=a, description="x", due_on=past)
        for a in answers[::120]
    )

    client = Client()
    client.force_login(staff)
    url = reverse("round_detail", args=[round_.pk])
    assert client.get(url).status_code == 200
    page = median_ms(lambda: client.get(url), args.repeat)

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

    save = median_ms(autosave, args.repeat)
    print(connection.vendor)
    print(f"  round page, {args.agencies} agencies   {page:7.1f} ms   target < 300 ms")
    print(f"  autosave request              {save:7.1f} ms   target <  50 ms")


if __name__ == "__main__":

    def arguments(parser):
        parser.add_argument("--agencies", type=int, default=500)
        parser.add_argument("--repeat", type=int, default=20)

    run(__file__, measure, lambda args: "Round page and autosave (median)", arguments)
