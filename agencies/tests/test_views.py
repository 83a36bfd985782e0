import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency
from agencies.tests.factories import make_agency, make_user
from inspections.tests.factories import make_round


@pytest.fixture
def agencies(province_a, province_b):
    return {
        "hung_yen": make_agency(province_a, code="33-SKHCN", name="Sở Khoa học và Công nghệ"),
        "commune_a": make_agency(
            province_a,
            code="12345",
            name="UBND xã Hưng Yên Đông",
            level=Agency.Level.COMMUNE,
            applicability=Agency.Applicability.ENCOURAGED,
        ),
        "ha_noi": make_agency(province_b, code="01-SNV", name="Sở Nội vụ Hà Nội"),
    }


def codes_listed(response):
    return {agency.code for agency in response.context["page"]}


def test_anonymous_user_is_sent_to_login(client, agencies):
    response = client.get(reverse("agency_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_staff_sees_only_own_province_in_list(client, staff_a, agencies):
    client.force_login(staff_a)
    response = client.get(reverse("agency_list"))
    assert codes_listed(response) == {"33-SKHCN", "12345"}


def test_staff_cannot_open_other_province_agency(client, staff_a, agencies):
    client.force_login(staff_a)
    assert client.get(reverse("agency_detail", args=["01-SNV"])).status_code == 404
    assert client.get(reverse("agency_detail", args=["33-SKHCN"])).status_code == 200


def test_staff_province_filter_offers_only_own_province(client, staff_a, agencies):
    client.force_login(staff_a)
    response = client.get(reverse("agency_list"), {"province": "01"})
    # Another province's code is not a valid choice: nothing is shown, not its agencies.
    assert codes_listed(response) == set()
    assert [p.code for p in response.context["form"].fields["province"].queryset] == ["33"]


def test_national_viewer_sees_every_province(client, viewer, agencies):
    client.force_login(viewer)
    assert codes_listed(client.get(reverse("agency_list"))) == {"33-SKHCN", "12345", "01-SNV"}
    assert client.get(reverse("agency_detail", args=["01-SNV"])).status_code == 200


def test_admin_sees_every_province(client, admin_user, agencies):
    client.force_login(admin_user)
    assert len(codes_listed(client.get(reverse("agency_list")))) == 3


def test_inspector_sees_no_agency_outside_assigned_inspections(client, inspector_a, agencies):
    client.force_login(inspector_a)
    assert codes_listed(client.get(reverse("agency_list"))) == set()
    assert client.get(reverse("agency_detail", args=["33-SKHCN"])).status_code == 404


def test_user_without_role_sees_nothing(client, agencies):
    client.force_login(make_user())
    assert codes_listed(client.get(reverse("agency_list"))) == set()
    assert client.get(reverse("agency_detail", args=["33-SKHCN"])).status_code == 404


@pytest.mark.parametrize("text", ["hung yen", "HƯNG YÊN", "hưng yen", "  hung   yen dong "])
def test_search_ignores_accents_and_case(client, viewer, agencies, text):
    client.force_login(viewer)
    assert codes_listed(client.get(reverse("agency_list"), {"q": text})) == {"12345"}


def test_search_matches_code(client, viewer, agencies):
    client.force_login(viewer)
    assert codes_listed(client.get(reverse("agency_list"), {"q": "01-snv"})) == {"01-SNV"}


def test_filters_by_level_applicability_and_announcement(client, viewer, agencies, province_a):
    announced = make_agency(province_a, code="33-SNV", announced_on="2024-01-02")
    make_agency(province_a, code="33-STC", announced_on="2024-01-02", reannounced_on="2025-02-03")
    client.force_login(viewer)
    url = reverse("agency_list")
    assert codes_listed(client.get(url, {"level": "commune"})) == {"12345"}
    assert codes_listed(client.get(url, {"applicability": "encouraged"})) == {"12345"}
    assert codes_listed(client.get(url, {"announced": "yes"})) == {announced.code, "33-STC"}
    assert codes_listed(client.get(url, {"announced": "reannounced"})) == {"33-STC"}
    assert "33-SNV" not in codes_listed(client.get(url, {"announced": "no"}))
    assert codes_listed(client.get(url, {"province": "33", "level": "department"})) == {
        "33-SKHCN",
        "33-SNV",
        "33-STC",
    }


def test_list_sorts_names_in_vietnamese_order(client, viewer, province_a):
    for code, name in [("A1", "Sở Y tế"), ("A2", "Ban Dân tộc"), ("A3", "Bảo hiểm"),
                       ("A4", "Đài Phát thanh"), ("A5", "Cục Thuế"), ("A6", "Dự án")]:  # fmt: skip
        make_agency(province_a, code=code, name=name)
    client.force_login(viewer)
    names = [a.name for a in client.get(reverse("agency_list")).context["page"]]
    assert names == ["Ban Dân tộc", "Bảo hiểm", "Cục Thuế", "Dự án", "Đài Phát thanh", "Sở Y tế"]


def test_list_paginates_and_keeps_filters_in_page_links(client, viewer, province_a):
    for number in range(120):
        make_agency(province_a, code=f"P{number:03d}")
    client.force_login(viewer)
    response = client.get(reverse("agency_list"), {"level": "department"})
    assert len(response.context["page"]) == 50
    assert response.context["page"].paginator.num_pages == 3
    assert "level=department&amp;page=2" in response.content.decode()
    last = client.get(reverse("agency_list"), {"level": "department", "page": 3})
    assert len(last.context["page"]) == 20


def test_list_query_count_does_not_grow_with_agencies(
    client, staff_a, province_a, django_assert_max_num_queries
):
    for number in range(300):
        make_agency(province_a, code=f"Q{number:03d}", announced_on="2024-05-06")
    client.force_login(staff_a)
    # session, user, profile, count, page, the province filter's choices
    with django_assert_max_num_queries(7):
        response = client.get(reverse("agency_list"), {"q": "so"})
    assert response.context["page"].paginator.count == 300


def test_detail_shows_parent_and_children_in_scope(client, staff_a, province_a):
    parent = make_agency(province_a, code="33-SKHCN", name="Sở Khoa học và Công nghệ")
    make_agency(province_a, code="33-CC", name="Chi cục TCĐLCL", parent=parent)
    client.force_login(staff_a)
    page = client.get(reverse("agency_detail", args=["33-SKHCN"])).content.decode()
    assert "Chi cục TCĐLCL" in page
    child = client.get(reverse("agency_detail", args=["33-CC"])).content.decode()
    assert "Sở Khoa học và Công nghệ" in child


def test_navigation_fits_the_role(client, staff_a, admin_user, inspector_a):
    client.force_login(inspector_a)
    # A page the inspector may open, so the menu is there to read.
    response = client.get(reverse("my_inspections"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("round_list")}"' in page
    assert reverse("agency_list") not in page
    client.force_login(staff_a)
    page = client.get(reverse("agency_list")).content.decode()
    assert reverse("admin:index") not in page
    client.force_login(admin_user)
    page = client.get(reverse("agency_list")).content.decode()
    assert reverse("admin:agencies_agency_import") in page


def test_pages_are_vietnamese_by_default_and_english_on_request(client, viewer, agencies):
    client.force_login(viewer)
    # A browser that asks for English still gets Vietnamese until the user chooses.
    vietnamese = client.get(reverse("agency_list"), HTTP_ACCEPT_LANGUAGE="en-US,en").content
    assert "Cơ quan" in vietnamese.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("agency_list")).content.decode()
    assert "Agencies" in english
    assert "Cơ quan" not in english


def test_login_page_renders_and_logs_in(client, staff_a):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": "staff-a", "password": "pw-for-tests-only"}
    )
    assert response.status_code == 302
    assert client.get(reverse("agency_list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("agency_list")).status_code == 302


# -- dissolved agencies and lineage ------------------------------------------------------

MERGER = datetime.date(2025, 7, 1)


def merge(agencies, into):
    for agency in agencies:
        agency.dissolved_on, agency.successor = MERGER, into
        agency.save()


@pytest.fixture
def merged_ward(province_a, inspector_a):
    """Communes X and Y merged into ward W on 1 July 2025; X was inspected in 2024."""
    x = make_agency(province_a, code="00001", name="UBND xã X", level=Agency.Level.COMMUNE)
    y = make_agency(province_a, code="00002", name="UBND xã Y", level=Agency.Level.COMMUNE)
    make_round(province_a, [x], inspectors=[inspector_a], number=1, year=2024, title="Đợt 2024")
    ward = make_agency(
        province_a,
        code="00009",
        name="UBND phường W",
        level=Agency.Level.COMMUNE,
        established_on=MERGER,
    )
    make_round(province_a, [ward], number=1, year=2026, title="Đợt 2026")
    merge([x, y], ward)
    make_agency(province_a, code="33-GONE", name="Sở đã giải thể", dissolved_on=MERGER)
    return ward


def test_dissolved_agencies_stay_listed_and_findable_with_a_badge(client, staff_a, merged_ward):
    client.force_login(staff_a)

    page = client.get(reverse("agency_list"), {"q": "xa x"}).content.decode()

    assert "UBND xã X" in page
    assert "đã sáp nhập vào UBND phường W" in page
    page = client.get(reverse("agency_list"), {"q": "33-GONE"}).content.decode()
    assert "Sở đã giải thể" in page
    assert "đã giải thể</span>" in page


def test_the_wards_page_shows_its_predecessors_and_their_inspections(client, staff_a, merged_ward):
    client.force_login(staff_a)

    page = client.get(reverse("agency_detail", args=["00009"])).content.decode()

    predecessors = page.split('id="predecessors"', 1)[1].split("</dd>", 1)[0]
    assert 'href="/agencies/00001/"' in predecessors
    assert "UBND xã Y" in predecessors
    history = page.split('id="agency-history"', 1)[1].split("</table>", 1)[0]
    assert "1/2024" in history
    assert "UBND xã X" in history  # the commune's inspection, read from the ward's page
    assert "1/2026" in history


def test_a_merged_communes_page_names_its_successor_and_shows_its_inspections(
    client, staff_a, merged_ward
):
    client.force_login(staff_a)

    page = client.get(reverse("agency_detail", args=["00001"])).content.decode()

    assert "đã sáp nhập vào UBND phường W" in page
    successor = page.split('id="successor"', 1)[1].split("</dd>", 1)[0]
    assert 'href="/agencies/00009/"' in successor
    history = page.split('id="agency-history"', 1)[1].split("</table>", 1)[0]
    assert "1/2024" in history
    assert "1/2026" in history


def test_an_inspector_sees_neither_the_successor_nor_its_inspections_outside_their_scope(
    client, inspector_a, merged_ward
):
    client.force_login(inspector_a)

    page = client.get(reverse("agency_detail", args=["00001"])).content.decode()

    assert "UBND phường W" not in page
    assert "1/2026" not in page
    assert "1/2024" in page
    assert client.get(reverse("agency_detail", args=["00009"])).status_code == 404


def test_staff_of_another_province_cannot_open_a_merged_agency(client, staff_b, merged_ward):
    client.force_login(staff_b)
    assert client.get(reverse("agency_detail", args=["00001"])).status_code == 404


def test_the_agency_page_costs_the_same_queries_however_many_predecessors(
    client, staff_a, province_a, django_assert_num_queries
):
    def ward_with(count, tag):
        ward = make_agency(province_a, code=f"W{tag}", name=f"UBND phường {tag}")
        communes = [make_agency(province_a, code=f"{tag}{n:03d}") for n in range(count)]
        make_round(province_a, communes, year=2024)
        merge(communes, ward)
        return ward

    small, large = ward_with(2, "S"), ward_with(30, "L")
    client.force_login(staff_a)
    client.get(reverse("agency_detail", args=[small.code]))  # warm the session
    with CaptureQueriesContext(connection) as counted:
        client.get(reverse("agency_detail", args=[small.code]))

    with django_assert_num_queries(len(counted.captured_queries)):
        response = client.get(reverse("agency_detail", args=[large.code]))
    assert response.content.decode().count("/inspections/") >= 30
