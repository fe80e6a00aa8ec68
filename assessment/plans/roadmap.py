"""An organisation's roadmap: the steps proposed from its gaps to target, and the plan its
consultants make of them (accepted steps and actions of their own, in their order, each
with an owner, a due date and a status), read against later assessments.

The steps and their ranking are ``assessment.core.roadmap``'s; the rule's words are
content (``content/reference/roadmap.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from assessment.audit import service as audit
from assessment.content.registry import current_library
from assessment.core import scoring
from assessment.core.content.schema import Dimension, Question, Questionnaire
from assessment.core.errors import AssessmentError
from assessment.core.roadmap import Outcome, Step, outcome, propose_steps
from assessment.core.scoring import Level
from assessment.extensions import db
from assessment.models import (
    ActionStatus,
    Assessment,
    Organisation,
    PlanAction,
    User,
    utc_now,
)
from assessment.plans import service as plans
from assessment.questionnaire.service import scoring_answers

MOST_ACTIONS = 200  # in one plan: more is no plan a board can read


class PlanFullError(AssessmentError):
    status_code = 400

    def __init__(self) -> None:
        super().__init__(
            _l(
                "The plan already has %(most)d actions, as many as it can hold. Remove done "
                "or dropped actions first.",
                most=MOST_ACTIONS,
            )
        )


class StepNoLongerProposedError(AssessmentError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            _l(
                "That step is no longer proposed: the targets or the latest assessment have "
                "changed, or it is in the plan already. The proposals below are up to date."
            )
        )


@dataclass(frozen=True)
class ActionInput:
    """What a person writes about an action; ``title`` and ``dimension_id`` only matter
    for an action of their own."""

    title: str | None
    dimension_id: str | None
    owner: str
    due_on: date | None
    status: ActionStatus
    note: str


@dataclass(frozen=True)
class Proposal:
    """A proposed step with the content that says what it means."""

    step: Step
    dimension: Dimension
    question: Question


@dataclass(frozen=True)
class ActionView:
    """An action as a page, the report and the exports show it."""

    action: PlanAction
    dimension: Dimension | None
    question: Question | None  # None: an action of one's own, or a question not in content
    outcome: Outcome | None  # None until a later assessment reads the question
    level_now: Level | None

    @property
    def is_step(self) -> bool:
        return self.action.question_id is not None


@dataclass(frozen=True)
class Plan:
    """An organisation's roadmap as it stands: its actions and the steps still proposed."""

    organisation: Organisation
    latest: Assessment | None
    questionnaire: Questionnaire
    actions: list[ActionView]
    proposals: list[Proposal]
    has_targets: bool

    @property
    def reassessed(self) -> bool:
        """Whether any action is read against an assessment later than its basis."""
        return any(view.outcome is not None for view in self.actions)


def actions_of(organisation_id: int) -> list[PlanAction]:
    """The organisation's actions, in the plan's order."""
    return list(
        db.session.execute(
            select(PlanAction)
            .where(PlanAction.organisation_id == organisation_id)
            .order_by(PlanAction.position, PlanAction.id)
        ).scalars()
    )


def plan_of(organisation: Organisation) -> Plan:
    """The organisation's plan: its actions, read against the latest submitted assessment,
    and the steps to its targets not yet in it, ranked by the content's rule."""
    latest, questionnaire = plans.plan_basis(organisation)
    actions = actions_of(organisation.id)
    dimension_levels, question_levels = plans.target_levels(organisation.id)
    return Plan(
        organisation=organisation,
        latest=latest,
        questionnaire=questionnaire,
        actions=_views(actions, latest, questionnaire),
        proposals=_open_proposals(
            latest, questionnaire, dimension_levels, question_levels, actions
        ),
        has_targets=bool(dimension_levels or question_levels),
    )


def report_plan(assessment: Assessment) -> Plan | None:
    """The plan a report of ``assessment`` shows: the organisation's, when ``assessment``
    is its latest submitted one and the plan has actions; else None."""
    organisation = assessment.organisation
    if organisation is None or assessment.is_sheet or not _is_latest(assessment):
        return None
    plan = plan_of(organisation)
    return plan if plan.actions else None


def plan_fingerprint(assessment: Assessment) -> list[list[object]] | None:
    """What the report of ``assessment`` shows of the plan, as plain values for its
    fingerprint: every action's fields, when ``assessment`` is the latest submitted."""
    if assessment.organisation_id is None or not _is_latest(assessment):
        return None
    return [
        [
            action.id,
            action.position,
            action.questionnaire_id,
            action.questionnaire_version,
            action.dimension_id,
            action.question_id,
            action.from_level,
            action.to_level,
            action.basis_assessment_id,
            action.title,
            action.note,
            action.owner,
            action.due_on,
            action.status,
            action.done_on,
        ]
        for action in actions_of(assessment.organisation_id)
    ]


