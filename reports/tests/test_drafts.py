"""What staff type in once (issuing details) and per report (the draft), and who may.

Figures of `hung_yen_2026` are worked out in reports/tests/conftest.py.
"""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agencies.models import NATIONAL_SCOPE, Province
from agencies.tests.factories import make_province
from inspections.models import Answer
from reports import builder
from reports.document import date_in_words, province_document
from reports.models import IssuingDetails, ReportDraft
from reports.tests.factories import TODAY, YEAR

SETTINGS = reverse("report_issuing_details")
DRAFT = reverse("report_draft")
PDF = reverse("province_report_download", args=["pdf"])


def pdf_text(data):
    return " ".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def document_of(province, year=YEAR, round_number=None):
    report = builder.province_report(province, year, round_number, today=TODAY, user=NATIONAL_SCOPE)
    return province_document(report, today=TODAY)


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (datetime.date(2026, 2, 5), "Hưng Yên, ngày 05 tháng 02 năm 2026"),
        (datetime.date(2022, 7, 18), "Hưng Yên, ngày 18 tháng 7 năm 2022"),
        (datetime.date(2025, 1, 31), "Hưng Yên, ngày 31 tháng 01 năm 2025"),
        (datetime.date(2025, 12, 9), "Hưng Yên, ngày 09 tháng 12 năm 2025"),
    ],
)
def test_the_date_is_written_in_words_with_the_decrees_leading_zeros(day, words):
    assert date_in_words("Hưng Yên", day) == words


def test_defaults_come_from_the_province_name(province_a, province_b):
    hung_yen = IssuingDetails.defaults(province_a)
    ha_noi = IssuingDetails.defaults(province_b)

    assert (hung_yen.governing_body, hung_yen.place) == ("UBND TỈNH HƯNG YÊN", "Hưng Yên")
    assert (ha_noi.governing_body, ha_noi.place) == ("UBND THÀNH PHỐ HÀ NỘI", "Hà Nội")
    assert hung_yen.issuing_body == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    assert ha_noi.recipients.splitlines()[0] == "Ủy ban nhân dân thành phố Hà Nội"


def test_a_new_draft_is_prefilled_from_the_data(hung_yen_2026):
    document = document_of(hung_yen_2026.province)

    draft = document.draft
    assert draft.pk is None
    assert draft.dated == TODAY
    assert document.number_line == "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-SKHCN"
    assert document.recipients == ["Ủy ban nhân dân tỉnh Hưng Yên", "Bộ Khoa học và Công nghệ"]
    assert draft.shortcomings.splitlines()[0] == (
        "- 1/5 đơn vị chưa công bố HTQLCL phù hợp TCVN ISO 9001:2015 (UBND xã Ân Thi);"
    )
    assert (
        "- 2/5 đơn vị xếp loại Chưa đạt (40%): UBND xã Ân Thi, UBND xã Bãi Sậy;"
        in draft.shortcomings.splitlines()
    )
    assert draft.shortcomings.splitlines()[-1] == "- 02 đơn vị cấp xã chưa công bố."
    assert "Đề nghị Bộ Khoa học và Công nghệ" in draft.recommendations
    assert document.distribution == [
        "- Như trên;",
        "- Giám đốc Sở (để b/c);",
        "- Lưu: VT, TĐC.",
    ]


def test_staff_set_the_issuing_details_once_and_the_pdf_carries_them(
    client, staff_a, hung_yen_2026
):
    client.force_login(staff_a)
    form = client.get(SETTINGS)
    data = {
        **{name: form.context["form"][name].value() for name in form.context["form"].fields},
        "issuing_body": "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "code_suffix": "BC-CCTĐC",
        "signing_authority": "KT. CHI CỤC TRƯỞNG",
        "signer_title": "PHÓ CHI CỤC TRƯỞNG",
        "signer_name": "Trần Thị Bình",
    }

    response = client.post(SETTINGS, data)

    assert response.status_code == 302
    details = IssuingDetails.objects.get(province=hung_yen_2026.province)
    assert details.signer_name == "Trần Thị Bình"
    assert details.history.count() == 1
    text = pdf_text(client.get(PDF, {"year": YEAR}).content)
    for words in ["CHICỤCTIÊUCHUẨNĐOLƯỜNGCHẤTLƯỢNG", "/BC-CCTĐC", "KT.CHICỤCTRƯỞNG",
                  "TrầnThịBình"]:  # fmt: skip
        assert words in text


def draft_post(client, **changes):
    page = client.get(DRAFT, {"year": YEAR})
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["dated"] = "2026-07-18"
    data.update(changes)
    return client.post(f"{DRAFT}?year={YEAR}", data)


