"""Who may see and change what: every access rule of the product, in one place.

- An admin may see and do everything.
- A consultant may see and work on the organisations their firm is engaged by.
- A member of an organisation may see it; its owner may also manage it.
- Anyone holding an assessment's resume link, or a working invitation to answer it, may
  answer that one assessment; its organisation's details may be changed by link only while
  the organisation belongs to nobody.
Views ask these functions; an object someone may not see is answered with 404, so that
its existence and its name never leak.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, exists, false, select, true, union_all

from assessment.extensions import db
from assessment.models import (
    Assessment,
    Engagement,
    Membership,
    MembershipRole,
    Organisation,
    ReportBatch,
    User,
    UserRole,
)


def _signed_in(user: object) -> User | None:
    return user if isinstance(user, User) and user.is_active else None


def is_admin(user: object) -> bool:
    signed_in = _signed_in(user)
    return signed_in is not None and signed_in.role == UserRole.ADMIN


def is_consultant(user: object) -> bool:
    signed_in = _signed_in(user)
    return signed_in is not None and signed_in.role == UserRole.CONSULTANT


def serves(user: object, organisation_id: int | None) -> bool:
    """Whether a consultant's firm is engaged by the organisation."""
    signed_in = _signed_in(user)
    if organisation_id is None or not is_consultant(signed_in) or signed_in.firm_id is None:
        return False
    return bool(
        db.session.execute(
            select(
                exists().where(
                    Engagement.firm_id == signed_in.firm_id,
                    Engagement.organisation_id == organisation_id,
                )
            )
        ).scalar()
    )


def member_role(user: object, organisation_id: int | None) -> str | None:
    signed_in = _signed_in(user)
    if signed_in is None or organisation_id is None:
        return None
    return db.session.execute(
        select(Membership.role).where(
            Membership.user_id == signed_in.id, Membership.organisation_id == organisation_id
        )
    ).scalar_one_or_none()


def can_view_organisation(user: object, organisation: Organisation) -> bool:
    return is_admin(user) or _holds(organisation, visible_organisation(user))


def can_manage_organisation(user: object, organisation: Organisation) -> bool:
    """Start assessments, invite people: admins, its consultants and its owner."""
    return is_admin(user) or _holds(organisation, manageable_organisation(user))


def can_manage_webhooks(user: object, organisation: Organisation) -> bool:
    """Add, disable, remove and test an organisation's webhook endpoints and read their
    delivery log: those who manage it (admins, its consultants and its owner)."""
    return can_manage_organisation(user, organisation)


def belongs_to_nobody(organisation_id: int) -> bool:
    """No member and no consulting firm: an organisation typed in from an assessment link."""
    return not db.session.execute(
        select(
            exists().where(Membership.organisation_id == organisation_id)
            | exists().where(Engagement.organisation_id == organisation_id)
        )
    ).scalar()


def can_edit_organisation_details(user: object, assessment: Assessment) -> bool:
    """Through an assessment's link, an organisation's name, industry and size may be
    changed only while it belongs to nobody; afterwards only by those who manage it."""
    organisation = assessment.organisation
    if assessment.is_sheet:
        return False  # a respondent's own sheet: the organisation is its assessment's
    return (
        organisation is None
        or can_manage_organisation(user, organisation)
        or belongs_to_nobody(organisation.id)
    )


def can_claim_organisation(user: object, assessment: Assessment) -> bool:
    """A signed-in member may take an organisation that belongs to nobody into their
    account, from an assessment they hold the resume link of."""
    signed_in = _signed_in(user)
    return (
        signed_in is not None
        and signed_in.role == UserRole.MEMBER
        and assessment.organisation_id is not None
        and belongs_to_nobody(assessment.organisation_id)
    )


def can_write_commentary(user: object, assessment: Assessment) -> bool:
    return is_admin(user) or serves(user, assessment.organisation_id)


def can_mark_answers(user: object, organisation: Organisation) -> bool:
    """Whether ``user`` may mark an answer verified or challenged: an independent check,
    by the organisation's consultants (and admins), never by the organisation itself."""
    return is_admin(user) or serves(user, organisation.id)


def can_see_portfolio(user: object) -> bool:
    return is_admin(user) or is_consultant(user)


