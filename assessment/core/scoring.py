"""The scoring method, and nothing else: plain data in, plain data out.

This module imports only the standard library, so that the rule behind every number a
person sees lives in one place and can be property-tested on its own. The method
(see docs/scoring.md):

- a question answered with a level counts 1-5; "not applicable" and "don't know" are
  counted but never scored;
- a dimension's score is the weighted mean of its answered questions' levels, and its
  index is ``(score - 1) / 4 * 100``;
- a dimension in which fewer than ``min_answered_share`` of the questions have a level
  has insufficient data: it gets no score and is left out of every aggregate;
- a part's index and the overall index are weighted means of the indices of the
  dimensions with enough data, weighted by dimension weight;
- an index maps to a level by thresholds (the index at which levels 2-5 begin); the
  strict level is the lowest level among the dimensions with enough data, i.e. the
  highest level that every one of them reaches.

All arithmetic is exact (``fractions.Fraction``), so equal answers give equal numbers
whatever their order, and thresholds are never missed by a rounding error. Rounding is
for display only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, IntEnum
from fractions import Fraction

INDEX_SCALE = 100
LEVEL_COUNT = 5


class Level(IntEnum):
    INITIAL = 1
    EMERGING = 2
    DEFINED = 3
    INTEGRATED = 4
    LEADING = 5


class Abstention(Enum):
    """An answer that is recorded and reported but never scored."""

    NOT_APPLICABLE = "na"
    UNKNOWN = "unknown"


Answer = Level | Abstention


class Status(Enum):
    OK = "ok"
    PARTIAL = "partial"  # an aggregate computed without some dimensions
    INSUFFICIENT_DATA = "insufficient_data"


# ---------------------------------------------------------------------------
# Rules: what the questionnaire content says about scoring


@dataclass(frozen=True)
class QuestionRule:
    id: str
    weight: Fraction
    allow_na: bool


@dataclass(frozen=True)
class DimensionRule:
    id: str
    part: str
    weight: Fraction
    questions: tuple[QuestionRule, ...]


@dataclass(frozen=True)
class ScoringRules:
    dimensions: tuple[DimensionRule, ...]
    thresholds: tuple[Fraction, ...]  # index at which levels 2..5 begin, increasing
    min_answered_share: Fraction

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(dimension.part for dimension in self.dimensions))

    def question(self, question_id: str) -> QuestionRule | None:
        for dimension in self.dimensions:
            for question in dimension.questions:
                if question.id == question_id:
                    return question
        return None


# ---------------------------------------------------------------------------
# Reading raw answers (from JSON, a form, an import)


class ProblemCode(Enum):
    UNKNOWN_QUESTION = "unknown_question"
    LEVEL_OUT_OF_RANGE = "level_out_of_range"
    NOT_A_LEVEL = "not_a_level"
    NA_NOT_ALLOWED = "na_not_allowed"


@dataclass(frozen=True)
class AnswerProblem:
    question_id: str
    code: ProblemCode
    value: object


class InvalidAnswersError(ValueError):
    def __init__(self, problems: list[AnswerProblem]) -> None:
        super().__init__(f"{len(problems)} invalid answer(s)")
        self.problems = tuple(problems)


def parse_answer(question: QuestionRule, raw: object) -> Answer | AnswerProblem:
    """Read one raw answer: an integer level 1-5, "na" or "unknown"."""
    if isinstance(raw, bool):
        return AnswerProblem(question.id, ProblemCode.NOT_A_LEVEL, raw)
    if isinstance(raw, int):
        if 1 <= raw <= LEVEL_COUNT:
            return Level(raw)
        return AnswerProblem(question.id, ProblemCode.LEVEL_OUT_OF_RANGE, raw)
    if raw == Abstention.UNKNOWN.value:
        return Abstention.UNKNOWN
    if raw == Abstention.NOT_APPLICABLE.value:
        if question.allow_na:
            return Abstention.NOT_APPLICABLE
        return AnswerProblem(question.id, ProblemCode.NA_NOT_ALLOWED, raw)
    return AnswerProblem(question.id, ProblemCode.NOT_A_LEVEL, raw)


def parse_answers(raw_answers: Mapping[str, object], rules: ScoringRules) -> dict[str, Answer]:
    """Read raw answers keyed by question id; raise InvalidAnswersError listing every problem."""
    answers: dict[str, Answer] = {}
    problems: list[AnswerProblem] = []
    for question_id, raw in raw_answers.items():
        question = rules.question(question_id)
        if question is None:
            problems.append(AnswerProblem(question_id, ProblemCode.UNKNOWN_QUESTION, raw))
            continue
        parsed = parse_answer(question, raw)
        if isinstance(parsed, AnswerProblem):
            problems.append(parsed)
        else:
            answers[question_id] = parsed
    if problems:
        raise InvalidAnswersError(problems)
    return answers


# ---------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class DimensionScore:
    id: str
    part: str
    status: Status
    score: Fraction | None  # weighted mean level, 1-5
    index: Fraction | None  # 0-100
    level: Level | None
    question_count: int
    answered: int
    not_applicable: int
    unknown: int

    @property
    def unanswered(self) -> int:
        return self.question_count - self.answered - self.not_applicable - self.unknown


@dataclass(frozen=True)
class AggregateScore:
    """A weighted mean over dimensions: one part, or the whole assessment."""

    status: Status
    index: Fraction | None
    level: Level | None
    included_dimensions: tuple[str, ...]
    excluded_dimensions: tuple[str, ...]  # insufficient data


@dataclass(frozen=True)
class OverallScore(AggregateScore):
    strict_level: Level | None = None


@dataclass(frozen=True)
class AssessmentScore:
    overall: OverallScore
    parts: Mapping[str, AggregateScore]
    dimensions: Mapping[str, DimensionScore]


# ---------------------------------------------------------------------------
# The method


def index_from_score(score: Fraction) -> Fraction:
    return (score - 1) / (LEVEL_COUNT - 1) * INDEX_SCALE


def level_from_index(index: Fraction, thresholds: tuple[Fraction, ...]) -> Level:
    return Level(1 + sum(1 for threshold in thresholds if index >= threshold))


def weighted_mean(pairs: list[tuple[Fraction, Fraction]]) -> Fraction:
    """Mean of ``value`` weighted by ``weight`` over ``(value, weight)`` pairs (non-empty)."""
    total_weight = sum((weight for _, weight in pairs), Fraction(0))
    return sum((value * weight for value, weight in pairs), Fraction(0)) / total_weight


def score_dimension(
    dimension: DimensionRule, answers: Mapping[str, Answer], rules: ScoringRules
) -> DimensionScore:
    levelled = [
        (Fraction(int(answers[question.id])), question.weight)
        for question in dimension.questions
        if isinstance(answers.get(question.id), Level)
    ]
    given = [answers.get(question.id) for question in dimension.questions]
    question_count = len(dimension.questions)
    enough = bool(levelled) and Fraction(len(levelled), question_count) >= rules.min_answered_share
    score = weighted_mean(levelled) if enough else None
    index = index_from_score(score) if score is not None else None
    return DimensionScore(
        id=dimension.id,
        part=dimension.part,
        status=Status.OK if enough else Status.INSUFFICIENT_DATA,
        score=score,
        index=index,
        level=level_from_index(index, rules.thresholds) if index is not None else None,
        question_count=question_count,
        answered=len(levelled),
        not_applicable=given.count(Abstention.NOT_APPLICABLE),
        unknown=given.count(Abstention.UNKNOWN),
    )


def aggregate(
    dimension_scores: list[DimensionScore], rules: ScoringRules
) -> tuple[AggregateScore, list[DimensionScore]]:
    weights = {dimension.id: dimension.weight for dimension in rules.dimensions}
    included = [d for d in dimension_scores if d.index is not None]
    excluded = tuple(d.id for d in dimension_scores if d.index is None)
    if not included:
        status, index, level = Status.INSUFFICIENT_DATA, None, None
    else:
        status = Status.PARTIAL if excluded else Status.OK
        index = weighted_mean([(d.index, weights[d.id]) for d in included])
        level = level_from_index(index, rules.thresholds)
    result = AggregateScore(
        status=status,
        index=index,
        level=level,
        included_dimensions=tuple(d.id for d in included),
        excluded_dimensions=excluded,
    )
    return result, included


def score(answers: Mapping[str, Answer], rules: ScoringRules) -> AssessmentScore:
    """Score parsed answers (see ``parse_answers``); unanswered questions are simply absent."""
    unknown_ids = [question_id for question_id in answers if rules.question(question_id) is None]
    if unknown_ids:
        raise InvalidAnswersError(
            [
                AnswerProblem(question_id, ProblemCode.UNKNOWN_QUESTION, answers[question_id])
                for question_id in unknown_ids
            ]
        )
    dimension_scores = [score_dimension(d, answers, rules) for d in rules.dimensions]
    parts = {
        part: aggregate([d for d in dimension_scores if d.part == part], rules)[0]
        for part in rules.parts
    }
    overall, included = aggregate(dimension_scores, rules)
    strict_level = min((d.level for d in included if d.level is not None), default=None)
    return AssessmentScore(
        overall=OverallScore(**vars(overall), strict_level=strict_level),
        parts=parts,
        dimensions={d.id: d for d in dimension_scores},
    )
