"""The roadmap's proposed steps, and the rule that ranks them. Pure, like ``scoring``.

A step is one question climbing from the level answered to its target level; the
content's descriptors say what each level on the way looks like. A question's target is
its own, when one is set, else its dimension's. Steps are proposed:

- for every question with a target of its own above the level answered;
- for the other questions of a dimension whose level is below the dimension's target:
  each answered below that target (a dimension already at its target proposes nothing
  for them).

Questions not answered with a level propose nothing (there is no level to climb from).

Each step carries its figures, exactly:

- ``levels``: the levels it climbs;
- ``dimension_points``: what it adds to its dimension's index: the question's share of
  the weight answered with a level, times the levels, times the 25 index points a level
  is worth (``(score - 1) / 4 * 100``);
- ``overall_points``: what it adds to the overall index: the dimension points times the
  dimension's share of the weight of the dimensions with a score.

The index is linear in the levels, so the figures add up: the points of all the steps of
a dimension are exactly what its index gains when every one is taken, and so for the
overall index.

The rule, the question's weight times the levels to climb as index points: first the
steps of the dimensions the content names as barriers to clear first, when one of them is
a limiting dimension (at the lowest level, which the strict level reads); then by
overall points, most first; then in the questionnaire's order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from assessment.core.scoring import (
    INDEX_SCALE,
    LEVEL_COUNT,
    Answer,
    AssessmentScore,
    Level,
    ScoringRules,
)

T = TypeVar("T")

POINTS_PER_LEVEL = Fraction(INDEX_SCALE, LEVEL_COUNT - 1)


@dataclass(frozen=True)
class Step:
    question_id: str
    dimension_id: str
    from_level: Level
    to_level: Level
    levels: int
    dimension_points: Fraction
    overall_points: Fraction
    barrier_first: bool  # a barrier dimension, cleared first because it limits the rest


def limiting_dimensions(score: AssessmentScore) -> frozenset[str]:
    """The dimensions at the strict level: the lowest level among those with a score."""
    strict = score.overall.strict_level
    if strict is None:
        return frozenset()
    return frozenset(d.id for d in score.dimensions.values() if d.level == strict)


def propose_steps(
    rules: ScoringRules,
    answers: Mapping[str, Answer],
    score: AssessmentScore,
    targets: Mapping[str, Level],
    barriers_first: Collection[str] = (),
    question_targets: Mapping[str, Level] | None = None,
) -> list[Step]:
    """The steps from ``answers`` (scored as ``score``) to the dimensions' ``targets`` and
    the questions' own ``question_targets``, ranked by the rule above."""
    question_targets = question_targets or {}
    included = [d for d in rules.dimensions if score.dimensions[d.id].index is not None]
    total_dimension_weight = sum((d.weight for d in included), Fraction(0))
    limiting = limiting_dimensions(score)
    first = {d for d in barriers_first if d in limiting}
    ranked = []
    for dimension_position, dimension in enumerate(rules.dimensions):
        dimension_target = targets.get(dimension.id)
        dimension_score = score.dimensions[dimension.id]
        if dimension_score.index is None:
            continue
        if dimension_target is not None and dimension_score.level >= dimension_target:
            dimension_target = None  # reached: only the questions' own targets remain
        levelled = [q for q in dimension.questions if isinstance(answers.get(q.id), Level)]
        answered_weight = sum((q.weight for q in levelled), Fraction(0))
        dimension_share = dimension.weight / total_dimension_weight
        for question_position, question in enumerate(dimension.questions):
            answer = answers.get(question.id)
            target = question_targets.get(question.id, dimension_target)
            if target is None or not isinstance(answer, Level) or answer >= target:
                continue
            levels = target - answer
            points = question.weight / answered_weight * POINTS_PER_LEVEL * levels
            step = Step(
                question_id=question.id,
                dimension_id=dimension.id,
                from_level=answer,
                to_level=target,
                levels=levels,
                dimension_points=points,
                overall_points=points * dimension_share,
                barrier_first=dimension.id in first,
            )
            key = (
                not step.barrier_first,
                -step.overall_points,
                dimension_position,
                question_position,
            )
            ranked.append((key, step))
    return [step for _key, step in sorted(ranked, key=lambda item: item[0])]


class Outcome(StrEnum):
    """Where a later assessment finds a question an action aimed to climb."""

    REACHED = "reached"  # at or above the level aimed at
    CLIMBED = "climbed"  # above where it started, short of the aim
    UNCHANGED = "unchanged"
    FELL = "fell"  # below where it started
    NOT_LEVELLED = "not_levelled"  # answered without a level, or not asked any more


def outcome(from_level: Level, to_level: Level, now: Answer | None) -> Outcome:
    """How far a question answered ``now`` came from ``from_level`` towards ``to_level``."""
    if not isinstance(now, Level):
        return Outcome.NOT_LEVELLED
    if now >= to_level:
        return Outcome.REACHED
    if now > from_level:
        return Outcome.CLIMBED
    return Outcome.UNCHANGED if now == from_level else Outcome.FELL


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1-4


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def by_quarter(
    items: Iterable[T], due: Callable[[T], date | None]
) -> list[tuple[Quarter | None, list[T]]]:
    """``items`` grouped by the quarter they are due in, earliest first, then those without
    a date (quarter None); each group keeps the items' order."""
    groups: dict[Quarter | None, list[T]] = {}
    for item in items:
        day = due(item)
        groups.setdefault(None if day is None else quarter_of(day), []).append(item)
    dated = sorted(quarter for quarter in groups if quarter is not None)
    return [(quarter, groups[quarter]) for quarter in dated] + (
        [(None, groups[None])] if None in groups else []
    )
