"""Every route against every kind of person: the status each must get.

Routes come from the app's URL map, so a new route fails this test until its expected
statuses are written down here. Organisation A is served by the demo firm; organisation
B is served by the demo firm and by another firm, whose consultant is "consultant_other".
Assessment links are capabilities: whoever holds one may use that one assessment, signed
in or not; a wrong link is a 404 for everyone.
"""

import fcntl
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from assessment.accounts import service as accounts
from assessment.batches import background
from assessment.batches import service as batches
from assessment.extensions import db
from assessment.models import (
    Assessment,
    Engagement,
    EvidenceFile,
    Firm,
    Membership,
    Organisation,
    PlanAction,
    User,
    WebhookEndpoint,
    utc_now,
)
from assessment.people import invitations
from tests.conftest import form_token
from tests.reports.conftest import DEMO_CONSULTANT, log_in

PASSWORD = "a long enough password"
ACTORS = (
    "anonymous",
    "respondent_a",
    "respondent_b",
    "owner_a",
    "consultant_a",
    "consultant_other",
    "admin",
)


def every(status):
    return dict.fromkeys(ACTORS, status)


def only(allowed, status, otherwise):
    return {actor: status if actor in allowed else otherwise(actor) for actor in ACTORS}


def login_or(status):
    return lambda actor: 302 if actor == "anonymous" else status


MANAGERS_OF_A = ("owner_a", "consultant_a", "admin")
VIEWERS_OF_A = ("respondent_a", *MANAGERS_OF_A)
# Those who do not manage A: a member who sees it is refused, anyone else gets a 404.
STRANGER_TO_A = {
    "anonymous": 302,
    "respondent_a": 403,
    "respondent_b": 404,
    "consultant_other": 404,
}
COMMENTATORS_OF_A = ("consultant_a", "admin")

