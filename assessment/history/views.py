"""An organisation's history: every assessment, the trend of its indices, where it stands
among peers, and what changed between two assessments."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
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
from assessment.content.presentation import level_bands
from assessment.content.registry import current_library
from assessment.core.numbers import display_percentile
from assessment.history import service as history
from assessment.history.comparison_view import build_comparison
from assessment.history.trend import trend_chart
from assessment.plans import service as plans
from assessment.questionnaire import service
from assessment.web.lookups import organisation_to_manage, organisation_to_view
from assessment.web.templating import current_locale

bp = Blueprint("history", __name__)


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
        "history/organisation.html",
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
        may_manage_webhooks=policy.can_manage_webhooks(current_user, organisation),
        assessments=history.assessments_of(organisation),
        submitted=submitted,
        chart=trend_chart(submitted, latest, library, current_locale(), _("Overall")),
        bands=level_bands(latest, current_locale()) if latest else "",
        library=library,
        questionnaire=latest,
        targets=plans.gaps_to_targets(
            plans.dimension_targets(organisation.id), submitted[-1].stored_result, latest
        )
        if submitted
        else [],
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
    return redirect(url_for("history.organisation", organisation_id=organisation.id))


@bp.get("/organisations/<int:organisation_id>/compare")
@login_required
def compare(organisation_id: int) -> str:
    """Two submitted assessments side by side, and which answers moved the indices."""
    organisation = organisation_to_view(organisation_id)
    submitted = history.submitted_of(organisation)
    old, new = history.pick_pair(submitted, request.args.get("old"), request.args.get("new"))
    compared, old_questionnaire, new_questionnaire = history.compare(old, new, current_library())
    return render_template(
        "history/compare.html",
        organisation=organisation,
        submitted=submitted,
        old=old,
        new=new,
        questionnaire=new_questionnaire,
        view=build_comparison(
            compared, old_questionnaire, new_questionnaire, current_locale(), _("Overall")
        ),
    )
