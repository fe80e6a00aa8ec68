"""Percentiles among peers (pure): bounds, monotony, order, and the cohort threshold."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from assessment.core.benchmark import percentile, standing, standings

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