# (method, endpoint) -> expected status per actor
EXPECTED = {
    ("GET", "home.index"): every(200),
    ("POST", "home.set_language"): every(302),
    ("GET", "accounts.login"): every(200),
    ("POST", "accounts.login"): every(200),  # an empty form comes back with its errors
    ("POST", "accounts.logout"): every(302),
    ("GET", "accounts.change_password"): only(ACTORS[1:], 200, login_or(200)),
    ("POST", "accounts.change_password"): only(ACTORS[1:], 200, login_or(200)),
    ("GET", "accounts.forgot_password"): every(200),
    ("POST", "accounts.forgot_password"): every(200),
    # Single sign-on: off on the test app (no OIDC_ISSUER), so its addresses are 404s for
    # everyone; tests/accounts/test_sso.py runs it against a provider.
    ("GET", "sso.start"): every(404),
    ("GET", "sso.callback"): every(404),
    ("GET", "accounts.sign_up"): every(200),
    ("POST", "accounts.sign_up"): every(400),  # an empty form comes back with its errors
    ("GET", "accounts.sign_up_sent"): every(200),  # "check your e-mail"
    ("GET", "accounts.finish_sign_up"): every(400),  # a made-up token
    ("POST", "accounts.finish_sign_up"): every(400),
    ("GET", "portfolio.organisations"): only(ACTORS[1:], 200, login_or(200)),
    ("GET", "accounts.reset_password"): every(400),  # a made-up token
    ("POST", "accounts.reset_password"): every(400),
    ("GET", "portfolio.index"): only(
        ("consultant_a", "consultant_other", "admin"), 200, login_or(403)
    ),
    ("POST", "portfolio.start_assessment"): only(MANAGERS_OF_A, 302, login_or(404)),
    ("GET", "audit.audit_trail"): only(MANAGERS_OF_A, 200, login_or(404)),
    # History and comparison: everyone who may see organisation A.
    ("GET", "history.organisation"): only(VIEWERS_OF_A, 200, login_or(404)),
    ("GET", "history.compare"): only(VIEWERS_OF_A, 200, login_or(404)),
    # Several respondents: managers of A (the world's assessment is submitted, so a
    # settlement, a merge or a new sheet is refused with a message and a redirect).
    ("GET", "respondents.index"): only(MANAGERS_OF_A, 200, lambda actor: STRANGER_TO_A[actor]),
    ("POST", "respondents.answer_myself"): only(
        MANAGERS_OF_A, 302, lambda actor: STRANGER_TO_A[actor]
    ),
    ("POST", "respondents.settle"): only(MANAGERS_OF_A, 302, lambda actor: STRANGER_TO_A[actor]),
    ("POST", "respondents.merge"): only(MANAGERS_OF_A, 302, lambda actor: STRANGER_TO_A[actor]),
    ("POST", "history.benchmark_consent"): only(
        MANAGERS_OF_A, 302, lambda actor: STRANGER_TO_A[actor]
    ),
    ("POST", "questionnaire.start"): every(302),
    ("GET", "questionnaire.resume"): every(302),
    ("GET", "questionnaire.organisation"): every(302),  # submitted: to the results
    ("POST", "questionnaire.organisation"): every(302),
    ("GET", "questionnaire.dimension"): every(302),
    ("POST", "questionnaire.dimension"): every(302),
    ("POST", "questionnaire.autosave"): every(409),  # submitted: nothing changes
    ("GET", "questionnaire.review"): every(302),
    ("POST", "questionnaire.submit"): every(409),
    ("GET", "questionnaire.results"): every(200),
    ("GET", "reports.download"): every(200),
    ("GET", "reports.download_docx"): every(200),
    ("GET", "reports.report_status"): every(200),  # whether a report being made is ready
    ("GET", "reports.commentary"): only(COMMENTATORS_OF_A, 200, lambda actor: 403),
    ("POST", "reports.save_commentary"): only(COMMENTATORS_OF_A, 302, lambda actor: 403),
    ("GET", "reports.logo"): every(404),  # no logo uploaded
    # Target levels: seen by everyone who may see A, set by its managers.
    ("GET", "plans.targets"): only(VIEWERS_OF_A, 200, login_or(404)),
    ("POST", "plans.save_targets"): only(MANAGERS_OF_A, 302, lambda actor: STRANGER_TO_A[actor]),
    # The roadmap: read by everyone who may see A (and downloaded), changed by its managers.
    ("GET", "roadmap.plan"): only(VIEWERS_OF_A, 200, login_or(404)),
    ("GET", "roadmap.export"): only(VIEWERS_OF_A, 200, login_or(404)),
    ("POST", "roadmap.accept_steps"): only(MANAGERS_OF_A, 302, lambda a: STRANGER_TO_A[a]),
    ("POST", "roadmap.add_action"): only(MANAGERS_OF_A, 400, lambda a: STRANGER_TO_A[a]),
    ("GET", "roadmap.edit_action"): only(MANAGERS_OF_A, 200, lambda a: STRANGER_TO_A[a]),
    ("POST", "roadmap.save_action"): only(MANAGERS_OF_A, 400, lambda a: STRANGER_TO_A[a]),
    ("POST", "roadmap.move_action"): only(MANAGERS_OF_A, 302, lambda a: STRANGER_TO_A[a]),
    ("POST", "roadmap.remove_action"): only(MANAGERS_OF_A, 302, lambda a: STRANGER_TO_A[a]),
    # Evidence: read and downloaded by everyone who may see A, reviewed by its managers.
    ("GET", "evidence.page"): only(VIEWERS_OF_A, 200, login_or(404)),
    ("GET", "evidence.download"): only(VIEWERS_OF_A, 200, login_or(404)),
    ("POST", "evidence.review"): only(MANAGERS_OF_A, 302, lambda a: STRANGER_TO_A[a]),
    ("POST", "evidence.remove"): only(MANAGERS_OF_A, 302, lambda a: STRANGER_TO_A[a]),
    ("GET", "people.index"): only(MANAGERS_OF_A, 200, lambda actor: STRANGER_TO_A[actor]),
    ("POST", "people.invite"): only(MANAGERS_OF_A, 400, lambda actor: STRANGER_TO_A[actor]),
    ("POST", "people.revoke"): only(MANAGERS_OF_A, 302, lambda actor: STRANGER_TO_A[actor]),
    ("POST", "people.remove_member"): only(MANAGERS_OF_A, 302, lambda actor: STRANGER_TO_A[actor]),
    # An invitation link is a capability, like an assessment link: anyone may open it,
    # only its addressee may accept it (others are sent back to it with a message).
    ("GET", "people.invitation"): every(200),
    ("POST", "people.accept"): every(302),
    ("POST", "people.sign_up"): every(400),  # an empty form comes back with its errors
    # Organisation A belongs to people already: nobody can take it (sent back, with why).
    ("POST", "people.claim"): every(302),
    # Administration: administrators only (empty forms come back, or go back, with why).
    ("GET", "admin.users"): only(("admin",), 200, login_or(403)),
    ("POST", "admin.add_user"): only(("admin",), 400, login_or(403)),
    ("POST", "admin.update_user"): only(("admin",), 302, login_or(403)),
    ("GET", "admin.firms"): only(("admin",), 200, login_or(403)),
    ("POST", "admin.firms"): only(("admin",), 400, login_or(403)),
    ("GET", "admin.firm"): only(("admin",), 200, login_or(403)),
    ("POST", "admin.engage"): only(("admin",), 302, login_or(403)),
    ("POST", "admin.end_engagement"): only(("admin",), 302, login_or(403)),
    # Exports and imports: one assessment by its link, like its PDF; an organisation's
    # history for those who may see it; a portfolio for consultants and admins. An import
    # into a submitted assessment changes nothing.
    ("GET", "exports.assessment"): every(200),
    ("GET", "exports.organisation"): only(VIEWERS_OF_A, 200, login_or(404)),
    ("GET", "exports.portfolio"): only(
        ("consultant_a", "consultant_other", "admin"), 200, login_or(403)
    ),
    ("POST", "exports.import_answers"): every(409),
    # API tokens on the account page: consultants, admins and owners may create one (an
    # empty form comes back with its errors); revoking a made-up token is a 404.
    ("GET", "accounts.api_tokens_page"): only(ACTORS[1:], 200, login_or(200)),
    ("POST", "accounts.create_api_token"): only(
        ("owner_a", "consultant_a", "consultant_other", "admin"), 400, login_or(403)
    ),
    ("POST", "accounts.revoke_api_token"): only((), 302, login_or(404)),
    # The JSON API takes bearer tokens only, never the session: without a token every
    # route is a 401 for everyone, signed in or not (tests/api test it with tokens). Its
    # OpenAPI document is public.
    ("GET", "api.openapi"): every(200),
    ("GET", "api.organisations"): every(401),
    ("GET", "api.organisation"): every(401),
    ("GET", "api.organisation_assessments"): every(401),
    ("GET", "api.organisation_history"): every(401),
    ("GET", "api.organisation_targets"): every(401),
    ("GET", "api.organisation_plan"): every(401),
    ("GET", "api.organisation_compare"): every(401),
    ("GET", "api.assessment"): every(401),
    ("GET", "api.answers"): every(401),
    ("PUT", "api.save_answers"): every(401),
    ("POST", "api.submit"): every(401),
    ("GET", "api.result"): every(401),
    ("GET", "api.report"): every(401),
    ("GET", "api.report_docx"): every(401),
    # Batches of reports: a portfolio's for consultants and admins, an organisation's for
    # those who see it (the posted form names no language: 400). A batch (the world's,
    # asked for by consultant_a, already started, not finished) only to its requester
    # and admins.
    ("POST", "batches.portfolio_batch"): only(
        ("consultant_a", "consultant_other", "admin"), 400, login_or(403)
    ),
    ("POST", "batches.organisation_batch"): only(VIEWERS_OF_A, 400, login_or(404)),
    # Everyone signed in has a list of their own batches (a member's stays empty).
    ("GET", "batches.index"): {**every(200), "anonymous": 302},
    ("GET", "batches.progress"): only(("consultant_a", "admin"), 200, login_or(404)),
    ("GET", "batches.progress_json"): only(("consultant_a", "admin"), 200, login_or(404)),
    ("GET", "batches.download"): only(("consultant_a", "admin"), 409, login_or(404)),
    ("POST", "batches.start"): only(("consultant_a", "admin"), 302, login_or(404)),
    # Webhooks: managers of A only. Adding with an empty form is a 400; the world's
    # endpoint is disabled, so a test event is refused with a message; switching it
    # without saying on or off changes nothing (a message, and back).
    ("GET", "webhooks.index"): only(MANAGERS_OF_A, 200, lambda a: STRANGER_TO_A[a]),
    ("POST", "webhooks.add"): only(MANAGERS_OF_A, 400, lambda a: STRANGER_TO_A[a]),
    ("POST", "webhooks.send_test"): only(MANAGERS_OF_A, 302, lambda a: STRANGER_TO_A[a]),
    ("POST", "webhooks.set_active"): only(MANAGERS_OF_A, 302, lambda a: STRANGER_TO_A[a]),
    ("POST", "webhooks.remove"): only(MANAGERS_OF_A, 302, lambda a: STRANGER_TO_A[a]),
    # Probes: public. The test database is made from the models, not migrated, so it is
    # alive but never "ready" (its schema version is unknown).
    ("GET", "health.liveness"): every(200),
    ("GET", "health.readiness"): every(503),
}
LOGIN_FIRST = {"people.accept", "people.claim"}
# Signed links of accounts: a made-up one is a 400 with what to do, not a 404.
SIGNED_LINKS = {
    "accounts.reset_password": "/password/reset/made-up",
    "accounts.finish_sign_up": "/signup/finish/made-up",
}


