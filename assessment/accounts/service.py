"""Accounts: creating users, checking passwords, changing and resetting them, signing up.

Passwords are hashed with argon2. A log-in attempt takes the same path whether or not
the account exists, so that neither the answer nor its timing tells an attacker which
addresses have accounts. A reset link is signed, expires, and works once: it carries a
fingerprint of the password hash, which the reset itself changes.

Signing up takes the same care: whether or not the address has an account, the form is
answered the same way and one e-mail goes to the address. For a new address it holds a
link that finishes the sign-up (signed like a reset link, expiring, working once); the
form's details wait meanwhile in a ``PendingSignUp``, the password only as its hash.
For an address that has an account it tells the holder, and nothing is created.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

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
    PendingSignUp,
    User,
    UserRole,
    utc_now,
)

log = logging.getLogger(__name__)

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256
RESET_MAX_AGE_SECONDS = 2 * 60 * 60
RESET_SALT = "password-reset"
SIGN_UP_SALT = "sign-up"
# Expired sign-ups are deleted this long after they expire: until then their links still
# say "expired", afterwards the link's own signed age does.
SIGN_UP_PURGE_AFTER = timedelta(hours=1)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

hasher = PasswordHasher()
# Verified against when no account matches, so that both paths cost the same.
_UNUSED_HASH = hasher.hash("not a password of anyone")


class AccountError(AssessmentError):
    status_code = 400


class WrongPasswordError(AccountError):
    """The password given is not the account's (or the pending sign-up's)."""


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


def landing_endpoint(user: User) -> str:
    """Where a person lands after logging in, by role: administrators on the
    administration, consultants on their client portfolio, everyone else (owners and
    members of organisations) on their organisations."""
    if user.role == UserRole.ADMIN:
        return "admin.users"
    if user.role == UserRole.CONSULTANT:
        return "portfolio.index"
    return "portfolio.organisations"


def _checked_new_account(email: str, password: str) -> str:
    """The normalised address; raise if it or the password may not make an account (the
    same answer whether or not the address has one)."""
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise AccountError(_l("%(email)s is not an e-mail address.", email=email[:80]))
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    return email


def create_user(email: str, password: str, role: str = UserRole.MEMBER, name: str = "") -> User:
    email = _checked_new_account(email, password)
    if role not in tuple(UserRole):
        raise AccountError(_l("Unknown role %(role)s.", role=role[:20]))
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


@dataclass(frozen=True)
class LinkProblems:
    """What a person is told when a signed link of theirs does not work."""

    expired: str
    forged: str


def _serializer(salt: str = RESET_SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(password_hash: str) -> str:
    """Changes when the hash does, and differs between any two hashes (argon2 salts each):
    a link carrying it works only while that hash is the one stored."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _signed_data(token: str, salt: str, max_age: int, problems: LinkProblems) -> dict:
    """What a signed link carries; raise if it is forged or older than ``max_age``."""
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise AccountError(problems.expired) from None
    except BadSignature:
        raise AccountError(problems.forged) from None
    return data if isinstance(data, dict) else {}


def reset_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "fingerprint": _fingerprint(user.password_hash)})


def user_for_reset(token: str) -> User:
    """The user a reset link belongs to; raise if it is forged, expired or used."""
    data = _signed_data(
        token,
        RESET_SALT,
        RESET_MAX_AGE_SECONDS,
        LinkProblems(
            expired=_l("This reset link has expired. Ask for a new one."),
            forged=_l("This reset link is not valid. Ask for a new one."),
        ),
    )
    user = db.session.get(User, data.get("user")) if isinstance(data.get("user"), int) else None
    if (
        user is None
        or not user.active
        or data.get("fingerprint") != _fingerprint(user.password_hash)
    ):
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


# ---------------------------------------------------------------------------
# Signing up


@dataclass(frozen=True)
class SignUpDetails:
    """What the sign-up form says of the person and their organisation, as typed."""

    name: str
    organisation: str
    industry: str
    size_band: str
    region: str


@dataclass(frozen=True)
class SignUpLinks:
    """The addresses a sign-up's e-mails hold, made by the view from a token."""

    finish: Callable[[str], str]  # finishing the sign-up, from its token
    reset: Callable[[str], str]  # choosing a new password, from a reset token
    log_in: str


