"""Endpoints and deliveries: adding, disabling and removing an organisation's endpoints
(each recorded in its audit trail), turning events into deliveries, and the log."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from assessment import events
from assessment.audit import service as audit
from assessment.core.errors import AssessmentError
from assessment.core.webhooks import new_message_id, new_secret
from assessment.extensions import db
from assessment.models import (
    Assessment,
    Organisation,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)
from assessment.plans import service as plans
from assessment.webhooks import dispatch, payloads

log = logging.getLogger(__name__)


class TooManyEndpointsError(AssessmentError):
    status_code = 409

    def __init__(self, limit: int) -> None:
        super().__init__(
            _l(
                "An organisation may have at most %(limit)s webhook endpoints: remove one first.",
                limit=limit,
            )
        )


@dataclass(frozen=True)
class AddedEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown once


def init_webhooks(app: Flask) -> None:
    dispatch.init_dispatch(app)
    events.assessment_submitted.connect(on_assessment_submitted)
    events.report_stored.connect(on_report_stored)
    events.targets_saved.connect(on_targets_saved)


def endpoints_of(organisation_id: int) -> list[WebhookEndpoint]:
    return list(
        db.session.execute(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.organisation_id == organisation_id)
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        ).scalars()
    )


def deliveries_query(organisation_id: int) -> Select[tuple[WebhookDelivery]]:
    """The organisation's delivery log, newest first (read a page at a time)."""
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.organisation_id == organisation_id)
        .options(selectinload(WebhookDelivery.endpoint))
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    )


def add_endpoint(
    organisation: Organisation, url: str, event_types: list[str], user: User | None
) -> AddedEndpoint:
    """Add an endpoint with a new secret; the URL was checked by the form."""
    limit = current_app.config["WEBHOOK_MAX_ENDPOINTS"]
    count = db.session.execute(
        select(func.count())
        .select_from(WebhookEndpoint)
        .where(WebhookEndpoint.organisation_id == organisation.id)
    ).scalar_one()
    if count >= limit:
        raise TooManyEndpointsError(limit)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        organisation_id=organisation.id,
        url=url.strip(),
        secret=secret,
        event_types=" ".join(t for t in payloads.EVENT_TYPES if t in event_types),
        created_by_id=user.id if user is not None else None,
    )
    db.session.add(endpoint)
    db.session.flush()
    audit.record_for_organisation(
        "webhook.added", organisation.id, endpoint_id=endpoint.id, url=endpoint.url
    )
    db.session.commit()
    log.info("webhook endpoint %s added to organisation %s", endpoint.id, organisation.id)
    return AddedEndpoint(endpoint, secret)


def set_active(endpoint: WebhookEndpoint, active: bool) -> None:
    if endpoint.active == active:
        return
    endpoint.active = active
    audit.record_for_organisation(
        "webhook.enabled" if active else "webhook.disabled",
        endpoint.organisation_id,
        endpoint_id=endpoint.id,
        url=endpoint.url,
    )
    db.session.commit()


def remove_endpoint(endpoint: WebhookEndpoint) -> None:
    """Remove the endpoint, and its deliveries with it."""
    audit.record_for_organisation(
        "webhook.removed", endpoint.organisation_id, endpoint_id=endpoint.id, url=endpoint.url
    )
    db.session.delete(endpoint)
    db.session.commit()


def send_test(endpoint: WebhookEndpoint) -> None:
    """A test event to this endpoint alone, whatever events it receives."""
    organisation = db.session.get(Organisation, endpoint.organisation_id)
    dispatch.dispatch(_deliveries(payloads.TEST, organisation, [endpoint]))


def announce(
    event_type: str,
    organisation: Organisation,
    assessment: Assessment | None = None,
    language: str | None = None,
    report_format: str | None = None,
) -> list[int]:
    """A delivery of the event to each active endpoint of the organisation that receives
    it, committed and handed to the senders; their ids."""
    endpoints = [
        endpoint
        for endpoint in endpoints_of(organisation.id)
        if endpoint.active and event_type in endpoint.events
    ]
    ids = _deliveries(event_type, organisation, endpoints, assessment, language, report_format)
    dispatch.dispatch(ids)
    return ids


def _deliveries(
    event_type: str,
    organisation: Organisation,
    endpoints: list[WebhookEndpoint],
    assessment: Assessment | None = None,
    language: str | None = None,
    report_format: str | None = None,
) -> list[int]:
    if not endpoints:
        return []
    rows = []
    for endpoint in endpoints:
        message_id = new_message_id()
        body = payloads.event_body(
            event_type, message_id, organisation, assessment, language, report_format
        )
        rows.append(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                organisation_id=organisation.id,
                event_type=event_type,
                message_id=message_id,
                body=body,
            )
        )
    db.session.add_all(rows)
    db.session.commit()
    return [row.id for row in rows]


def _announce_safely(event_type: str, organisation: Organisation | None, **about: Any) -> None:
    """An event's deliveries, after the change it tells of was committed: a failure here
    is logged, and never undoes nor hides that change."""
    if organisation is None:
        return
    try:
        announce(event_type, organisation, **about)
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning(
            "webhook event %s of organisation %s lost: %s", event_type, organisation.id, error
        )


def on_assessment_submitted(_app: Flask, assessment: Assessment) -> None:
    _announce_safely(payloads.ASSESSMENT_SUBMITTED, assessment.organisation, assessment=assessment)


def on_report_stored(
    _app: Flask, assessment: Assessment, language: str, report_format: str
) -> None:
    if assessment.is_sheet:
        return
    _announce_safely(
        payloads.REPORT_READY,
        assessment.organisation,
        assessment=assessment,
        language=language,
        report_format=report_format,
    )


def on_targets_saved(_app: Flask, organisation: Organisation) -> None:
    latest = plans.latest_submitted(organisation.id)
    _announce_safely(payloads.TARGETS_CHANGED, organisation, assessment=latest)
