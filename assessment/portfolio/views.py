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
from assessment.batches import service as batches
from assessment.content.registry import current_library
from assessment.core.errors import NotFoundError
from assessment.core.list_arguments import search_text
from assessment.portfolio.service import (
    PortfolioFilters,
    organisation_entries,
    organisation_for,
    organisations_query,
    portfolio_query,
    rows_of,
    summary,
)
from assessment.questionnaire import service
from assessment.web.paging import paginate
from assessment.web.templating import current_locale

bp = Blueprint("portfolio", __name__)


@bp.get("/portfolio")
@login_required
def index() -> str:
    if not policy.can_see_portfolio(current_user):
        abort(403)
    library = current_library()
    filters = PortfolioFilters.from_args(request.args, library)
    page = paginate(portfolio_query(current_user, filters), request.args)
    return render_template(
        "portfolio/index.html",
        page=rows_of(page, library, current_locale()),
        summary=summary(current_user),
        reports=batches.reports_in(current_user, filters),
        industries=library.organisation_options.industries,
        questionnaire=library.latest_published(),
        filters=filters,
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
    """The organisations the person may see, a page at a time, each with its assessments."""
    library = current_library()
    search = search_text(request.args)
    page = paginate(organisations_query(current_user, search), request.args, per_page=20)
    return render_template(
        "portfolio/organisations.html",
        page=organisation_entries(current_user, page),
        search=search,
        questionnaire=library.latest_published(),
    )
