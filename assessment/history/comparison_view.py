"""What a comparison page (and report) shows: ``comparison.compare`` in the reader's
language, with numbers as ``numbers`` shows them.

Per dimension, only the questions that moved are listed, largest contribution first;
contributions are rounded for display, and add up exactly to the change before rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from flask_babel import lazy_gettext as _l

from assessment.core.comparison import (
    AssessmentComparison,
    Comparability,
    IndexChange,
    Movement,
    QuestionComparison,
    Reason,
)
from assessment.core.content.schema import Question, Questionnaire
from assessment.core.numbers import display_contribution, display_delta, display_index
from assessment.core.scoring import Abstention, Level

MOVEMENTS = {
    Movement.UP: _l("up"),
    Movement.DOWN: _l("down"),
    Movement.UNCHANGED: _l("unchanged"),
    Movement.BECAME_NOT_APPLICABLE: _l("now not applicable"),
    Movement.BECAME_UNKNOWN: _l("now don't know"),
    Movement.NEWLY_ANSWERED: _l("newly answered"),
    Movement.NO_LONGER_ANSWERED: _l("no longer answered"),
    Movement.NEW_QUESTION: _l("new question"),
    Movement.REMOVED_QUESTION: _l("question removed"),
}
REASONS = {
    Reason.ADDED: _l("only in the newer questionnaire"),
    Reason.REMOVED: _l("only in the older questionnaire"),
    Reason.INSUFFICIENT_DATA_OLD: _l("too few answers in the older assessment"),
    Reason.INSUFFICIENT_DATA_NEW: _l("too few answers in the newer assessment"),
    Reason.TOO_FEW_MAPPED_QUESTIONS: _l("the questionnaire changed too much here"),
    Reason.NO_COMPARABLE_DIMENSION: _l("no dimension can be compared"),
}
ABSTENTIONS = {
    Abstention.NOT_APPLICABLE: _l("Not applicable"),
    Abstention.UNKNOWN: _l("Don't know"),
}


@dataclass(frozen=True)
class Figures:
    name: str
    old: str | None
    new: str | None
    delta: str | None
    direction: int  # 1 up, -1 down, 0 unchanged or not comparable
    old_level: int | None
    new_level: int | None
    comparable: bool
    partial: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class QuestionRow:
    prompt: str
    old_answer: str
    new_answer: str
    movement: str
    direction: int
    contribution: str | None


@dataclass(frozen=True)
class DimensionRow:
    id: str
    figures: Figures
    moved: tuple[QuestionRow, ...]  # largest contribution first, at most the limit asked
    unchanged_count: int
    contribution_to_overall: str | None
    more_moved_count: int = 0  # moved questions past the limit
    more_moved_contribution: str | None = None  # their contributions, added before rounding


@dataclass(frozen=True)
class ComparisonView:
    overall: Figures
    parts: tuple[Figures, ...]
    dimensions: tuple[DimensionRow, ...]
    across_versions: bool


def _figures(name: str, compared: IndexChange, reasons: tuple[Reason, ...]) -> Figures:
    comparable = compared.status != Comparability.NOT_COMPARABLE and compared.delta is not None
    delta = (
        display_delta(compared.old_index, compared.new_index)
        if comparable and compared.old_index is not None and compared.new_index is not None
        else None
    )
    return Figures(
        name=name,
        old=display_index(compared.old_index) if compared.old_index is not None else None,
        new=display_index(compared.new_index) if compared.new_index is not None else None,
        delta=delta,
        direction={"+": 1, "−": -1}.get(delta[0], 0) if delta else 0,
        old_level=int(compared.old_level) if compared.old_level else None,
        new_level=int(compared.new_level) if compared.new_level else None,
        comparable=comparable,
        partial=compared.status == Comparability.PARTIAL,
        reasons=tuple(str(REASONS[r]) for r in reasons),
    )


def _answer_text(answer: object, questionnaire: Questionnaire, locale: str) -> str:
    if answer is None:
        return "—"
    if isinstance(answer, Abstention):
        return str(ABSTENTIONS[answer])
    if isinstance(answer, Level):
        return f"{int(answer)} · {questionnaire.level(int(answer)).name.get(locale)}"
    if isinstance(answer, Fraction):  # the mean of several merged old questions
        return f"{float(answer):.1f}"
    return "—"


def _old_answer(row: QuestionComparison) -> object:
    if row.old_level is not None:
        return Level(int(row.old_level)) if row.old_level.denominator == 1 else row.old_level
    present = [a for a in row.old_answers if a is not None]
    return present[0] if present else None


def _question_row(
    row: QuestionComparison,
    questions: dict[str, Question],
    old_questions: dict[str, Question],
    old_questionnaire: Questionnaire,
    new_questionnaire: Questionnaire,
    locale: str,
) -> QuestionRow:
    question = questions.get(row.question_id or "") or old_questions[row.old_question_ids[0]]
    direction = {Movement.UP: 1, Movement.DOWN: -1}.get(row.movement, 0)
    if row.contribution:
        direction = 1 if row.contribution > 0 else -1
    return QuestionRow(
        prompt=question.prompt.get(locale),
        old_answer=_answer_text(_old_answer(row), old_questionnaire, locale),
        new_answer=_answer_text(row.new_answer, new_questionnaire, locale),
        movement=str(MOVEMENTS[row.movement]),
        direction=direction,
        contribution=display_contribution(row.contribution)
        if row.contribution is not None
        else None,
    )


def build_comparison(
    compared: AssessmentComparison,
    old_questionnaire: Questionnaire,
    new_questionnaire: Questionnaire,
    locale: str,
    overall_name: str,
    moved_limit: int | None = None,
) -> ComparisonView:
    """The comparison in ``locale``; with ``moved_limit``, each dimension lists only that
    many moved questions and sums up the rest (a report's summary)."""
    questions = {q.id: q for q in new_questionnaire.questions}
    old_questions = {q.id: q for q in old_questionnaire.questions}
    names = {d.id: d.name.get(locale) for d in old_questionnaire.dimensions}
    names.update({d.id: d.name.get(locale) for d in new_questionnaire.dimensions})
    part_names = {p.id: p.name.get(locale) for p in old_questionnaire.parts}
    part_names.update({p.id: p.name.get(locale) for p in new_questionnaire.parts})

    dimension_rows = []
    for dimension_id, dimension in compared.dimensions.items():
        moved = [q for q in dimension.questions if q.movement != Movement.UNCHANGED]
        moved.sort(key=lambda q: -abs(q.contribution or 0))
        share = compared.overall.contributions.get(dimension_id)
        shown, rest = moved[:moved_limit], moved[len(moved[:moved_limit]) :]
        rest_contributions = [q.contribution for q in rest if q.contribution is not None]
        dimension_rows.append(
            DimensionRow(
                id=dimension_id,
                figures=_figures(names[dimension_id], dimension, dimension.reasons),
                moved=tuple(
                    _question_row(
                        q, questions, old_questions, old_questionnaire, new_questionnaire, locale
                    )
                    for q in shown
                ),
                unchanged_count=len(dimension.questions) - len(moved),
                contribution_to_overall=display_contribution(share)
                if share is not None and compared.overall.delta is not None
                else None,
                more_moved_count=len(rest),
                more_moved_contribution=display_contribution(sum(rest_contributions, Fraction(0)))
                if rest_contributions
                else None,
            )
        )
    return ComparisonView(
        overall=_figures(overall_name, compared.overall, compared.overall.reasons),
        parts=tuple(
            _figures(part_names[part_id], part, part.reasons)
            for part_id, part in compared.parts.items()
        ),
        dimensions=tuple(dimension_rows),
        across_versions=old_questionnaire.version != new_questionnaire.version,
    )
