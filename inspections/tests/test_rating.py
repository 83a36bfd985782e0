"""The rating rule: score = 100 × (conforming + ½ partial) / (answered − not applicable),
rounded half up to one decimal; tiers from the checklist's thresholds."""

from decimal import Decimal

import pytest

from inspections.models import Answer, Checklist, Inspection

C = Answer.Result.CONFORMING
P = Answer.Result.PARTIAL
N = Answer.Result.NONCONFORMING
NA = Answer.Result.NA
BLANK = ""


def score_of(*results):
    return Inspection().compute_score([Answer(result=result) for result in results])


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ([C] * 12, Decimal("100.0")),
        ([N] * 12, Decimal("0.0")),
        ([C, C, P], Decimal("83.3")),  # 250 / 3 = 83.333…
        ([C, P, N], Decimal("50.0")),
        ([C, N, N], Decimal("33.3")),
        ([C, C, N], Decimal("66.7")),  # 66.666… rounds up
        ([C] * 11 + [P], Decimal("95.8")),  # 1150 / 12 = 95.833…
        ([P] * 12, Decimal("50.0")),
    ],
)
def test_score_counts_conforming_as_one_and_partial_as_half(results, expected):
    assert score_of(*results) == expected


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        # 100 × 0.5 / 8 = 6.25 exactly: half up gives 6.3 where banker's rounding gives 6.2.
        ([P] + [N] * 7, Decimal("6.3")),
        # 100 × 4.5 / 8 = 56.25 exactly: 56.3, not 56.2.
        ([C] * 4 + [P] + [N] * 3, Decimal("56.3")),
        # 100 × 6.5 / 8 = 81.25 exactly: 81.3, not 81.2.
        ([C] * 5 + [P] * 3, Decimal("81.3")),
        # 100 × 5.5 / 8 = 68.75 exactly: 68.8.
        ([C] * 5 + [P] + [N] * 2, Decimal("68.8")),
    ],
)
def test_score_rounds_an_exact_half_up(results, expected):
    assert score_of(*results) == expected


def test_score_ignores_not_applicable_and_unanswered_criteria():
    # 5 conforming + 3 partial out of 8 that count; 3 not applicable and 1 unanswered left out.
    results = [C] * 5 + [P] * 3 + [NA] * 3 + [BLANK]
    assert score_of(*results) == Decimal("81.3")


def test_score_is_none_when_every_answer_is_not_applicable():
    assert score_of(*[NA] * 12) is None


def test_score_is_none_when_nothing_is_answered():
    assert score_of(*[BLANK] * 12) is None
    assert score_of() is None


def test_score_has_one_decimal_place():
    assert score_of(C, C, P).as_tuple().exponent == -1
    assert str(score_of(*[C] * 12)) == "100.0"


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (Decimal("100.0"), Inspection.Rating.GOOD),
        (Decimal("90.0"), Inspection.Rating.GOOD),
        (Decimal("90"), Inspection.Rating.GOOD),
        (Decimal("89.9"), Inspection.Rating.MEETS),
        (Decimal("70.0"), Inspection.Rating.MEETS),
        (Decimal("69.9"), Inspection.Rating.NOT_MEETING),
        (Decimal("0.0"), Inspection.Rating.NOT_MEETING),
    ],
)
def test_default_thresholds_are_90_for_good_and_70_for_meets(score, rating):
    assert Checklist().rating_for(score) == rating


def test_no_score_has_no_rating():
    assert Checklist().rating_for(None) == ""


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (Decimal("85.0"), Inspection.Rating.GOOD),
        (Decimal("84.9"), Inspection.Rating.MEETS),
        (Decimal("60.0"), Inspection.Rating.MEETS),
        (Decimal("59.9"), Inspection.Rating.NOT_MEETING),
        # Good by the default thresholds, so the custom ones are really the ones used.
        (Decimal("92.0"), Inspection.Rating.GOOD),
        (Decimal("65.0"), Inspection.Rating.MEETS),
    ],
)
def test_checklist_with_custom_thresholds_rates_by_its_own(score, rating):
    checklist = Checklist(good_from=Decimal("85"), meets_from=Decimal("60"))
    assert checklist.rating_for(score) == rating


@pytest.mark.parametrize(
    ("results", "rating"),
    [
        ([C] * 9 + [N], Inspection.Rating.GOOD),  # exactly 90.0
        ([C] * 4 + [P] + [NA] * 7, Inspection.Rating.GOOD),  # 4.5 / 5 = 90.0
        ([C] * 8 + [P] + [N], Inspection.Rating.MEETS),  # 85.0
        ([C] * 7 + [N] * 3, Inspection.Rating.MEETS),  # exactly 70.0
        ([C] * 3 + [P] + [N], Inspection.Rating.MEETS),  # 3.5 / 5 = 70.0
        ([C] * 5 + [P] + [N] * 2, Inspection.Rating.NOT_MEETING),  # 68.8
        ([C] * 6 + [N] * 4, Inspection.Rating.NOT_MEETING),  # 60.0
    ],
)
def test_computed_score_falls_in_the_expected_tier(results, rating):
    assert Checklist().rating_for(score_of(*results)) == rating


def test_score_just_under_a_threshold_is_not_rounded_into_it():
    # 100 × 62 / 69 = 89.855… rounds to 89.9, which is below 90: meets, not good.
    score = score_of(*[C] * 62 + [N] * 7)
    assert score == Decimal("89.9")
    assert Checklist().rating_for(score) == Inspection.Rating.MEETS
    # 100 × 62.5 / 69 = 90.579…: good.
    assert Checklist().rating_for(score_of(*[C] * 62 + [P] + [N] * 6)) == Inspection.Rating.GOOD
