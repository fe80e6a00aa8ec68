"""The landing page and the language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from assessment.content.presentation import method_paragraphs
from assessment.content.registry import current_library
from assessment.core import locales
from assessment.core.errors import NotFoundError
from assessment.web.urls import safe_next

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    questionnaire = current_library().latest_published()
    if questionnaire is None:
        raise NotFoundError()
    locale = str(get_locale())
    return render_template(
        "home/index.html",
        questionnaire=questionnaire,
        method=method_paragraphs(questionnaire, locale),
    )


@bp.post("/language")
def set_language() -> Response:
    """Remember the chosen language and go back to the page the person was on."""
    chosen = request.form.get("locale", "")
    if chosen in locales.LOCALES:
        session["locale"] = chosen
    return redirect(safe_next(request.form.get("next"), url_for("home.index")))
