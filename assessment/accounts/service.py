"""Accounts: creating users, checking passwords, changing and resetting them.

Passwords are hashed with argon2. A log-in attempt takes the same path whether or not
the account exists, so that neither the answer nor its timing tells an attacker which
addresses have accounts. A reset link is signed, expires, and works once: it carries a
fingerprint of the password hash, which the reset itself changes.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from assessment import mail
from assessment.audit import service as audit
from assessment.core.errors import AssessmentError
from assessment.core.text import clean_text
from assessment.extensions import db
from assessment.models import (
    Assessment,
    Membership,
    MembershipRole,
    Organisation,
    User,
    UserRole,
    utc_now,
)

log = logging.getLogger(__name__)

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256
RESET_MAX_AGE_SECONDS = 2 * 60 * 60
RESET_SALT = "password-reset"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

hasher = PasswordHasher()
# Verified against when no account matches, so that both paths cost the same.
_UNUSED_HASH = hasher.hash("not a password of anyone")


class AccountError(AssessmentError):
    status_code = 400


def normalise_email(email: str) -> str:
    return clean_text(email).lower()


def password_problem(password: str) -> str | None:
    if len(password) < PASSWORD_MIN_LENGTH:
        return str(
            _l("The password needs at least %(count)s characters.", count=PASSWORD_MIN_LENGTH)
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        return str(_l("The password is too long."))
    return None


def find_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).scalar_one_or_none()


def create_user(email: str, password: str, role: str = UserRole.MEMBER, name: str = "") -> User:
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise AccountError(_l("%(email)s is not an e-mail address.", email=email[:80]))
    if role not in tuple(UserRole):
        raise AccountError(_l("Unknown role %(role)s.", role=role[:20]))
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    if find_by_email(email) is not None:
        raise AccountError(_l("An account for %(email)s already exists.", email=email))
    user = User(email=email, password_hash=hasher.hash(password), role=role, name=clean_text(name))
    db.session.add(user)
    db.session.commit()
    log.info("user %s created with role %s", user.id, role)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None; the same work either way."""
    user = find_by_email(email)
    try:
        hasher.verify(user.password_hash if user else _UNUSED_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = utc_now()
    db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hasher.hash(password)
    user.password_changed_at = utc_now()
    db.session.commit()
    log.info("password of user %s changed", user.id)


def change_password(user: User, current: str, new: str) -> None:
    try:
        hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise AccountError(_l("The current password is not right.")) from None
    set_password(user, new)


# ---------------------------------------------------------------------------
# Reset links


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "fingerprint": _fingerprint(user)})


def user_for_reset(token: str) -> User:
    """The user a reset link belongs to; raise if it is forged, expired or used."""
    try:
        data = _serializer().loads(token, max_age=RESET_MAX_AGE_SECONDS)
    except SignatureExpired:
        raise AccountError(_l("This reset link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise AccountError(_l("This reset link is not valid. Ask for a new one.")) from None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("fingerprint") != _fingerprint(user):
        raise AccountError(_l("This reset link has been used already. Ask for a new one."))
    return user


def send_reset_link(
    email: str, link_for: Callable[[str], str], template: str = "password_reset"
) -> mail.Delivery | None:
    """E-mail a link to choose a password if the account exists (None if not: a page
    asking for a reset must say the same either way). ``template``: ``password_reset``,
    or ``account_created`` for an account an administrator has just made."""
    user = find_by_email(email)
    if user is None or not user.active:
        return None
    return mail.send(user.email, template, user=user, link=link_for(reset_token(user)))


def sign_up(email: str, password: str, name: str, organisation: Organisation) -> User:
    """A new person and their organisation, of which they become the owner."""
    user = create_user(email, password, role=UserRole.MEMBER, name=name)
    organisation.name = clean_text(organisation.name)
    organisation.region = clean_text(organisation.region)
    db.session.add(organisation)
    db.session.flush()
    db.session.add(
        Membership(user_id=user.id, organisation_id=organisation.id, role=MembershipRole.OWNER)
    )
    db.session.commit()
    log.info("user %s signed up with organisation %s", user.id, organisation.id)
    return user


def claim_organisation(user: User, assessment: Assessment) -> None:
    """``user`` becomes the owner of the organisation an assessment was answered for."""
    db.session.add(
        Membership(
            user_id=user.id,
            organisation_id=assessment.organisation_id,
            role=MembershipRole.OWNER,
        )
    )
    audit.record("organisation.claimed", assessment)
    db.session.commit()
    log.info("user %s claimed organisation %s", user.id, assessment.organisation_id)