def test_the_drafts_edits_survive_a_data_change_while_the_figures_update(
    client, staff_a, hung_yen_2026
):
    client.force_login(staff_a)
    response = draft_post(
        client, number="12", recommendations="Đề nghị UBND tỉnh khen thưởng Sở Tư pháp."
    )
    assert response.status_code == 302
    before = pdf_text(client.get(PDF, {"year": YEAR}).content)

    # Ân Thi's CB01 finding is corrected and the answer changed: CB01 becomes 5/5.
    Answer.objects.filter(inspection__agency=hung_yen_2026.an_thi, criterion__code="CB01").update(
        result=Answer.Result.CONFORMING
    )
    after = pdf_text(client.get(PDF, {"year": YEAR}).content)

    for text in (before, after):
        assert "Số:12/BC-SKHCN" in text
        assert "HưngYên,ngày18tháng7năm2026" in text
        assert "ĐềnghịUBNDtỉnhkhenthưởngSởTưpháp." in text
    assert "CB01ĐãcôngbốHTQLCLphùhợpTCVNISO9001:20154/580%" in before
    assert "CB01ĐãcôngbốHTQLCLphùhợpTCVNISO9001:20155/5100%" in after
    draft = ReportDraft.objects.get(province=hung_yen_2026.province, year=YEAR)
    assert draft.updated_by == staff_a
    assert draft.round_number is None


def test_the_draft_date_is_typed_and_shown_as_the_user_writes_it(client, staff_a, hung_yen_2026):
    client.force_login(staff_a)

    saved = draft_post(client, dated="18/07/2026")
    page = client.get(DRAFT, {"year": YEAR}).content.decode()
    wrong = draft_post(client, dated="18/7/26")

    assert saved.status_code == 302
    assert ReportDraft.objects.get().dated == datetime.date(2026, 7, 18)
    assert 'value="18/07/2026"' in page
    assert wrong.status_code == 200
    assert "Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 21/11/2026." in wrong.content.decode()
    assert ReportDraft.objects.get().dated == datetime.date(2026, 7, 18)


def test_each_save_of_a_draft_is_kept_in_its_history(client, staff_a, hung_yen_2026):
    client.force_login(staff_a)

    draft_post(client, number="12")
    draft_post(client, number="13")

    draft = ReportDraft.objects.get()
    assert [h.number for h in draft.history.order_by("history_date")] == ["12", "13"]


def test_a_round_has_its_own_draft_apart_from_the_years(client, staff_a, hung_yen_2026):
    client.force_login(staff_a)
    draft_post(client, number="12")

    page = client.get(DRAFT, {"year": YEAR, "round": 1})

    assert page.context["form"]["number"].value() == ""
    assert not page.context["saved"]


def test_the_draft_page_costs_a_fixed_number_of_queries(
    client, staff_a, hung_yen_2026, django_assert_max_num_queries
):
    client.force_login(staff_a)

    with django_assert_max_num_queries(30):
        assert client.get(DRAFT, {"year": YEAR}).status_code == 200


@pytest.mark.parametrize("url", [SETTINGS, DRAFT])
def test_staff_of_another_province_get_404_and_change_nothing(client, staff_b, hung_yen_2026, url):
    client.force_login(staff_b)

    assert client.get(url, {"province": "33", "year": YEAR}).status_code == 404
    assert client.post(f"{url}?province=33&year={YEAR}", {"number": "1"}).status_code == 404
    assert not IssuingDetails.objects.exists()
    assert not ReportDraft.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "inspector_a"])
@pytest.mark.parametrize("url", [SETTINGS, DRAFT])
def test_viewers_and_inspectors_cannot_edit_a_report(client, request, persona, hung_yen_2026, url):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url, {"province": "33", "year": YEAR}).status_code == 404


def test_the_report_page_offers_editing_only_to_staff_of_the_province(
    client, staff_a, viewer, hung_yen_2026
):
    client.force_login(staff_a)
    staff_page = client.get(reverse("province_report"), {"year": YEAR}).content.decode()
    client.force_login(viewer)
    viewer_page = client.get(reverse("province_report"), {"province": "33"}).content.decode()

    assert DRAFT in staff_page
    assert SETTINGS in staff_page
    assert DRAFT not in viewer_page


def test_an_unknown_province_is_404_for_an_admin(client, admin_user, province_a):
    client.force_login(admin_user)

    assert client.get(SETTINGS, {"province": "99"}).status_code == 404


def test_admins_may_set_any_provinces_issuing_details(client, admin_user, db):
    province = make_province("79", "Thành phố Hồ Chí Minh", Province.Kind.CITY)
    client.force_login(admin_user)

    response = client.get(SETTINGS, {"province": province.code})

    assert response.status_code == 200
    assert response.context["form"]["governing_body"].value() == "UBND THÀNH PHỐ HỒ CHÍ MINH"
