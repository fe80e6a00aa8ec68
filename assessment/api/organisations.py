"""The API's organisations: the ones a token's owner may see, their assessments, history
and comparisons. An organisation the owner may not see is a 404 (its name never shows)."""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from assessment import policy
from assessment.api import schemas
from assessment.api.blueprint import ApiError, api_get, dump
from assessment.api.request_data import LARGEST_ID, optional_id
from assessment.api.shapes import (
    aggregate_change,
    assessment_json,
    dimension_change,
    organisation_json,
    reference,
)
from assessment.content.registry import current_library
from assessment.extensions import db
from assessment.history import service as history
from assessment.models import Organisation


def _organisation(organisation_id: int) -> Organisation:
    organisation = (
        db.session.get(Organisation, organisation_id) if organisation_id <= LARGEST_ID else None
    )
    if organisation is None or not policy.can_view_organisation(current_user, organisation):
        raise ApiError(404, _("No organisation with this id is visible to you."))
    return organisation


@api_get("/organisations")
def organisations() -> Response:
    visible = db.session.execute(
        policy.visible_organisations(current_user).order_by(Organisation.name, Organisation.id)
    ).scalars()
    return jsonify([organisation_json(o).model_dump(mode="json") for o in visible])


@api_get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int) -> Response:
    return dump(organisation_json(_organisation(organisation_id)))


@api_get("/organisations/<int:organisation_id>/assessments")
def organisation_assessments(organisation_id: int) -> Response:
    """The organisation's assessments, newest first; respondents' sheets left out."""
    organisation = _organisation(organisation_id)
    return jsonify(
        [assessment_json(a).model_dump(mode="json") for a in history.assessments_of(organisation)]
    )


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
