"""Webhooks as an organisation's owner sees them and as a receiver gets them."""

import json
import socket

from assessment.core.webhooks import new_secret
from assessment.extensions import db
from assessment.models import Organisation
from assessment.webhooks.payloads import WebhookEvent
from tests.batches.conftest import client_as, submitted_assessment
from tests.webhooks.conftest import (
    ENGLISH,
    add_endpoint,
    delivery_rows,
    endpoint_ids,
    post_on_page,
    sent,
    signature_is_valid,
    webhooks_page,
)


def submit_one(app, organisation_id):
    """A new assessment of the organisation, answered and submitted (the pages' service)."""
    with app.app_context():
        return submitted_assessment(None, db.session.get(Organisation, organisation_id)).id


def test_the_secret_is_shown_once_and_a_test_event_arrives_signed(app, world, owner, receiver):
    hooks = receiver([200])
    secret = add_endpoint(owner, world["alpha"], hooks.url)
    page = webhooks_page(owner, world["alpha"])
    assert secret not in page  # never again
    assert hooks.url in page

    [endpoint_id] = endpoint_ids(page)
    response = post_on_page(owner, world["alpha"], f"/{endpoint_id}/test")
    assert response.status_code == 302
    sent(app)

    [message] = hooks.received
    assert signature_is_valid(secret, message)
    assert not signature_is_valid(new_secret(), message)
    event = WebhookEvent.model_validate_json(message.body)  # the documented schema
    assert event.type == "webhook.test"
    assert event.id == message.headers["webhook-id"]
    assert event.data.organisation.id == world["alpha"]
    assert secret not in message.body.decode()
    rows = delivery_rows(webhooks_page(owner, world["alpha"]))
    assert rows[0].endswith("Test event " + hooks.url + " 1 HTTP 200 delivered")


def test_a_submission_is_sent_again_after_a_500_with_the_same_id(app, world, owner, receiver):
    hooks = receiver([500, 200])
    secret = add_endpoint(owner, world["alpha"], hooks.url)

    assessment_id = submit_one(app, world["alpha"])
    sent(app)

    first, second = hooks.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert all(signature_is_valid(secret, message) for message in hooks.received)
    body = json.loads(second.body)
    assert body["type"] == "assessment.submitted"
    assert body["data"]["assessment"]["id"] == assessment_id
    assert body["data"]["links"]["assessment"].endswith(f"/api/v1/assessments/{assessment_id}")
    [row] = delivery_rows(webhooks_page(owner, world["alpha"]))
    assert "An assessment is submitted" in row
    assert row.endswith(" 2 HTTP 200 delivered")


def test_a_receiver_that_always_fails_is_given_up_after_the_last_attempt(
    app, world, owner, receiver
):
    hooks = receiver([500])
    add_endpoint(owner, world["alpha"], hooks.url)

    submit_one(app, world["alpha"])
    sent(app)

    assert len(hooks.received) == 3  # the first attempt and two retries
    [row] = delivery_rows(webhooks_page(owner, world["alpha"]))
    assert row.endswith(" 3 HTTP 500 · The receiver answered with an error. failed: given up")


def test_a_receiver_that_refuses_the_connection_is_shown_as_unreachable(app, world, owner):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    add_endpoint(owner, world["alpha"], f"http://127.0.0.1:{port}/hooks")

    submit_one(app, world["alpha"])
    sent(app)

    [row] = delivery_rows(webhooks_page(owner, world["alpha"]))
    assert row.endswith(" 3 The receiver could not be reached. failed: given up")


def test_a_redirect_is_not_followed(app, world, owner, receiver):
    hooks = receiver([200])
    add_endpoint(owner, world["alpha"], hooks.url.replace("/hooks", "/redirect"))

    submit_one(app, world["alpha"])
    sent(app)

    assert {message.path for message in hooks.received} == {"/redirect"}
    [row] = delivery_rows(webhooks_page(owner, world["alpha"]))
    assert "HTTP 302 · The receiver answered with a redirect, which is not followed." in row
    assert row.endswith("failed: given up")