def _is_latest(assessment: Assessment) -> bool:
    latest = plans.latest_submitted(assessment.organisation_id)
    return latest is not None and latest.id == assessment.id


def _proposals(
    latest: Assessment | None,
    questionnaire: Questionnaire,
    dimension_levels: dict[str, Level],
    question_levels: dict[str, Level],
) -> list[Proposal]:
    if latest is None:
        return []
    rules = questionnaire.scoring_rules
    answers = scoring_answers(latest)
    barrier_parts = set(current_library().roadmap.barriers_first)
    steps = propose_steps(
        rules,
        answers,
        scoring.score(answers, rules),
        dimension_levels,
        [d.id for d in questionnaire.dimensions if d.part in barrier_parts],
        question_levels,
    )
    questions = {q.id: q for q in questionnaire.questions}
    return [
        Proposal(step, questionnaire.dimension(step.dimension_id), questions[step.question_id])
        for step in steps
    ]


def _open_proposals(
    latest: Assessment | None,
    questionnaire: Questionnaire,
    dimension_levels: dict[str, Level],
    question_levels: dict[str, Level],
    actions: Iterable[PlanAction],
) -> list[Proposal]:
    """The proposals whose question no open action (planned or doing) aims at already."""
    aimed = {
        action.question_id
        for action in actions
        if action.question_id is not None and action.status != ActionStatus.DONE
    }
    return [
        proposal
        for proposal in _proposals(latest, questionnaire, dimension_levels, question_levels)
        if proposal.question.id not in aimed
    ]


def _views(
    actions: list[PlanAction], latest: Assessment | None, questionnaire: Questionnaire
) -> list[ActionView]:
    """Each action with its content and, for a step proposed from an earlier assessment
    than the latest, where the latest finds its question."""
    library = current_library()
    latest_answers = scoring_answers(latest) if latest is not None else {}
    earlier = _bases_before(actions, latest)
    mappings: dict[tuple[object, object], dict[str, tuple[str, ...]] | None] = {}
    views = []
    for action in actions:
        own = library.get(action.questionnaire_id, action.questionnaire_version) or questionnaire
        dimension = _dimension(own, action.dimension_id)
        question = _question(own, action.question_id)
        found: Outcome | None = None
        level_now: Level | None = None
        if question is not None and action.basis_assessment_id in earlier:
            counterpart = _counterpart(own, questionnaire, question.id, mappings)
            answer = latest_answers.get(counterpart) if counterpart else None
            level_now = answer if isinstance(answer, Level) else None
            found = outcome(Level(action.from_level), Level(action.to_level), answer)
        views.append(ActionView(action, dimension, question, found, level_now))
    return views


def _bases_before(actions: list[PlanAction], latest: Assessment | None) -> set[int]:
    """The actions' basis assessments submitted before ``latest``, in one query."""
    ids = {a.basis_assessment_id for a in actions if a.basis_assessment_id is not None}
    if latest is None or latest.submitted_at is None or not ids:
        return set()
    return set(
        db.session.execute(
            select(Assessment.id).where(
                Assessment.id.in_(ids), Assessment.submitted_at < latest.submitted_at
            )
        ).scalars()
    )


def _counterpart(
    old: Questionnaire,
    new: Questionnaire,
    question_id: str,
    mappings: dict[tuple[object, object], dict[str, tuple[str, ...]] | None],
) -> str | None:
    """The question of ``new`` that continues ``question_id`` of ``old``, if exactly one;
    ``mappings`` keeps each pair of versions' mapping, worked out once per plan."""
    if old.key == new.key:
        return question_id
    pair = (old.key, new.key)
    if pair not in mappings:
        try:
            mappings[pair] = current_library().question_mapping(old, new)
        except ValueError:
            mappings[pair] = None
    mapping = mappings[pair]
    if mapping is None:
        return None
    continuing = [later for later, earlier in mapping.items() if question_id in earlier]
    return continuing[0] if len(continuing) == 1 else None


def _dimension(questionnaire: Questionnaire, dimension_id: str | None) -> Dimension | None:
    return next((d for d in questionnaire.dimensions if d.id == dimension_id), None)


def _question(questionnaire: Questionnaire, question_id: str | None) -> Question | None:
    return next((q for q in questionnaire.questions if q.id == question_id), None)


# ---------------------------------------------------------------------------
# Changes


