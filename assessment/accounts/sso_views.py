"""Single sign-on's two addresses: the start, which sends the person to their
organisation's identity provider, and the callback, to which the provider sends them
back. Both are 404s while single sign-on is off."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import login_user

from assessment.accounts import service as accounts
from assessment.accounts import sso
from assessment.extensions import limiter
from assessment.web.urls import safe_next

bp = Blueprint("sso", __name__)

NEXT_KEY = "sso_next"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]  # as the password log-in's


def _enabled() -> sso.SingleSignOn:
    sign_on = sso.single_sign_on()
    if sign_on is None:
        abort(404)
    return sign_on


def _refused_page(refused: sso.SignInRefusedError) -> tuple[str, int]:
    return render_template(
        "accounts/sso_refused.html", message=refused.message, next=session.get(NEXT_KEY)
    ), refused.status_code


@bp.get("/login/sso")
def start() -> Response | tuple[str, int]:
    """To the provider's log-in; where to go afterwards waits in the session."""
    sign_on = _enabled()
    session[NEXT_KEY] = safe_next(request.args.get("next"), "") or None
    try:
        return sso.redirect_to_provider(sign_on, url_for("sso.callback", _external=True))
    except sso.SignInRefusedError as refused:
        return _refused_page(refused)


@bp.get("/login/sso/callback")
@limiter.limit(_login_limit)
def callback() -> Response | tuple[str, int]:
    """Back from the provider: log the person in if every check passes, else say why not."""
    sign_on = _enabled()
    try:
        user = sso.user_for_claims(sign_on, sso.verified_claims(sign_on))
    except sso.SignInRefusedError as refused:
        return _refused_page(refused)
    login_user(user)
    landing = url_for(accounts.landing_endpoint(user))
    return redirect(safe_next(session.pop(NEXT_KEY, None), landing))
