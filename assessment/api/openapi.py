"""The OpenAPI 3.1 document of ``/api/v1``: paths written here, schemas from the pydantic
models the views build their responses with."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic.json_schema import models_json_schema

from assessment.api import schemas
from assessment.api.schemas import DEFAULT_LIMIT, MAX_LIMIT
from assessment.reports.formats import DOCX, PDF, ReportFormat
from assessment.webhooks import payloads

ID_PARAMETER = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
REF = "#/components/schemas/{model}"

ERRORS = {
    "400": "The request is not valid: every problem is listed, nothing was changed.",
    "401": "No token, or a token that does not work (unknown, revoked, account off).",
    "403": "The token's owner may see this but not do it, or may no longer hold tokens.",
    "404": "Nothing with this id is visible to the token's owner.",
    "409": "The assessment's state does not allow it (submitted, or not ready).",
    "413": "The body is too large.",
    "415": "The body is not sent as application/json.",
    "429": "Too many requests for this token; wait a minute.",
}


def _ref(model: type) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(
    summary: str,
    ok: dict[str, Any],
    errors: tuple[str, ...],
    parameters: tuple[dict[str, Any], ...] = (),
    body: type | None = None,
    operation_id: str = "",
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "parameters": list(parameters),
        "responses": {
            "200": ok,
            **{
                status: _json(_ref(schemas.Error), ERRORS[status])
                for status in ("401", "403", "429", *errors)
            },
        },
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(body)}},
        }
    return operation


def _page(model: type, description: str) -> dict[str, Any]:
    """A page of a collection: its body, and the Link header to the next page."""
    response = _json(_ref(model), description)
    response["headers"] = {
        "Link": {
            "description": 'The next page, as `<URL>; rel="next"`; absent on the last page.',
            "schema": {"type": "string"},
        }
    }
    return response


PAGING_PARAMETERS = (
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "description": f"How many items a page holds, 1 to {MAX_LIMIT}.",
    },
    {
        "name": "cursor",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "Where the page starts: take it from the previous page's `next`, "
        "never build it; absent for the first page. A cursor of another list, or altered, "
        "is a 400.",
    },
)


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID_PARAMETER}


def _report_path(
    summary: str, report_format: ReportFormat, assessment: dict[str, Any], operation_id: str
) -> dict[str, Any]:
    media_type = report_format.media_type
    return {
        "get": _operation(
            summary,
            {
                "description": "The report.",
                "content": {
                    media_type: {"schema": {"type": "string", "contentMediaType": media_type}}
                },
            },
            ("400", "404", "409"),
            (
                assessment,
                _query(
                    "lang",
                    {"type": "string", "enum": ["zh-CN", "en"], "default": "zh-CN"},
                    "The report's language.",
                ),
            ),
            operation_id=operation_id,
        )
    }


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


WEBHOOK_SUMMARIES = {
    payloads.ASSESSMENT_SUBMITTED: "An assessment of the organisation was submitted.",
    payloads.REPORT_READY: "A submitted assessment's report was made in one language and is "
    "stored: downloading it now is immediate.",
    payloads.TARGETS_CHANGED: "The organisation's target levels changed; `assessment` is its "
    "latest submitted assessment (null before the first).",
    payloads.TEST: 'Sent by the "Send a test event" button, to that endpoint only.',
}
WEBHOOK_HEADERS = {
    "webhook-id": "The message id (`msg_...`), the same at every retry: a receiver that "
    "has it already should answer 2xx and do nothing more.",
    "webhook-timestamp": "When this attempt was signed, in seconds since 1970 (UTC); refuse "
    "a message more than five minutes from your clock.",
    "webhook-signature": "`v1,<base64>`: HMAC-SHA256, keyed with the base64-decoded part of "
    "the endpoint's secret after `whsec_`, over `{webhook-id}.{webhook-timestamp}.{body}`; "
    "compare in constant time.",
}


def _webhook(event_type: str) -> dict[str, Any]:
    """A message posted to an organisation's endpoint (Standard Webhooks)."""
    return {
        "post": {
            "operationId": "webhook_" + event_type.replace(".", "_"),
            "summary": WEBHOOK_SUMMARIES[event_type],
            "description": "Posted as JSON, signed as Standard Webhooks does, to each active "
            "endpoint of the organisation that receives this event. Redirects are not "
            "followed; an answer other than 2xx, or none within 10 seconds, is tried again "
            "(by default 10 s, 1 min, 5 min, 30 min and 2 h later), then given up.",
            "security": [],
            "parameters": [
                {
                    "name": name,
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": description,
                }
                for name, description in WEBHOOK_HEADERS.items()
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(payloads.WebhookEvent)}},
            },
            "responses": {
                "2XX": {"description": "Received; the message is not sent again."},
                "default": {"description": "Not received: the message is tried again."},
            },
        }
    }


