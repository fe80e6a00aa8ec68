"""Comparing two scored assessments of one organisation: what moved, by how much, and why.

Pure, like ``scoring.py``: rules and answers in, frozen dataclasses of ids, exact
``Fraction``s and enums out. Each side is scored with ``scoring.score``; nothing here
changes how a score is computed, it only explains the difference between two of them.

Which questions continue which (``maps_from``)
    ``maps_from[new_question_id]`` lists the old questions a new question continues:
    one (kept or reworded), the same one for several new questions (split), or several
    (merged). An empty tuple says "no counterpart". A new question without an entry
    continues the old question with the same id in the dimension with the same id, if
    there is one; so comparing two assessments on one questionnaire needs no mapping.
    A mapping only links questions of dimensions with the same id (a question that moved
    to another dimension is, for comparison, removed from one and new in the other);
    ``mapping_problems`` lists every broken entry, and ``compare`` refuses them.

When a dimension is comparable
    Both sides have the dimension, both have enough data (``scoring``'s rule), and the
    questionnaire kept enough of it: at least ``min_mapped_share`` (default 1/2) of the
    new dimension's questions continue an old one, and at least that share of the old
    dimension's questions are continued by a new one. Both shares are counted over
    questions, as ``min_answered_share`` is, and neither depends on the answers, so the
    rule reads the same whichever assessment is called old. Otherwise ``delta`` and every
    contribution are ``None``, and ``reasons`` says why; the per-question movements are
    still reported.

A question's contribution to its dimension's index change
    With ``I = Σ w·s / W`` over the questions that have a level (``s`` the 0-100 value
    of the level, ``W`` the sum of their weights), and ``I_old``, ``W_new`` from the old
    index and the new answered weight, the change splits exactly into

        ΔI = Σ_new w·(s − I_old) / W_new  −  Σ_old w·(s − I_old) / W_new

    because the second sum is zero (``I_old`` is the weighted mean of the old values) and
    the first is ``I_new − I_old``. Each question keeps its own terms, so the
    contributions add up exactly to the delta:

    - answered on both sides: ``(w_new·(s_new − I_old) − w_old·(s_old − I_old)) / W_new``,
      which is ``w·(s_new − s_old) / W_new`` when the weight is unchanged, and exactly 0
      for an unchanged answer;
    - newly answered (or a new question): ``w·(s_new − I_old) / W_new``, it pulls the
      index towards its own value by its share of the new weight;
    - no longer answered (or a removed question): ``−w·(s_old − I_old) / W_new``;
    - no level on either side: 0.

    A new question continuing several old ones takes all of their old terms; an old
    question continued by several new ones (split) gives each a share of its old term in
    proportion to their weights. So a split or merge that keeps the total weight and the
    levels contributes 0, while a weight changed by a new questionnaire version shows as a
    contribution of the question whose weight changed. The decomposition is directional
    (old to new): swapping the sides negates every delta, not every contribution.

The old level of a continued question
    For display and for ``movement``: the weighted mean (old weights) of the levels of the
    old questions it continues that have one; otherwise "not applicable" if any of them
    is, otherwise "don't know" if any is, otherwise blank (as ``merging`` reads answers).
    ``level_change`` is the new level minus that mean, so it can be a fraction after a merge.

Part and overall indices
    Each is a weighted mean of dimension indices (``scoring.aggregate``); the same
    identity, with dimensions for questions and dimension weights for question weights,
    splits its delta into one contribution per dimension that enters it on either side.
    The aggregate is not comparable when a side has no index for it (or lacks the part)
    or when none of its dimensions is comparable on both sides; it is ``PARTIAL`` when its
    delta, still exact, includes dimensions that are not comparable or enter only one
    side (insufficient data, added, removed); they are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from assessment.core.scoring import (
    Abstention,
    AggregateScore,
    Answer,
    AssessmentScore,
    DimensionRule,
    DimensionScore,
    Level,
    ScoringRules,
    index_from_score,
    score,
    weighted_mean,
)

DEFAULT_MIN_MAPPED_SHARE = Fraction(1, 2)


class Comparability(Enum):
    COMPARABLE = "comparable"
    PARTIAL = "partial"  # aggregates only: exact, but includes dimensions not comparable
    NOT_COMPARABLE = "not_comparable"


class Reason(Enum):
    """Why a dimension or an aggregate is not comparable."""

    ADDED = "added"  # only in the new questionnaire
    REMOVED = "removed"  # only in the old questionnaire
    INSUFFICIENT_DATA_OLD = "insufficient_data_old"
    INSUFFICIENT_DATA_NEW = "insufficient_data_new"
    TOO_FEW_MAPPED_QUESTIONS = "too_few_mapped_questions"
    NO_COMPARABLE_DIMENSION = "no_comparable_dimension"


class Movement(Enum):
    UP = "up"
    DOWN = "down"
    UNCHANGED = "unchanged"  # same level, or the same abstention, or blank on both sides
    BECAME_NOT_APPLICABLE = "became_not_applicable"
    BECAME_UNKNOWN = "became_unknown"
    NEWLY_ANSWERED = "newly_answered"  # a level now, none before
    NO_LONGER_ANSWERED = "no_longer_answered"  # blank now, answered before
    NEW_QUESTION = "new_question"  # no old counterpart
    REMOVED_QUESTION = "removed_question"  # no new counterpart


# ---------------------------------------------------------------------------
# The question mapping


class MappingProblemCode(Enum):
    UNKNOWN_NEW_QUESTION = "unknown_new_question"
    UNKNOWN_OLD_QUESTION = "unknown_old_question"
    OTHER_DIMENSION = "other_dimension"
    REPEATED_OLD_QUESTION = "repeated_old_question"


@dataclass(frozen=True)
class MappingProblem:
    question_id: str
    code: MappingProblemCode
    old_question_id: str | None = None


class InvalidMappingError(ValueError):
    def __init__(self, problems: list[MappingProblem]) -> None:
        super().__init__(f"{len(problems)} invalid question mapping(s)")
        self.problems = tuple(problems)


def _dimension_of_questions(rules: ScoringRules) -> dict[str, str]:
    return {q.id: d.id for d in rules.dimensions for q in d.questions}


def mapping_problems(
    old_rules: ScoringRules,
    new_rules: ScoringRules,
    maps_from: Mapping[str, tuple[str, ...]],
) -> list[MappingProblem]:
    """Every entry of ``maps_from`` that names an unknown question or crosses dimensions."""
    old_dimension_of = _dimension_of_questions(old_rules)
    new_dimension_of = _dimension_of_questions(new_rules)
    problems: list[MappingProblem] = []
    for question_id, old_ids in maps_from.items():
        if question_id not in new_dimension_of:
            problems.append(MappingProblem(question_id, MappingProblemCode.UNKNOWN_NEW_QUESTION))
            continue
        seen: set[str] = set()
        for old_id in old_ids:
            if old_id in seen:
                code = MappingProblemCode.REPEATED_OLD_QUESTION
            elif old_id not in old_dimension_of:
                code = MappingProblemCode.UNKNOWN_OLD_QUESTION
            elif old_dimension_of[old_id] != new_dimension_of[question_id]:
                code = MappingProblemCode.OTHER_DIMENSION
            else:
                seen.add(old_id)
                continue
            problems.append(MappingProblem(question_id, code, old_id))
    return problems


def resolve_mapping(
    old_rules: ScoringRules,
    new_rules: ScoringRules,
    maps_from: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """The old questions each new question continues, explicit for every new question."""
    maps_from = maps_from or {}
    problems = mapping_problems(old_rules, new_rules, maps_from)
    if problems:
        raise InvalidMappingError(problems)
    old_dimension_of = _dimension_of_questions(old_rules)
    resolved: dict[str, tuple[str, ...]] = {}
    for dimension in new_rules.dimensions:
        for question in dimension.questions:
            if question.id in maps_from:
                resolved[question.id] = tuple(maps_from[question.id])
            elif old_dimension_of.get(question.id) == dimension.id:
                resolved[question.id] = (question.id,)
            else:
                resolved[question.id] = ()
    return resolved


# ---------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class QuestionComparison:
    question_id: str | None  # the new question; None for a removed one
    old_question_ids: tuple[str, ...]  # the old questions it continues
    old_answers: tuple[Answer | None, ...]  # one per old question; None is blank
    new_answer: Answer | None
    old_level: Fraction | None  # weighted mean level of the old questions with one
    new_level: Level | None
    level_change: Fraction | None  # new_level - old_level, when both exist
    movement: Movement
    contribution: Fraction | None  # share of the dimension delta; None if not comparable


@dataclass(frozen=True)
class IndexChange:
    """One index on both sides: a dimension's, a part's or the overall one."""

    status: Comparability
    reasons: tuple[Reason, ...]
    old_index: Fraction | None
    new_index: Fraction | None
    old_level: Level | None
    new_level: Level | None
    delta: Fraction | None  # new_index - old_index, when comparable


@dataclass(frozen=True)
class DimensionComparison(IndexChange):
    id: str
    part: str  # in the new questionnaire, or the old one for a removed dimension
    questions: tuple[QuestionComparison, ...]  # new questions in order, then removed ones


@dataclass(frozen=True)
class AggregateComparison(IndexChange):
    """A part or the overall index on both sides."""

    contributions: Mapping[str, Fraction]  # by dimension id; adds up to delta
    not_comparable_dimensions: tuple[str, ...]  # counted on a side, not like for like


@dataclass(frozen=True)
class AssessmentComparison:
    old: AssessmentScore
    new: AssessmentScore
    question_map: Mapping[str, tuple[str, ...]]  # resolved: every new question
    overall: AggregateComparison
    parts: Mapping[str, AggregateComparison]
    dimensions: Mapping[str, DimensionComparison]


# ---------------------------------------------------------------------------
# The method


def _old_state(
    old_ids: tuple[str, ...], answers: Mapping[str, Answer], weights: Mapping[str, Fraction]
) -> Fraction | Abstention | None:
    levelled = [
        (Fraction(int(answer)), weights[old_id])
        for old_id in old_ids
        if isinstance(answer := answers.get(old_id), Level)
    ]
    if levelled:
        return weighted_mean(levelled)
    given = {answers.get(old_id) for old_id in old_ids}
    for abstention in (Abstention.NOT_APPLICABLE, Abstention.UNKNOWN):
        if abstention in given:
            return abstention
    return None


def _movement(old: Fraction | Abstention | None, new: Answer | None) -> Movement:
    if isinstance(new, Level):
        if not isinstance(old, Fraction):
            return Movement.NEWLY_ANSWERED
        if new > old:
            return Movement.UP
        return Movement.DOWN if new < old else Movement.UNCHANGED
    if new == old:
        return Movement.UNCHANGED
    if new is Abstention.NOT_APPLICABLE:
        return Movement.BECAME_NOT_APPLICABLE
    if new is Abstention.UNKNOWN:
        return Movement.BECAME_UNKNOWN
    return Movement.NO_LONGER_ANSWERED


def _dimension_reasons(
    old_rule: DimensionRule | None,
    new_rule: DimensionRule | None,
    old_index: Fraction | None,
    new_index: Fraction | None,
    question_map: Mapping[str, tuple[str, ...]],
    min_mapped_share: Fraction,
) -> tuple[Reason, ...]:
    if old_rule is None:
        return (Reason.ADDED,)
    if new_rule is None:
        return (Reason.REMOVED,)
    reasons = []
    if old_index is None:
        reasons.append(Reason.INSUFFICIENT_DATA_OLD)
    if new_index is None:
        reasons.append(Reason.INSUFFICIENT_DATA_NEW)
    if not _kept_enough(old_rule, new_rule, question_map, min_mapped_share):
        reasons.append(Reason.TOO_FEW_MAPPED_QUESTIONS)
    return tuple(reasons)


def _kept_enough(
    old_rule: DimensionRule,
    new_rule: DimensionRule,
    question_map: Mapping[str, tuple[str, ...]],
    min_mapped_share: Fraction,
) -> bool:
    """Whether the questionnaire kept enough of a dimension to compare it (either way)."""
    mapped_new = sum(1 for q in new_rule.questions if question_map[q.id])
    continued_old = {old_id for q in new_rule.questions for old_id in question_map[q.id]}
    return (
        Fraction(mapped_new, len(new_rule.questions)) >= min_mapped_share
        and Fraction(len(continued_old), len(old_rule.questions)) >= min_mapped_share
    )


def comparable_dimensions(
    old_rules: ScoringRules,
    new_rules: ScoringRules,
    maps_from: Mapping[str, tuple[str, ...]] | None = None,
    *,
    min_mapped_share: Fraction = DEFAULT_MIN_MAPPED_SHARE,
) -> frozenset[str]:
    """The dimensions whose indices can be compared across the two questionnaires, whatever
    the answers: present in both, and kept enough (the rule ``compare`` applies). A
    dimension of these may still lack the data for an index on one side."""
    question_map = resolve_mapping(old_rules, new_rules, maps_from)
    old_rules_by_id = {d.id: d for d in old_rules.dimensions}
    return frozenset(
        dimension.id
        for dimension in new_rules.dimensions
        if dimension.id in old_rules_by_id
        and _kept_enough(old_rules_by_id[dimension.id], dimension, question_map, min_mapped_share)
    )


@dataclass(frozen=True)
class _Terms:
    """One side's terms of the decomposition: ``weight * (value - reference) / total``."""

    reference: Fraction  # the old index
    total_weight: Fraction  # the new side's answered weight

    def of(self, weight: Fraction, value: Fraction | None) -> Fraction:
        if value is None:
            return Fraction(0)
        return weight * (value - self.reference) / self.total_weight


