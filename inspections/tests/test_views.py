import datetime
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_agency, make_round, make_user, answer_all
from inspections import services
from inspections.models import Answer, Finding, Inspection, Evidence

def build(province, n, inspector, staff):
    agencies = [make_agency(province) for _ in range(n)]
    round_ = make_round(province, agencies, inspectors=[inspector])
    insp = list(round_.inspections.order_by("pk"))
    for i, x in enumerate(insp):
        k = i % 5
        if k == 0: continue
        Answer.objects.filter(inspection=x).update(result="partial", note="n")
        if k >= 2:
            Inspection.objects.filter(pk=x.pk).update(status=["submitted","returned","approved"][k-2], score=50, rating="not_meeting")
        if k == 4:
            Finding.objects.bulk_create([Finding(inspection=x, answer=a, description="d", due_on=datetime.date(2020,1,1)) for a in x.answers.all()[:3]])
    return round_

@pytest.mark.parametrize("n", [5, 60])
def test_measure(client, province_a, inspector_a, staff_a, n, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = build(province_a, n, inspector_a, staff_a)
    for user in (staff_a, inspector_a):
        client.force_login(user)
        with CaptureQueriesContext(connection) as c:
            resp = client.get(reverse("round_detail", args=[r.pk]))
        assert resp.status_code == 200
        print("round_detail", user, n, len(c))
        with CaptureQueriesContext(connection) as c:
            resp = client.get(reverse("round_list"))
        print("round_list", user, n, len(c))
    client.force_login(inspector_a)
    with CaptureQueriesContext(connection) as c:
        resp = client.get(reverse("my_inspections"))
    print("my", n, len(c))
    if n == 60:
        for q in c.captured_queries: print(q["sql"][:150])
    x = r.inspections.order_by("pk").first()
    with CaptureQueriesContext(connection) as c:
        resp = client.get(reverse("inspection_detail", args=[x.pk]))
    print("detail", n, len(c))
    a = x.answers.first()
    with CaptureQueriesContext(connection) as c:
        resp = client.post(reverse("answer_save", args=[x.pk, a.pk]), {"result": "conforming", "version": a.version, "key": "6c1e0f8e-2c55-4a8d-9d40-7d1f0e3d9f11"})
    print("save", n, len(c), resp.status_code, resp.json())
