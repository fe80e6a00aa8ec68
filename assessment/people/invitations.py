"""Invitations: signed, expiring links to join an organisation or to answer one assessment.

A link carries the invitation's id, signed with the app's secret (itsdangerous), so it
cannot be forged or guessed. Whether it still works is decided from the database on
every use: it expires after ``INVITATION_DAYS``, it can be revoked at once, and a link to
join works once. A link to answer an assessment opens the invitee's own sheet of it (see
``respondents``), stands in for a resume link scoped to that sheet, and stops working when
it is revoked or expires; no resume link is ever shown to the invitee.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from assessment import mail
from assessment.accounts.service import EMAIL_PATTERN, normalise_email
from assessment.audit import service as audit
from assessment.core.errors import AssessmentError, NotFoundError
from assessment.extensions import db
from assessment.models import (
    Assessment,
    Invitation,
    InvitationKind,
    InvitationState,
    Membership,
    MembershipRole,
    Organisation,
    User,
    utc_now,
)
from assessment.respondents import service as respondents

log = logging.getLogger(__name__)

SALT = "invitation"


class InvitationError(AssessmentError):
    status_code = 400


class InvitationGoneError(AssessmentError):
    """A genuine link that no longer works: expired, revoked or used."""

    status_code = 410


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _expired() -> InvitationGoneError:
    return InvitationGoneError(
        _l("This invitation has expired. Ask the person who invited you for a new one.")
    )


def link_token(invitation: Invitation) -> str:
    return _serializer().dumps({"invitation": invitation.id})


def looks_like_invitation(token: str) -> bool:
    """Resume tokens are plain URL-safe strings; signed invitation tokens have a dot."""
    return "." in token


def create(
    organisation: Organisation,
    inviter: User,
    email: str,
    kind: str,
    role: str | None = None,
    assessment: Assessment | None = None,
) -> Invitation:
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise InvitationError(_l("%(email)s is not an e-mail address.", email=email[:80]))
    if kind == InvitationKind.JOIN:
        if role not in tuple(MembershipRole):
            raise InvitationError(_l("Choose whether the person joins as owner or respondent."))
        assessment = None
    elif kind == InvitationKind.ANSWER:
        if assessment is None or assessment.organisation_id != organisation.id:
            raise InvitationError(_l("Choose an assessment of this organisation."))
        if assessment.is_submitted:
            raise InvitationError(_l("This assessment is submitted; nobody can answer it now."))
        role = None
    else:
        raise InvitationError(_l("Choose what the invitation is for."))
    now = utc_now()
    invitation = Invitation(
        organisation_id=organisation.id,
        assessment_id=assessment.id if assessment else None,
        kind=kind,
        role=role,
        email=email,
        created_by_id=inviter.id,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record_for_organisation(
        "invitation.created",
        organisation.id,
        assessment_id=invitation.assessment_id,
        email=email,
        kind=kind,
        role=role,
    )
    db.session.commit()
    return invitation


def send(invitation: Invitation, link_for: Callable[[str], str]) -> tuple[str, mail.Delivery]:
    """Mail the link to the invitee (to the log when no mail server is configured);
    return it, and whether the mail went, for the inviter to pass it on otherwise."""
    link = link_for(link_token(invitation))
    inviter = invitation.created_by
    delivery = mail.send(
        invitation.email,
        "invitation",
        invitation=invitation,
        inviter=(inviter.name or inviter.email) if inviter else "",
        link=link,
    )
    return link, delivery


def _not_found() -> NotFoundError:
    return NotFoundError(
        _l("This invitation link is not valid. Check that the whole link was copied.")
    )


def find(token: str) -> Invitation:
    """The invitation a link names, whatever its state; 404 when forged or unknown."""
    max_age = timedelta(days=current_app.config["INVITATION_DAYS"]).total_seconds()
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise _expired() from None
    except BadSignature:
        raise _not_found() from None
    invitation_id = data.get("invitation") if isinstance(data, dict) else None
    invitation = (
        db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    )
    if invitation is None:
        raise _not_found()
    return invitation


def usable(token: str) -> Invitation:
    """The invitation of a link that still works; a clear error when it does not."""
    invitation = find(token)
    state = invitation.state(utc_now())
    if state == InvitationState.REVOKED:
        raise InvitationGoneError(
            _l("This invitation was withdrawn. Ask the person who invited you for a new one.")
        )
    if state == InvitationState.EXPIRED:
        raise _expired()
    if state == InvitationState.ACCEPTED:
        raise InvitationGoneError(
            _l("This invitation has been accepted already. Log in to reach the organisation.")
        )
    return invitation


def assessment_for_link(token: str) -> Assessment:
    """The invitee's own sheet of the assessment an answer invitation is for (made at
    first use, so that each invited person answers alone); notes the first use."""
    invitation = usable(token)
    if invitation.kind != InvitationKind.ANSWER or invitation.assessment is None:
        raise _not_found()
    g.link_channel = "invitation"
    if invitation.sheet is None and invitation.assessment.is_submitted:
        raise InvitationGoneError(
            _l("This assessment was submitted before you answered it; the link is closed.")
        )
    if invitation.accepted_at is None:
        invitation.accepted_at = utc_now()
    return respondents.sheet_for_invitation(invitation)


def accept(invitation: Invitation, user: User) -> Membership:
    """Make ``user`` a member as the invitation says; the link then stops working."""
    if invitation.kind != InvitationKind.JOIN:
        raise _not_found()
    if normalise_email(user.email) != invitation.email:
        raise InvitationError(
            _l(
                "This invitation is for %(email)s. Log in with that address to accept it.",
                email=invitation.email,
            )
        )
    membership = db.session.execute(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.organisation_id == invitation.organisation_id,
        )
    ).scalar_one_or_none()
    if membership is None:
        membership = Membership(
            user_id=user.id, organisation_id=invitation.organisation_id, role=invitation.role
        )
        db.session.add(membership)
    elif invitation.role == MembershipRole.OWNER:
        membership.role = MembershipRole.OWNER  # an invitation never lowers a role
    invitation.accepted_at = utc_now()
    invitation.accepted_by_id = user.id
    audit.record_for_organisation(
        "invitation.accepted", invitation.organisation_id, email=invitation.email
    )
    db.session.commit()
    log.info("user %s joined organisation %s", user.id, invitation.organisation_id)
    return membership


def revoke(invitation: Invitation) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = utc_now()
        audit.record_for_organisation(
            "invitation.revoked",
            invitation.organisation_id,
            assessment_id=invitation.assessment_id,
            email=invitation.email,
        )
        db.session.commit()


def of_organisation(organisation_id: int) -> list[Invitation]:
    return list(
        db.session.execute(
            select(Invitation)
            .where(Invitation.organisation_id == organisation_id)
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        ).scalars()
    )


def members_of(organisation_id: int) -> list[Membership]:
    return list(
        db.session.execute(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organisation_id == organisation_id)
            .order_by(Membership.role, User.email)
        ).scalars()
    )


def remove_member(membership: Membership) -> None:
    """Remove a person from an organisation; never its last owner."""
    if membership.role == MembershipRole.OWNER:
        owners = [
            m for m in members_of(membership.organisation_id) if m.role == MembershipRole.OWNER
        ]
        if len(owners) <= 1:
            raise InvitationError(
                _l("The organisation's last owner cannot be removed. Invite another owner first.")
            )
    audit.record_for_organisation(
        "member.removed", membership.organisation_id, email=membership.user.email
    )
    db.session.delete(membership)
    db.session.commit()
