"""The new-round form: what it prefills, its search, the compact list of ticked agencies
(a whole province at once), and the confirmation before approving."""

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Role
from agencies.tests.factories import make_agency, make_user
from inspections.models import Checklist, Inspection, Round
from inspections.services import answer_save, inspection_submit
from inspections.tests.factories import answer_all, answer_of, make_round


def round_post(agencies=(), **overrides):
    data = {
        "year": 2026,
        "number": 7,
        "checklist": Checklist.objects.get(code="QD19-2015", version=1).pk,
    }
    data["agencies"] = ",".join(str(a.pk) for a in agencies)
    data.update(overrides)
    return data


def test_year_and_next_free_number_are_prefilled(client, province_a, province_b, staff_a):
    year = timezone.localdate().year
    make_round(province_a, [make_agency(province_a)], number=1, year=year)
    make_round(province_a, [make_agency(province_a)], number=4, year=year)
    make_round(province_a, [make_agency(province_a)], number=9, year=year - 1)
    make_round(province_b, [make_agency(province_b)], number=12, year=year)
    client.force_login(staff_a)

    form = client.get(reverse("round_create")).context["form"]

    assert form["year"].value() == year
    assert form["number"].value() == 5


def test_first_round_of_the_year_is_number_one(client, staff_a):
    client.force_login(staff_a)
    assert client.get(reverse("round_create")).context["form"]["number"].value() == 1


def test_search_finds_agencies_without_accents_within_the_province(
    client, province_a, province_b, staff_a
):
    tan_hung = make_agency(province_a, name="UBND xã Tân Hưng", level=Agency.Level.COMMUNE)
    make_agency(province_a, name="Sở Tư pháp")
    make_agency(province_b, name="UBND xã Tân Hưng Hà Nội", level=Agency.Level.COMMUNE)
    client.force_login(staff_a)

    response = client.get(reverse("round_agency_choices"), {"q": "tan hung"})

    assert [a.pk for a in response.context["agencies"]] == [tan_hung.pk]
    assert "Sở Tư pháp" not in response.content.decode()


def test_search_combines_with_the_filters(client, province_a, staff_a):
    make_agency(province_a, name="UBND xã Tân Hưng", level=Agency.Level.COMMUNE)
    department = make_agency(province_a, name="Sở Tân Hưng")
    client.force_login(staff_a)
    response = client.get(
        reverse("round_agency_choices"), {"q": "TÂN", "filter_level": "department"}
    )
    assert [a.pk for a in response.context["agencies"]] == [department.pk]


def test_ticked_agencies_stay_ticked_when_the_form_comes_back_with_an_error(
    client, province_a, staff_a
):
    chosen = [make_agency(province_a), make_agency(province_a)]
    other = make_agency(province_a)
    client.force_login(staff_a)

    response = client.post(reverse("round_create"), round_post(chosen, year=""))

    assert response.status_code == 200
    page = response.content.decode()
    ids = ",".join(str(a.pk) for a in chosen)
    assert f'name="agencies" value="{ids}"' in page
    for agency in chosen:
        assert f'value="{agency.pk}" id="agency-{agency.pk}" checked' in page
    assert f'value="{other.pk}" id="agency-{other.pk}" >' in page
    assert "Đã chọn 2 cơ quan" in page


def test_a_whole_province_of_communes_can_be_chosen_at_once(client, province_a, staff_a):
    # Past DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) had each agency been a field of its own.
    communes = []
    for number in range(1200):
        commune = Agency(
            province=province_a,
            code=f"{number:05d}",
            name=f"UBND xã Thử {number}",
            level=Agency.Level.COMMUNE,
            applicability=Agency.Applicability.ENCOURAGED,
        )
        commune.refresh_derived()
        communes.append(commune)
    communes = Agency.objects.bulk_create(communes)
    client.force_login(staff_a)

    response = client.post(reverse("round_create"), round_post(communes))

    assert response.status_code == 302
    assert Round.objects.get().inspections.count() == 1200


def test_agencies_sent_one_field_each_are_still_read(client, province_a, staff_a):
    chosen = [make_agency(province_a), make_agency(province_a)]
    client.force_login(staff_a)
    data = round_post()
    data["agencies"] = [a.pk for a in chosen]
    response = client.post(reverse("round_create"), data)
    assert response.status_code == 302
    assert {i.agency_id for i in Inspection.objects.all()} == {a.pk for a in chosen}


def test_an_agency_of_another_province_in_the_list_is_refused(
    client, province_a, province_b, staff_a
):
    client.force_login(staff_a)
    response = client.post(
        reverse("round_create"), round_post([make_agency(province_a), make_agency(province_b)])
    )
    assert response.status_code == 200
    assert "agencies" in response.context["form"].errors
    assert Round.objects.count() == 0


def test_create_button_asks_for_confirmation_with_the_count(client, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("round_create")).content.decode()
    assert 'data-confirm="Tạo đợt kiểm tra với %(count)s cơ quan?"' in page


@pytest.fixture
def submitted(province_a, inspector_a):
    inspection = make_round(
        province_a, [make_agency(province_a)], inspectors=[inspector_a]
    ).inspections.get()
    answer_all(inspection, inspector_a)
    for code, result in [("CS01", "partial"), ("RR01", "nonconforming"), ("HS01", "partial")]:
        answer = answer_of(inspection, code)
        answer_save(
            answer=answer, user=inspector_a, result=result, note="x", base_version=answer.version
        )
    return inspection_submit(inspection=inspection, user=inspector_a)


def test_approve_asks_for_confirmation_saying_what_will_happen(client, staff_a, submitted):
    client.force_login(staff_a)
    page = client.get(reverse("inspection_detail", args=[submitted.pk])).content.decode()
    assert (
        'data-confirm="Phê duyệt sẽ mở 3 điểm chưa phù hợp, thời hạn 30 ngày. Phê duyệt?"' in page
    )


def test_approve_without_shortfalls_says_no_finding_will_open(
    client, province_a, staff_a, inspector_a
):
    inspection = make_round(
        province_a, [make_agency(province_a)], inspectors=[inspector_a]
    ).inspections.get()
    answer_all(inspection, inspector_a)
    inspection_submit(inspection=inspection, user=inspector_a)
    client.force_login(staff_a)
    page = client.get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert "không mở điểm chưa phù hợp nào" in page


def test_inspector_is_not_offered_the_approve_form(client, inspector_a, submitted):
    client.force_login(inspector_a)
    page = client.get(reverse("inspection_detail", args=[submitted.pk])).content.decode()
    assert "approve-form" not in page


def test_round_form_is_not_for_an_inspector(client, province_a):
    client.force_login(make_user(Role.INSPECTOR, province_a))
    assert client.get(reverse("round_create")).status_code == 404
