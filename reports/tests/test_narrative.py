"""reports/narrative.py: the summary paragraph, in Vietnamese by default, made from the figures.

Figures of `hung_yen_2026` are worked out in reports/tests/conftest.py.
"""

import pytest
from django.utils import translation

from agencies.models import NATIONAL_SCOPE
from agencies.tests.factories import make_agency
from inspections.models import Inspection
from reports import builder
from reports.narrative import province_narrative
from reports.tests.factories import TITLES, TODAY, YEAR, counted_round, inspection_of, set_status


def narrative_of(province, year=YEAR, round_number=None):
    return province_narrative(
        builder.province_report(province, year, round_number, today=TODAY, user=NATIONAL_SCOPE)
    )


def test_narrative_reads_like_the_published_provincial_reports(hung_yen_2026):
    sentences = narrative_of(hung_yen_2026.province)

    tallies = [
        ("4/5", "CB01"),
        ("1/2", "CB02"),
        ("5/5", "TC01"),
        ("5/5", "CS01"),
        ("3/5", "MT01"),
        ("4/5", "RR01"),
        ("5/5", "QT01"),
        ("3/5", "HS01"),
        ("3/4", "KS01"),
        ("3/5", "DG01"),
        ("3/5", "XX01"),
        ("4/5", "KP01"),
    ]
    assert sentences == [
        "Trong năm 2026, kiểm tra tại 5 cơ quan (trong đó có 02 đơn vị cấp Sở, Chi cục thuộc "
        "Sở; 03 UBND xã, phường, đặc khu).",
        "; ".join(f"{tally} đơn vị đạt tiêu chí «{TITLES[code]}»" for tally, code in tallies) + ".",
        # 2/5 = 40%, 1/5 = 20%, 2/5 = 40%
        "Kết quả xếp loại: 40% Tốt (2/5), 20% Đạt yêu cầu (1/5), 40% Chưa đạt (2/5).",
        "Các đơn vị chưa đạt yêu cầu: UBND xã Ân Thi, UBND xã Bãi Sậy.",
        # open 1+1+1+3 = 6 (overdue 0+1+1+1 = 3), submitted 1+1 = 2, verified 1
        "Điểm chưa phù hợp: 6 chưa khắc phục (3 quá hạn), 2 đã gửi hồ sơ khắc phục chờ xác "
        "nhận, 1 đã xác nhận.",
        "2 phiếu kiểm tra chưa hoàn thành nên chưa được tính.",
        "1/1 đơn vị cấp tỉnh đã công bố HTQLCL (100%).",
        "3/3 đơn vị cấp Sở, Chi cục đã công bố HTQLCL (100%).",
        "2/4 đơn vị cấp xã đã công bố HTQLCL (50%).",
    ]


def test_narrative_names_the_criterion_with_its_tally(hung_yen_2026):
    text = " ".join(narrative_of(hung_yen_2026.province))

    assert "4/5 đơn vị đạt tiêu chí «Đã công bố HTQLCL phù hợp TCVN ISO 9001:2015»" in text
    assert "3/4 đơn vị đạt tiêu chí «Khảo sát, đo lường sự hài lòng của tổ chức, công dân»" in (
        text
    )


def test_narrative_of_one_round_names_the_round(hung_yen_2026):
    sentences = narrative_of(hung_yen_2026.province, round_number=1)

    assert sentences[0] == (
        "Trong đợt 1 năm 2026, kiểm tra tại 5 cơ quan (trong đó có 02 đơn vị cấp Sở, Chi cục "
        "thuộc Sở; 03 UBND xã, phường, đặc khu)."
    )


def test_narrative_of_an_empty_year_says_nothing_was_submitted_and_still_gives_coverage(
    hung_yen_2026,
):
    sentences = narrative_of(hung_yen_2026.province, year=2030)

    assert sentences == [
        "Không có phiếu kiểm tra nào được gửi hoặc phê duyệt trong năm 2030.",
        "1/1 đơn vị cấp tỉnh đã công bố HTQLCL (100%).",
        "3/3 đơn vị cấp Sở, Chi cục đã công bố HTQLCL (100%).",
        "2/4 đơn vị cấp xã đã công bố HTQLCL (50%).",
    ]


def test_narrative_gives_rating_percentages_rounded_half_up(province_a):
    agencies = [make_agency(province_a) for _ in range(6)]
    round_ = counted_round(province_a, agencies)
    set_status(
        inspection_of(round_, agencies[0]),
        Inspection.Status.APPROVED,
        Inspection.Rating.NOT_MEETING,
        40,
    )

    text = " ".join(narrative_of(province_a))

    # good 5/6 = 83.3 -> 83; meets 0/6; not meeting 1/6 = 16.7 -> 17
    assert "Kết quả xếp loại: 83% Tốt (5/6), 0% Đạt yêu cầu (0/6), 17% Chưa đạt (1/6)." in text
    assert "Trong năm 2026, kiểm tra tại 6 cơ quan (trong đó có 06 đơn vị cấp Sở, Chi cục" in text


def test_narrative_leaves_out_the_sentences_that_have_nothing_to_say(province_a):
    counted_round(province_a, [make_agency(province_a, name="Sở Công Thương")])

    sentences = narrative_of(province_a)

    text = " ".join(sentences)
    assert "chưa đạt yêu cầu:" not in text
    assert "Điểm chưa phù hợp:" not in text
    assert "chưa hoàn thành" not in text
    assert sentences[0] == (
        "Trong năm 2026, kiểm tra tại 1 cơ quan (trong đó có 01 đơn vị cấp Sở, Chi cục thuộc Sở)."
    )


def test_narrative_reads_in_english_when_english_is_active(hung_yen_2026):
    with translation.override("en"):
        sentences = narrative_of(hung_yen_2026.province)

    assert sentences[0] == (
        "In 2026, 5 agencies were inspected (02 department-level units (Sở, Chi cục); "
        "03 commune People's Committees)."
    )
    assert sentences[1].startswith(f"4/5 units conform to «{TITLES['CB01']}»; ")
    assert sentences[2:6] == [
        "Ratings: 40% good (2/5), 20% meeting requirements (1/5), 40% not yet meeting (2/5).",
        "Not yet meeting requirements: UBND xã Ân Thi, UBND xã Bãi Sậy.",
        "Findings: 6 open (3 overdue), 2 with corrective action records awaiting "
        "verification, 1 verified.",
        "2 inspections are not finished yet and are not counted.",
    ]
    assert sentences[-1] == "2/4 commune-level units have announced their QMS (50%)."
    assert "Trong" not in " ".join(sentences)


@pytest.mark.parametrize(("language", "word"), [("vi", "Trong năm 2026"), ("en", "In 2026")])
def test_narrative_follows_the_active_language_and_not_a_fixed_one(hung_yen_2026, language, word):
    with translation.override(language):
        assert narrative_of(hung_yen_2026.province)[0].startswith(word)
