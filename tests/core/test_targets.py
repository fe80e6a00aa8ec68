"""Gaps to target levels: properties over random thresholds, indices and targets."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from assessment.core.numbers import display_gap, display_index
from assessment.core.scoring import Abstention, Level, level_from_index
from assessment.core.targets import dimension_gap, level_floor, question_gap

levels = st.sampled_from(list(Level))
indices = st.fractions(min_value=0, max_value=100, max_denominator=1000)


@st.composite
def thresholds(draw):
    cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=4, max_size=4)))
    return tuple(Fraction(cut) for cut in cuts)


@given(thresholds(), levels)
def test_a_level_begins_at_its_floor_and_not_a_hair_below(cuts, level):
    floor = level_floor(level, cuts)
    assert level_from_index(floor, cuts) == level
    if level > Level.INITIAL:
        assert level_from_index(floor - Fraction(1, 10**9), cuts) == level - 1


@given(thresholds(), indices, levels)
def test_the_gap_added_to_the_index_reaches_the_target_exactly(cuts, index, target):
    gap = dimension_gap(target, index, cuts)
    assert gap.points >= 0
    assert gap.reached == (level_from_index(index, cuts) >= target)
    assert level_from_index(index + gap.points, cuts) >= target
    if gap.points > 0:
        assert index + gap.points == gap.target_index
        assert level_from_index(index + gap.points - Fraction(1, 10**9), cuts) < target


@given(thresholds(), levels)
def test_a_dimension_without_a_score_has_no_gap(cuts, target):
    gap = dimension_gap(target, None, cuts)
    assert gap.points is None
    assert gap.reached is None
    assert gap.target_index == level_floor(target, cuts)


def test_example_on_the_default_thresholds():
    cuts = (Fraction(20), Fraction(40), Fraction(60), Fraction(80))
    gap = dimension_gap(Level.INTEGRATED, Fraction(473, 10), cuts)  # 47.3, level 3
    assert gap.target_index == 60
    assert gap.points == Fraction(127, 10)  # 12.7 points to level 4
    assert dimension_gap(Level.DEFINED, Fraction(473, 10), cuts).points == 0


@given(levels, levels)
def test_a_questions_gap_is_the_levels_still_to_climb(target, answered):
    gap = question_gap(target, answered)
    assert gap.levels == max(0, target - answered)
    assert gap.reached == (answered >= target)


@given(levels, st.sampled_from([None, Abstention.NOT_APPLICABLE, Abstention.UNKNOWN]))
def test_a_question_without_a_level_has_no_gap(target, answer):
    gap = question_gap(target, answer)
    assert gap.levels is None
    assert gap.reached is None


@given(indices, st.integers(0, 1000).map(lambda tenths: Fraction(tenths, 10)))
def test_a_shown_gap_is_the_difference_of_the_shown_numbers(index, target):
    shown = display_gap(index, target)
    if index >= target:
        assert shown == "0.0"
    else:
        assert Fraction(shown) > 0
        assert Fraction(display_index(index)) + Fraction(shown) == Fraction(display_index(target))
