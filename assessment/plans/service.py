"""An organisation's target levels: read, saved (with an audit event), and read against a
stored score. The gap itself is computed by ``assessment.core.targets``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from assessment import events
from assessment.audit import service as audit
from assessment.content.registry import current_library
from assessment.core.content.schema import Questionnaire
from assessment.core.errors import AssessmentError
from assessment.core.scoring import Level
from assessment.core.stored_result import StoredResult
from assessment.core.targets import DimensionGap, DimensionTarget, dimension_gap
from assessment.extensions import db
from assessment.history import service as history
from assessment.models import (
    Assessment,
    AssessmentStatus,
    Organisation,
    Target,
    User,
    utc_now,
)
from assessment.questionnaire.service import questionnaire_of, scoring_answers

DIMENSION = ""  # Target.question_id of a dimension's own target


class TargetsChangedError(AssessmentError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            _l(
                "Someone else saved targets for this organisation at the same moment, so "
                "nothing was saved. Check the targets below and save again."
            )
        )


@dataclass(frozen=True)
class TargetInput:
    """What a person asks for one dimension: a level (None: no target) and a date."""

    level: Level | None
    due_on: date | None


def plan_basis(organisation: Organisation) -> tuple[Assessment | None, Questionnaire]:
    """The latest submitted assessment and its questionnaire, which targets are read
    against; without one, the newest published questionnaire, for its dimensions."""
    library = current_library()
    submitted = history.submitted_of(organisation)
    if submitted:
        return submitted[-1], questionnaire_of(submitted[-1], library)
    return None, library.latest_published()


def levels_answered(assessment: Assessment | None) -> dict[str, Level]:
    """The levels answered in ``assessment``, by question (abstentions left out)."""
    if assessment is None:
        return {}
    return {
        question_id: answer
        for question_id, answer in scoring_answers(assessment).items()
        if isinstance(answer, Level)
    }


def dimension_targets(organisation_id: int) -> dict[str, Target]:
    """The organisation's targets for whole dimensions, by dimension id."""
    rows = db.session.execute(
        select(Target).where(
            Target.organisation_id == organisation_id, Target.question_id == DIMENSION
        )
    ).scalars()
    return {row.dimension_id: row for row in rows}


def all_targets(organisation_id: int) -> dict[tuple[str, str], Target]:
    """Every target of the organisation, by (dimension id, question id or "")."""
    rows = db.session.execute(
        select(Target).where(Target.organisation_id == organisation_id)
    ).scalars()
    return {(row.dimension_id, row.question_id): row for row in rows}


def question_targets(organisation_id: int) -> dict[str, Target]:
    """The organisation's targets for single questions, by question id."""
    rows = db.session.execute(
        select(Target).where(
            Target.organisation_id == organisation_id, Target.question_id != DIMENSION
        )
    ).scalars()
    return {row.question_id: row for row in rows}


def targets_by_dimension(organisation_id: int | None) -> dict[str, DimensionTarget]:
    """The organisation's dimension targets as the results and the report read them."""
    if organisation_id is None:
        return {}
    return {
        dimension_id: DimensionTarget(level=Level(row.level), due_on=row.due_on)
        for dimension_id, row in dimension_targets(organisation_id).items()
    }


def target_levels(organisation_id: int) -> tuple[dict[str, Level], dict[str, Level]]:
    """The target levels of dimensions and of single questions, by id, in one query."""
    dimensions: dict[str, Level] = {}
    questions: dict[str, Level] = {}
    rows = db.session.execute(
        select(Target.dimension_id, Target.question_id, Target.level).where(
            Target.organisation_id == organisation_id
        )
    )
    for dimension_id, question_id, level in rows:
        if question_id == DIMENSION:
            dimensions[dimension_id] = Level(level)
        else:
            questions[question_id] = Level(level)
    return dimensions, questions


