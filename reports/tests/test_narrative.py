"""reports/narrative.py: paragraphs like the published reports, checked word for word.

Figures of `hung_yen_2026` are worked out in reports/tests/conftest.py; the smaller data
sets are built in each test. Statements are QD19-2015's (inspections/default_checklist.py).
"""

import datetime

import pytest
from django.utils import translation

from agencies.models import NATIONAL_SCOPE, Agency
from agencies.tests.factories import make_agency
from inspections.models import Criterion, Inspection
from reports import builder
from reports.narrative import province_narrative
from reports.tests.factories import (
    ANNOUNCED,
    TODAY,
    YEAR,
    N,
    add_finding,
    counted_round,
    inspection_of,
    set_answers,
    set_status,
)


def narrative_of(province, year=YEAR, round_number=None):
    return province_narrative(
        builder.province_report(province, year, round_number, today=TODAY, user=NATIONAL_SCOPE)
    )


def test_every_criterion_met_by_every_agency_is_said_in_one_clause(province_a):
    agencies = [
        make_agency(province_a, name="Sở Công Thương", announced_on=ANNOUNCED),
        make_agency(province_a, name="Sở Y tế", announced_on=ANNOUNCED),
    ]
    counted_round(province_a, agencies)

    assert narrative_of(province_a) == [
        "Trong năm 2026, kiểm tra tại 02 cơ quan (trong đó có 02 đơn vị cấp Sở, Chi cục thuộc Sở).",
        "2/2 đơn vị đã công bố HTQLCL phù hợp TCVN ISO 9001:2015, thực hiện công bố lại khi "
        "điều chỉnh, mở rộng, thu hẹp phạm vi áp dụng, thực hiện kiện toàn ban chỉ đạo ISO, "
        "phân công trách nhiệm, quyền hạn, niêm yết công khai chính sách chất lượng tại trụ sở "
        "cơ quan, có ban hành mục tiêu chất lượng hằng năm và kế hoạch thực hiện, xác định và "
        "có biện pháp xử lý rủi ro, cơ hội, cập nhật quy trình giải quyết TTHC theo văn bản "
        "quy phạm pháp luật mới, sắp xếp hồ sơ gọn gàng, khoa học, dễ nhận biết, thực hiện "
        "khảo sát, đo lường sự hài lòng của tổ chức, công dân, thực hiện đánh giá nội bộ, họp "
        "xem xét lãnh đạo, thực hiện hành động khắc phục các điểm chưa phù hợp.",
        "Kết quả xếp loại: 2/2 đơn vị xếp loại Tốt (100%).",
        "Về công bố áp dụng: 2/2 cơ quan đã công bố HTQLCL (100%); toàn bộ đơn vị cấp Sở, "
        "Chi cục (2/2) đã công bố.",
        "Theo diện áp dụng: bắt buộc 2/2 (100%).",
    ]


@pytest.fixture
def one_shortfall(province_a):
    """Two departments meeting everything; a commune without quality objectives, one overdue
    finding, and an announcement the inspection saw but the registry lacks."""
    agencies = [
        make_agency(province_a, name="Sở Công Thương", announced_on=ANNOUNCED),
        make_agency(province_a, name="Sở Y tế", announced_on=ANNOUNCED),
        make_agency(
            province_a,
            name="UBND xã Tân Dân",
            level=Agency.Level.COMMUNE,
            applicability=Agency.Applicability.ENCOURAGED,
        ),
    ]
    round_ = counted_round(province_a, agencies)
    commune = inspection_of(round_, agencies[2])
    set_answers(commune, MT01=N)
    set_status(commune, Inspection.Status.APPROVED, Inspection.Rating.MEETS, 91.7)
    add_finding(commune, "MT01", datetime.date(2026, 6, 1))
    return province_a


