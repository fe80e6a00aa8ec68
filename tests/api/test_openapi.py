"""The OpenAPI document matches what the API does: schemathesis generates requests from
it (WSGI, in process) and checks every response against it, with a working token on the
demo data. Each operation is also called with ids that exist, so the 200 responses are
checked too, not only the 404s of made-up ids."""

import itertools

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = {
    "GET /assessments/{assessment_id}/report.pdf": 3,
    "GET /assessments/{assessment_id}/report.docx": 3,
}
DEFAULT_MAX_EXAMPLES = 20


def test_the_document_is_openapi_3_1_and_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "Error" in document["components"]["schemas"]
    assert set(document["paths"]) == {
        "/openapi.json",
        "/organisations",
        "/organisations/{organisation_id}",
        "/organisations/{organisation_id}/assessments",
        "/organisations/{organisation_id}/targets",
        "/organisations/{organisation_id}/plan",
        "/organisations/{organisation_id}/history",
        "/organisations/{organisation_id}/compare",
        "/assessments/{assessment_id}",
        "/assessments/{assessment_id}/answers",
        "/assessments/{assessment_id}/submit",
        "/assessments/{assessment_id}/result",
        "/assessments/{assessment_id}/report.pdf",
        "/assessments/{assessment_id}/report.docx",
    }


def test_every_route_of_the_api_is_in_the_document(app):
    document = app.test_client().get("/api/v1/openapi.json").json
    documented = {
        (method.upper(), "/api/v1" + path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    routed = {
        (method, rule.rule.replace("<int:", "{").replace(">", "}"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == documented


def test_the_api_conforms_to_its_openapi_document(app, api):
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = bearer(api.tokens["consultant"])
    real_ids = {
        "organisation_id": itertools.cycle(api.organisation_ids),
        "assessment_id": itertools.cycle((*api.submitted_ids, api.draft_id)),
    }
    calls = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        calls[operation.label] = _exercise(operation, headers, real_ids)
    assert len(calls) == 14, sorted(calls)  # every operation but the document itself
    assert all(count > 0 for count in calls.values()), calls


def _exercise(operation, headers, real_ids):
    """Run the checks on the operation's generated cases, and on each again with ids that
    exist; returns the number of calls made."""
    calls = []

    @settings(
        max_examples=MAX_EXAMPLES.get(operation.label, DEFAULT_MAX_EXAMPLES),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)
        calls.append(case.path_parameters)
        if case.path_parameters:
            for name in case.path_parameters:
                case.path_parameters[name] = next(real_ids[name])
            case.call_and_validate(headers=headers, checks=CHECKS)
            calls.append(case.path_parameters)

    run()
    return len(calls)
