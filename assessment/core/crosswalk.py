"""An assessment read on another published framework's levels, through a crosswalk kept
as content. Pure, like ``scoring``.

A crosswalk groups our questions into the other framework's areas and maps each of our
five levels onto one of its levels (0: below its first level). Each area is scored as a
dimension of its questions would be, by the questionnaire's own rules (weights,
thresholds, minimum share answered with a level), and its level is mapped. The overall
reading is the lowest area level, and only when every area has one: a framework whose
levels ask all areas to reach them cannot be read on some of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from assessment.core.scoring import Answer, DimensionRule, Level, ScoringRules, score

BELOW_FIRST_LEVEL = 0
AREA_PART = "crosswalk"


@dataclass(frozen=True)
class CrosswalkRule:
    areas: tuple[tuple[str, tuple[str, ...]], ...]  # (area id, its question ids), in order
    level_map: tuple[int, ...]  # the framework's level for each of our levels 1-5; 0: below


@dataclass(frozen=True)
class AreaReading:
    id: str
    questions: int
    answered: int  # with a level
    index: Fraction | None  # on our 0-100 scale; None: insufficient data
    level: Level | None  # ours
    framework_level: int | None  # theirs; 0: below their first level; None: no reading


@dataclass(frozen=True)
class CrosswalkReading:
    areas: tuple[AreaReading, ...]
    overall: int | None  # the lowest area level; None unless every area has one


def area_rules(rule: CrosswalkRule, rules: ScoringRules) -> ScoringRules:
    """The crosswalk's areas as the dimensions of a questionnaire, with our questions'
    weights and our thresholds and minimum share."""
    questions = {q.id: q for d in rules.dimensions for q in d.questions}
    return ScoringRules(
        dimensions=tuple(
            DimensionRule(
                id=area_id,
                part=AREA_PART,
                weight=Fraction(1),
                questions=tuple(questions[q] for q in question_ids if q in questions),
            )
            for area_id, question_ids in rule.areas
        ),
        thresholds=rules.thresholds,
        min_answered_share=rules.min_answered_share,
    )


def read(
    rule: CrosswalkRule, rules: ScoringRules, answers: Mapping[str, Answer]
) -> CrosswalkReading:
    by_area = area_rules(rule, rules)
    mapped = {q.id for d in by_area.dimensions for q in d.questions}
    scored = score({q: a for q, a in answers.items() if q in mapped}, by_area)
    areas = []
    for area_id, _question_ids in rule.areas:
        area = scored.dimensions[area_id]
        areas.append(
            AreaReading(
                id=area_id,
                questions=area.question_count,
                answered=area.answered,
                index=area.index,
                level=area.level,
                framework_level=None if area.level is None else rule.level_map[area.level - 1],
            )
        )
    levels = [a.framework_level for a in areas]
    overall = None if not levels or None in levels else min(levels)
    return CrosswalkReading(tuple(areas), overall)
