"""Log-in, log-out, passwords and signing up."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from assessment import mail, policy
from assessment.accounts import service as accounts
from assessment.accounts import sso
from assessment.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    FinishSignUpForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    SignUpForm,
)
from assessment.api import tokens as api_tokens
from assessment.content.registry import current_library
from assessment.extensions import limiter
from assessment.models import PendingSignUp
from assessment.web.templating import current_locale
from assessment.web.urls import safe_next

bp = Blueprint("accounts", __name__)


def _new_password_page(form: NewPasswordForm, title: str) -> str:
    return render_template("accounts/new_password.html", form=form, title=title)


def _login_page(form: LoginForm) -> str:
    return render_template("accounts/login.html", form=form, sso_enabled=sso.is_enabled())


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def _sign_up_mail_limit() -> str:
    return current_app.config["SIGN_UP_MAIL_RATE_LIMIT"]


def _posted_email() -> str:
    return accounts.normalise_email(request.form.get("email", ""))


def _posted_email_key() -> str:
    """The posted address, hashed: the counts kept per address name none."""
    return "email:" + hashlib.sha256(_posted_email().encode()).hexdigest()


def _no_address_posted() -> bool:
    """No mail can go anywhere, so the form is answered (with its errors) uncounted."""
    return not accounts.EMAIL_PATTERN.match(_posted_email())


def _mail_sent(response: Response) -> bool:
    return response.status_code == 302  # the form was taken, and an e-mail went


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Response | str | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            landing = url_for(accounts.landing_endpoint(user))
            return redirect(safe_next(request.args.get("next"), landing))
        form.password.errors.append(_("The e-mail or the password is not right."))
        return _login_page(form), 401
    return _login_page(form)


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("home.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response | str | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.password.data)
        except accounts.AccountError as error:
            form.current.errors.append(str(error.message))
            return _new_password_page(form, _("Change your password")), 400
        flash(_("Your password is changed."), "success")
        return redirect(url_for("home.index"))
    return _new_password_page(form, _("Change your password"))


def _tokens_page(form: ApiTokenForm, secret: str | None = None) -> str:
    return render_template(
        "accounts/tokens.html",
        form=form,
        tokens=api_tokens.tokens_of(current_user),
        may_create=policy.can_hold_api_tokens(current_user),
        secret=secret,
    )


@bp.get("/account/tokens")
@login_required
def api_tokens_page() -> str:
    """The person's API tokens; consultants, admins and owners may create them."""
    return _tokens_page(ApiTokenForm())


@bp.post("/account/tokens")
@login_required
def create_api_token() -> str | tuple[str, int]:
    """Create a token and show its secret, this once: it is not stored, only its hash."""
    if not policy.can_hold_api_tokens(current_user):
        raise api_tokens.TokenNotAllowedError()
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _tokens_page(form), 400
    created = api_tokens.create(current_user, form.name.data)
    return _tokens_page(ApiTokenForm(formdata=None), secret=created.secret)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int) -> Response:
    api_tokens.revoke(current_user, token_id)
    flash(_("The token is revoked; it no longer works."), "success")
    return redirect(url_for("accounts.api_tokens_page"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password() -> Response | str:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.send_reset_link(
            form.email.data,
            lambda token: url_for("accounts.reset_password", token=token, _external=True),
        )
        flash(
            _(
                "If an account exists for that address, a reset link is on its way. "
                "It works once, for two hours."
            ),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str) -> Response | str | tuple[str, int]:
    try:
        user = accounts.user_for_reset(token)
    except accounts.AccountError as error:
        return render_template("error.html", message=error.message, status=400), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(user, form.password.data)
        flash(_("Your password is set. Log in with it."), "success")
        return redirect(url_for("accounts.login"))
    return _new_password_page(form, _("Choose a new password"))


def _sign_up_links() -> accounts.SignUpLinks:
    return accounts.SignUpLinks(
        finish=lambda token: url_for("accounts.finish_sign_up", token=token, _external=True),
        reset=lambda token: url_for("accounts.reset_password", token=token, _external=True),
        log_in=url_for("accounts.login", _external=True),
    )


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(
    _sign_up_mail_limit,
    methods=["POST"],
    key_func=_posted_email_key,
    exempt_when=_no_address_posted,
    deduct_when=_mail_sent,
)
def sign_up() -> Response | str | tuple[str, int]:
    """A person asks for an account and their organisation, which they will own. Whether
    or not the address has an account, the answer is the same: check your e-mail."""
    form = SignUpForm()
    form.set_choices(current_library().organisation_options, current_locale())
    if form.validate_on_submit():
        try:
            accounts.request_sign_up(
                form.email.data,
                form.password.data,
                accounts.SignUpDetails(
                    name=form.name.data,
                    organisation=form.organisation.data,
                    industry=form.industry.data,
                    size_band=form.size_band.data,
                    region=form.region.data or "",
                ),
                _sign_up_links(),
            )
        except accounts.AccountError as error:
            form.email.errors.append(str(error.message))
            return render_template("accounts/sign_up.html", form=form), 400
        session["sign_up_email"] = accounts.normalise_email(form.email.data)
        return redirect(url_for("accounts.sign_up_sent"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/sign_up.html", form=form), status


@bp.get("/signup/sent")
def sign_up_sent() -> str:
    """Check your e-mail: the one answer to every sign-up form that was taken."""
    return render_template(
        "accounts/sign_up_sent.html",
        email=session.get("sign_up_email"),
        hours=accounts.sign_up_link_hours(),
        mail_configured=mail.is_configured(),
    )


def _finish_page(form: FinishSignUpForm, pending: PendingSignUp) -> str:
    return render_template("accounts/finish_sign_up.html", form=form, pending=pending)


@bp.route("/signup/finish/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def finish_sign_up(token: str) -> Response | str | tuple[str, int]:
    """The link mailed to a new address: with the password chosen on the form, it creates
    the account and the organisation, and logs the person in."""
    try:
        pending = accounts.pending_sign_up(token)
    except accounts.AccountError as error:
        return render_template("accounts/sign_up_link.html", message=error.message), 400
    form = FinishSignUpForm()
    if form.validate_on_submit():
        try:
            user = accounts.finish_sign_up(pending, form.password.data)
        except accounts.WrongPasswordError as error:
            form.password.errors.append(str(error.message))
            return _finish_page(form, pending), 400
        except accounts.AccountError as error:
            return render_template("accounts/sign_up_link.html", message=error.message), 400
        login_user(user)
        session.pop("sign_up_email", None)
        flash(
            _("Welcome. Your organisation is set up; start its first assessment here."), "success"
        )
        return redirect(url_for(accounts.landing_endpoint(user)))
    status = 400 if request.method == "POST" else 200
    return _finish_page(form, pending), status


@bp.app_context_processor
def account_menu() -> dict[str, object]:
    """Whether the header offers the API tokens page (asked only when it is drawn)."""
    return {"may_hold_api_tokens": lambda: policy.can_hold_api_tokens(current_user)}
