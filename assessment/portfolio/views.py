"""A consultant's home: the client organisations, and one click to start or report."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from assessment import policy
from assessment.content.registry import current_library
from assessment.core.errors import NotFoundError
from assessment.portfolio.service import (
    SORT_KEYS,
    STATUS_FILTERS,
    organisation_for,
    organisation_pages,
    portfolio,
)
from assessment.questionnaire import service
from assessment.web.templating import current_locale

bp = Blueprint("portfolio", __name__)


@bp.get("/portfolio")
@login_required
def index() -> str:
    if not policy.can_see_portfolio(current_user):
        abort(403)
    library = current_library()
    industry = request.args.get("industry") or None
    status = request.args.get("status") if request.args.get("status") in STATUS_FILTERS else None
    sort = request.args.get("sort") if request.args.get("sort") in SORT_KEYS else "name"
    rows = portfolio(current_user, library, current_locale(), industry, status, sort)
    return render_template(
        "portfolio/index.html",
        rows=rows,
        industries=library.organisation_options.industries,
        questionnaire=library.latest_published(),
        chosen={"industry": industry or "", "status": status or "", "sort": sort},
    )


@bp.post("/organisations/<int:organisation_id>/assessments")
@login_required
def start_assessment(organisation_id: int) -> Response:
    """Start a new assessment for a client organisation, in one click."""
    organisation = organisation_for(current_user, organisation_id)
    questionnaire = current_library().latest_published()
    if organisation is None or questionnaire is None:
        raise NotFoundError()
    assessment = service.start(questionnaire, current_locale(), organisation=organisation)
    return redirect(
        url_for(
            "questionnaire.dimension",
            token=assessment.resume_token,
            dimension_id=questionnaire.dimensions[0].id,
        )
    )


@bp.get("/organisations")
@login_required
def organisations() -> str:
    """The organisations the person may see, each with its assessments."""
    library = current_library()
    return render_template(
        "portfolio/organisations.html",
        entries=organisation_pages(current_user),
        questionnaire=library.latest_published(),
    )
