"""What a results page or report shows, built from a stored score and the content.

Everything here is plain values in the reader's language: templates only lay them out.
The numbers come from the score as computed by ``scoring`` (stored at submission),
shown with the rounding rules of ``numbers``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from flask_babel import gettext as _

from assessment.content.presentation import level_bands, method_paragraphs
from assessment.core.charts import RadarChart, radar
from assessment.core.content.schema import Crosswalk, Dimension, Questionnaire
from assessment.core.crosswalk import BELOW_FIRST_LEVEL
from assessment.core.crosswalk import read as read_crosswalk
from assessment.core.evidence import Backing
from assessment.core.numbers import display_gap, display_index, display_score
from assessment.core.scoring import Level
from assessment.core.stored_result import StoredAggregate, StoredResult, as_float
from assessment.core.targets import DimensionTarget, dimension_gap, level_floor
from assessment.models import level_of

MAIN_GAP_COUNT = 5
TOP_LEVEL = 5


@dataclass(frozen=True)
class LevelView:
    number: int
    name: str
    meaning: str


@dataclass(frozen=True)
class AggregateView:
    name: str
    index: str | None
    index_value: float | None
    level: LevelView | None
    status: str  # ok | partial | insufficient_data
    excluded: tuple[str, ...]  # names of the dimensions left out


@dataclass(frozen=True)
class QuestionView:
    id: str
    dimension_id: str
    dimension_name: str
    prompt: str
    level: int
    descriptor: str
    next_descriptor: str | None


@dataclass(frozen=True)
class TargetView:
    level: LevelView
    due_on: date | None
    points: str | None  # index points still to climb, as shown; None without a score
    reached: bool | None


@dataclass(frozen=True)
class NextAction:
    """One of the ordered actions a level recommends (content from version 3)."""

    do: str
    owner: str
    horizon: str  # "this quarter", "this year"


@dataclass(frozen=True)
class DimensionCard:
    id: str
    part: str
    name: str
    summary: str
    status: str  # ok | insufficient_data
    score: str | None
    index: str | None
    index_value: float | None
    level: LevelView | None
    questions: int
    answered: int
    not_applicable: int
    unknown: int
    unanswered: int
    recommendation: str | None
    next_level: LevelView | None
    lowest: tuple[QuestionView, ...]
    target: TargetView | None = None
    next_actions: tuple[NextAction, ...] = ()  # instead of ``recommendation``, when given
    backing: Backing | None = None  # how far its answers are backed by evidence, verified


@dataclass(frozen=True)
class EvidenceSummary:
    """How far the whole assessment is backed, and its strict level on verified answers."""

    answered: int
    with_evidence: int
    verified: int
    challenged: int
    verified_strict_level: LevelView | None


@dataclass(frozen=True)
class CrosswalkAreaView:
    name: str
    answered: int
    questions: int
    index: str | None
    level: LevelView | None  # ours
    framework_level: str  # theirs, named; or that there is no reading


@dataclass(frozen=True)
class CrosswalkView:
    """The assessment read on another framework's levels, with what is approximate."""

    name: str
    source: str
    note: str
    method: str
    areas: tuple[CrosswalkAreaView, ...]
    overall: str  # the framework's level, named; or that there is no overall reading


@dataclass(frozen=True)
class ResultsView:
    overall: AggregateView
    strict_level: LevelView | None
    parts: tuple[AggregateView, ...]
    dimensions: tuple[DimensionCard, ...]
    main_gaps: tuple[QuestionView, ...]
    radar: RadarChart
    level_bands: str
    method: tuple[str, ...]
    evidence: EvidenceSummary | None = None  # None: no evidence or review recorded
    crosswalks: tuple[CrosswalkView, ...] = ()


def _level(questionnaire: Questionnaire, number: int | None, locale: str) -> LevelView | None:
    if number is None:
        return None
    definition = questionnaire.level(number)
    return LevelView(number, definition.name.get(locale), definition.meaning.get(locale))


def _aggregate(
    questionnaire: Questionnaire, name: str, outcome: StoredAggregate, locale: str
) -> AggregateView:
    return AggregateView(
        name=name,
        index=display_index(outcome.index) if outcome.index is not None else None,
        index_value=as_float(outcome.index),
        level=_level(questionnaire, outcome.level, locale),
        status=outcome.status.value,
        excluded=tuple(
            questionnaire.dimension(d).name.get(locale) for d in outcome.excluded_dimensions
        ),
    )


def _levelled_questions(
    questionnaire: Questionnaire, answer_values: Mapping[str, str | None], locale: str
) -> list[QuestionView]:
    """Questions answered with a level: lowest level first, then the heaviest."""
    views = []
    for dimension in questionnaire.dimensions:
        for position, question in enumerate(dimension.questions):
            level = level_of(answer_values.get(question.id))
            if level is None:
                continue
            view = QuestionView(
                id=question.id,
                dimension_id=dimension.id,
                dimension_name=dimension.name.get(locale),
                prompt=question.prompt.get(locale),
                level=level,
                descriptor=question.levels[level - 1].get(locale),
                next_descriptor=question.levels[level].get(locale) if level < TOP_LEVEL else None,
            )
            views.append(((level, -float(question.weight), position), view))
    return [view for _, view in sorted(views, key=lambda item: item[0])]


def _target(
    questionnaire: Questionnaire,
    target: DimensionTarget | None,
    outcome_index: Fraction | None,
    locale: str,
) -> TargetView | None:
    if target is None:
        return None
    gap = dimension_gap(target.level, outcome_index, questionnaire.scoring_rules.thresholds)
    return TargetView(
        level=_level(questionnaire, target.level, locale),
        due_on=target.due_on,
        points=None if gap.points is None else display_gap(gap.current_index, gap.target_index),
        reached=gap.reached,
    )