def save_targets(
    organisation: Organisation,
    questionnaire: Questionnaire,
    wanted: dict[str, TargetInput],
    user: User | None,
    wanted_questions: dict[str, Level | None] | None = None,
) -> int:
    """Set the targets of the questionnaire's dimensions as ``wanted`` says (a dimension
    wanted without a level loses its target), and of single questions as
    ``wanted_questions`` says, and record it; return how many dimensions have a target
    now. Dimensions and questions not named keep theirs."""
    questions = {
        question_id: TargetInput(level=level, due_on=None)
        for question_id, level in (wanted_questions or {}).items()
    }
    try:
        changed = _apply(organisation, questionnaire, wanted, questions, user)
        db.session.flush()  # a row someone else added meanwhile shows here, or at commit
        count = len(dimension_targets(organisation.id))
        if changed:
            audit.record_for_organisation(
                "targets.saved",
                organisation.id,
                targets=count,
                question_targets=len(question_targets(organisation.id)),
            )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise TargetsChangedError() from None
    if changed:
        report_inputs_changed(organisation)
        events.targets_saved.send(current_app._get_current_object(), organisation=organisation)
    return count


def _apply(
    organisation: Organisation,
    questionnaire: Questionnaire,
    wanted: dict[str, TargetInput],
    wanted_questions: dict[str, TargetInput],
    user: User | None,
) -> bool:
    """Change, add or delete the target rows as asked; whether anything changed."""
    existing = all_targets(organisation.id)
    asked = []
    for dimension in questionnaire.dimensions:
        asked.append(((dimension.id, DIMENSION), wanted.get(dimension.id)))
        asked += [
            ((dimension.id, question.id), wanted_questions.get(question.id))
            for question in dimension.questions
        ]
    changed = False
    for (dimension_id, question_id), entry in asked:
        if entry is None:
            continue
        row = existing.get((dimension_id, question_id))
        if entry.level is None:
            if row is not None:
                db.session.execute(delete(Target).where(Target.id == row.id))
                changed = True
            continue
        if row is None:
            row = Target(
                organisation_id=organisation.id, dimension_id=dimension_id, question_id=question_id
            )
            db.session.add(row)
        elif row.level == int(entry.level) and row.due_on == entry.due_on:
            continue
        row.level = int(entry.level)
        row.due_on = entry.due_on
        row.set_by_id = user.id if user is not None else None
        row.updated_at = utc_now()
        changed = True
    return changed


def latest_submitted(organisation_id: int) -> Assessment | None:
    """The organisation's latest submitted assessment, by index."""
    return db.session.execute(
        select(Assessment)
        .where(
            Assessment.organisation_id == organisation_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
            Assessment.of_organisation_level(),
        )
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def report_inputs_changed(organisation: Organisation) -> None:
    """The reports show the targets, and the latest one the roadmap: the latest submitted
    assessment's report is made again (ahead, with Redis); earlier ones when next asked
    for (their fingerprints tell)."""
    latest = latest_submitted(organisation.id)
    if latest is not None:
        events.report_inputs_changed.send(current_app._get_current_object(), assessment=latest)


@dataclass(frozen=True)
class DimensionTargetView:
    """A dimension's target read against one stored score."""

    dimension_id: str
    due_on: date | None
    gap: DimensionGap


def gaps_to_targets(
    targets: dict[str, Target], result: StoredResult, questionnaire: Questionnaire
) -> list[DimensionTargetView]:
    """Each targeted dimension of the questionnaire, in its order, with its gap."""
    thresholds = questionnaire.scoring_rules.thresholds
    views = []
    for dimension in questionnaire.dimensions:
        target = targets.get(dimension.id)
        if target is None:
            continue
        score = result.dimensions.get(dimension.id)
        views.append(
            DimensionTargetView(
                dimension_id=dimension.id,
                due_on=target.due_on,
                gap=dimension_gap(Level(target.level), score.index if score else None, thresholds),
            )
        )
    return views
