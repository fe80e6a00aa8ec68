"""Errors a person can act on, each carrying a message for them and an HTTP status."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from assessment.core.errors import AssessmentError, ContentError
from assessment.extensions import database_error_summary, db, login_manager
from assessment.web.serving import loggable_path

log = logging.getLogger(__name__)

DATABASE_RETRY_AFTER_SECONDS = 5
View = TypeVar("View", bound=Callable[..., Any])


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def accepts_body_up_to(limit: int) -> Callable[[View], View]:
    """Let a view (an upload) take a larger body than ``MAX_CONTENT_LENGTH``."""

    def mark(view: View) -> View:
        view.max_body_bytes = limit  # type: ignore[attr-defined]
        return view

    return mark


def refuse_oversized_requests(app: Flask) -> None:
    """Answer 413 from the declared length, before anything is read or spooled to disk:
    first of all, before the form token check reads the form."""

    def check_content_length() -> None:
        view = app.view_functions.get(request.endpoint or "")
        limit = getattr(view, "max_body_bytes", None) or app.config.get("MAX_CONTENT_LENGTH")
        if limit and request.content_length and request.content_length > limit:
            raise RequestEntityTooLarge()
        request.max_content_length = limit

    app.before_request_funcs.setdefault(None, []).insert(0, check_content_length)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AssessmentError)
    def handle_assessment_error(error: AssessmentError) -> tuple[Response | str, int]:
        if isinstance(error, ContentError):
            for problem in error.problems:
                log.error("content problem: %s", problem)
        if _wants_json():
            return {"error": str(error.message)}, error.status_code
        return render_template(
            "error.html", message=error.message, status=error.status_code
        ), error.status_code

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def handle_database_unavailable(
        error: SQLAlchemyError,
    ) -> tuple[Response | str, int, dict[str, str]]:
        """The database is down, restarting or dropped the connection: a 503 asking to try
        again, never a 500. Nothing to repair: the pool pings each connection before use
        and opens a new one once the database answers."""
        # The page must not need the database: whoever is signed in is shown signed out
        # on it (their session is kept), instead of loading their account and failing.
        g._login_user = login_manager.anonymous_user()
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        log.warning(
            "database unavailable on %s %s: %s",
            request.method,
            loggable_path(request.path),
            database_error_summary(error),
        )
        message = http_error_message(503)
        headers = {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
        if _wants_json():
            return {"error": str(message)}, 503, headers
        return render_template("error.html", message=message, status=503), 503, headers

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException) -> tuple[Response | str, int]:
        status = error.code or 500
        if status >= 500:
            db.session.rollback()
            log.error(
                "server error on %s %s",
                request.method,
                loggable_path(request.path),
                exc_info=getattr(error, "original_exception", None) or error,
            )
        message = http_error_message(status)
        if _wants_json():
            return {"error": str(message)}, status
        return render_template("error.html", message=message, status=status), status


def http_error_message(status: int) -> str:
    """What a person is told for an HTTP error, in their language."""
    if status == 404:
        return _l("This page does not exist. Check the address, or start from the home page.")
    if status == 405:
        return _l("This page cannot be used that way. Go back and use the page's buttons.")
    if status == 413:
        return _l("What you sent is too large.")
    if status == 429:
        return _l("Too many requests. Please wait a minute and try again.")
    if status < 500:
        return _l("The request could not be understood. Go back and try again.")
    if status == 503:
        return _l(
            "The service is briefly unavailable, so this was not completed. What was saved "
            "before is safe; please try again in a moment."
        )
    return _l("Something went wrong on our side. Your saved answers are safe; please try again.")