def test_one_shortfall_follows_however_with_the_agency_named(one_shortfall):
    assert narrative_of(one_shortfall) == [
        "Trong năm 2026, kiểm tra tại 03 cơ quan (trong đó có 02 đơn vị cấp Sở, Chi cục "
        "thuộc Sở; 01 UBND xã, phường, đặc khu).",
        "3/3 đơn vị đã công bố HTQLCL phù hợp TCVN ISO 9001:2015, thực hiện công bố lại khi "
        "điều chỉnh, mở rộng, thu hẹp phạm vi áp dụng, thực hiện kiện toàn ban chỉ đạo ISO, "
        "phân công trách nhiệm, quyền hạn, niêm yết công khai chính sách chất lượng tại trụ sở "
        "cơ quan, xác định và có biện pháp xử lý rủi ro, cơ hội, cập nhật quy trình giải quyết "
        "TTHC theo văn bản quy phạm pháp luật mới, sắp xếp hồ sơ gọn gàng, khoa học, dễ nhận "
        "biết, thực hiện khảo sát, đo lường sự hài lòng của tổ chức, công dân, thực hiện đánh "
        "giá nội bộ, họp xem xét lãnh đạo, thực hiện hành động khắc phục các điểm chưa phù "
        "hợp; 2/3 đơn vị có ban hành mục tiêu chất lượng hằng năm và kế hoạch thực hiện.",
        "Tuy nhiên, có 1/3 đơn vị chưa ban hành mục tiêu chất lượng hằng năm và kế hoạch thực "
        "hiện (UBND xã Tân Dân).",
        "Kết quả xếp loại: 2/3 đơn vị xếp loại Tốt (67%); 1/3 đơn vị xếp loại Đạt yêu cầu (33%).",
        "Đoàn kiểm tra đã chỉ ra 01 điểm chưa phù hợp: 01 điểm chưa khắc phục.",
        "Tuy nhiên, có 01 điểm chưa phù hợp đã quá thời hạn khắc phục (UBND xã Tân Dân).",
        "Về công bố áp dụng: 2/3 cơ quan đã công bố HTQLCL (67%); toàn bộ đơn vị cấp Sở, Chi "
        "cục (2/2) đã công bố; 0/1 đơn vị cấp xã (0%).",
        "Tuy nhiên, có 01 đơn vị cấp xã chưa công bố.",
        "Theo diện áp dụng: bắt buộc 2/2 (100%), khuyến khích 0/1 (0%).",
        "01 cơ quan đã công bố HTQLCL theo kết quả kiểm tra (tiêu chí CB01) nhưng danh mục "
        "chưa ghi ngày công bố (UBND xã Tân Dân).",
    ]


def test_several_shortfalls_share_clauses_by_tally_and_name_the_agencies(hung_yen_2026):
    assert narrative_of(hung_yen_2026.province) == [
        "Trong năm 2026, kiểm tra tại 05 cơ quan (trong đó có 02 đơn vị cấp Sở, Chi cục "
        "thuộc Sở; 03 UBND xã, phường, đặc khu).",
        "02 phiếu kiểm tra chưa hoàn thành nên chưa được tính.",
        # Every agency first, then equal tallies together, in checklist order.
        "5/5 đơn vị thực hiện kiện toàn ban chỉ đạo ISO, phân công trách nhiệm, quyền hạn, "
        "niêm yết công khai chính sách chất lượng tại trụ sở cơ quan, cập nhật quy trình giải "
        "quyết TTHC theo văn bản quy phạm pháp luật mới; 4/5 đơn vị đã công bố HTQLCL phù hợp "
        "TCVN ISO 9001:2015, xác định và có biện pháp xử lý rủi ro, cơ hội, thực hiện hành "
        "động khắc phục các điểm chưa phù hợp; 1/2 đơn vị thực hiện công bố lại khi điều chỉnh, "
        "mở rộng, thu hẹp phạm vi áp dụng; 3/5 đơn vị có ban hành mục tiêu chất lượng hằng năm "
        "và kế hoạch thực hiện, sắp xếp hồ sơ gọn gàng, khoa học, dễ nhận biết, thực hiện đánh "
        "giá nội bộ, họp xem xét lãnh đạo; 3/4 đơn vị thực hiện khảo sát, đo lường sự hài lòng "
        "của tổ chức, công dân.",
        # The same agencies falling short by the same tally share a clause (RR01 and KP01;
        # DG01 and XX01); partly conforming counts as falling short.
        "Tuy nhiên, có 1/5 đơn vị chưa công bố HTQLCL phù hợp TCVN ISO 9001:2015 (UBND xã "
        "Ân Thi); 1/2 đơn vị chưa thực hiện công bố lại khi có sự điều chỉnh phạm vi áp dụng "
        "HTQLCL (UBND xã Bãi Sậy); 2/5 đơn vị chưa ban hành mục tiêu chất lượng hằng năm và kế "
        "hoạch thực hiện (Sở Tư pháp, UBND xã Ân Thi); 1/5 đơn vị chưa xác định, xử lý rủi ro, "
        "cơ hội, chưa thực hiện đầy đủ hành động khắc phục các điểm chưa phù hợp (UBND xã Bãi "
        "Sậy); 2/5 đơn vị sắp xếp hồ sơ chưa gọn gàng, khoa học, khó nhận biết (Sở Khoa học và "
        "Công nghệ, UBND xã Ân Thi); 1/4 đơn vị chưa thực hiện khảo sát, đo lường sự hài lòng "
        "của tổ chức, công dân (Sở Tư pháp); 2/5 đơn vị chưa thực hiện đánh giá nội bộ, chưa "
        "tổ chức họp xem xét của lãnh đạo (UBND xã Ân Thi, UBND xã Bãi Sậy).",
        "Kết quả xếp loại: 2/5 đơn vị xếp loại Tốt (40%); 1/5 đơn vị xếp loại Đạt yêu cầu (20%).",
        "Tuy nhiên, có 2/5 đơn vị xếp loại Chưa đạt (40%): UBND xã Ân Thi, UBND xã Bãi Sậy.",
        # 1 verified, 1 + 1 submitted, 1 + 1 + 1 + 3 open; overdue 1 + 1 + 1
        "Đoàn kiểm tra đã chỉ ra 09 điểm chưa phù hợp: 01 điểm đã khắc phục và được xác nhận, "
        "02 điểm đã gửi hồ sơ khắc phục chờ xác nhận, 06 điểm chưa khắc phục.",
        "Tuy nhiên, có 03 điểm chưa phù hợp đã quá thời hạn khắc phục (Sở Tư pháp, UBND xã Ân "
        "Thi, UBND xã Bãi Sậy).",
        "Về công bố áp dụng: 6/8 cơ quan đã công bố HTQLCL (75%); toàn bộ đơn vị cấp tỉnh "
        "(1/1) và đơn vị cấp Sở, Chi cục (3/3) đã công bố; 2/4 đơn vị cấp xã (50%).",
        "Tuy nhiên, có 02 đơn vị cấp xã chưa công bố.",
        "Theo diện áp dụng: bắt buộc 4/4 (100%), khuyến khích 2/4 (50%).",
    ]


