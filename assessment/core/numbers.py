"""How numbers are shown: the one place where scores and indices are rounded.

An index is cut (not rounded) to one decimal, so that a shown index never reaches a
level threshold that the exact index has not reached: 59.96 shows as 59.9, not 60.0.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

INDEX_DECIMALS = 1
SCORE_DECIMALS = 2


def display_index(index: Fraction | float) -> str:
    return f"{float(_cut(index)):.{INDEX_DECIMALS}f}"


def display_score(score: Fraction | float) -> str:
    exact = Fraction(score)
    value = Decimal(exact.numerator) / Decimal(exact.denominator)
    return str(value.quantize(Decimal(1).scaleb(-SCORE_DECIMALS), rounding=ROUND_HALF_UP))


def _cut(index: Fraction | float) -> Fraction:
    scale = 10**INDEX_DECIMALS
    return Fraction(math.floor(Fraction(index) * scale), scale)


def signed(value: Fraction) -> str:
    """+4.2, −1.0 (a true minus sign), ±0.0."""
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{float(abs(value)):.{INDEX_DECIMALS}f}"


def display_delta(old: Fraction | float, new: Fraction | float) -> str:
    """The change between two indices as shown: the difference of the shown numbers, so
    that a reader who subtracts them finds the same figure."""
    return signed(_cut(new) - _cut(old))


def display_gap(current: Fraction | float, target: Fraction | float) -> str:
    """Index points from an index up to a target level's floor, as shown: the difference
    of the shown numbers, so that a reader who subtracts them finds the same figure; 0.0
    exactly when the target is reached, and never less than 0.1 before."""
    if current >= target:
        return f"{0:.{INDEX_DECIMALS}f}"
    shown = max(_cut(target) - _cut(current), Fraction(1, 10**INDEX_DECIMALS))
    return f"{float(shown):.{INDEX_DECIMALS}f}"


def display_contribution(value: Fraction) -> str:
    """A share of a change, rounded half up to one decimal, with its sign."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return signed(Fraction(exact.quantize(Decimal(1).scaleb(-INDEX_DECIMALS), ROUND_HALF_UP)))


def display_percentile(value: Fraction) -> str:
    """A percentile as a whole number, rounded half up."""
    return str(math.floor(value + Fraction(1, 2)))