def _level_value(answer: Answer | None) -> Fraction | None:
    """A level on the 0-100 index scale; None for anything else."""
    return index_from_score(Fraction(int(answer))) if isinstance(answer, Level) else None


def _compare_dimension(
    dimension_id: str,
    old_rule: DimensionRule | None,
    new_rule: DimensionRule | None,
    old_answers: Mapping[str, Answer],
    new_answers: Mapping[str, Answer],
    old_result: DimensionScore | None,
    new_result: DimensionScore | None,
    question_map: Mapping[str, tuple[str, ...]],
    min_mapped_share: Fraction,
) -> DimensionComparison:
    old_index = old_result.index if old_result else None
    new_index = new_result.index if new_result else None
    reasons = _dimension_reasons(
        old_rule, new_rule, old_index, new_index, question_map, min_mapped_share
    )
    old_questions = old_rule.questions if old_rule else ()
    new_questions = new_rule.questions if new_rule else ()
    old_weights = {q.id: q.weight for q in old_questions}
    continuers: dict[str, list[Fraction]] = {q.id: [] for q in old_questions}
    for question in new_questions:
        for old_id in question_map[question.id]:
            continuers[old_id].append(question.weight)

    terms = None
    delta = None
    if not reasons and old_index is not None and new_index is not None:
        answered_weight = sum(
            (q.weight for q in new_questions if isinstance(new_answers.get(q.id), Level)),
            Fraction(0),
        )
        terms = _Terms(reference=old_index, total_weight=answered_weight)
        delta = new_index - old_index

    rows = []
    for question in new_questions:
        old_ids = question_map[question.id]
        new_answer = new_answers.get(question.id)
        old_state = _old_state(old_ids, old_answers, old_weights)
        old_level = old_state if isinstance(old_state, Fraction) else None
        new_level = new_answer if isinstance(new_answer, Level) else None
        contribution = None
        if terms is not None:
            contribution = terms.of(question.weight, _level_value(new_answer)) - sum(
                (
                    question.weight
                    / sum(continuers[old_id])
                    * terms.of(old_weights[old_id], _level_value(old_answers.get(old_id)))
                    for old_id in old_ids
                ),
                Fraction(0),
            )
        rows.append(
            QuestionComparison(
                question_id=question.id,
                old_question_ids=old_ids,
                old_answers=tuple(old_answers.get(old_id) for old_id in old_ids),
                new_answer=new_answer,
                old_level=old_level,
                new_level=new_level,
                level_change=(
                    new_level - old_level
                    if new_level is not None and old_level is not None
                    else None
                ),
                movement=_movement(old_state, new_answer) if old_ids else Movement.NEW_QUESTION,
                contribution=contribution,
            )
        )
    for question in old_questions:
        if continuers[question.id]:
            continue
        old_answer = old_answers.get(question.id)
        rows.append(
            QuestionComparison(
                question_id=None,
                old_question_ids=(question.id,),
                old_answers=(old_answer,),
                new_answer=None,
                old_level=Fraction(int(old_answer)) if isinstance(old_answer, Level) else None,
                new_level=None,
                level_change=None,
                movement=Movement.REMOVED_QUESTION,
                contribution=(
                    None if terms is None else -terms.of(question.weight, _level_value(old_answer))
                ),
            )
        )

    return DimensionComparison(
        id=dimension_id,
        part=new_rule.part if new_rule else old_rule.part if old_rule else "",
        status=Comparability.COMPARABLE if terms is not None else Comparability.NOT_COMPARABLE,
        reasons=reasons,
        old_index=old_index,
        new_index=new_index,
        old_level=old_result.level if old_result else None,
        new_level=new_result.level if new_result else None,
        delta=delta,
        questions=tuple(rows),
    )


