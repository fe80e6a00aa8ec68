"""What an administrator does: people's roles and firms, firms and their clients.

Every change is kept in the audit trail. An administrator cannot lock themselves out:
they may not take away their own administrator role or deactivate their own account.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from assessment import mail
from assessment.accounts import service as accounts
from assessment.audit import service as audit
from assessment.core.errors import AssessmentError
from assessment.core.text import clean_text
from assessment.extensions import db
from assessment.models import LARGEST_ID, Engagement, Firm, Organisation, User, UserRole

log = logging.getLogger(__name__)


class AdministrationError(AssessmentError):
    status_code = 400


ENGAGE_SEARCH_LIMIT = 20


def users_query(role: str = "", search: str = "") -> Select[tuple[User]]:
    """Accounts by e-mail, of one role when ``role`` is given, whose e-mail or name
    contains ``search``; for ``web.paging`` to read a page of."""
    query = select(User).order_by(User.email, User.id)
    if role:
        query = query.where(User.role == role)
    search = clean_text(search)
    if search:
        query = query.where(
            User.email.icontains(search, autoescape=True)
            | User.name.icontains(search, autoescape=True)
        )
    return query


def firms() -> list[Firm]:
    """Every firm, by name: for the firm choice of an account (firms are few)."""
    return list(db.session.execute(select(Firm).order_by(Firm.name, Firm.id)).scalars())


def firms_query(search: str = "") -> Select[tuple[Firm]]:
    """Firms by name, those whose name contains ``search`` when given."""
    query = select(Firm).order_by(Firm.name, Firm.id)
    search = clean_text(search)
    if search:
        query = query.where(Firm.name.icontains(search, autoescape=True))
    return query


def _check_role_and_firm(role: str, firm: Firm | None) -> Firm | None:
    if role not in tuple(UserRole):
        raise AdministrationError(_l("Unknown role %(role)s.", role=role[:20]))
    if role == UserRole.CONSULTANT and firm is None:
        raise AdministrationError(_l("A consultant belongs to a firm: choose one."))
    return firm if role == UserRole.CONSULTANT else None


def update_user(admin: User, user: User, role: str, firm: Firm | None, active: bool) -> None:
    if user.id == admin.id and (role != UserRole.ADMIN or not active):
        raise AdministrationError(
            _l("You cannot take away your own administrator role or deactivate yourself.")
        )
    firm = _check_role_and_firm(role, firm)
    before = {"role": user.role, "firm": user.firm_id, "active": user.active}
    user.role, user.firm, user.active = role, firm, active
    after = {"role": role, "firm": firm.id if firm else None, "active": active}
    if before != after:
        audit.record_for_organisation("user.changed", None, user=user.email, **after)
    db.session.commit()
    log.info("user %s changed by admin %s: %s", user.id, admin.id, after)


def create_account(email: str, name: str, role: str, firm: Firm | None) -> User:
    """An account of ``role`` (in ``firm`` for a consultant) with a password nobody knows,
    kept in the trail: made by an administrator, or at a first single sign-on."""
    firm = _check_role_and_firm(role, firm)
    try:
        user = accounts.create_user(email, secrets.token_urlsafe(32), role=role, name=name)
    except accounts.AccountError as error:
        raise AdministrationError(error.message) from None
    user.firm = firm
    audit.record_for_organisation("user.added", None, user=user.email, role=role)
    db.session.commit()
    return user


def add_user(
    email: str, name: str, role: str, firm: Firm | None, link_for: Callable[[str], str]
) -> tuple[User, mail.Delivery | None]:
    """An account whose owner chooses the password by a link (mailed, or in the log), and
    how that mail went."""
    user = create_account(email, name, role, firm)
    delivery = accounts.send_reset_link(user.email, link_for, template="account_created")
    return user, delivery


def create_firm(name: str) -> Firm:
    name = clean_text(name)
    if not name:
        raise AdministrationError(_l("Give the firm a name."))
    if db.session.execute(select(Firm).where(func.lower(Firm.name) == name.lower())).first():
        raise AdministrationError(_l("A firm named %(name)s exists already.", name=name))
    firm = Firm(name=name)
    db.session.add(firm)
    db.session.flush()
    audit.record_for_organisation("firm.created", None, firm=name)
    db.session.commit()
    return firm


def consultants(firm: Firm) -> list[User]:
    return list(
        db.session.execute(
            select(User).where(User.firm_id == firm.id).order_by(User.email, User.id)
        ).scalars()
    )


def engagements_query(firm: Firm, search: str = "") -> Select[tuple[Engagement]]:
    """The firm's clients by name (each engagement with its organisation loaded), those
    whose name contains ``search`` when given."""
    query = (
        select(Engagement)
        .join(Organisation, Organisation.id == Engagement.organisation_id)
        .options(contains_eager(Engagement.organisation))
        .where(Engagement.firm_id == firm.id)
        .order_by(Organisation.name, Organisation.id)
    )
    search = clean_text(search)
    if search:
        query = query.where(Organisation.name.icontains(search, autoescape=True))
    return query


def _served_by(firm: Firm) -> ColumnElement[bool]:
    return exists().where(
        Engagement.firm_id == firm.id, Engagement.organisation_id == Organisation.id
    )


@dataclass(frozen=True)
class EngageCandidates:
    """Organisations the firm does not serve yet whose name contains what was typed."""

    organisations: list[Organisation]
    more: bool  # more matched than are shown: type more of the name


def engage_candidates(
    firm: Firm, search: str, limit: int = ENGAGE_SEARCH_LIMIT
) -> EngageCandidates:
    search = clean_text(search)
    if not search:
        return EngageCandidates([], more=False)
    found = list(
        db.session.execute(
            select(Organisation)
            .where(Organisation.name.icontains(search, autoescape=True), ~_served_by(firm))
            .order_by(Organisation.name, Organisation.id)
            .limit(limit + 1)
        ).scalars()
    )
    return EngageCandidates(found[:limit], more=len(found) > limit)


def organisation_to_engage(firm: Firm, organisation_id: str | int | None) -> Organisation:
    """The organisation an "Engage" button names, checked: it exists and the firm does
    not serve it yet."""
    text = str(organisation_id or "").strip()
    if not text.isascii() or not text.isdigit():
        raise AdministrationError(_l("Choose a client organisation."))
    organisation = db.session.get(Organisation, int(text)) if int(text) <= LARGEST_ID else None
    if organisation is None:
        raise AdministrationError(
            _l(
                "There is no organisation #%(id)s: it may have been deleted. "
                "Search for the client again.",
                id=text[:20],
            )
        )
    _not_served_yet(firm, organisation)
    return organisation


def _not_served_yet(firm: Firm, organisation: Organisation) -> None:
    served = db.session.execute(
        select(
            exists().where(
                Engagement.firm_id == firm.id, Engagement.organisation_id == organisation.id
            )
        )
    ).scalar()
    if served:
        raise AdministrationError(
            _l(
                "%(firm)s serves %(organisation)s already.",
                firm=firm.name,
                organisation=organisation.name,
            )
        )


def engage(firm: Firm, organisation: Organisation) -> None:
    _not_served_yet(firm, organisation)
    organisation_id = organisation.id
    db.session.add(Engagement(firm_id=firm.id, organisation_id=organisation_id))
    audit.record_for_organisation("engagement.started", organisation_id, firm=firm.name)
    try:
        db.session.commit()
    except IntegrityError:
        # Engaged, or deleted, at the same moment by another administrator: say which.
        db.session.rollback()
        organisation_to_engage(firm, organisation_id)
        raise


def end_engagement(engagement: Engagement) -> None:
    audit.record_for_organisation(
        "engagement.ended", engagement.organisation_id, firm=engagement.firm.name
    )
    db.session.delete(engagement)
    db.session.commit()