def test_an_empty_year_says_nothing_was_submitted_and_still_gives_coverage(hung_yen_2026):
    assert narrative_of(hung_yen_2026.province, year=2030) == [
        "Không có phiếu kiểm tra nào được gửi hoặc phê duyệt trong năm 2030.",
        "Về công bố áp dụng: 6/8 cơ quan đã công bố HTQLCL (75%); toàn bộ đơn vị cấp tỉnh "
        "(1/1) và đơn vị cấp Sở, Chi cục (3/3) đã công bố; 2/4 đơn vị cấp xã (50%).",
        "Tuy nhiên, có 02 đơn vị cấp xã chưa công bố.",
        "Theo diện áp dụng: bắt buộc 4/4 (100%), khuyến khích 2/4 (50%).",
    ]


def test_one_round_is_named_as_such(hung_yen_2026):
    assert narrative_of(hung_yen_2026.province, round_number=1)[0] == (
        "Trong đợt 1 năm 2026, kiểm tra tại 05 cơ quan (trong đó có 02 đơn vị cấp Sở, Chi cục "
        "thuộc Sở; 03 UBND xã, phường, đặc khu)."
    )


def test_agencies_are_not_named_above_the_setting(hung_yen_2026, settings):
    settings.REPORT_NAME_AGENCIES_UP_TO = 1

    text = " ".join(narrative_of(hung_yen_2026.province))

    # Unnamed, equal tallies share one clause: MT01, HS01, DG01 and XX01 at 2/5.
    assert (
        "; 2/5 đơn vị chưa ban hành mục tiêu chất lượng hằng năm và kế hoạch thực hiện, sắp xếp "
        "hồ sơ chưa gọn gàng, khoa học, khó nhận biết, chưa thực hiện đánh giá nội bộ, chưa tổ "
        "chức họp xem xét của lãnh đạo;"
    ) in text
    assert (
        "1/4 đơn vị chưa thực hiện khảo sát, đo lường sự hài lòng của tổ chức, công dân (Sở "
        in (text)
    )
    assert "Tuy nhiên, có 2/5 đơn vị xếp loại Chưa đạt (40%)." in text


def test_a_checklist_without_statements_falls_back_to_the_titles(one_shortfall):
    Criterion.objects.update(statement_met="", statement_unmet="")

    sentences = narrative_of(one_shortfall)

    assert sentences[1].endswith(
        "; 2/3 đơn vị đạt tiêu chí «Ban hành mục tiêu chất lượng hằng năm và kế hoạch thực hiện»."
    )
    assert sentences[2] == (
        "Tuy nhiên, có 1/3 đơn vị chưa đạt tiêu chí «Ban hành mục tiêu chất lượng hằng năm và "
        "kế hoạch thực hiện» (UBND xã Tân Dân)."
    )


def test_ratings_with_none_good_or_meeting_have_no_however(province_a):
    agency = make_agency(province_a, name="UBND xã Tân Dân", level=Agency.Level.COMMUNE)
    round_ = counted_round(province_a, [agency])
    set_status(inspection_of(round_, agency), Inspection.Status.APPROVED, "not_meeting", 40)

    assert "Kết quả xếp loại: 1/1 đơn vị xếp loại Chưa đạt (100%): UBND xã Tân Dân." in (
        narrative_of(province_a)
    )


def test_narrative_reads_in_english_when_english_is_active(one_shortfall):
    with translation.override("en"):
        sentences = narrative_of(one_shortfall)

    assert sentences[0] == (
        "In 2026, 03 agencies were inspected (02 department-level units (Sở, Chi cục); "
        "01 commune People's Committees)."
    )
    assert (
        sentences[3]
        == "Ratings: 2/3 units rated Good (67%); 1/3 units rated Meets requirements (33%)."
    )
    assert sentences[4] == "The inspection teams recorded 01 findings: 01 not yet corrected."