def _included(
    aggregate_score: AggregateScore | None, rules: ScoringRules, result: AssessmentScore
) -> dict[str, tuple[Fraction, Fraction]]:
    """``(weight, index)`` of each dimension counted in an aggregate."""
    if aggregate_score is None:
        return {}
    weights = {d.id: d.weight for d in rules.dimensions}
    return {
        d: (weights[d], index)
        for d in aggregate_score.included_dimensions
        if (index := result.dimensions[d].index) is not None
    }


def _compare_aggregate(
    old: AggregateScore | None,
    new: AggregateScore | None,
    old_included: Mapping[str, tuple[Fraction, Fraction]],
    new_included: Mapping[str, tuple[Fraction, Fraction]],
    dimensions: Mapping[str, DimensionComparison],
) -> AggregateComparison:
    reasons = []
    if old is None:
        reasons.append(Reason.ADDED)
    elif old.index is None:
        reasons.append(Reason.INSUFFICIENT_DATA_OLD)
    if new is None:
        reasons.append(Reason.REMOVED)
    elif new.index is None:
        reasons.append(Reason.INSUFFICIENT_DATA_NEW)
    involved = tuple(dict.fromkeys([*new_included, *old_included]))
    like_for_like = [
        d
        for d in involved
        if d in old_included
        and d in new_included
        and dimensions[d].status is Comparability.COMPARABLE
    ]
    not_comparable = tuple(d for d in involved if d not in like_for_like)
    if not reasons and not like_for_like:
        reasons.append(Reason.NO_COMPARABLE_DIMENSION)

    contributions: dict[str, Fraction] = {}
    delta = None
    status = Comparability.NOT_COMPARABLE
    if not reasons and old and new and old.index is not None and new.index is not None:
        terms = _Terms(
            reference=old.index,
            total_weight=sum((weight for weight, _ in new_included.values()), Fraction(0)),
        )
        absent = (Fraction(0), None)  # a dimension not counted on a side has no term there
        for d in involved:
            contributions[d] = terms.of(*new_included.get(d, absent)) - terms.of(
                *old_included.get(d, absent)
            )
        delta = new.index - old.index
        status = Comparability.PARTIAL if not_comparable else Comparability.COMPARABLE
    return AggregateComparison(
        status=status,
        reasons=tuple(reasons),
        old_index=old.index if old else None,
        new_index=new.index if new else None,
        old_level=old.level if old else None,
        new_level=new.level if new else None,
        delta=delta,
        contributions=contributions,
        not_comparable_dimensions=not_comparable,
    )


