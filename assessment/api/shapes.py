"""Models and the core's results shaped into the API's response bodies (``schemas``)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from assessment.api import schemas
from assessment.content.registry import current_library
from assessment.core import comparison, scoring
from assessment.core.content.schema import Questionnaire
from assessment.core.crosswalk import CrosswalkReading
from assessment.core.numbers import display_delta, display_gap, signed
from assessment.core.roadmap import Step
from assessment.core.stored_result import as_float
from assessment.core.targets import DimensionGap
from assessment.evidence.service import Reading
from assessment.exports.records import assessment_fields, organisation_fields
from assessment.models import Assessment, Organisation, Target
from assessment.plans.roadmap import ActionView
from assessment.questionnaire import service


def questionnaire_of(assessment: Assessment) -> Questionnaire:
    return service.questionnaire_of(assessment, current_library())


def latest_submitted_json(organisation: Organisation) -> schemas.LatestSubmitted | None:
    """What the organisation keeps of its latest submitted assessment (no query)."""
    if organisation.latest_submitted_id is None or organisation.latest_submitted_at is None:
        return None
    return schemas.LatestSubmitted(
        assessment_id=organisation.latest_submitted_id,
        submitted_at=organisation.latest_submitted_at,
        index=organisation.latest_index,
        level=organisation.latest_level,
    )


def organisation_json(
    organisation: Organisation, *, may_manage: bool, latest: schemas.LatestSubmitted | None
) -> schemas.Organisation:
    return schemas.Organisation(
        **organisation_fields(organisation),
        created_at=organisation.created_at,
        may_manage=may_manage,
        latest_submitted=latest,
    )


def reference(assessment: Assessment) -> schemas.QuestionnaireRef:
    return schemas.QuestionnaireRef(
        id=assessment.questionnaire_id, version=assessment.questionnaire_version
    )


def assessment_json(assessment: Assessment, answered: set[str] | None = None) -> schemas.Assessment:
    """The assessment; a list passes the ids of the questions answered, read for a whole
    page, one assessment alone has them read here."""
    if answered is None:
        answered = service.answered_question_ids(assessment)
    progress = service.progress_from(answered, questionnaire_of(assessment))
    return schemas.Assessment(
        **assessment_fields(assessment),
        questionnaire=reference(assessment),
        progress=schemas.Progress(answered=progress.answered, total=progress.total),
    )


def _stored_value(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def answers_json(assessment: Assessment) -> schemas.Answers:
    stored = service.answers_by_question(assessment)
    return schemas.Answers(
        questionnaire=reference(assessment),
        answers={
            question_id: _stored_value(answer.value)
            for question_id, answer in stored.items()
            if answer.value is not None
        },
        comments={
            question_id: answer.comment for question_id, answer in stored.items() if answer.comment
        },
    )


def answer_value(answer: scoring.Answer | None) -> int | str | None:
    if answer is None:
        return None
    if isinstance(answer, scoring.Abstention):
        return answer.value
    return int(answer)


def _exact(value: Fraction | None) -> schemas.Exact | None:
    return None if value is None else schemas.Exact(exact=str(value), value=float(value))


def target_json(dimension_id: str, target: Target, gap: DimensionGap | None) -> schemas.Target:
    return schemas.Target(
        dimension_id=dimension_id,
        level=target.level,
        due_on=target.due_on,
        gap=None
        if gap is None
        else schemas.TargetGap(
            target_index=_exact(gap.target_index),
            current_index=_exact(gap.current_index),
            points=_exact(gap.points),
            shown=None if gap.points is None else display_gap(gap.current_index, gap.target_index),
            reached=gap.reached,
        ),
    )


def evidence_json(reading: Reading) -> schemas.EvidenceSummary:
    strict = reading.verified.overall.strict_level
    return schemas.EvidenceSummary(
        dimensions={
            dimension_id: schemas.DimensionBacking(
                answered=backing.answered,
                with_evidence=backing.with_evidence,
                verified=backing.verified,
                challenged=backing.challenged,
            )
            for dimension_id, backing in reading.backing.items()
        },
        verified_strict_level=_level(strict),
    )


def crosswalk_json(crosswalk_id: str, reading: CrosswalkReading) -> schemas.CrosswalkReading:
    return schemas.CrosswalkReading(
        id=crosswalk_id,
        areas=[
            schemas.CrosswalkArea(
                id=area.id,
                questions=area.questions,
                answered=area.answered,
                index=as_float(area.index),
                level=_level(area.level),
                framework_level=area.framework_level,
            )
            for area in reading.areas
        ],
        overall=reading.overall,
    )


def proposed_step_json(step: Step) -> schemas.ProposedStep:
    return schemas.ProposedStep(
        question_id=step.question_id,
        dimension_id=step.dimension_id,
        from_level=int(step.from_level),
        to_level=int(step.to_level),
        levels=step.levels,
        dimension_points=_exact(step.dimension_points),
        overall_points=_exact(step.overall_points),
        barrier_first=step.barrier_first,
    )


def plan_action_json(number: int, view: ActionView) -> schemas.PlanAction:
    action = view.action
    return schemas.PlanAction(
        id=action.id,
        number=number,
        question_id=action.question_id,
        dimension_id=action.dimension_id,
        from_level=action.from_level,
        to_level=action.to_level,
        title=action.title,
        owner=action.owner,
        due_on=action.due_on,
        status=action.status,
        done_on=action.done_on,
        note=action.note,
        outcome=None if view.outcome is None else view.outcome.value,
        level_now=_level(view.level_now),
    )


def _level(level: scoring.Level | None) -> int | None:
    return None if level is None else int(level)


def _index(index: Fraction | None) -> float | None:
    return None if index is None else float(index)


def _delta(compared: comparison.IndexChange) -> schemas.Delta | None:
    """The exact change, and as the comparison page shows it (``numbers.display_delta``)."""
    if compared.delta is None or compared.status == comparison.Comparability.NOT_COMPARABLE:
        return None
    shown = (
        display_delta(compared.old_index, compared.new_index)
        if compared.old_index is not None and compared.new_index is not None
        else signed(compared.delta)
    )
    return schemas.Delta(exact=str(compared.delta), value=float(compared.delta), shown=shown)


def _change_fields(compared: comparison.IndexChange) -> dict[str, Any]:
    """What every change reports, an aggregate's or a dimension's (``schemas.Change``)."""
    return {
        "status": compared.status.value,
        "reasons": [reason.value for reason in compared.reasons],
        "old_index": _index(compared.old_index),
        "new_index": _index(compared.new_index),
        "old_level": _level(compared.old_level),
        "new_level": _level(compared.new_level),
        "delta": _delta(compared),
    }


def aggregate_change(compared: comparison.AggregateComparison) -> schemas.AggregateChange:
    return schemas.AggregateChange(
        **_change_fields(compared),
        contributions={
            dimension_id: _exact(share) for dimension_id, share in compared.contributions.items()
        },
        not_comparable_dimensions=list(compared.not_comparable_dimensions),
    )


def dimension_change(compared: comparison.DimensionComparison) -> schemas.DimensionChange:
    return schemas.DimensionChange(
        id=compared.id,
        part=compared.part,
        **_change_fields(compared),
        questions=[
            schemas.QuestionMovement(
                question_id=question.question_id,
                old_question_ids=list(question.old_question_ids),
                old_answers=[answer_value(a) for a in question.old_answers],
                new_answer=answer_value(question.new_answer),
                old_level=_exact(question.old_level),
                new_level=_level(question.new_level),
                level_change=_exact(question.level_change),
                movement=question.movement.value,
                contribution=_exact(question.contribution),
            )
            for question in compared.questions
        ],
    )
