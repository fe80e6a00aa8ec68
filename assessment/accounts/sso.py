"""Single sign-on: logging in by an organisation's OpenID Connect identity provider.

Authlib is the client: the authorisation code flow with PKCE (S256), a ``state`` kept in
the session and a ``nonce``. The ID token is checked against the provider's keys (its
JWKS), its issuer, its audience (this site's client id, which the provider must name),
its expiry and the nonce; a token that fails any of these logs nobody in.

Accounts are matched by e-mail, and only by an address the provider says it has
verified (``email_verified``), and only for the people the account map
(``OIDC_ACCOUNT_MAP``, see ``assessment.core.sso``) trusts the provider with: those of its
groups or its e-mail domains. Such an address with an account logs in to it as it is
(nothing is moved: the account map only shapes new accounts), even if it has a password,
which keeps working; but never to an administrator's account, nor to a consultant's of
another firm than the map's, whatever the provider says. Such an address without an
account gets one: made like an administrator makes one, in the mapped firm with the
mapped role. Everyone else is refused with a page that says what to do. A switched-off
account is refused too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, g, session
from flask_babel import lazy_gettext as _l
from joserfc.errors import JoseError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assessment.accounts import service as accounts
from assessment.admin import service as administration
from assessment.core import sso as sso_settings
from assessment.core.errors import AssessmentError
from assessment.extensions import db
from assessment.models import NAME_MAX_LENGTH, Firm, User, UserRole, utc_now

log = logging.getLogger(__name__)

EXTENSION = "sso"
CLIENT_NAME = "oidc"


class SignInRefusedError(AssessmentError):
    """A single sign-on that logs nobody in; ``reason`` (for the log) names why."""

    status_code = 403

    def __init__(self, reason: str, message: Any, status_code: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        if status_code is not None:
            self.status_code = status_code


REFUSALS = {
    "state": (
        400,
        _l(
            "This sign-in was not started from this browser, or it has been used already, "
            "so nobody is logged in."
        ),
    ),
    "provider": (
        400,
        _l("Your organisation's sign-in did not complete, so nobody is logged in."),
    ),
    "token": (
        400,
        _l(
            "Your organisation's sign-in sent an answer this site cannot trust (it is expired, "
            "meant for another site or not signed by the provider), so nobody is logged in. "
            "If it happens again, tell whoever runs this site."
        ),
    ),
    "unreachable": (
        502,
        _l(
            "Your organisation's sign-in service cannot be reached just now. Try again in a "
            "few minutes, or log in with your e-mail and password."
        ),
    ),
    "unverified": (
        403,
        _l(
            "Your organisation's sign-in has not confirmed your e-mail address, so it cannot "
            "log you in here. Ask your IT team to confirm the address, or log in with your "
            "e-mail and password."
        ),
    ),
    "unknown": (
        403,
        _l(
            "Your organisation is not set up to sign in here with this address. Log in with "
            "your e-mail and password, or ask whoever runs this site for an account."
        ),
    ),
    "elsewhere": (
        403,
        _l(
            "Your organisation's sign-in cannot open this account: it is an administrator's, "
            "or a consultant's of another firm. Log in with your e-mail and password."
        ),
    ),
    "several_firms": (
        403,
        _l(
            "Your groups at your organisation name more than one consulting firm here, so no "
            "account can be made for you. Ask whoever runs this site for an account."
        ),
    ),
    "no_firm": (
        403,
        _l(
            "Your organisation is set up to sign in here with a consulting firm this site "
            "does not have, so no account can be made for you. Tell whoever runs this site."
        ),
    ),
    "inactive": (
        403,
        _l("Your account here is switched off. Ask an administrator to switch it on."),
    ),
}


def refusal(reason: str) -> SignInRefusedError:
    status, message = REFUSALS[reason]
    return SignInRefusedError(reason, message, status)


@dataclass(frozen=True)
class SingleSignOn:
    """The app's single sign-on: its Authlib client and its account map."""

    issuer: str
    client: Any  # authlib's FlaskOAuth2App
    account_map: sso_settings.AccountMap
    groups_claim: str


def init_sso(app: Flask) -> None:
    """Register the provider's client when ``OIDC_ISSUER`` is set (checked at start);
    the discovery document is read at the first sign-in, not now: no network at start."""
    issuer = str(app.config.get("OIDC_ISSUER") or "").strip()
    if not issuer:
        return
    account_map, _problems = sso_settings.read_account_map(app.config.get("OIDC_ACCOUNT_MAP"))
    scope = "openid email profile" + (" groups" if account_map.uses_groups else "")
    client = OAuth(app).register(
        CLIENT_NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={
            "scope": scope,
            "code_challenge_method": "S256",
            "default_timeout": app.config["OIDC_TIMEOUT_SECONDS"],
        },
    )
    app.extensions[EXTENSION] = SingleSignOn(
        issuer=issuer,
        client=client,
        account_map=account_map,
        groups_claim=str(app.config.get("OIDC_GROUPS_CLAIM") or "groups"),
    )


def single_sign_on() -> SingleSignOn | None:
    return current_app.extensions.get(EXTENSION)


def is_enabled() -> bool:
    return single_sign_on() is not None


