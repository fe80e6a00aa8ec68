"""Single sign-on against a real OpenID Connect provider on loopback (``oidc_provider``):
the app's test client plays the browser on the app's side, real HTTP on the provider's."""

import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from assessment import create_app
from assessment.accounts import service as accounts
from assessment.config import TestingConfig, configuration_problems
from assessment.extensions import db
from assessment.models import AuditEvent, Firm, User
from tests.accounts.conftest import ENGLISH, PASSWORD, log_in
from tests.accounts.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    EXPIRED,
    FOREIGN_KEY,
    WRONG_AUDIENCE,
    Provider,
    callback_path,
)
from tests.conftest import empty_database

FIRM = "Acme Advisory"
GROUP_FIRM = "Group Partners"
ACCOUNT_MAP = {
    "acme.example": {"firm": FIRM, "role": "consultant"},
    "group:partners-consultants": {"firm": GROUP_FIRM, "role": "consultant"},
}


@pytest.fixture
def provider():
    provider = Provider().start()
    yield provider
    provider.stop()


def sso_app(provider, account_map=ACCOUNT_MAP):
    settings = {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_ACCOUNT_MAP": json.dumps(account_map),
    }
    return create_app(type("SingleSignOnConfig", (TestingConfig,), settings))


@pytest.fixture
def account_map():
    return ACCOUNT_MAP  # a test may parametrize another


@pytest.fixture
def app(_fresh_schema, provider, account_map):
    """The app with single sign-on by ``provider`` and ``account_map``, and two firms."""
    app = sso_app(provider, account_map)
    with app.app_context():
        db.create_all()
        db.session.add_all([Firm(name=FIRM), Firm(name=GROUP_FIRM)])
        db.session.commit()
    yield app
    empty_database(app)


def start(client, next_path=None):
    """Press the button: the app sends the browser to the provider's authorisation."""
    response = client.get("/login/sso" + (f"?next={next_path}" if next_path else ""))
    assert response.status_code == 302
    return response.headers["Location"]


def sign_in(client, provider, next_path=None):
    """The whole round: start, the provider's consent (real HTTP), back to the callback."""
    location = provider.consent(start(client, next_path))
    return client.get(callback_path(location), headers=ENGLISH)


def account(app, email):
    with app.app_context():
        user = accounts.find_by_email(email)
        return (
            None
            if user is None
            else {"role": user.role, "firm": user.firm.name if user.firm else None, "id": user.id}
        )


def page(response):
    return response.get_data(as_text=True)


def test_an_existing_account_logs_in_with_its_verified_address(app, client, provider):
    with app.app_context():
        user = accounts.create_user("Olga@Acme.example", PASSWORD, role="member")
    provider.person.update(email="olga@acme.example", email_verified=True)

    response = sign_in(client, provider, next_path="/account/tokens")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/tokens"
    assert client.get("/account/tokens", headers=ENGLISH).status_code == 200
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.last_login_at is not None
        assert stored.role == "member"  # never moved into the mapped firm
        assert stored.firm_id is None
    # The flow was the code flow with PKCE (S256) and a nonce.
    asked = provider.authorisation_requests[-1]
    assert asked["code_challenge_method"] == "S256"
    assert asked["nonce"]
    assert set(asked["scope"].split()) == {"openid", "email", "profile", "groups"}


@pytest.mark.parametrize(("verified", "status"), [("true", 302), ("false", 403), (None, 403)])
def test_only_a_provider_that_says_the_address_is_verified_logs_in(
    app, client, provider, verified, status
):
    with app.app_context():
        accounts.create_user("olga@acme.example", PASSWORD)
    provider.person.update(email="olga@acme.example", email_verified=verified)
    if verified is None:
        del provider.person["email_verified"]

    assert sign_in(client, provider).status_code == status


def test_an_unsafe_next_address_is_replaced_by_the_landing_page(app, client, provider):
    with app.app_context():
        accounts.create_user("olga@acme.example", PASSWORD)
    provider.person.update(email="olga@acme.example")

    response = sign_in(client, provider, next_path="//evil.example/")

    assert response.headers["Location"] == "/organisations"