def can_request_report_batch(user: object, organisation: Organisation | None) -> bool:
    """Every report of an organisation, for those who may see it (and so its results);
    of a whole portfolio (``organisation`` None), for consultants and admins."""
    if organisation is None:
        return can_see_portfolio(user)
    return can_view_organisation(user, organisation)


def can_see_report_batch(user: object, batch: ReportBatch) -> bool:
    """A batch of reports: the person who asked for it, while they may still ask for it
    again, and admins."""
    signed_in = _signed_in(user)
    if signed_in is None:
        return False
    return is_admin(signed_in) or (
        batch.user_id == signed_in.id and can_request_report_batch(signed_in, batch.organisation)
    )


def visible_report_batch(user: object) -> ColumnElement[bool]:
    """The condition on ``ReportBatch`` that ``user`` may see it, as
    ``can_see_report_batch``: admins every batch; anyone else their own, while they may
    still ask for it (the portfolio's, or an organisation's they may see)."""
    signed_in = _signed_in(user)
    if signed_in is None:
        return false()
    if is_admin(signed_in):
        return true()
    of_visible_organisation = exists().where(
        Organisation.id == ReportBatch.organisation_id, visible_organisation(signed_in)
    )
    in_scope = (
        ReportBatch.organisation_id.is_(None) | of_visible_organisation
        if can_see_portfolio(signed_in)
        else of_visible_organisation
    )
    return (ReportBatch.user_id == signed_in.id) & in_scope


def _organisation_rule(user: object, member_roles: tuple[str, ...]) -> ColumnElement[bool]:
    """Admins: every organisation; a consultant: those their firm serves; anyone: those
    they are a member of in one of ``member_roles``.

    Written as ``id IN (a union of ids)`` so that the database starts from the person's few
    engagements and memberships, rather than testing each of thousands of organisations.
    """
    if is_admin(user):
        return true()
    signed_in = _signed_in(user)
    if signed_in is None:
        return false()
    ids: Select[tuple[int]] = select(Membership.organisation_id).where(
        Membership.user_id == signed_in.id, Membership.role.in_(member_roles)
    )
    if is_consultant(signed_in) and signed_in.firm_id is not None:
        served = select(Engagement.organisation_id).where(Engagement.firm_id == signed_in.firm_id)
        return Organisation.id.in_(union_all(ids, served))
    return Organisation.id.in_(ids)


def visible_organisation(user: object) -> ColumnElement[bool]:
    """The condition on ``Organisation`` that ``user`` may see it, for any query to add."""
    return _organisation_rule(user, tuple(MembershipRole))


def manageable_organisation(user: object) -> ColumnElement[bool]:
    """The condition on ``Organisation`` that ``user`` may manage it: start assessments,
    invite people (admins, its consultants and its owner)."""
    return _organisation_rule(user, (MembershipRole.OWNER,))


def _holds(organisation: Organisation, rule: ColumnElement[bool]) -> bool:
    return bool(
        db.session.execute(
            select(exists().where(Organisation.id == organisation.id, rule))
        ).scalar()
    )


def visible_organisations(user: object) -> Select[tuple[Organisation]]:
    """The organisations ``user`` may see, as a query."""
    return select(Organisation).where(visible_organisation(user))


def can_hold_api_tokens(user: object) -> bool:
    """Create and use API tokens: admins, consultants and organisations' owners."""
    signed_in = _signed_in(user)
    if signed_in is None:
        return False
    if signed_in.role in (UserRole.ADMIN, UserRole.CONSULTANT):
        return True
    return bool(
        db.session.execute(
            select(
                exists().where(
                    Membership.user_id == signed_in.id, Membership.role == MembershipRole.OWNER
                )
            )
        ).scalar()
    )


def can_view_assessment_by_id(user: object, assessment: Assessment) -> bool:
    """Reaching an assessment by its id, not its link (the API): an organisation's own
    assessment (not a respondent's sheet) of an organisation the person may see."""
    return (
        assessment.organisation is not None
        and not assessment.is_sheet
        and can_view_organisation(user, assessment.organisation)
    )


def can_answer_assessment_by_id(user: object, assessment: Assessment) -> bool:
    """Answering and submitting by id, not by link: those who may start the
    organisation's assessments (admins, its consultants, its owner)."""
    return can_view_assessment_by_id(user, assessment) and can_manage_organisation(
        user, assessment.organisation
    )
