"""The API's organisations: the ones a token's owner may see, their assessments, history
and comparisons. An organisation the owner may not see is a 404 (its name never shows).

The two collections, organisations and an organisation's assessments, come a page at a
time (``paging``). An organisation's history does not: it is one document, the trend,
whose entries are its submitted assessments (a handful a year), each read from the row
with no further query, and a trend is of use only whole."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import defer

from assessment import policy
from assessment.api import schemas
from assessment.api.blueprint import ApiError, api_get, dump
from assessment.api.paging import Order, keyset_page, page_response
from assessment.api.request_data import optional_id
from assessment.api.shapes import (
    aggregate_change,
    assessment_json,
    dimension_change,
    latest_submitted_json,
    organisation_json,
    plan_action_json,
    proposed_step_json,
    reference,
    target_json,
)
from assessment.content.registry import current_library
from assessment.extensions import db
from assessment.history import service as history
from assessment.models import Answer, Assessment, Organisation
from assessment.plans import roadmap
from assessment.plans import service as plans


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)  # the route bounds the id
    if organisation is None or not policy.can_view_organisation(current_user, organisation):
        raise ApiError(404, _("No organisation with this id is visible to you."))
    return organisation


BY_NAME = Order((Organisation.name, Organisation.id))
NEWEST_FIRST = Order((Assessment.created_at, Assessment.id), descending=True)


@api_get("/organisations")
def organisations() -> Response:
    """A page of the organisations the token's owner may see, by name, each with what a
    list shows of it: one query for the whole page."""
    statement = select(
        Organisation, policy.manageable_organisation(current_user).label("may_manage")
    ).where(policy.visible_organisation(current_user))
    page = keyset_page(statement, BY_NAME)
    items = [
        organisation_json(
            row[0], may_manage=bool(row.may_manage), latest=latest_submitted_json(row[0])
        )
        for row in page.rows
    ]
    return page_response(schemas.OrganisationPage(items=items, next=page.next_url), page.next_url)


@api_get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int) -> Response:
    found = _organisation(organisation_id)
    return dump(
        organisation_json(
            found,
            may_manage=policy.can_manage_organisation(current_user, found),
            latest=latest_submitted_json(found),
        )
    )


@api_get("/organisations/<int:organisation_id>/assessments")
def organisation_assessments(organisation_id: int) -> Response:
    """A page of the organisation's assessments, newest first; respondents' sheets left
    out. Two queries a page: the assessments, and the questions each has answered."""
    organisation = _organisation(organisation_id)
    statement = (
        select(Assessment)
        .options(defer(Assessment.result))
        .where(Assessment.organisation_id == organisation.id, Assessment.of_organisation_level())
    )
    page = keyset_page(statement, NEWEST_FIRST)
    answered = _answered_questions([assessment.id for assessment in page.rows])
    items = [assessment_json(a, answered.get(a.id, set())) for a in page.rows]
    return page_response(schemas.AssessmentPage(items=items, next=page.next_url), page.next_url)


def _answered_questions(assessment_ids: list[int]) -> dict[int, set[str]]:
    """The questions each assessment has an answer to (a level, "na" or "unknown")."""
    answered: dict[int, set[str]] = {}
    if not assessment_ids:
        return answered
    rows = db.session.execute(
        select(Answer.assessment_id, Answer.question_id).where(
            Answer.assessment_id.in_(assessment_ids), Answer.value.is_not(None)
        )
    )
    for assessment_id, question_id in rows:
        answered.setdefault(assessment_id, set()).add(question_id)
    return answered


@api_get("/organisations/<int:organisation_id>/history")
def organisation_history(organisation_id: int) -> Response:
    organisation = _organisation(organisation_id)
    entries = []
    for assessment in history.submitted_of(organisation):
        result = assessment.stored_result
        entries.append(
            schemas.HistoryEntry(
                assessment_id=assessment.id,
                submitted_at=assessment.submitted_at,
                questionnaire=reference(assessment),
                overall=schemas.IndexPoint.of(result.overall),
                dimensions={
                    dimension_id: schemas.IndexPoint.of(dimension)
                    for dimension_id, dimension in result.dimensions.items()
                },
            )
        )
    return dump(schemas.History(organisation_id=organisation.id, submitted=entries))


@api_get("/organisations/<int:organisation_id>/compare")
def organisation_compare(organisation_id: int) -> Response:
    organisation = _organisation(organisation_id)
    old_id, new_id = optional_id("old"), optional_id("new")
    old, new = history.pick_pair(history.submitted_of(organisation), old_id, new_id)
    compared, _old_questionnaire, _new_questionnaire = history.compare(old, new, current_library())
    return dump(
        schemas.Comparison(
            organisation_id=organisation.id,
            old_assessment_id=old.id,
            new_assessment_id=new.id,
            overall=aggregate_change(compared.overall),
            parts={part_id: aggregate_change(p) for part_id, p in compared.parts.items()},
            dimensions={
                dimension_id: dimension_change(d) for dimension_id, d in compared.dimensions.items()
            },
        )
    )


@api_get("/organisations/<int:organisation_id>/targets")
def organisation_targets(organisation_id: int) -> Response:
    """The organisation's target levels by dimension, each with its gap from the latest
    submitted assessment, exactly and as the pages show it."""
    organisation = _organisation(organisation_id)
    latest, questionnaire = plans.plan_basis(organisation)
    saved = plans.dimension_targets(organisation.id)
    own = plans.question_targets(organisation.id)
    answered = {q: int(level) for q, level in plans.levels_answered(latest).items()}
    gaps = (
        {
            view.dimension_id: view.gap
            for view in plans.gaps_to_targets(saved, latest.stored_result, questionnaire)
        }
        if latest is not None
        else {}
    )
    return dump(
        schemas.Targets(
            organisation_id=organisation.id,
            assessment_id=latest.id if latest else None,
            targets=[
                target_json(dimension.id, saved[dimension.id], gaps.get(dimension.id))
                for dimension in questionnaire.dimensions
                if dimension.id in saved
            ],
            question_targets=[
                schemas.QuestionTarget(
                    question_id=question.id,
                    dimension_id=dimension.id,
                    level=own[question.id].level,
                    current_level=answered.get(question.id),
                )
                for dimension in questionnaire.dimensions
                for question in dimension.questions
                if question.id in own
            ],
        )
    )


@api_get("/organisations/<int:organisation_id>/plan")
def organisation_plan(organisation_id: int) -> Response:
    """The organisation's roadmap: its actions in order, with where a later assessment
    finds each step's question, and the steps still proposed, with their figures."""
    plan = roadmap.plan_of(_organisation(organisation_id))
    return dump(
        schemas.Plan(
            organisation_id=plan.organisation.id,
            assessment_id=plan.latest.id if plan.latest else None,
            actions=[plan_action_json(n, view) for n, view in enumerate(plan.actions, start=1)],
            proposals=[proposed_step_json(proposal.step) for proposal in plan.proposals],
        )
    )
