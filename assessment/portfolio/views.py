"""A consultant's home: the client organisations, and one click to start or report."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from assessment import policy
from assessment.audit import service as audit
from assessment.content.presentation import level_bands
from assessment.content.registry import current_library
from assessment.core.errors import NotFoundError
from assessment.core.numbers import display_percentile
from assessment.history import service as history
from assessment.history.comparison_view import build_comparison
from assessment.portfolio.service import (
    SORT_KEYS,
    STATUS_FILTERS,
    organisation_for,
    organisation_pages,
    portfolio,
)
from assessment.questionnaire import service
from assessment.web.lookups import organisation_to_manage, organisation_to_view
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


@bp.get("/organisations/<int:organisation_id>/audit")
@login_required
def audit_trail(organisation_id: int) -> str:
    """Who did what to this organisation's assessments; read-only."""
    organisation = organisation_for(current_user, organisation_id)
    if organisation is None:
        raise NotFoundError()
    return render_template(
        "portfolio/audit.html",
        organisation=organisation,
        events=audit.events_of(organisation.id),
        actions=audit.ACTIONS,
        channels=audit.CHANNELS,
    )


@bp.get("/organisations/<int:organisation_id>")
@login_required
def organisation(organisation_id: int) -> str:
    """All assessments of an organisation, and how its indices moved."""
    organisation = organisation_to_view(organisation_id)
    library = current_library()
    submitted = history.submitted_of(organisation)
    latest = (
        service.questionnaire_of(submitted[-1], library)
        if submitted
        else library.latest_published()
    )
    locale = current_locale()
    standings = history.peer_standings(organisation, current_app.config["BENCHMARK_MIN_COHORT"])
    names = {"overall": _("Overall"), **{d.id: d.name.get(locale) for d in latest.dimensions}}
    return render_template(
        "portfolio/organisation.html",
        organisation=organisation,
        peers=[
            (
                names[metric],
                display_percentile(standing.percentile)
                if standing.percentile is not None
                else None,
                standing.cohort_size,
            )
            for metric, standing in standings.items()
            if metric in names
        ],
        min_cohort=current_app.config["BENCHMARK_MIN_COHORT"],
        may_manage=policy.can_manage_organisation(current_user, organisation),
        assessments=history.assessments_of(organisation),
        submitted=submitted,
        chart=history.trend_chart(submitted, latest, library, current_locale(), _("Overall")),
        bands=level_bands(latest, current_locale()) if latest else "",
        library=library,
    )


@bp.post("/organisations/<int:organisation_id>/benchmark-consent")
@login_required
def benchmark_consent(organisation_id: int) -> Response:
    """Owners and consultants decide whether the organisation is counted among peers."""
    organisation = organisation_to_manage(organisation_id)
    consent = request.form.get("consent")
    if consent not in ("yes", "no"):
        flash(_("Choose whether the organisation is counted."), "warning")
    else:
        history.set_benchmark_consent(organisation, consent == "yes")
        flash(
            _("The organisation is now counted, anonymously, in peer benchmarks.")
            if consent == "yes"
            else _("The organisation is no longer counted in peer benchmarks."),
            "success",
        )
    return redirect(url_for("portfolio.organisation", organisation_id=organisation.id))


@bp.get("/organisations/<int:organisation_id>/compare")
@login_required
def compare(organisation_id: int) -> str:
    """Two submitted assessments side by side, and which answers moved the indices."""
    organisation = organisation_to_view(organisation_id)
    submitted = history.submitted_of(organisation)
    old, new = history.pick_pair(submitted, request.args.get("old"), request.args.get("new"))
    compared, old_questionnaire, new_questionnaire = history.compare(old, new, current_library())
    return render_template(
        "portfolio/compare.html",
        organisation=organisation,
        submitted=submitted,
        old=old,
        new=new,
        questionnaire=new_questionnaire,
        view=build_comparison(
            compared, old_questionnaire, new_questionnaire, current_locale(), _("Overall")
        ),
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
