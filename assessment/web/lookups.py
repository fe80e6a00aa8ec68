"""Finding the object a URL names, for the signed-in person, by the rules of ``policy``.

An object someone may not see is a 404, so that its existence never leaks; one they may
see but not change is a 403.
"""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from flask_login import current_user

from assessment import policy
from assessment.core.errors import NotFoundError
from assessment.extensions import db
from assessment.models import Assessment, Organisation

Row = TypeVar("Row")


def row_or_404(model: type[Row], row_id: int, **belongs_to: int) -> Row:
    """The ``model`` row ``row_id``, or a 404 when there is none or when it does not belong
    where the URL puts it: each keyword names a column that must hold the given id
    (``row_or_404(Invitation, invitation_id, organisation_id=organisation.id)``)."""
    row = db.session.get(model, row_id)
    if row is None or any(getattr(row, column) != value for column, value in belongs_to.items()):
        raise NotFoundError()
    return row


def organisation_to_view(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not policy.can_view_organisation(current_user, organisation):
        raise NotFoundError()
    return organisation


def organisation_to_manage(organisation_id: int) -> Organisation:
    organisation = organisation_to_view(organisation_id)
    if not policy.can_manage_organisation(current_user, organisation):
        abort(403)
    return organisation


def assessment_to_manage(organisation_id: int, assessment_id: int) -> Assessment:
    """An organisation-level assessment of an organisation the person manages."""
    organisation = organisation_to_manage(organisation_id)
    assessment = row_or_404(Assessment, assessment_id, organisation_id=organisation.id)
    if assessment.is_sheet:
        raise NotFoundError()
    return assessment
