"""The JSON API's blueprint, ``/api/v1``: bearer tokens, rate limits, JSON errors.

Authentication is by ``Authorization: Bearer <token>`` only; the session cookie is never
read here, so the API needs no CSRF protection. The routes are in ``organisations`` and
``assessments``; ``views`` imports them, so register ``views.bp``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from pydantic import BaseModel

from assessment import policy
from assessment.api import schemas, tokens
from assessment.api.openapi import openapi_document
from assessment.core.errors import AssessmentError
from assessment.extensions import csrf, limiter
from assessment.web.errors import http_error_message

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens only: no cookie is ever accepted here


class ApiError(AssessmentError):
    def __init__(
        self, status: int, message: str, problems: list[schemas.Problem] | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status
        self.problems = problems


def _unauthorised(message: str) -> ApiError:
    return ApiError(401, message)


@bp.errorhandler(AssessmentError)
def handle_api_error(error: AssessmentError) -> Response:
    message = error.message if error.message else http_error_message(error.status_code)
    problems = getattr(error, "problems", None) if isinstance(error, ApiError) else None
    body = schemas.Error(error=str(message), problems=problems or None)
    response = jsonify(body.model_dump(mode="json", exclude={"problems"} if not problems else None))
    response.status_code = error.status_code
    if error.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _bearer_secret() -> str | None:
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def _rate_key() -> str:
    """Each token has its own allowance; requests without one share their address's."""
    secret = _bearer_secret()
    if secret is None:
        return f"address:{get_remote_address()}"
    return "token:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


rate_limited = limiter.shared_limit(_rate_limit, scope="api", key_func=_rate_key)


@bp.before_request
def authenticate() -> None:
    """Every route but the OpenAPI document needs a working token of a person who may
    hold one; the token's owner is the current user for this request only."""
    limit = current_app.config["API_MAX_BODY_BYTES"]
    if request.content_length and request.content_length > limit:
        raise ApiError(413, _("The request body is larger than %(limit)s bytes.", limit=limit))
    request.max_content_length = limit
    if request.endpoint == "api.openapi":
        return
    secret = _bearer_secret()
    if secret is None:
        raise _unauthorised(
            _(
                'Send an API token in the header "Authorization: Bearer <token>". '
                "Create one on your account page."
            )
        )
    user = tokens.user_for_secret(secret)
    if user is None:
        raise _unauthorised(
            _("This API token does not work: it is unknown or revoked, or its account is off.")
        )
    if not policy.can_hold_api_tokens(user):
        raise tokens.TokenNotAllowedError()
    g._login_user = user  # Flask-Login's current user, from the token, never the session


def dump(model: BaseModel) -> Response:
    return jsonify(model.model_dump(mode="json"))


def api_get(rule: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        return bp.get(rule)(rate_limited(view))

    return register


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API; no token needed."""
    return jsonify(openapi_document())
