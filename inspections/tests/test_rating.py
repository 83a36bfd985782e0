"""The rating rule: score = 100 × Σ weight × (1 conforming, ½ partial) / Σ weight over the
answered criteria that apply, rounded half up to one decimal; with every weight 1 that is
100 × (conforming + ½ partial) / (answered − not applicable). Tiers from the checklist's
thresholds."""

from decimal import Decimal

import pytest

from agencies.tests.factories import make_agency
from inspections import services
from inspections.models import Answer, Checklist, Criterion, Inspection
from inspections.tests.factories import make_round

C = Answer.Result.CONFORMING
P = Answer.Result.PARTIAL
N = Answer.Result.NONCONFORMING
NA = Answer.Result.NA
BLANK = ""


def score_of(*results):
    """The score of answers to criteria that all weigh 1."""
    return weighted_score_of(*[(result, 1) for result in results])


def weighted_score_of(*pairs):
    """The score of answers given as (result, weight of the criterion)."""
    return Inspection.score_of(
        [Answer(result=result, criterion=Criterion(weight=weight)) for result, weight in pairs]
    )


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


# Weights: each criterion counts as many times as its weight.


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        # 100 × 3 / (3 + 1) = 75.0; unweighted it would be 50.0.
        ([(C, 3), (N, 1)], Decimal("75.0")),
        # 100 × (1 + 3 × ½) / (1 + 3 + 2) = 250 / 6 = 41.666… -> 41.7.
        ([(C, 1), (P, 3), (N, 2)], Decimal("41.7")),
        # 100 × (4 + ½) / (4 + 1 + 3) = 56.25 exactly: half up gives 56.3, not 56.2.
        ([(C, 4), (P, 1), (N, 3)], Decimal("56.3")),
        # 100 × (2 × ½) / (2 + 5) = 14.285… -> 14.3.
        ([(P, 2), (N, 5)], Decimal("14.3")),
    ],
)
def test_score_counts_each_criterion_by_its_weight(pairs, expected):
    assert weighted_score_of(*pairs) == expected


def test_weights_of_not_applicable_and_unanswered_criteria_count_nowhere():
    # 100 × 2 / (2 + 2) = 50.0; the weights 10 and 7 left out of the denominator.
    assert weighted_score_of((C, 2), (N, 2), (NA, 10), (BLANK, 7)) == Decimal("50.0")


def test_a_criterion_of_weight_zero_does_not_count():
    assert weighted_score_of((C, 1), (N, 0)) == Decimal("100.0")
    assert weighted_score_of((N, 0), (P, 0)) is None


def test_weights_move_an_inspection_between_tiers():
    # Same answers: unweighted 100 × 3 / 4 = 75.0 meets; with the shortfall weighing 3,
    # 100 × 3 / 6 = 50.0 is not yet meeting.
    assert Checklist().rating_for(score_of(C, C, C, N)) == Inspection.Rating.MEETS
    weighted = weighted_score_of((C, 1), (C, 1), (C, 1), (N, 3))
    assert weighted == Decimal("50.0")
    assert Checklist().rating_for(weighted) == Inspection.Rating.NOT_MEETING


def test_submitting_scores_by_the_weights_of_the_rounds_checklist(province_a, inspector_a):
    checklist = Checklist.objects.create(code="W-2026", title="Weighted checklist")
    for order, (code, weight) in enumerate([("A", 3), ("B", 1), ("C", 1)]):
        Criterion.objects.create(
            checklist=checklist, code=code, title=code, order=order, weight=weight
        )
    round_ = make_round(province_a, [make_agency(province_a)], [inspector_a], checklist=checklist)
    inspection = round_.inspections.get()
    for code, result in [("A", C), ("B", N), ("C", P)]:
        answer = inspection.answers.select_related("inspection").get(criterion__code=code)
        services.answer_save(
            answer=answer, user=inspector_a, result=result, note="x", base_version=0
        )

    submitted = services.inspection_submit(inspection=inspection, user=inspector_a)

    # 100 × (3 + 0 + ½) / (3 + 1 + 1) = 70.0, meets; unweighted it would be 50.0.
    assert submitted.score == Decimal("70.0")
    assert submitted.rating == Inspection.Rating.MEETS
