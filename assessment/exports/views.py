"""Downloads of assessments as JSON, CSV or XLSX, and the import of an answers file.

One assessment is reached by its link, like its PDF report; an organisation's history by
those who may see the organisation; a portfolio by consultants and admins. ``?lang=``
(zh-CN or en) picks the language of a spreadsheet's headers and questionnaire text; the
page's language by default.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from assessment import policy
from assessment.content.registry import current_library
from assessment.core import locales
from assessment.core.errors import NotFoundError
from assessment.exports import imports
from assessment.exports.service import (
    ExportFile,
    export_assessment,
    export_organisation,
    export_portfolio,
)
from assessment.extensions import csrf, db
from assessment.models import Organisation
from assessment.questionnaire import service
from assessment.questionnaire.access import genuine_post, load, page_context
from assessment.web.templating import current_locale

bp = Blueprint("exports", __name__)
csrf.exempt(bp)  # the import checks its form token in the view, as questionnaire pages do

FORMAT = "<any(json, csv, xlsx):export_format>"


def _language() -> str:
    return request.args.get("lang") or locales.content_key(current_locale())


def _download(exported: ExportFile) -> Response:
    response = Response(exported.content, mimetype=exported.mimetype)
    response.headers["Content-Disposition"] = exported.content_disposition()
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get(f"/a/<token>/export.{FORMAT}")
def assessment(token: str, export_format: str) -> Response:
    found, _questionnaire = load(token)
    return _download(export_assessment(found, export_format, _language(), current_library()))


@bp.get(f"/organisations/<int:organisation_id>/export.{FORMAT}")
@login_required
def organisation(organisation_id: int, export_format: str) -> Response:
    """Every assessment of an organisation, for anyone who may see it."""
    found = db.session.get(Organisation, organisation_id)
    if found is None or not policy.can_view_organisation(current_user, found):
        raise NotFoundError()
    return _download(export_organisation(found, export_format, _language(), current_library()))


@bp.get(f"/portfolio/export.{FORMAT}")
@login_required
def portfolio(export_format: str) -> Response:
    """Every organisation a consultant serves (an admin: all), with every assessment."""
    if not policy.can_see_portfolio(current_user):
        abort(403)
    return _download(export_portfolio(current_user, export_format, _language(), current_library()))


@bp.post("/a/<token>/import")
def import_answers(token: str) -> Response | tuple[str, int]:
    """Answers from a JSON file into a draft: all of them, or none and every problem."""
    found, questionnaire = load(token)
    if found.is_submitted:
        raise service.AssessmentLockedError()
    review = url_for("questionnaire.review", token=token)
    if not genuine_post(request.form.get("csrf_token")):
        flash(
            _("Your session had expired, so nothing was imported. Import the file again."),
            "warning",
        )
        return redirect(review)
    upload = request.files.get("answers_file")
    try:
        if upload is None or not upload.filename:
            raise imports.ImportRefusedError([_("Choose a JSON file of answers to import.")])
        count = imports.import_answers(
            found,
            questionnaire,
            upload.read(imports.IMPORT_MAX_BYTES + 1),
            current_library(),
        )
    except imports.ImportRefusedError as error:
        return render_template(
            "exports/import.html",
            problems=error.problems,
            **page_context(found, questionnaire, token),
        ), error.status_code
    flash(_("%(count)s answer(s) imported.", count=count), "success")
    return redirect(review)
