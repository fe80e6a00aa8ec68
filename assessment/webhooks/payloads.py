"""The body of every webhook message, as pydantic models: the messages are built from
them and the OpenAPI document (``webhooks``) takes its schemas from them. Never a secret,
never an answer: what happened, to which organisation and assessment, and where the API
has the rest."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field

from assessment.models import Assessment, Organisation, utc_now

ASSESSMENT_SUBMITTED = "assessment.submitted"
REPORT_READY = "report.ready"
TARGETS_CHANGED = "targets.changed"
TEST = "webhook.test"
# The events an endpoint may choose, in the order the form shows them.
EVENT_TYPES = (ASSESSMENT_SUBMITTED, REPORT_READY, TARGETS_CHANGED)
EVENT_LABELS = {
    ASSESSMENT_SUBMITTED: _l("An assessment is submitted"),
    REPORT_READY: _l("A report is ready to download"),
    TARGETS_CHANGED: _l("The target levels change"),
    TEST: _l("Test event"),
}
EventType = Literal["assessment.submitted", "report.ready", "targets.changed", "webhook.test"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrganisationReference(Strict):
    id: int
    name: str


class AssessmentReference(Strict):
    id: int
    questionnaire_version: int
    submitted_at: datetime | None
    overall_index: float | None = Field(description="As stored at submission; null before.")
    overall_level: int | None


class EventLinks(Strict):
    """Where the JSON API (``/api/v1``, with a token) has the rest."""

    organisation: str
    assessment: str | None = None
    result: str | None = None
    report: str | None = Field(
        default=None,
        description="The report, in the event's language and format (the PDF unless the "
        "event is about a Word report).",
    )


class EventData(Strict):
    organisation: OrganisationReference
    assessment: AssessmentReference | None = Field(
        description="The assessment the event is about: the submitted one, the report's, "
        "or the latest submitted one when the targets changed (null before the first)."
    )
    language: Literal["zh-CN", "en"] | None = Field(
        default=None, description="The report's language (report.ready only)."
    )
    format: Literal["pdf", "docx"] | None = Field(
        default=None, description="The report's format (report.ready only)."
    )
    links: EventLinks


class WebhookEvent(Strict):
    """A webhook message's body."""

    id: str = Field(description="The message id, also sent as the `webhook-id` header.")
    type: EventType
    timestamp: datetime = Field(description="When the event happened.")
    data: EventData


def event_body(
    event_type: str,
    message_id: str,
    organisation: Organisation,
    assessment: Assessment | None = None,
    language: str | None = None,
    report_format: str | None = None,
) -> str:
    """The JSON of a message, compact, exactly as it is signed and sent."""
    event = WebhookEvent(
        id=message_id,
        type=event_type,
        timestamp=utc_now(),
        data=EventData(
            organisation=OrganisationReference(id=organisation.id, name=organisation.name),
            assessment=_assessment_reference(assessment),
            language=language,
            format=report_format,
            links=_links(organisation, assessment, language, report_format),
        ),
    )
    return json.dumps(event.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


def _assessment_reference(assessment: Assessment | None) -> AssessmentReference | None:
    if assessment is None:
        return None
    return AssessmentReference(
        id=assessment.id,
        questionnaire_version=assessment.questionnaire_version,
        submitted_at=assessment.submitted_at,
        overall_index=assessment.overall_index,
        overall_level=assessment.overall_level,
    )


def _links(
    organisation: Organisation,
    assessment: Assessment | None,
    language: str | None,
    report_format: str | None = None,
) -> EventLinks:
    links = EventLinks(organisation=api_url("api.organisation", organisation_id=organisation.id))
    if assessment is not None:
        links.assessment = api_url("api.assessment", assessment_id=assessment.id)
        if assessment.is_submitted:
            links.result = api_url("api.result", assessment_id=assessment.id)
            links.report = api_url(
                "api.report_docx" if report_format == "docx" else "api.report",
                assessment_id=assessment.id,
                lang=language or "zh-CN",
            )
    return links


def api_url(endpoint: str, **values: object) -> str:
    """An absolute address: on ``PUBLIC_BASE_URL`` when it is set, else on the request's
    own address; in a worker without either, the path alone."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not base and has_request_context():
        return url_for(endpoint, **values, _external=True)
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base + path
