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
    scale = 10**INDEX_DECIMALS
    cut = Fraction(math.floor(Fraction(index) * scale), scale)
    return f"{float(cut):.{INDEX_DECIMALS}f}"


def display_score(score: Fraction | float) -> str:
    exact = Fraction(score)
    value = Decimal(exact.numerator) / Decimal(exact.denominator)
    return str(value.quantize(Decimal(1).scaleb(-SCORE_DECIMALS), rounding=ROUND_HALF_UP))