def test_a_new_address_of_a_mapped_domain_gets_a_consultant_account_in_its_firm(
    app, client, provider
):
    provider.person.update(email="new.person@acme.example", name="New Person")

    response = sign_in(client, provider)

    assert response.status_code == 302
    assert response.headers["Location"] == "/portfolio"  # a consultant's landing page
    assert account(app, "new.person@acme.example")["role"] == "consultant"
    assert account(app, "new.person@acme.example")["firm"] == FIRM
    assert client.get("/portfolio", headers=ENGLISH).status_code == 200
    with app.app_context():
        added = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "user.added")
        ).scalar_one()
        assert added.channel == "sso"
        assert added.detail == {"user": "new.person@acme.example", "role": "consultant"}
        assert accounts.find_by_email("new.person@acme.example").name == "New Person"
    with app.app_context():
        accounts.create_user("admin@example.com", PASSWORD, role="admin")
    administrator = app.test_client()
    log_in(administrator, "admin@example.com")
    trail = page(administrator.get("/admin/users", headers=ENGLISH))
    assert "at a single sign-on" in trail
    assert "added an account (new.person@acme.example)" in trail


def test_a_group_claim_maps_a_new_account_to_its_firm(app, client, provider):
    provider.person.update(email="someone@elsewhere.example", groups=["partners-consultants"])

    assert sign_in(client, provider).status_code == 302

    assert account(app, "someone@elsewhere.example")["firm"] == GROUP_FIRM


@pytest.mark.parametrize(
    "account_map",
    [{**ACCOUNT_MAP, "group:acme-consultants": {"firm": FIRM, "role": "consultant"}}],
)
def test_groups_naming_two_firms_make_no_account(app, client, provider):
    provider.person.update(
        email="someone@acme.example", groups=["partners-consultants", "acme-consultants"]
    )

    response = sign_in(client, provider)

    assert response.status_code == 403
    assert "more than one consulting firm" in page(response)
    assert account(app, "someone@acme.example") is None


def test_an_unverified_address_is_refused_with_what_to_do(app, client, provider):
    with app.app_context():
        accounts.create_user("olga@acme.example", PASSWORD)
    provider.person.update(email="olga@acme.example", email_verified=False)

    response = sign_in(client, provider)

    assert response.status_code == 403
    assert "has not confirmed your e-mail address" in page(response)
    assert "Log in with your e-mail and password" in page(response)
    assert client.get("/account/tokens").status_code == 302  # not logged in


def test_an_unknown_domain_is_refused_and_gets_no_account(app, client, provider):
    provider.person.update(email="someone@unknown.example")

    response = sign_in(client, provider)

    assert response.status_code == 403
    assert "Your organisation is not set up to sign in here with this address" in page(response)
    assert account(app, "someone@unknown.example") is None


def test_the_provider_opens_only_the_accounts_the_map_trusts_it_with(app, client, provider):
    """A provider vouches for its own people: not for an address of a domain the map does
    not name, nor for an administrator, nor for another firm's consultant."""
    with app.app_context():
        accounts.create_user("admin@site.example", PASSWORD, role="admin")
        accounts.create_user("boss@acme.example", PASSWORD, role="admin")
        lent = accounts.create_user("lent@acme.example", PASSWORD, role="consultant")
        lent.firm = db.session.execute(select(Firm).where(Firm.name == GROUP_FIRM)).scalar_one()
        db.session.commit()
    for email, says in (
        ("admin@site.example", "not set up to sign in here with this address"),
        ("boss@acme.example", "cannot open this account"),
        ("lent@acme.example", "cannot open this account"),
    ):
        provider.person.update(email=email, email_verified=True)
        response = sign_in(client, provider)
        assert response.status_code == 403, email
        assert says in page(response), email
        assert client.get("/account/tokens").status_code == 302, email  # nobody logged in


def test_a_switched_off_account_is_refused(app, client, provider):
    with app.app_context():
        accounts.create_user("olga@acme.example", PASSWORD).active = False
        db.session.commit()
    provider.person.update(email="olga@acme.example")

    response = sign_in(client, provider)

    assert response.status_code == 403
    assert "switched off" in page(response)


@pytest.mark.parametrize(
    "account_map", [{"acme.example": {"firm": "No Such Firm", "role": "consultant"}}]
)
def test_a_mapped_firm_that_does_not_exist_is_refused_and_logged(app, client, provider, caplog):
    provider.person.update(email="new@acme.example")

    response = sign_in(client, provider)

    assert response.status_code == 403
    assert "a consulting firm this site does not have" in page(response)
    assert account(app, "new@acme.example") is None
    assert any("No Such Firm" in record.getMessage() for record in caplog.records)


