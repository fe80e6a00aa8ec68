"""Personal API tokens: created and revoked on the account page, used as bearer tokens.

A token's secret is ``secrets.token_urlsafe(32)``; only its SHA-256 is stored, so the
database never holds a secret that works. The secret is shown once, at creation.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from assessment import policy
from assessment.core.errors import AssessmentError, NotFoundError
from assessment.core.text import clean_text
from assessment.extensions import db
from assessment.models import NAME_MAX_LENGTH, ApiToken, User, utc_now

log = logging.getLogger(__name__)

SECRET_BYTES = 32
SECRET_MAX_LENGTH = 100  # what a bearer header may carry before it is even hashed
LAST_USED_PRECISION = timedelta(minutes=1)  # last use is written at most once a minute


class TokenNotAllowedError(AssessmentError):
    status_code = 403

    def __init__(self) -> None:
        super().__init__(
            _l("Only consultants, administrators and organisation owners may use API tokens.")
        )


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def tokens_of(user: User) -> list[ApiToken]:
    """The person's tokens, newest first, revoked ones included."""
    return list(
        db.session.execute(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        ).scalars()
    )


def create(user: User, name: str) -> NewToken:
    if not policy.can_hold_api_tokens(user):
        raise TokenNotAllowedError()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken(
        user_id=user.id,
        name=clean_text(name)[:NAME_MAX_LENGTH],
        secret_hash=secret_hash(secret),
    )
    db.session.add(token)
    db.session.commit()
    log.info("api token %s created for user %s", token.id, user.id)
    return NewToken(token, secret)


def revoke(user: User, token_id: int) -> ApiToken:
    """Revoke one of the person's own tokens; someone else's is a 404."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFoundError(_l("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utc_now()
        db.session.commit()
        log.info("api token %s revoked by user %s", token.id, user.id)
    return token


def user_for_secret(secret: str) -> User | None:
    """The active person a working token belongs to, noting its use; None otherwise."""
    if not secret or len(secret) > SECRET_MAX_LENGTH:
        return None
    token = db.session.execute(
        select(ApiToken).where(ApiToken.secret_hash == secret_hash(secret))
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utc_now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        db.session.commit()
    return token.user
