"""An organisation's target levels: seen by everyone who may see the organisation, set by
those who manage it (its owner, its consultants, admins)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from assessment import policy
from assessment.content.presentation import level_bands
from assessment.core.content.schema import Questionnaire
from assessment.models import Assessment, Organisation, Target
from assessment.plans import service as plans
from assessment.plans.forms import (
    TargetsFormBase,
    due_field_name,
    level_field_name,
    make_targets_form,
    prefilled_targets_form,
    question_field_name,
)
from assessment.web.lookups import organisation_to_manage, organisation_to_view
from assessment.web.templating import current_locale

bp = Blueprint("plans", __name__)


@bp.get("/organisations/<int:organisation_id>/targets")
@login_required
def targets(organisation_id: int) -> tuple[str, int]:
    organisation = organisation_to_view(organisation_id)
    latest, questionnaire = plans.plan_basis(organisation)
    saved = plans.dimension_targets(organisation.id)
    own = plans.question_targets(organisation.id)
    form = prefilled_targets_form(questionnaire, current_locale(), saved, own)
    return _targets_page(organisation, latest, questionnaire, form, saved, own)


@bp.post("/organisations/<int:organisation_id>/targets")
@login_required
def save_targets(organisation_id: int) -> Response | tuple[str, int]:
    organisation = organisation_to_manage(organisation_id)
    latest, questionnaire = plans.plan_basis(organisation)
    form = make_targets_form(questionnaire, current_locale())()
    if not form.validate_on_submit():
        saved = plans.dimension_targets(organisation.id)
        own = plans.question_targets(organisation.id)
        return _targets_page(organisation, latest, questionnaire, form, saved, own, 400)
    try:
        count = plans.save_targets(
            organisation, questionnaire, form.wanted(), current_user, form.wanted_questions()
        )
    except plans.TargetsChangedError as error:
        flash(str(error.message), "warning")
        return redirect(url_for("plans.targets", organisation_id=organisation.id))
    flash(
        ngettext(
            "Saved: %(num)d dimension has a target level.",
            "Saved: %(num)d dimensions have a target level.",
            count,
        )
        if count
        else _("Saved: no dimension has a target level."),
        "success",
    )
    return redirect(url_for("plans.targets", organisation_id=organisation.id))


def _targets_page(
    organisation: Organisation,
    latest: Assessment | None,
    questionnaire: Questionnaire,
    form: TargetsFormBase,
    saved: dict[str, Target],
    own: dict[str, Target],
    status: int = 200,
) -> tuple[str, int]:
    """The page: the form (as saved, or as posted with its errors) and the saved targets'
    gaps from the latest submitted assessment."""
    result = latest.stored_result if latest is not None else None
    gaps = (
        {view.dimension_id: view for view in plans.gaps_to_targets(saved, result, questionnaire)}
        if result is not None
        else {}
    )
    return (
        render_template(
            "plans/targets.html",
            organisation=organisation,
            questionnaire=questionnaire,
            latest=latest,
            result=result,
            gaps=gaps,
            form=form,
            level_field=lambda dimension_id: form[level_field_name(dimension_id)],
            due_field=lambda dimension_id: form[due_field_name(dimension_id)],
            question_field=lambda question_id: form[question_field_name(question_id)],
            own=own,
            answers=plans.levels_answered(latest),
            may_manage=policy.can_manage_organisation(current_user, organisation),
            bands=level_bands(questionnaire, current_locale()),
        ),
        status,
    )
