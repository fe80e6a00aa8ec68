"""Targets: the level an organisation means to reach, and how far it still has to go.

Plain data in, plain data out, standard library only (as ``scoring``). A target names a
level for a dimension, or for one question. The gap to a dimension's target is counted in
index points, exactly, from the stored score:

- a level begins at an index (``level_floor``): 0 for level 1, the content's threshold for
  levels 2-5, as ``scoring.level_from_index`` reads them;
- the gap is the target level's floor minus the current index, and 0 once the current
  index has reached it; a dimension without a score (insufficient data) has no gap;
- the gap to a question's target is counted in levels: the target level minus the level
  answered, and 0 once reached; an abstention or no answer has no gap.

Adding the gap to the current index reaches the target level exactly: not a hair less.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from assessment.core.scoring import Answer, Level


@dataclass(frozen=True)
class DimensionTarget:
    """What an organisation means to reach in a dimension: a level, and by when."""

    level: Level
    due_on: date | None


def level_floor(level: Level, thresholds: tuple[Fraction, ...]) -> Fraction:
    """The lowest index that reads as ``level`` (``thresholds``: where levels 2-5 begin)."""
    return Fraction(0) if level == Level.INITIAL else thresholds[level - Level.EMERGING]


@dataclass(frozen=True)
class DimensionGap:
    """A dimension's distance from its target level."""

    target_level: Level
    target_index: Fraction  # where the target level begins
    current_index: Fraction | None  # None: insufficient data
    points: Fraction | None  # index points still to climb; 0 when reached, None without a score

    @property
    def reached(self) -> bool | None:
        return None if self.points is None else self.points == 0


def dimension_gap(
    target: Level, current_index: Fraction | None, thresholds: tuple[Fraction, ...]
) -> DimensionGap:
    floor = level_floor(target, thresholds)
    points = None if current_index is None else max(Fraction(0), floor - current_index)
    return DimensionGap(
        target_level=target, target_index=floor, current_index=current_index, points=points
    )


@dataclass(frozen=True)
class QuestionGap:
    """A question's distance from its target level."""

    target_level: Level
    current_level: Level | None  # None: not answered with a level
    levels: int | None  # levels still to climb; 0 when reached, None without a level

    @property
    def reached(self) -> bool | None:
        return None if self.levels is None else self.levels == 0


def question_gap(target: Level, answer: Answer | None) -> QuestionGap:
    current = answer if isinstance(answer, Level) else None
    levels = None if current is None else max(0, target - current)
    return QuestionGap(target_level=target, current_level=current, levels=levels)