@pytest.fixture
def world(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        org_a, org_b = (
            db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().all()[:2]
        )
        assessment = (
            db.session.execute(
                select(Assessment)
                .where(
                    Assessment.organisation_id == org_a.id,
                    Assessment.status == "submitted",
                    Assessment.of_organisation_level(),  # not a respondent's own sheet
                )
                .order_by(Assessment.id)  # the same row on every database
            )
            .scalars()
            .first()
        )
        for email, organisation, role in (
            ("respondent_a", org_a, "respondent"),
            ("respondent_b", org_b, "respondent"),
            ("owner_a", org_a, "owner"),
        ):
            user = accounts.create_user(f"{email}@example.com", PASSWORD)
            db.session.add(Membership(user_id=user.id, organisation_id=organisation.id, role=role))
        # Another firm, serving organisation B only.
        other_firm = Firm(name="Other Firm")
        db.session.add(other_firm)
        db.session.flush()
        db.session.add(Engagement(firm_id=other_firm.id, organisation_id=org_b.id))
        other = accounts.create_user("consultant_other@example.com", PASSWORD, role="consultant")
        other.firm_id = other_firm.id
        admin = accounts.create_user("admin@example.com", PASSWORD, role="admin")
        db.session.commit()
        to_join, to_revoke = (
            invitations.create(org_a, admin, f"{name}@example.com", "join", role="respondent")
            for name in ("newcomer", "revocable")
        )
        respondent_a = db.session.execute(
            select(Membership)
            .join(Membership.user)
            .where(Membership.organisation_id == org_a.id, User.email.startswith("respondent_a"))
        ).scalar_one()
        engagement = db.session.execute(
            select(Engagement).where(
                Engagement.organisation_id == org_a.id, Engagement.firm_id != other_firm.id
            )
        ).scalar_one()
        batch = batches.create_batch(accounts.find_by_email(DEMO_CONSULTANT[0]), "en", org_a)
        batch.dispatched_at = utc_now()
        # Two actions of A's roadmap: one to remove, one every other route works on.
        actions = [
            PlanAction(
                organisation_id=org_a.id,
                position=position,
                questionnaire_id=assessment.questionnaire_id,
                questionnaire_version=assessment.questionnaire_version,
                title=title,
            )
            for position, title in enumerate(("Kept", "Removable"))
        ]
        db.session.add_all(actions)
        # Evidence for one of A's answers, kept in the upload folder.
        question_id = "model_c2m"
        stored = Path(current_app.config["UPLOAD_DIR"]) / "evidence" / "matrix.pdf"
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_bytes(b"%PDF-1.4\n%%EOF\n")
        evidence = [
            EvidenceFile(
                assessment_id=assessment.id,
                question_id=question_id,
                file_name=f"evidence/{name}.pdf",
                display_name=f"{name}.pdf",
                kind="pdf",
                size=15,
                sha256=name,
            )
            for name in ("matrix", "removable")
        ]
        db.session.add_all(evidence)
        # A's webhook endpoints, disabled (nothing is sent): one to remove, one kept.
        endpoints = [
            WebhookEndpoint(
                organisation_id=org_a.id,
                url=f"https://hooks.example.com/{name}",
                secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                event_types="assessment.submitted",
                active=False,
            )
            for name in ("kept", "removable")
        ]
        db.session.add_all(endpoints)
        db.session.commit()
        batch_lock = batches.batch_dir() / str(batch.id) / background.LOCK_NAME
        world = {
            "assessment_id": assessment.id,
            "firm_id": engagement.firm_id,
            "engagement_id": engagement.id,
            "user_id": respondent_a.user_id,
            "organisation_id": org_a.id,
            "token": assessment.resume_token,
            "invitation_token": invitations.link_token(to_join),
            "invitation_id": to_revoke.id,
            "membership_id": respondent_a.id,
            "batch_id": batch.id,
            "action_id": actions[0].id,
            "removable_action_id": actions[1].id,
            "file_id": evidence[0].id,
            "removable_file_id": evidence[1].id,
            "question_id": question_id,
            "endpoint_id": endpoints[0].id,
            "removable_endpoint_id": endpoints[1].id,
        }
    # The batch is being made by another server process (it holds the batch's lock), so
    # that showing or restarting it never starts making its reports here (without Redis,
    # the web process would take up a batch nobody holds).
    batch_lock.parent.mkdir(parents=True, exist_ok=True)
    with batch_lock.open("ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield world


def client_for(app, actor):
    client = app.test_client()
    if actor == "consultant_a":
        log_in(client, *DEMO_CONSULTANT)
    elif actor != "anonymous":
        log_in(client, f"{actor}@example.com", PASSWORD)
    return client


def url_for_rule(rule, world, token=None, invitation_token=None):
    invitation_link = rule.rule.startswith("/invitations/")
    values = {
        "token": (invitation_token or world["invitation_token"])
        if invitation_link
        else (token or world["token"]),
        "organisation_id": world["organisation_id"],
        "invitation_id": world["invitation_id"],
        "firm_id": world["firm_id"],
        "assessment_id": world["assessment_id"],
        "engagement_id": world["engagement_id"],
        "user_id": world["user_id"],
        "membership_id": world["membership_id"],
        "batch_id": world["batch_id"],
        "action_id": world["removable_action_id"]
        if rule.endpoint == "roadmap.remove_action"
        else world["action_id"],
        "file_id": world["removable_file_id"]
        if rule.endpoint == "evidence.remove"
        else world["file_id"],
        "question_id": world["question_id"],
        "endpoint_id": world["removable_endpoint_id"]
        if rule.endpoint == "webhooks.remove"
        else world["endpoint_id"],
        "dimension_id": "model",
        "filename": "css/app.css",
        "export_format": "xlsx",
        "token_id": 999999,  # an API token nobody has
    }
    return rule.build({name: values[name] for name in rule.arguments})[1]


def routes(app):
    """(method, endpoint, rule) for every route but static files."""
    return [
        (method, rule.endpoint, rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def request(client, method, path):
    """A request as the person's own browser sends it: with their form token on posts."""
    headers = {"Accept-Language": "en"}
    if method == "GET":
        return client.get(path, headers=headers)
    token = form_token(client.get("/login").get_data(as_text=True))
    if path.endswith("/autosave"):
        return client.post(
            path,
            json={"question_id": "model_c2m", "value": "3"},
            headers={**headers, "X-CSRFToken": token},
        )
    return client.open(path, method=method, data={"csrf_token": token}, headers=headers)


def test_every_route_has_expected_statuses():
    from assessment import create_app
    from assessment.config import TestingConfig

    declared = {(method, endpoint) for method, endpoint, _ in routes(create_app(TestingConfig))}
    assert declared == set(EXPECTED), "write down who may use the new route"


@pytest.mark.parametrize("actor", ACTORS)
def test_each_person_gets_exactly_the_expected_status_everywhere(app, world, actor):
    client = client_for(app, actor)
    wrong = []
    for method, endpoint, rule in sorted(routes(app), key=lambda r: (r[1], r[0])):
        if endpoint == "accounts.logout":
            continue  # tested last: it ends the session
        path = SIGNED_LINKS.get(endpoint) or url_for_rule(rule, world)
        status = request(client, method, path).status_code
        if status != EXPECTED[(method, endpoint)][actor]:
            wrong.append(
                f"{method} {endpoint}: {status}, expected {EXPECTED[(method, endpoint)][actor]}"
            )
    assert request(client, "POST", "/logout").status_code == 302
    assert wrong == []


@pytest.mark.parametrize("actor", ["anonymous", "consultant_a", "admin"])
def test_a_wrong_link_is_a_404_for_everyone(app, world, actor):
    """Assessment and invitation links alike; signed-in routes ask to log in first."""
    client = client_for(app, actor)
    wrong_invitation = world["invitation_token"][:-6] + "AAAAAA"
    for method, endpoint, rule in routes(app):
        if "token" not in rule.arguments or endpoint in SIGNED_LINKS:
            continue
        path = url_for_rule(rule, world, "not-" + world["token"][4:], wrong_invitation)
        expected = 302 if actor == "anonymous" and endpoint in LOGIN_FIRST else 404
        assert request(client, method, path).status_code == expected, endpoint
    for invitation_as_assessment_link in (wrong_invitation, world["invitation_token"]):
        path = f"/a/{invitation_as_assessment_link}/results"
        assert request(client, "GET", path).status_code == 404


def test_an_organisation_that_is_not_yours_never_shows_its_name(app, world):
    with app.app_context():
        name = db.session.get(Organisation, world["organisation_id"]).name
    client = client_for(app, "consultant_other")
    for path in (
        f"/organisations/{world['organisation_id']}/audit",
        f"/organisations/{world['organisation_id']}/webhooks",
    ):
        response = client.get(path, headers={"Accept-Language": "en"})
        assert response.status_code == 404
        assert name not in response.get_data(as_text=True)