def test_a_forged_state_is_refused(app, client, provider, caplog):
    caplog.set_level(logging.WARNING, logger="assessment.accounts.sso")
    with app.app_context():
        accounts.create_user("olga@acme.example", PASSWORD)
    provider.person.update(email="olga@acme.example")
    location = provider.consent(start(client))
    query = parse_qs(urlsplit(location).query)

    forged = client.get(
        f"/login/sso/callback?code={query['code'][0]}&state=forged", headers=ENGLISH
    )
    missing = client.get(f"/login/sso/callback?code={query['code'][0]}", headers=ENGLISH)

    for response in (forged, missing):
        assert response.status_code == 400
        assert "was not started from this browser" in page(response)
    assert client.get("/account/tokens").status_code == 302
    assert "single sign-on refused: state" in caplog.text


def test_only_the_latest_sign_in_started_in_a_browser_can_finish(app, client, provider):
    with app.app_context():
        accounts.create_user("olga@acme.example", PASSWORD)
    provider.person.update(email="olga@acme.example")
    abandoned = provider.consent(start(client))
    latest = provider.consent(start(client))

    assert client.get(callback_path(abandoned), headers=ENGLISH).status_code == 400
    assert client.get(callback_path(latest), headers=ENGLISH).status_code == 302


def test_a_callback_from_another_browser_is_refused(app, client, provider):
    with app.app_context():
        accounts.create_user("olga@acme.example", PASSWORD)
    provider.person.update(email="olga@acme.example")
    location = provider.consent(start(client))

    response = app.test_client().get(callback_path(location), headers=ENGLISH)

    assert response.status_code == 400
    assert "was not started from this browser" in page(response)


def test_a_sign_in_cancelled_at_the_provider_logs_nobody_in(app, client, provider):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]

    response = client.get(f"/login/sso/callback?error=access_denied&state={state}", headers=ENGLISH)

    assert response.status_code == 400
    assert "did not complete" in page(response)
    assert client.get("/account/tokens").status_code == 302


def test_a_replayed_code_is_refused_by_the_provider(app, client, provider, caplog):
    caplog.set_level(logging.WARNING, logger="assessment.accounts.sso")
    with app.app_context():
        accounts.create_user("olga@acme.example", PASSWORD)
    provider.person.update(email="olga@acme.example")
    location = provider.consent(start(client))
    # Whoever copied the browser's cookie and the callback's address before it was used
    # replays both once the person has logged in.
    copied_session = client.get_cookie("session").value
    assert client.get(callback_path(location)).status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", copied_session)
    response = replay.get(callback_path(location), headers=ENGLISH)

    assert response.status_code == 400
    assert "did not complete" in page(response)
    assert provider.token_errors == ["invalid_grant"]
    assert replay.get("/account/tokens").status_code == 302
    assert "single sign-on refused: provider invalid_grant" in caplog.text


@pytest.mark.parametrize("misbehaviour", [WRONG_AUDIENCE, EXPIRED, FOREIGN_KEY])
def test_an_id_token_that_cannot_be_trusted_is_refused(app, client, provider, caplog, misbehaviour):
    caplog.set_level(logging.WARNING, logger="assessment.accounts.sso")
    with app.app_context():
        accounts.create_user("olga@acme.example", PASSWORD)
    provider.person.update(email="olga@acme.example")
    provider.misbehave.add(misbehaviour)

    response = sign_in(client, provider)

    assert response.status_code == 400
    assert "cannot trust" in page(response)
    assert client.get("/account/tokens").status_code == 302
    assert "single sign-on refused: token" in caplog.text
    with app.app_context():
        assert accounts.find_by_email("olga@acme.example").last_login_at is None


def test_a_provider_that_cannot_be_reached_is_a_clear_page(app, client, provider):
    provider.stop()

    response = client.get("/login/sso", headers=ENGLISH)

    assert response.status_code == 502
    assert "cannot be reached just now" in page(response)


def test_the_login_page_offers_the_organisations_account(app, client):
    login_page = page(client.get("/login?next=/portfolio", headers=ENGLISH))

    assert "Log in with your organisation's account" in login_page
    assert "/login/sso?next=/portfolio" in login_page


def test_passwords_still_work_with_single_sign_on_on(app, client):
    with app.app_context():
        accounts.create_user("olga@acme.example", PASSWORD)

    response = log_in(client, "olga@acme.example")

    assert response.status_code == 302
    assert client.get("/account/tokens").status_code == 200


def test_without_an_issuer_there_is_no_button_and_no_sso_address():
    app = create_app(TestingConfig)
    client = app.test_client()

    assert "organisation's account" not in page(client.get("/login", headers=ENGLISH))
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404


