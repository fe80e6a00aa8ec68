"""Where an organisation stands among its peers: percentiles, and nothing else.

Pure, like ``scoring.py``. A peer cohort is the latest submitted index of every other
organisation of the same industry and size band that has agreed to be counted. A
percentile is given only when the cohort has at least ``min_cohort`` members, and it is
the only thing shown: never a peer's name or value.

The percentile is the mid-rank one: the share of peers strictly below, plus half the
share exactly equal, times 100. So an organisation equal to all its peers stands at 50,
above all of them at 100, below all at 0; it never decreases when the index rises.

The rule is written once, in ``percentile_from_counts``: the app has the database count,
per metric, the peers with a value and twice those below plus those equal
(``history/service.peer_standings``), and ``standing_from_counts`` turns those two numbers
into a ``Standing``; ``percentile`` and ``standing`` count the same in Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

DEFAULT_MIN_COHORT = 5


@dataclass(frozen=True)
class Standing:
    cohort_size: int
    percentile: Fraction | None  # None: too few peers, or no index of one's own


def twice_below_plus_equal(value: Fraction, cohort: Sequence[Fraction]) -> int:
    """Twice the number of peers strictly below ``value``, plus the number exactly equal:
    what ``percentile_from_counts`` needs; the database counts the same sum."""
    return sum(2 if peer < value else 1 if peer == value else 0 for peer in cohort)


def percentile_from_counts(cohort_size: int, twice_below_plus_equal: int) -> Fraction:
    """The mid-rank percentile: ``100 * (2 * below + equal) / (2 * cohort_size)``, the one
    place where that rule is written."""
    if cohort_size < 1:
        raise ValueError("a percentile needs at least one peer")
    if not 0 <= twice_below_plus_equal <= 2 * cohort_size:
        raise ValueError(
            f"{twice_below_plus_equal} is not twice the peers below plus those equal "
            f"among {cohort_size} peers"
        )
    return Fraction(100 * twice_below_plus_equal, 2 * cohort_size)


def standing_from_counts(
    cohort_size: int, twice_below_plus_equal: int | None, min_cohort: int = DEFAULT_MIN_COHORT
) -> Standing:
    """The standing among ``cohort_size`` peers that have a value, from the counts of
    ``twice_below_plus_equal`` (None: no value of one's own). No percentile with fewer than
    ``min_cohort`` peers, nor with none at all."""
    if twice_below_plus_equal is None or cohort_size < max(min_cohort, 1):
        return Standing(cohort_size=cohort_size, percentile=None)
    return Standing(
        cohort_size=cohort_size,
        percentile=percentile_from_counts(cohort_size, twice_below_plus_equal),
    )


def percentile(value: Fraction, cohort: Sequence[Fraction]) -> Fraction:
    return percentile_from_counts(len(cohort), twice_below_plus_equal(value, cohort))


def standing(
    value: Fraction | None, cohort: Sequence[Fraction], min_cohort: int = DEFAULT_MIN_COHORT
) -> Standing:
    return standing_from_counts(
        len(cohort),
        None if value is None else twice_below_plus_equal(value, cohort),
        min_cohort,
    )


def standings(
    own: Mapping[str, Fraction | None],
    peers: Sequence[Mapping[str, Fraction | None]],
    min_cohort: int = DEFAULT_MIN_COHORT,
) -> dict[str, Standing]:
    """For each metric of ``own`` ("overall", or a dimension id): its standing among the
    peers that have a value for that metric."""
    return {
        metric: standing(
            value,
            [peer[metric] for peer in peers if peer.get(metric) is not None],
            min_cohort,
        )
        for metric, value in own.items()
    }
