"""The roadmap page: the plan in its order, the steps proposed from the gaps to target,
and the forms that change the plan. Everyone who may see the organisation reads it; those
who manage it (its owner, its consultants, admins) change it."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from assessment import policy
from assessment.content.registry import current_library
from assessment.core import locales
from assessment.core.content.schema import Questionnaire
from assessment.exports.service import export_locale
from assessment.models import Organisation, PlanAction
from assessment.plans import labels, roadmap
from assessment.plans import service as plans
from assessment.plans.exports import export_plan
from assessment.plans.forms import (
    AcceptStepsForm,
    ActionFormBase,
    MoveActionForm,
    RemoveActionForm,
    make_action_form,
    prefilled_action_form,
)
from assessment.web.lookups import organisation_to_manage, organisation_to_view, row_or_404
from assessment.web.templating import current_locale

bp = Blueprint("roadmap", __name__)
bp.add_app_template_filter(labels.status_label, "action_status")
bp.add_app_template_filter(labels.outcome_label, "action_outcome")


def _plan_url(organisation: Organisation, anchor: str | None = None) -> str:
    return url_for("roadmap.plan", organisation_id=organisation.id, _anchor=anchor)


@bp.get("/organisations/<int:organisation_id>/plan")
@login_required
def plan(organisation_id: int) -> tuple[str, int]:
    organisation = organisation_to_view(organisation_id)
    return _plan_page(organisation)


@bp.post("/organisations/<int:organisation_id>/plan/steps")
@login_required
def accept_steps(organisation_id: int) -> Response | tuple[str, int]:
    organisation = organisation_to_manage(organisation_id)
    form = AcceptStepsForm()
    if not form.validate_on_submit():
        return _plan_page(organisation, status=400)
    try:
        count = roadmap.accept_steps(organisation, form.questions.data, current_user)
    except (roadmap.StepNoLongerProposedError, roadmap.PlanFullError) as error:
        flash(str(error.message), "warning")
        return redirect(_plan_url(organisation, "proposals"))
    flash(
        ngettext("%(num)d step added to the plan.", "%(num)d steps added to the plan.", count),
        "success",
    )
    return redirect(_plan_url(organisation, "actions"))


@bp.post("/organisations/<int:organisation_id>/plan/actions")
@login_required
def add_action(organisation_id: int) -> Response | tuple[str, int]:
    organisation = organisation_to_manage(organisation_id)
    _latest, questionnaire = plans.plan_basis(organisation)
    form = make_action_form(questionnaire, current_locale())()
    if not form.validate_on_submit():
        return _plan_page(organisation, own_form=form, status=400)
    try:
        roadmap.add_own_action(organisation, form.entry(), current_user)
    except roadmap.PlanFullError as error:
        flash(str(error.message), "warning")
        return redirect(_plan_url(organisation, "own-action"))
    flash(_("Action added to the plan."), "success")
    return redirect(_plan_url(organisation, "actions"))


@bp.get("/organisations/<int:organisation_id>/plan/actions/<int:action_id>")
@login_required
def edit_action(organisation_id: int, action_id: int) -> tuple[str, int]:
    organisation, action = _action_to_manage(organisation_id, action_id)
    questionnaire = _questionnaire_of(action)
    form = prefilled_action_form(questionnaire, current_locale(), action)
    return _action_page(organisation, action, form)


@bp.post("/organisations/<int:organisation_id>/plan/actions/<int:action_id>")
@login_required
def save_action(organisation_id: int, action_id: int) -> Response | tuple[str, int]:
    organisation, action = _action_to_manage(organisation_id, action_id)
    questionnaire = _questionnaire_of(action)
    form = make_action_form(
        questionnaire, current_locale(), own_action=action.question_id is None
    )()
    if not form.validate_on_submit():
        return _action_page(organisation, action, form, 400)
    roadmap.update_action(organisation, action, form.entry())
    flash(_("Action saved."), "success")
    return redirect(_plan_url(organisation, f"action-{action.id}"))


@bp.post("/organisations/<int:organisation_id>/plan/actions/<int:action_id>/move")
@login_required
def move_action(organisation_id: int, action_id: int) -> Response:
    organisation, action = _action_to_manage(organisation_id, action_id)
    form = MoveActionForm()
    if form.validate_on_submit():
        roadmap.move_action(organisation, action, up=form.direction.data == "up")
    else:
        flash(_("The action was not moved: reload the page and try again."), "warning")
    return redirect(_plan_url(organisation, f"action-{action.id}"))


@bp.post("/organisations/<int:organisation_id>/plan/actions/<int:action_id>/remove")
@login_required
def remove_action(organisation_id: int, action_id: int) -> Response:
    organisation, action = _action_to_manage(organisation_id, action_id)
    if RemoveActionForm().validate_on_submit():
        roadmap.remove_action(organisation, action)
        flash(_("Action removed from the plan."), "success")
    else:
        flash(_("The action was not removed: reload the page and try again."), "warning")
    return redirect(_plan_url(organisation, "actions"))


def _action_to_manage(organisation_id: int, action_id: int) -> tuple[Organisation, PlanAction]:
    """An organisation the person manages and one action of its plan (else 403 or 404)."""
    organisation = organisation_to_manage(organisation_id)
    return organisation, row_or_404(PlanAction, action_id, organisation_id=organisation.id)


def _questionnaire_of(action: PlanAction) -> Questionnaire:
    """The questionnaire version the action was made from (its question's content)."""
    library = current_library()
    return library.get(
        action.questionnaire_id, action.questionnaire_version
    ) or library.latest_published(action.questionnaire_id)


def _plan_page(
    organisation: Organisation, own_form: ActionFormBase | None = None, status: int = 200
) -> tuple[str, int]:
    found = roadmap.plan_of(organisation)
    may_manage = policy.can_manage_organisation(current_user, organisation)
    if own_form is None and may_manage:
        own_form = make_action_form(found.questionnaire, current_locale())(formdata=None)
    return (
        render_template(
            "plans/plan.html",
            organisation=organisation,
            plan=found,
            may_manage=may_manage,
            own_form=own_form,
            rule=current_library().roadmap.rule,
        ),
        status,
    )


def _action_page(
    organisation: Organisation, action: PlanAction, form: ActionFormBase, status: int = 200
) -> tuple[str, int]:
    view = next(v for v in roadmap.plan_of(organisation).actions if v.action.id == action.id)
    return (
        render_template(
            "plans/action.html",
            organisation=organisation,
            view=view,
            form=form,
            questionnaire=_questionnaire_of(action),
        ),
        status,
    )


@bp.get("/organisations/<int:organisation_id>/plan.<any(csv, xlsx):export_format>")
@login_required
def export(organisation_id: int, export_format: str) -> Response:
    """The plan as a spreadsheet in the page's language (``?lang=zh-CN`` or ``en``)."""
    organisation = organisation_to_view(organisation_id)
    language = request.args.get("lang") or locales.content_key(current_locale())
    exported = export_plan(organisation, export_format, export_locale(language))
    response = Response(exported.content, mimetype=exported.mimetype)
    response.headers["Content-Disposition"] = exported.content_disposition()
    response.headers["Cache-Control"] = "private, no-store"
    return response
