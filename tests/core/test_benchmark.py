"""Percentiles among peers (pure): bounds, monotony, order, and the cohort threshold."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.core.benchmark import (
    Standing,
    percentile,
    percentile_from_counts,
    standing,
    standing_from_counts,
    standings,
    twice_below_plus_equal,
)

indices = st.fractions(min_value=0, max_value=100, max_denominator=60)
cohorts = st.lists(indices, min_size=5, max_size=30)


@given(indices, cohorts)
def test_a_percentile_lies_between_0_and_100(value, cohort):
    assert 0 <= percentile(value, cohort) <= 100


@given(indices, indices, cohorts)
def test_a_higher_index_never_stands_lower(a, b, cohort):
    low, high = sorted((a, b))
    assert percentile(low, cohort) <= percentile(high, cohort)


@given(indices, cohorts, st.randoms())
def test_the_order_of_peers_does_not_matter(value, cohort, random):
    shuffled = list(cohort)
    random.shuffle(shuffled)
    assert percentile(value, cohort) == percentile(value, shuffled)


@given(cohorts)
def test_above_everyone_is_100_below_everyone_is_0(cohort):
    assert percentile(max(cohort) + 1, cohort) == 100
    assert percentile(min(cohort) - 1, cohort) == 0


def test_equal_to_everyone_is_the_middle():
    assert percentile(Fraction(40), [Fraction(40)] * 6) == 50


@given(indices, st.lists(indices, max_size=4))
def test_fewer_than_five_peers_give_no_percentile(value, cohort):
    assert standing(value, cohort).percentile is None
    assert standing(value, cohort).cohort_size == len(cohort)


def test_each_metric_counts_only_the_peers_that_have_it():
    peers = [
        {"overall": Fraction(i * 10), "data": Fraction(i * 10) if i < 3 else None} for i in range(6)
    ]
    result = standings({"overall": Fraction(25), "data": Fraction(25)}, peers)
    assert result["overall"].cohort_size == 6
    assert result["overall"].percentile == Fraction(100 * 3, 6)
    assert result["data"].cohort_size == 3
    assert result["data"].percentile is None


def test_the_counts_give_the_mid_rank_percentile():
    # Among 8 peers, 3 below and 2 equal: (2 * 3 + 2) / (2 * 8) = 50 %.
    assert percentile_from_counts(8, 2 * 3 + 2) == 50
    assert percentile_from_counts(8, 0) == 0
    assert percentile_from_counts(8, 16) == 100
    assert percentile_from_counts(3, 1) == Fraction(100, 6)


@pytest.mark.parametrize(
    ("cohort_size", "counted", "message"),
    [(0, 0, "at least one peer"), (4, -1, "-1 is not twice"), (4, 9, "9 is not twice")],
)
def test_counts_no_cohort_could_give_are_refused(cohort_size, counted, message):
    with pytest.raises(ValueError, match=message):
        percentile_from_counts(cohort_size, counted)


def test_a_standing_from_counts_needs_enough_peers_and_a_value_of_ones_own():
    assert standing_from_counts(5, 5) == Standing(cohort_size=5, percentile=Fraction(50))
    assert standing_from_counts(4, 4) == Standing(cohort_size=4, percentile=None)
    assert standing_from_counts(9, None) == Standing(cohort_size=9, percentile=None)
    assert standing_from_counts(2, 4, min_cohort=2).percentile == 100
    assert standing_from_counts(0, 0, min_cohort=0) == Standing(cohort_size=0, percentile=None)


@given(st.none() | indices, st.lists(indices, max_size=12), st.integers(0, 8))
def test_counting_in_python_and_from_counts_give_the_same_standing(value, cohort, min_cohort):
    counted = None if value is None else twice_below_plus_equal(value, cohort)
    assert standing(value, cohort, min_cohort) == standing_from_counts(
        len(cohort), counted, min_cohort
    )
    if counted is not None:
        below = sum(1 for peer in cohort if peer < value)
        equal = sum(1 for peer in cohort if peer == value)
        assert counted == 2 * below + equal