def redirect_to_provider(sign_on: SingleSignOn, callback_url: str) -> Any:
    """The redirect to the provider's log-in; the state, nonce and PKCE verifier wait in
    the session, where a sign-in started earlier and never finished is dropped: one
    sign-in at a time per browser, and a session cookie that does not grow."""
    for key in [key for key in session if key.startswith(f"_state_{CLIENT_NAME}_")]:
        session.pop(key)
    try:
        return sign_on.client.authorize_redirect(callback_url)
    except requests.RequestException as error:
        log.warning("single sign-on: the provider cannot be reached: %s", type(error).__name__)
        raise refusal("unreachable") from None


def verified_claims(sign_on: SingleSignOn) -> Mapping[str, Any]:
    """The ID token's claims of the provider's answer that this request brings back,
    once every check has passed; else ``SignInRefusedError`` saying why."""
    issuer = sign_on.issuer.rstrip("/")
    options = {
        "iss": {"essential": True, "values": [issuer, issuer + "/"]},
        "aud": {"essential": True, "values": [sign_on.client.client_id]},
        "exp": {"essential": True},
    }
    try:
        token = sign_on.client.authorize_access_token(claims_options=options)
    except MismatchingStateError:
        raise _refused("state") from None
    except OAuthError as error:  # the provider's own refusal: a used code, a cancel
        raise _refused("provider", error.error) from None
    except JoseError as error:  # a bad signature, audience, issuer, expiry or nonce
        raise _refused("token", type(error).__name__) from None
    except requests.RequestException as error:
        raise _refused("unreachable", type(error).__name__) from None
    claims = token.get("userinfo")
    if not claims:  # no ID token: nothing signed says who this is
        raise _refused("token", "no id_token")
    return claims


def rules_without_their_firm(sign_on: SingleSignOn) -> list[sso_settings.AccountRule]:
    """The account map's rules whose firm is not in the database (``flask users
    check-sso``): their people would be refused at their first sign-in."""
    rules = [*sign_on.account_map.domains.values(), *sign_on.account_map.groups.values()]
    return [rule for rule in rules if _firm(rule.firm) is None]


def _refused(reason: str, detail: str = "") -> SignInRefusedError:
    log.warning("single sign-on refused: %s %s", reason, detail)
    return refusal(reason)


def _verified_email(claims: Mapping[str, Any]) -> str:
    email = claims.get("email")
    verified = claims.get("email_verified")
    if not isinstance(email, str) or not accounts.EMAIL_PATTERN.match(email.strip()):
        raise _refused("unverified", "no e-mail")
    if verified is not True and str(verified).lower() != "true":  # some send "true"
        raise _refused("unverified")
    return accounts.normalise_email(email)


def _groups(claims: Mapping[str, Any], claim: str) -> list[str]:
    groups = claims.get(claim)
    if isinstance(groups, str):
        return [groups]
    if isinstance(groups, list):
        return [group for group in groups if isinstance(group, str)]
    return []


def _firm(reference: str | int) -> Firm | None:
    if isinstance(reference, int):
        return db.session.get(Firm, reference)
    return db.session.execute(
        select(Firm).where(func.lower(Firm.name) == reference.strip().lower())
    ).scalar_one_or_none()


def user_for_claims(sign_on: SingleSignOn, claims: Mapping[str, Any]) -> User:
    """The account the verified claims log in to: the one with the verified e-mail, else
    one made now from the account map; else ``SignInRefusedError``."""
    email = _verified_email(claims)
    rule, firm = _trusted_rule(sign_on, email, claims)
    user = accounts.find_by_email(email)
    if user is None:
        user = _new_account(rule, firm, email, claims)
    elif not user.active:
        raise _refused("inactive", f"user {user.id}")
    elif user.role == UserRole.ADMIN or (
        user.role == UserRole.CONSULTANT and user.firm_id != firm.id
    ):
        raise _refused("elsewhere", f"user {user.id} by {rule.key}")
    user.last_login_at = utc_now()
    db.session.commit()
    log.info("user %s logged in by single sign-on", user.id)
    return user


def _trusted_rule(
    sign_on: SingleSignOn, email: str, claims: Mapping[str, Any]
) -> tuple[sso_settings.AccountRule, Firm]:
    """The account map's rule that trusts the provider with this person (by a group or the
    address's domain), and its firm; else ``SignInRefusedError``."""
    rules = sign_on.account_map.rules_for(email, _groups(claims, sign_on.groups_claim))
    if not rules:
        raise _refused("unknown")
    if len(rules) > 1:
        raise _refused("several_firms", ", ".join(rule.key for rule in rules))
    rule = rules[0]
    firm = _firm(rule.firm)
    if firm is None:
        log.error("OIDC_ACCOUNT_MAP's %r names the firm %r, which is not here", rule.key, rule.firm)
        raise refusal("no_firm")
    return rule, firm


def _new_account(
    rule: sso_settings.AccountRule, firm: Firm, email: str, claims: Mapping[str, Any]
) -> User:
    name = claims.get("name") if isinstance(claims.get("name"), str) else ""
    g.link_channel = "sso"  # the trail says the account was made at a single sign-on
    try:
        user = administration.create_account(email, name[:NAME_MAX_LENGTH], rule.role, firm)
    except (administration.AdministrationError, IntegrityError):
        # Made meanwhile, by the same person's sign-in in another tab: log in to that one.
        db.session.rollback()
        user = accounts.find_by_email(email)
        if user is None or not user.active:
            raise _refused("unknown", "the account could not be made") from None
        return user
    log.info("user %s made at single sign-on by %s", user.id, rule.key)
    return user