def compare(
    old_rules: ScoringRules,
    old_answers: Mapping[str, Answer],
    new_rules: ScoringRules,
    new_answers: Mapping[str, Answer],
    maps_from: Mapping[str, tuple[str, ...]] | None = None,
    *,
    min_mapped_share: Fraction = DEFAULT_MIN_MAPPED_SHARE,
) -> AssessmentComparison:
    """Score both sides and explain the difference (see the module docstring)."""
    question_map = resolve_mapping(old_rules, new_rules, maps_from)
    old_score = score(old_answers, old_rules)
    new_score = score(new_answers, new_rules)
    old_rules_by_id = {d.id: d for d in old_rules.dimensions}
    new_rules_by_id = {d.id: d for d in new_rules.dimensions}
    dimensions = {
        dimension_id: _compare_dimension(
            dimension_id,
            old_rules_by_id.get(dimension_id),
            new_rules_by_id.get(dimension_id),
            old_answers,
            new_answers,
            old_score.dimensions.get(dimension_id),
            new_score.dimensions.get(dimension_id),
            question_map,
            min_mapped_share,
        )
        for dimension_id in dict.fromkeys([*new_rules_by_id, *old_rules_by_id])
    }

    def compare_aggregate(
        old: AggregateScore | None, new: AggregateScore | None
    ) -> AggregateComparison:
        return _compare_aggregate(
            old,
            new,
            _included(old, old_rules, old_score),
            _included(new, new_rules, new_score),
            dimensions,
        )

    return AssessmentComparison(
        old=old_score,
        new=new_score,
        question_map=question_map,
        overall=compare_aggregate(old_score.overall, new_score.overall),
        parts={
            part: compare_aggregate(old_score.parts.get(part), new_score.parts.get(part))
            for part in dict.fromkeys([*new_rules.parts, *old_rules.parts])
        },
        dimensions=dimensions,
    )