def accept_steps(organisation: Organisation, question_ids: Iterable[str], user: User) -> int:
    """Add the proposed steps of ``question_ids`` to the end of the plan, in the rule's
    order; return how many. The proposals are worked out again here, from the targets
    and the latest assessment as they are now: a step no longer proposed is refused."""
    latest, questionnaire = plans.plan_basis(organisation)
    dimension_levels, question_levels = plans.target_levels(organisation.id)
    proposals = _open_proposals(
        latest, questionnaire, dimension_levels, question_levels, actions_of(organisation.id)
    )
    wanted = set(question_ids)
    chosen = [p for p in proposals if p.question.id in wanted]
    if len(chosen) != len(wanted) or not chosen:
        raise StepNoLongerProposedError()
    _check_room(organisation, len(chosen))
    position = _next_position(organisation.id)
    dues = {d: target.due_on for d, target in plans.dimension_targets(organisation.id).items()}
    for offset, proposal in enumerate(chosen):
        step = proposal.step
        db.session.add(
            PlanAction(
                organisation_id=organisation.id,
                position=position + offset,
                questionnaire_id=questionnaire.id,
                questionnaire_version=questionnaire.version,
                dimension_id=step.dimension_id,
                question_id=step.question_id,
                from_level=int(step.from_level),
                to_level=int(step.to_level),
                basis_assessment_id=latest.id,
                created_by_id=user.id,
                due_on=dues.get(step.dimension_id),  # when its dimension's target is
            )
        )
    audit.record_for_organisation(
        "plan.steps_accepted", organisation.id, questions=sorted(p.question.id for p in chosen)
    )
    db.session.commit()
    plans.report_inputs_changed(organisation)
    return len(chosen)


def add_own_action(organisation: Organisation, entry: ActionInput, user: User) -> PlanAction:
    """Add an action of one's own at the end of the plan."""
    latest, questionnaire = plans.plan_basis(organisation)
    _check_room(organisation, 1)
    action = PlanAction(
        organisation_id=organisation.id,
        position=_next_position(organisation.id),
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        basis_assessment_id=latest.id if latest is not None else None,
        created_by_id=user.id,
    )
    _write(action, entry)
    db.session.add(action)
    db.session.flush()
    audit.record_for_organisation("plan.action_added", organisation.id, action_id=action.id)
    db.session.commit()
    plans.report_inputs_changed(organisation)
    return action


def update_action(organisation: Organisation, action: PlanAction, entry: ActionInput) -> None:
    _write(action, entry)
    audit.record_for_organisation(
        "plan.action_changed", organisation.id, action_id=action.id, status=str(entry.status)
    )
    db.session.commit()
    plans.report_inputs_changed(organisation)


def move_action(organisation: Organisation, action: PlanAction, up: bool) -> bool:
    """Swap the action with the one before it (``up``) or after it; whether it moved."""
    actions = actions_of(organisation.id)
    index = next(i for i, other in enumerate(actions) if other.id == action.id)
    neighbour = index - 1 if up else index + 1
    if not 0 <= neighbour < len(actions):
        return False
    order = [other.id for other in actions]
    order[index], order[neighbour] = order[neighbour], order[index]
    positions = {action_id: position for position, action_id in enumerate(order)}
    for other in actions:  # renumbered 0..n-1: ties and gaps left by removals go
        other.position = positions[other.id]
    db.session.commit()
    plans.report_inputs_changed(organisation)
    return True


def remove_action(organisation: Organisation, action: PlanAction) -> None:
    audit.record_for_organisation(
        "plan.action_removed",
        organisation.id,
        action_id=action.id,
        question=action.question_id,
        title=action.title,
    )
    db.session.delete(action)
    db.session.commit()
    plans.report_inputs_changed(organisation)


def _write(action: PlanAction, entry: ActionInput) -> None:
    if action.question_id is None:
        action.title = entry.title
        action.dimension_id = entry.dimension_id
    action.owner = entry.owner
    action.due_on = entry.due_on
    action.note = entry.note
    if entry.status == ActionStatus.DONE and action.status != ActionStatus.DONE:
        action.done_on = utc_now().date()
    elif entry.status != ActionStatus.DONE:
        action.done_on = None
    action.status = entry.status
    action.updated_at = utc_now()


def _check_room(organisation: Organisation, adding: int) -> None:
    count = db.session.execute(
        select(func.count()).where(PlanAction.organisation_id == organisation.id)
    ).scalar_one()
    if count + adding > MOST_ACTIONS:
        raise PlanFullError()


def _next_position(organisation_id: int) -> int:
    highest = db.session.execute(
        select(func.max(PlanAction.position)).where(PlanAction.organisation_id == organisation_id)
    ).scalar_one()
    return 0 if highest is None else highest + 1
