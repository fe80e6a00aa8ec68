"""The audit trail: who did what to an organisation's data, and when.

Events are added to the same transaction as the change they record, so an event exists
exactly when its change was committed. Nothing in the app edits or deletes them.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import g, has_app_context, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from assessment.extensions import db
from assessment.models import Assessment, AuditEvent, User

log = logging.getLogger(__name__)

ACTIONS = {
    "assessment.started": _l("started an assessment"),
    "organisation.saved": _l("saved the organisation's details"),
    "answers.saved": _l("saved answers"),
    "assessment.submitted": _l("submitted the assessment"),
    "commentary.saved": _l("saved the report commentary"),
    "report.generated": _l("generated a report"),
    "report.downloaded": _l("downloaded a report"),
    "invitation.created": _l("invited someone"),
    "invitation.revoked": _l("revoked an invitation"),
    "invitation.accepted": _l("accepted an invitation"),
    "member.removed": _l("removed a member"),
    "organisation.claimed": _l("added the organisation to their account"),
    "engagement.started": _l("engaged a consulting firm"),
    "engagement.ended": _l("ended a consulting firm's engagement"),
    "sheet.started": _l("started a respondent's own sheet"),
    "answers.merged": _l("merged the respondents' answers"),
    "question.settled": _l("settled a question's final answer"),
    "benchmark.consent": _l("changed whether the organisation is counted in peer benchmarks"),
    "user.added": _l("added an account"),
    "user.changed": _l("changed an account's role, firm or access"),
    "firm.created": _l("created a consulting firm"),
    "export.generated": _l("exported assessment data"),
    "answers.imported": _l("imported answers from a file"),
    "targets.saved": _l("saved the target levels"),
    "plan.steps_accepted": _l("added proposed steps to the roadmap"),
    "plan.action_added": _l("added an action of their own to the roadmap"),
    "plan.action_changed": _l("changed an action of the roadmap"),
    "plan.action_removed": _l("removed an action from the roadmap"),
    "plan.exported": _l("downloaded the roadmap"),
    "evidence.reviewed": _l("saved an answer's confidence or mark"),
    "evidence.attached": _l("attached evidence to an answer"),
    "evidence.removed": _l("removed evidence from an answer"),
    "webhook.added": _l("added a webhook endpoint"),
    "webhook.disabled": _l("disabled a webhook endpoint"),
    "webhook.enabled": _l("enabled a webhook endpoint"),
    "webhook.removed": _l("removed a webhook endpoint"),
    # Kept after the organisation and its other events are gone: its id, and no name.
    "organisation.deleted": _l("deleted an organisation and all its data"),
}
CHANNELS = {
    "account": _l("signed in"),
    "link": _l("by the assessment's link"),
    "invitation": _l("by an invitation link"),
    "command": _l("on the command line"),
    "batch": _l("in a batch of reports"),
    "sso": _l("at a single sign-on"),
}


def _actor() -> tuple[int | None, str]:
    if has_app_context() and g.get("batch_requester_id") is not None:
        return g.batch_requester_id, "batch"  # a report made for someone's batch
    if not has_request_context():
        return None, "command"
    if isinstance(current_user, User) and current_user.is_authenticated:
        return current_user.id, "account"
    return None, g.get("link_channel", "link")


def record(action: str, assessment: Assessment, **detail: Any) -> None:
    """Add an event for ``assessment``; the caller's commit writes it with the change."""
    organisation_id = assessment.organisation_id or (
        assessment.organisation.id if assessment.organisation else None
    )
    record_for_organisation(action, organisation_id, assessment_id=assessment.id, **detail)


def record_for_organisation(
    action: str, organisation_id: int | None, assessment_id: int | None = None, **detail: Any
) -> None:
    """Add an event about an organisation; the caller's commit writes it with the change."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action}")
    user_id, channel = _actor()
    db.session.add(
        AuditEvent(
            action=action,
            user_id=user_id,
            channel=channel,
            organisation_id=organisation_id,
            assessment_id=assessment_id,
            detail=detail,
        )
    )
    log.info(
        "audit %s on organisation %s assessment %s via %s",
        action,
        organisation_id,
        assessment_id,
        channel,
    )


ADMINISTRATION_ACTIONS = ("user.added", "user.changed", "firm.created", "organisation.deleted")
ADMINISTRATION_EVENTS_SHOWN = 20


def administration_events(limit: int = ADMINISTRATION_EVENTS_SHOWN) -> list[AuditEvent]:
    """The latest changes to accounts and firms, newest first, each with who made it."""
    return list(
        db.session.execute(
            select(AuditEvent)
            .options(selectinload(AuditEvent.user))
            .where(AuditEvent.action.in_(ADMINISTRATION_ACTIONS))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        ).scalars()
    )


def events_query(organisation_id: int) -> Select[tuple[AuditEvent]]:
    """An organisation's events, newest first, each with who did it; for
    ``web.paging`` to read a page of."""
    return (
        select(AuditEvent)
        .options(selectinload(AuditEvent.user))
        .where(AuditEvent.organisation_id == organisation_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