CLIENT = {"OIDC_CLIENT_ID": "x", "OIDC_CLIENT_SECRET": "y"}
MAP = {"OIDC_ACCOUNT_MAP": json.dumps(ACCOUNT_MAP)}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {"OIDC_ISSUER": "http://login.example.com"},
            [
                "OIDC_ISSUER is 'http://login.example.com'; it must start with https://",
                "OIDC_ISSUER is set but OIDC_CLIENT_ID is not",
                "OIDC_ISSUER is set but OIDC_CLIENT_SECRET is not",
                "OIDC_ISSUER is set but OIDC_ACCOUNT_MAP is not, so nobody could sign in",
            ],
        ),
        (
            {"OIDC_ISSUER": "https://login.example.com?realm=acme", **CLIENT, **MAP},
            ["OIDC_ISSUER is 'https://login.example.com?realm=acme'; it must be the provider's"],
        ),
        (
            {"OIDC_CLIENT_ID": "x", "OIDC_ACCOUNT_MAP": "{}"},
            ["single sign-on is off, as OIDC_ISSUER is not set, yet OIDC_CLIENT_ID, OIDC_ACC"],
        ),
        (
            {"OIDC_ISSUER": "https://login.example.com", "OIDC_ACCOUNT_MAP": '{"acme.example": '},
            [
                "OIDC_ISSUER is set but OIDC_CLIENT_ID is not",
                "OIDC_ISSUER is set but OIDC_CLIENT_SECRET is not",
                "OIDC_ACCOUNT_MAP is not valid JSON",
            ],
        ),
        (
            {
                "OIDC_ISSUER": "https://login.example.com",
                **CLIENT,
                "OIDC_ACCOUNT_MAP": json.dumps(
                    {
                        "acme.example": {"firm": "Acme", "role": "admin"},
                        "Not A Domain": {"firm": "Acme", "role": "consultant"},
                        "group:": {"role": "consultant", "colour": "red"},
                        "other.example": "Acme",
                    }
                ),
            },
            [
                "OIDC_ACCOUNT_MAP's 'acme.example' has the role 'admin'",
                "OIDC_ACCOUNT_MAP has 'Not A Domain'; each key must be an e-mail domain",
                "OIDC_ACCOUNT_MAP has 'group:', a group without a name",
                "OIDC_ACCOUNT_MAP's 'group:' has 'colour'",
                "OIDC_ACCOUNT_MAP's 'group:' names no firm",
                "OIDC_ACCOUNT_MAP's 'other.example' must be an object",
            ],
        ),
        ({"OIDC_ACCOUNT_MAP": "[]", "OIDC_ISSUER": "https://a.example", **CLIENT}, ["JSON obj"]),
    ],
)
def test_single_sign_on_settings_are_checked_one_line_per_problem(settings, expected):
    problems = configuration_problems({"OIDC_GROUPS_CLAIM": "groups", **settings})

    assert len(problems) == len(expected), problems
    for problem, part in zip(problems, expected, strict=True):
        assert part in problem
        assert problem.startswith("Configuration error: ")


def test_the_app_does_not_start_with_a_bad_single_sign_on_setting():
    settings = {"OIDC_ISSUER": "ftp://login.example.com", **CLIENT}

    with pytest.raises(SystemExit, match="it must start with https://"):
        create_app(type("BadConfig", (TestingConfig,), settings))


@pytest.mark.parametrize(
    "issuer", ["https://login.example.com/realms/acme", "http://127.0.0.1:8080", "http://[::1]"]
)
def test_an_https_or_loopback_issuer_with_its_client_is_accepted(issuer):
    config = {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": "x",
        "OIDC_CLIENT_SECRET": "y",
        "OIDC_GROUPS_CLAIM": "groups",
        "OIDC_ACCOUNT_MAP": json.dumps(ACCOUNT_MAP),
    }

    assert configuration_problems(config) == []


@pytest.mark.parametrize(
    "account_map",
    [{**ACCOUNT_MAP, "group:gone": {"firm": "Gone Consulting", "role": "consultant"}}],
)
def test_the_command_line_names_each_rule_whose_firm_is_missing(app):
    result = app.test_cli_runner().invoke(args=["users", "check-sso"], env={"LANG": "en"})

    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "OIDC_ACCOUNT_MAP's 'group:gone' names the firm 'Gone Consulting', which does not "
        "exist: create it at /admin/firms, or correct the map."
    ]


def test_the_command_line_says_when_every_mapped_firm_exists(app):
    result = app.test_cli_runner().invoke(args=["users", "check-sso"], env={"LANG": "en"})

    assert result.exit_code == 0
    assert "Every firm that single sign-on's account map names exists." in result.output