@cache
def openapi_document() -> dict[str, Any]:
    _, definitions = models_json_schema(
        [
            (model, "serialization")
            for model in schemas.RESPONSE_MODELS
            if model is not schemas.AnswersUpdate
        ]
        + [(schemas.AnswersUpdate, "validation"), (payloads.WebhookEvent, "serialization")],
        ref_template=REF,
    )
    organisation = _path_id("organisation_id")
    assessment = _path_id("assessment_id")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Maturity self-assessment API",
            "version": "1",
            "description": (
                "Organisations, assessments, answers, results, comparisons, history and "
                "reports, for consultants, administrators and organisation owners. "
                "Authenticate with a personal token from the account page: "
                '`Authorization: Bearer <token>`. Errors are JSON: `{"error": message}`, '
                "with `problems` by question id for a rejected body. Indices are floats; "
                'a comparison\'s exact changes are fractions as strings ("25/3") beside '
                "their float, and deltas also as the comparison page shows them. "
                'Collections come a page at a time, `{"items": [...], "next": URL}`: '
                f"`limit` items ({DEFAULT_LIMIT} unless asked, at most {MAX_LIMIT}); follow "
                '`next` (also the header `Link: <URL>; rel="next"`) until it is null.'
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "webhooks": {event_type: _webhook(event_type) for event_type in payloads.EVENT_LABELS},
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": definitions["$defs"],
        },
        "paths": {
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document; no token needed.",
                    "security": [],
                    "responses": {"200": _json({"type": "object"}, "The OpenAPI 3.1 document.")},
                }
            },
            "/organisations": {
                "get": _operation(
                    "The organisations the token's owner may see, a page at a time.",
                    _page(schemas.OrganisationPage, "A page of organisations, by name."),
                    ("400",),
                    PAGING_PARAMETERS,
                    operation_id="listOrganisations",
                )
            },
            "/organisations/{organisation_id}": {
                "get": _operation(
                    "One organisation.",
                    _json(_ref(schemas.Organisation), "The organisation."),
                    ("404",),
                    (organisation,),
                    operation_id="getOrganisation",
                )
            },
            "/organisations/{organisation_id}/assessments": {
                "get": _operation(
                    "The organisation's assessments, newest first, a page at a time "
                    "(respondents' own sheets are not listed).",
                    _page(schemas.AssessmentPage, "A page of assessments, newest first."),
                    ("400", "404"),
                    (organisation, *PAGING_PARAMETERS),
                    operation_id="listAssessments",
                )
            },
            "/organisations/{organisation_id}/targets": {
                "get": _operation(
                    "The organisation's target levels by dimension, each with its gap in "
                    "index points from the latest submitted assessment.",
                    _json(_ref(schemas.Targets), "The targets."),
                    ("404",),
                    (organisation,),
                    operation_id="getTargets",
                )
            },
            "/organisations/{organisation_id}/plan": {
                "get": _operation(
                    "The organisation's roadmap: its actions in the plan's order, each with "
                    "where a later assessment finds its question, and the steps to the "
                    "targets not in the plan yet, ranked by the content's rule.",
                    _json(_ref(schemas.Plan), "The plan."),
                    ("404",),
                    (organisation,),
                    operation_id="getPlan",
                )
            },
            "/organisations/{organisation_id}/history": {
                "get": _operation(
                    "The trend: each submitted assessment's overall and dimension indices "
                    "and levels, oldest first.",
                    _json(_ref(schemas.History), "The history."),
                    ("404",),
                    (organisation,),
                    operation_id="getHistory",
                )
            },
            "/organisations/{organisation_id}/compare": {
                "get": _operation(
                    "What changed between two submitted assessments (default: the two "
                    "newest), question by question, exactly.",
                    _json(_ref(schemas.Comparison), "The comparison."),
                    ("400", "404"),
                    (
                        organisation,
                        _query("old", ID_PARAMETER, "An assessment id; give both or neither."),
                        _query("new", ID_PARAMETER, "An assessment id; give both or neither."),
                    ),
                    operation_id="compareAssessments",
                )
            },
            "/assessments/{assessment_id}": {
                "get": _operation(
                    "One assessment.",
                    _json(_ref(schemas.Assessment), "The assessment."),
                    ("404",),
                    (assessment,),
                    operation_id="getAssessment",
                )
            },
            "/assessments/{assessment_id}/answers": {
                "get": _operation(
                    "The answers, in the `flask score` format, and the comments.",
                    _json(_ref(schemas.Answers), "The answers."),
                    ("404",),
                    (assessment,),
                    operation_id="getAnswers",
                ),
                "put": _operation(
                    "Save answers of a draft (owners, consultants and administrators of its "
                    "organisation): all or nothing.",
                    _json(_ref(schemas.Answers), "The answers as saved."),
                    ("400", "404", "409", "413", "415"),
                    (assessment,),
                    body=schemas.AnswersUpdate,
                    operation_id="saveAnswers",
                ),
            },
            "/assessments/{assessment_id}/submit": {
                "post": _operation(
                    "Submit a draft whose every question is answered; its score is fixed.",
                    _json(_ref(schemas.Result), "The score, as stored."),
                    ("404", "409"),
                    (assessment,),
                    operation_id="submitAssessment",
                )
            },
            "/assessments/{assessment_id}/result": {
                "get": _operation(
                    "The score: as stored at submission, or a draft's score so far.",
                    _json(_ref(schemas.Result), "The score."),
                    ("404",),
                    (assessment,),
                    operation_id="getResult",
                )
            },
            "/assessments/{assessment_id}/report.pdf": _report_path(
                "The PDF report of a submitted assessment.", PDF, assessment, "getReport"
            ),
            "/assessments/{assessment_id}/report.docx": _report_path(
                "The report of a submitted assessment as a Word document, to edit.",
                DOCX,
                assessment,
                "getWordReport",
            ),
        },
    }