def test_private_addresses_are_refused_unless_allowed(app, world, owner, receiver):
    hooks = receiver([200])
    # Added while allowed (as in development): https, to the receiver's loopback address.
    add_endpoint(owner, world["alpha"], hooks.url.replace("http:", "https:"))
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False

    for typed, problem in (
        (hooks.url, "The address must start with https://."),
        (hooks.url.replace("http:", "https:"), "This address is inside a private network"),
        ("https://[::1]/hooks", "This address is inside a private network"),
        ("https://169.254.169.254/latest", "This address is inside a private network"),
        ("https://no-such-host.invalid/hooks", "The host of this address cannot be found"),
        ("https://", "This is not a web address"),
    ):
        response = post_on_page(
            owner, world["alpha"], "", {"url": typed, "events": ["report.ready"]}
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 400, typed
        assert problem in page, typed
        assert f'value="{typed}"' in page  # what was typed is kept

    submit_one(app, world["alpha"])  # to the endpoint added while it was allowed
    sent(app)
    assert hooks.received == []
    [row] = delivery_rows(webhooks_page(owner, world["alpha"]))
    assert "inside a private network" in row
    assert row.endswith(
        " 1 This address is inside a private network (loopback, private or "
        "link-local); webhooks go only to public addresses. failed: given up"
    )


def test_targets_and_reports_are_announced_to_the_endpoints_that_chose_them(
    app, world, owner, receiver
):
    targets_hooks, reports_hooks = receiver([200]), receiver([200])
    add_endpoint(owner, world["alpha"], targets_hooks.url, events=["targets.changed"])
    add_endpoint(owner, world["alpha"], reports_hooks.url, events=["report.ready"])

    page = f"/organisations/{world['alpha']}/targets"
    from tests.conftest import form_token

    token = form_token(owner.get(page, headers=ENGLISH).get_data(as_text=True))
    response = owner.post(page, data={"csrf_token": token, "level_model": "4"}, headers=ENGLISH)
    assert response.status_code == 302
    consultant = client_as(app, "consultant")
    with app.app_context():
        from assessment.models import Assessment

        token = db.session.get(Assessment, world["alpha_assessment"]).resume_token
    assert consultant.get(f"/a/{token}/report.pdf?lang=en").status_code == 200
    assert consultant.get(f"/a/{token}/report.docx?lang=zh-CN").status_code == 200
    sent(app)

    [targets] = [json.loads(message.body) for message in targets_hooks.received]
    assert targets["type"] == "targets.changed"
    assert targets["data"]["assessment"]["id"] == world["alpha_assessment"]
    word, report = sorted(
        (json.loads(message.body) for message in reports_hooks.received),
        key=lambda body: body["data"]["format"],
    )
    assert report["type"] == word["type"] == "report.ready"
    assert (report["data"]["language"], report["data"]["format"]) == ("en", "pdf")
    assert report["data"]["links"]["report"].endswith(
        f"/api/v1/assessments/{world['alpha_assessment']}/report.pdf?lang=en"
    )
    assert (word["data"]["language"], word["data"]["format"]) == ("zh-CN", "docx")
    assert word["data"]["links"]["report"].endswith(
        f"/api/v1/assessments/{world['alpha_assessment']}/report.docx?lang=zh-CN"
    )


def test_a_disabled_endpoint_gets_nothing_and_every_change_is_in_the_audit_trail(
    app, world, owner, receiver
):
    hooks = receiver([200])
    add_endpoint(owner, world["alpha"], hooks.url)
    [endpoint_id] = endpoint_ids(webhooks_page(owner, world["alpha"]))
    response = post_on_page(owner, world["alpha"], f"/{endpoint_id}/active", {"active": "no"})
    assert response.status_code == 302

    submit_one(app, world["alpha"])
    sent(app)
    assert hooks.received == []
    page = webhooks_page(owner, world["alpha"])
    assert "disabled" in page
    assert "Nothing has been sent yet." in page

    post_on_page(owner, world["alpha"], f"/{endpoint_id}/delete")
    page = webhooks_page(owner, world["alpha"])
    assert "No endpoint yet." in page
    trail = owner.get(f"/organisations/{world['alpha']}/audit", headers=ENGLISH).get_data(
        as_text=True
    )
    for action in ("added", "disabled", "removed"):
        assert f"{action} a webhook endpoint ({hooks.url})" in trail


def test_the_organisation_page_links_the_webhooks_for_those_who_manage_them(app, world, owner):
    page = owner.get(f"/organisations/{world['alpha']}", headers=ENGLISH).get_data(as_text=True)
    assert f"/organisations/{world['alpha']}/webhooks" in page
    consultant_of_others = client_as(app, "other")
    response = consultant_of_others.get(f"/organisations/{world['alpha']}/webhooks")
    assert response.status_code == 404
