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
from sqlalchemy import func, select

from assessment import mail
from assessment.accounts import service as accounts
from assessment.audit import service as audit
from assessment.core.errors import AssessmentError
from assessment.core.text import clean_text
from assessment.extensions import db
from assessment.models import Engagement, Firm, Organisation, User, UserRole

log = logging.getLogger(__name__)


class AdministrationError(AssessmentError):
    status_code = 400


def users(role: str | None = None, search: str = "") -> list[User]:
    query = select(User).order_by(User.email)
    if role in tuple(UserRole):
        query = query.where(User.role == role)
    search = clean_text(search).lower()
    if search:
        pattern = f"%{search.replace('%', '').replace('_', '')}%"
        query = query.where(
            func.lower(User.email).like(pattern) | func.lower(User.name).like(pattern)
        )
    return list(db.session.execute(query.limit(500)).scalars())


def firms() -> list[Firm]:
    return list(db.session.execute(select(Firm).order_by(Firm.name)).scalars())


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


def add_user(
    email: str, name: str, role: str, firm: Firm | None, link_for: Callable[[str], str]
) -> tuple[User, mail.Delivery | None]:
    """An account whose owner chooses the password by a link (mailed, or in the log), and
    how that mail went."""
    firm = _check_role_and_firm(role, firm)
    try:
        user = accounts.create_user(email, secrets.token_urlsafe(32), role=role, name=name)
    except accounts.AccountError as error:
        raise AdministrationError(error.message) from None
    user.firm = firm
    audit.record_for_organisation("user.added", None, user=user.email, role=role)
    db.session.commit()
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


@dataclass(frozen=True)
class FirmPage:
    firm: Firm
    consultants: list[User]
    engagements: list[Engagement]
    other_organisations: list[Organisation]  # those it could be engaged by


def firm_page(firm: Firm) -> FirmPage:
    engagements = list(
        db.session.execute(
            select(Engagement)
            .join(Organisation, Organisation.id == Engagement.organisation_id)
            .where(Engagement.firm_id == firm.id)
            .order_by(Organisation.name)
        ).scalars()
    )
    engaged = {e.organisation_id for e in engagements}
    return FirmPage(
        firm=firm,
        consultants=list(
            db.session.execute(
                select(User).where(User.firm_id == firm.id).order_by(User.email)
            ).scalars()
        ),
        engagements=engagements,
        other_organisations=[
            o
            for o in db.session.execute(select(Organisation).order_by(Organisation.name)).scalars()
            if o.id not in engaged
        ],
    )


def engage(firm: Firm, organisation: Organisation) -> None:
    exists = db.session.execute(
        select(Engagement).where(
            Engagement.firm_id == firm.id, Engagement.organisation_id == organisation.id
        )
    ).first()
    if exists:
        raise AdministrationError(
            _l(
                "%(firm)s serves %(organisation)s already.",
                firm=firm.name,
                organisation=organisation.name,
            )
        )
    db.session.add(Engagement(firm_id=firm.id, organisation_id=organisation.id))
    audit.record_for_organisation("engagement.started", organisation.id, firm=firm.name)
    db.session.commit()


def end_engagement(engagement: Engagement) -> None:
    audit.record_for_organisation(
        "engagement.ended", engagement.organisation_id, firm=engagement.firm.name
    )
    db.session.delete(engagement)
    db.session.commit()
