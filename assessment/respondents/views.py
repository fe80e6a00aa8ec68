"""An assessment answered by several people: who answered, where they disagree, settling
a question, and merging their answers into the organisation's."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from assessment.content.registry import current_library
from assessment.questionnaire import service
from assessment.respondents import service as respondents
from assessment.web.lookups import assessment_to_manage

bp = Blueprint("respondents", __name__, url_prefix="/organisations/<int:organisation_id>")
PAGE = "/assessments/<int:assessment_id>/respondents"


def _page_url(assessment_id: int, organisation_id: int) -> str:
    return url_for(
        "respondents.index", organisation_id=organisation_id, assessment_id=assessment_id
    )


@bp.get(PAGE)
@login_required
def index(organisation_id: int, assessment_id: int) -> str:
    assessment = assessment_to_manage(organisation_id, assessment_id)
    questionnaire = service.questionnaire_of(assessment, current_library())
    rule, threshold = respondents.merge_settings(questionnaire)
    return render_template(
        "respondents/index.html",
        assessment=assessment,
        questionnaire=questionnaire,
        respondents=respondents.respondents_of(assessment),
        disagreements=respondents.disagreements(assessment, questionnaire),
        rule=rule,
        threshold=threshold,
    )


@bp.post(f"{PAGE}/sheets")
@login_required
def answer_myself(organisation_id: int, assessment_id: int) -> Response:
    """A sheet of one's own, to answer alongside the invited respondents."""
    assessment = assessment_to_manage(organisation_id, assessment_id)
    try:
        sheet = respondents.start_sheet(assessment, current_user.name or current_user.email)
    except respondents.MergeError as error:
        flash(str(error.message), "warning")
        return redirect(_page_url(assessment_id, organisation_id))
    return redirect(url_for("questionnaire.resume", token=sheet.resume_token))


@bp.post(f"{PAGE}/settle")
@login_required
def settle(organisation_id: int, assessment_id: int) -> Response:
    assessment = assessment_to_manage(organisation_id, assessment_id)
    questionnaire = service.questionnaire_of(assessment, current_library())
    try:
        respondents.settle(
            assessment,
            questionnaire,
            request.form.get("question_id", ""),
            request.form.get("value", ""),
            request.form.get("note", ""),
            current_user,
        )
    except (respondents.MergeError, service.AssessmentLockedError) as error:
        flash(str(error.message), "warning")
    else:
        flash(_("The final answer is kept; it replaces the merged one."), "success")
    return redirect(_page_url(assessment_id, organisation_id))


@bp.post(f"{PAGE}/merge")
@login_required
def merge(organisation_id: int, assessment_id: int) -> Response:
    assessment = assessment_to_manage(organisation_id, assessment_id)
    questionnaire = service.questionnaire_of(assessment, current_library())
    try:
        merged = respondents.merge_into(assessment, questionnaire)
    except (respondents.MergeError, service.AssessmentLockedError) as error:
        flash(str(error.message), "warning")
        return redirect(_page_url(assessment_id, organisation_id))
    flash(
        _(
            "The answers of %(count)s respondents are merged into the organisation's "
            "answers. Review them, then submit.",
            count=merged,
        ),
        "success",
    )
    return redirect(url_for("questionnaire.review", token=assessment.resume_token))