def sign_up_link_hours() -> int:
    return int(current_app.config["SIGN_UP_LINK_HOURS"])


def request_sign_up(email: str, password: str, details: SignUpDetails, links: SignUpLinks) -> None:
    """Answer a sign-up form: the same work, the same answer and one e-mail to the address
    whether or not it has an account (none if that account is switched off).

    A new address gets a link that finishes the sign-up; the details wait in a
    ``PendingSignUp`` until then. The holder of an existing account is told that someone
    tried, with links to log in and to choose a new password; nothing is created.
    E-mails to an address nobody has confirmed hold nothing typed into the form but the
    address itself: the form must not become a way to send anyone a text of one's own.
    """
    email = _checked_new_account(email, password)
    password_hash = hasher.hash(password)  # on both paths, so that both take as long
    now = utc_now()
    db.session.execute(
        delete(PendingSignUp).where(PendingSignUp.expires_at <= now - SIGN_UP_PURGE_AFTER)
    )
    holder = find_by_email(email)
    if holder is not None:
        db.session.commit()
        if holder.active:
            mail.send(
                holder.email,
                "sign_up_existing",
                email=holder.email,
                log_in_link=links.log_in,
                reset_link=links.reset(reset_token(holder)),
            )
        log.info("sign-up asked for the address of user %s; nothing created", holder.id)
        return
    pending = PendingSignUp(
        email=email,
        name=clean_text(details.name),
        password_hash=password_hash,
        organisation_name=clean_text(details.organisation),
        industry=details.industry,
        size_band=details.size_band,
        region=clean_text(details.region),
        created_at=now,
        expires_at=now + timedelta(hours=sign_up_link_hours()),
    )
    db.session.add(pending)
    db.session.commit()
    token = _serializer(SIGN_UP_SALT).dumps(
        {"sign_up": pending.id, "fingerprint": _fingerprint(pending.password_hash)}
    )
    mail.send(
        email, "sign_up_finish", email=email, link=links.finish(token), hours=sign_up_link_hours()
    )
    log.info("sign-up %s waits for its address to be confirmed", pending.id)


_USED_SIGN_UP_LINK = _l(
    "This sign-up link has been used already. Log in with your e-mail address and password."
)
_ACCOUNT_EXISTS = _l(
    "An account for this address exists already. Log in, or choose a new password if you "
    "have forgotten it."
)


def pending_sign_up(token: str) -> PendingSignUp:
    """The sign-up a link finishes; raise with what to do if it is forged, expired, used,
    or if its address has an account by now."""
    problems = LinkProblems(
        expired=_l("This sign-up link has expired. Please sign up again."),
        forged=_l("This sign-up link is not valid. Please sign up again."),
    )
    data = _signed_data(token, SIGN_UP_SALT, sign_up_link_hours() * 60 * 60, problems)
    key = data.get("sign_up")
    pending = db.session.get(PendingSignUp, key) if isinstance(key, int) else None
    if pending is None or data.get("fingerprint") != _fingerprint(pending.password_hash):
        raise AccountError(_USED_SIGN_UP_LINK)
    if pending.expires_at <= utc_now():
        raise AccountError(problems.expired)
    if find_by_email(pending.email) is not None:
        raise AccountError(_ACCOUNT_EXISTS)
    return pending


def finish_sign_up(pending: PendingSignUp, password: str) -> User:
    """The account and the organisation a pending sign-up asked for, its person the owner;
    ``password`` must be the one chosen on the form, so that a link opened by someone
    other than who filled the form in creates nothing."""
    try:
        hasher.verify(pending.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise WrongPasswordError(
            _l("This is not the password you chose when you signed up.")
        ) from None
    user = User(
        email=pending.email,
        password_hash=pending.password_hash,
        role=UserRole.MEMBER,
        name=pending.name,
    )
    organisation = Organisation(
        name=pending.organisation_name,
        industry=pending.industry,
        size_band=pending.size_band,
        region=pending.region,
    )
    email = pending.email
    try:
        db.session.add_all([user, organisation])
        db.session.flush()
    except IntegrityError:  # the same link, finished at the same moment elsewhere
        db.session.rollback()
        raise AccountError(_USED_SIGN_UP_LINK) from None
    # Every sign-up waiting for this address is done with: its link would now only say so.
    db.session.execute(delete(PendingSignUp).where(PendingSignUp.email == email))
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
