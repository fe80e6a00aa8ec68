"""Where an organisation stands among its peers: percentiles, and nothing else.

Pure, like ``scoring.py``. A peer cohort is the latest submitted index of every other
organisation of the same industry and size band that has agreed to be counted. A
percentile is given only when the cohort has at least ``min_cohort`` members, and it is
the only thing shown: never a peer's name or value.

The percentile is the mid-rank one: the share of peers strictly below, plus half the
share exactly equal, times 100. So an organisation equal to all its peers stands at 50,
above all of them at 100, below all at 0; it never decreases when the index rises.
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


def percentile(value: Fraction, cohort: Sequence[Fraction]) -> Fraction:
    below = sum(1 for peer in cohort if peer < value)
    equal = sum(1 for peer in cohort if peer == value)
    return Fraction(100 * (2 * below + equal), 2 * len(cohort))


def standing(
    value: Fraction | None, cohort: Sequence[Fraction], min_cohort: int = DEFAULT_MIN_COHORT
) -> Standing:
    if value is None or len(cohort) < min_cohort:
        return Standing(cohort_size=len(cohort), percentile=None)
    return Standing(cohort_size=len(cohort), percentile=percentile(value, cohort))


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