def build_results(
    questionnaire: Questionnaire,
    result: StoredResult,
    answer_values: Mapping[str, str | None],
    locale: str,
    targets: Mapping[str, DimensionTarget] | None = None,
    backing: Mapping[str, Backing] | None = None,
    verified_strict_level: Level | None = None,
    crosswalks: Sequence[Crosswalk] = (),
) -> ResultsView:
    """The results of one assessment, from its stored (or current) score, read against
    the organisation's ``targets`` by dimension id, if any, and with how far its answers
    are backed (``backing`` by dimension id, and the strict level on verified answers),
    when any evidence or review is recorded."""
    targets = targets or {}
    levelled = _levelled_questions(questionnaire, answer_values, locale)
    below_top = [view for view in levelled if view.level < TOP_LEVEL]

    cards = []
    for dimension in questionnaire.dimensions:
        outcome = result.dimensions[dimension.id]
        level = outcome.level
        cards.append(
            DimensionCard(
                id=dimension.id,
                part=dimension.part,
                name=dimension.name.get(locale),
                summary=dimension.summary.get(locale),
                status=outcome.status.value,
                score=display_score(outcome.score) if outcome.score is not None else None,
                index=display_index(outcome.index) if outcome.index is not None else None,
                index_value=as_float(outcome.index),
                level=_level(questionnaire, level, locale),
                questions=outcome.question_count,
                answered=outcome.answered,
                not_applicable=outcome.not_applicable,
                unknown=outcome.unknown,
                unanswered=outcome.unanswered,
                recommendation=(
                    dimension.recommendations[level - 1].get(locale)
                    if level and dimension.recommendations
                    else None
                ),
                next_actions=next_actions(dimension, level, locale),
                next_level=_level(questionnaire, level + 1, locale)
                if level and level < TOP_LEVEL
                else None,
                lowest=tuple(v for v in below_top if v.dimension_id == dimension.id)[:3],
                target=_target(questionnaire, targets.get(dimension.id), outcome.index, locale),
                backing=backing.get(dimension.id) if backing else None,
            )
        )

    return ResultsView(
        overall=_aggregate(questionnaire, "", result.overall, locale),
        strict_level=_level(questionnaire, result.overall.strict_level, locale),
        parts=tuple(
            _aggregate(questionnaire, part.name.get(locale), result.parts[part.id], locale)
            for part in questionnaire.parts
        ),
        dimensions=tuple(cards),
        main_gaps=tuple(below_top[:MAIN_GAP_COUNT]),
        radar=radar(
            [(card.name, card.index_value) for card in cards],
            targets=[
                float(level_floor(target.level, questionnaire.scoring_rules.thresholds))
                if (target := targets.get(card.id))
                else None
                for card in cards
            ],
        ),
        level_bands=level_bands(questionnaire, locale),
        method=tuple(method_paragraphs(questionnaire, locale)),
        evidence=None
        if backing is None
        else EvidenceSummary(
            answered=sum(b.answered for b in backing.values()),
            with_evidence=sum(b.with_evidence for b in backing.values()),
            verified=sum(b.verified for b in backing.values()),
            challenged=sum(b.challenged for b in backing.values()),
            verified_strict_level=_level(questionnaire, verified_strict_level, locale),
        ),
        crosswalks=tuple(
            crosswalk_view(crosswalk, questionnaire, answer_values, locale)
            for crosswalk in crosswalks
        ),
    )


def next_actions(dimension: Dimension, level: Level | None, locale: str) -> tuple[NextAction, ...]:
    """The actions the content recommends at ``level``, in order; none without a level
    or when the content recommends in a paragraph."""
    if level is None or dimension.next_steps is None:
        return ()
    horizons = {"quarter": _("this quarter"), "year": _("this year")}
    return tuple(
        NextAction(action.do.get(locale), action.owner.get(locale), horizons[action.horizon])
        for action in dimension.next_steps[level - 1]
    )


def crosswalk_view(
    crosswalk: Crosswalk,
    questionnaire: Questionnaire,
    answer_values: Mapping[str, str | None],
    locale: str,
) -> CrosswalkView:
    """The answers read on ``crosswalk``'s framework (only levels count, as in scoring)."""
    answers = {
        question_id: Level(level)
        for question_id, value in answer_values.items()
        if (level := level_of(value)) is not None
    }
    reading = read_crosswalk(crosswalk.rule, questionnaire.scoring_rules, answers)

    def named(level_id: int | None) -> str:
        if level_id is None:
            return _("Insufficient data")
        if level_id == BELOW_FIRST_LEVEL:
            return _("Below its first level")
        found = crosswalk.level(level_id)
        return found.name.get(locale) if found else str(level_id)

    return CrosswalkView(
        name=crosswalk.name.get(locale),
        source=crosswalk.source.get(locale),
        note=crosswalk.note.get(locale),
        method=crosswalk.method.get(locale),
        areas=tuple(
            CrosswalkAreaView(
                name=area.name.get(locale),
                answered=found.answered,
                questions=found.questions,
                index=display_index(found.index) if found.index is not None else None,
                level=_level(questionnaire, found.level, locale),
                framework_level=named(found.framework_level),
            )
            for area, found in zip(crosswalk.areas, reading.areas, strict=True)
        ),
        overall=named(reading.overall),
    )
