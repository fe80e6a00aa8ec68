"""An organisation's audit trail: who did what to its assessments, read-only."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from assessment.audit import service as audit
from assessment.core.errors import NotFoundError
from assessment.portfolio.service import organisation_for
from assessment.web.paging import paginate

bp = Blueprint("audit", __name__)


@bp.get("/organisations/<int:organisation_id>/audit")
@login_required
def audit_trail(organisation_id: int) -> str:
    """Who did what to this organisation's assessments, newest first, a page at a time;
    read-only."""
    organisation = organisation_for(current_user, organisation_id)
    if organisation is None:
        raise NotFoundError()
    return render_template(
        "audit/trail.html",
        organisation=organisation,
        page=paginate(audit.events_query(organisation.id), request.args),
        actions=audit.ACTIONS,
        channels=audit.CHANNELS,
    )
