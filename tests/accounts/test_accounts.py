"""Log-in, log-out, passwords and reset links; headers and cookie flags."""

import json
import logging
import re

import pytest

from assessment.accounts import service as accounts
from assessment.extensions import db
from assessment.models import User
from tests.accounts.conftest import PASSWORD as OWNER_PASSWORD
from tests.conftest import form_token

PASSWORD = "correct horse battery"
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def user(app):
    with app.app_context():
        created = accounts.create_user("Ada@Example.com", PASSWORD, role="consultant", name="Ada")
        return created.id


def log_in(client, email, password, next_path=None):
    page = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    path = "/login" + (f"?next={next_path}" if next_path else "")
    return client.post(
        path,
        data={"csrf_token": form_token(page), "email": email, "password": password},
        headers=ENGLISH,
    )


def test_log_in_with_the_right_password_and_go_where_you_were_going(client, user):
    response = log_in(client, "ada@example.com", PASSWORD, next_path="/a/whatever")
    assert response.status_code == 302
    assert response.headers["Location"] == "/a/whatever"
    page = client.get("/", headers=ENGLISH).get_data(as_text=True)
    assert "ada@example.com" in page
    assert "Log out" in page


def test_wrong_password_and_unknown_account_get_the_same_answer(client, user):
    wrong = log_in(client, "ada@example.com", "not the password at all")
    unknown = log_in(client, "nobody@example.com", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "The e-mail or the password is not right." in response.get_data(as_text=True)


def test_a_deactivated_account_cannot_log_in(app, client, user):
    with app.app_context():
        db.session.get(User, user).active = False
        db.session.commit()
    assert log_in(client, "ada@example.com", PASSWORD).status_code == 401


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_next_never_leads_off_site(client, user, target):
    response = log_in(client, "ada@example.com", PASSWORD, next_path=target)
    assert response.headers["Location"] == "/portfolio"  # where a consultant lands


@pytest.mark.parametrize(
    ("role", "landing", "heading"),
    [
        ("admin", "/admin/users", "Accounts"),
        ("consultant", "/portfolio", "Client portfolio"),
        ("member", "/organisations", "You do not belong to an organisation yet."),
    ],
)
def test_after_logging_in_each_role_lands_on_its_own_page(app, client, role, landing, heading):
    with app.app_context():
        accounts.create_user("someone@example.com", PASSWORD, role=role)
    response = log_in(client, "someone@example.com", PASSWORD)
    assert response.headers["Location"] == landing
    page = client.get(landing, headers=ENGLISH)
    assert page.status_code == 200
    assert heading in page.get_data(as_text=True)


def test_an_owner_lands_on_their_organisations(client, organisation):
    response = log_in(client, "owner@acme.example", OWNER_PASSWORD)
    assert response.headers["Location"] == "/organisations"
    page = client.get("/organisations", headers=ENGLISH).get_data(as_text=True)
    assert "Acme &lt;b&gt;Precision&lt;/b&gt;" in page


def test_a_safe_next_still_decides_where_an_administrator_goes(app, client):
    with app.app_context():
        accounts.create_user("boss@example.com", PASSWORD, role="admin")
    response = log_in(client, "boss@example.com", PASSWORD, next_path="/organisations")
    assert response.headers["Location"] == "/organisations"


def test_log_out_needs_a_form_post(client, user):
    log_in(client, "ada@example.com", PASSWORD)
    assert client.get("/logout").status_code == 405
    page = client.get("/", headers=ENGLISH).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": form_token(page)})
    assert "Log in" in client.get("/", headers=ENGLISH).get_data(as_text=True)


def test_change_password_needs_the_current_one(client, user):
    assert client.get("/account/password").headers["Location"].startswith("/login")
    log_in(client, "ada@example.com", PASSWORD)
    page = client.get("/account/password", headers=ENGLISH).get_data(as_text=True)
    new = "an even better passphrase"
    response = client.post(
        "/account/password",
        headers=ENGLISH,
        data={"csrf_token": form_token(page), "current": "wrong", "password": new, "confirm": new},
    )
    assert response.status_code == 400
    assert "The current password is not right." in response.get_data(as_text=True)
    response = client.post(
        "/account/password",
        headers=ENGLISH,
        data={"csrf_token": form_token(page), "current": PASSWORD, "password": new, "confirm": new},
    )
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": form_token(page)})
    assert log_in(client, "ada@example.com", PASSWORD).status_code == 401
    assert log_in(client, "ada@example.com", new).status_code == 302


def request_reset(client, email):
    page = client.get("/password/forgot", headers=ENGLISH).get_data(as_text=True)
    return client.post(
        "/password/forgot", data={"csrf_token": form_token(page), "email": email}, headers=ENGLISH
    )


def test_reset_link_is_logged_for_an_account_and_works_once(client, user, caplog):
    caplog.set_level(logging.INFO, logger="assessment.mail")
    assert request_reset(client, "ADA@example.com").status_code == 302
    link = re.search(r"http://localhost(/password/reset/\S+)", caplog.text)[1]
    page = client.get(link, headers=ENGLISH).get_data(as_text=True)
    new = "a brand new passphrase"
    response = client.post(
        link,
        data={"csrf_token": form_token(page), "password": new, "confirm": new},
        headers=ENGLISH,
    )
    assert response.headers["Location"] == "/login"
    assert log_in(client, "ada@example.com", new).status_code == 302
    again = client.get(link, headers=ENGLISH)
    assert again.status_code == 400
    assert "has been used already" in again.get_data(as_text=True)


def test_reset_request_answers_the_same_for_unknown_addresses(client, user, caplog):
    caplog.set_level(logging.INFO, logger="assessment.mail")
    known = request_reset(client, "ada@example.com")
    unknown = request_reset(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert caplog.text.count("/password/reset/") == 1  # one mail: to the known address
    assert "mail to ada@example.com: Choose a new password" in caplog.text


def test_expired_or_forged_reset_links_are_refused(app, client, user, monkeypatch):
    with app.test_request_context():
        token = accounts.reset_token(db.session.get(User, user))
    forged = client.get(f"/password/reset/{token[:-3]}abc", headers=ENGLISH)
    assert "not valid" in forged.get_data(as_text=True)
    monkeypatch.setattr(accounts, "RESET_MAX_AGE_SECONDS", -1)
    expired = client.get(f"/password/reset/{token}", headers=ENGLISH)
    assert expired.status_code == 400
    assert "has expired" in expired.get_data(as_text=True)


def test_pages_carry_security_headers_and_cookie_flags(client):
    response = client.get("/", headers=ENGLISH)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    secure = client.get("/", base_url="https://localhost", headers=ENGLISH)
    assert "Secure" in secure.headers["Set-Cookie"]


def test_flask_users_create_and_list(runner):
    result = runner.invoke(
        args=["users", "create", "--role", "admin", "--password-stdin", "Boss@Example.com"],
        input=PASSWORD + "\n",
        env={"LANG": "en"},
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account boss@example.com." in result.output
    rows = json.loads(runner.invoke(args=["users", "list", "--json"]).output)
    assert [(r["email"], r["role"], r["active"]) for r in rows] == [
        ("boss@example.com", "admin", True)
    ]
    table = runner.invoke(args=["users", "list"], env={"LANG": "en"}).output
    assert "boss@example.com" in table
    assert "admin" in table


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-address", PASSWORD, "not-an-address is not an e-mail address."),
        ("a@example.com", "short", "The password needs at least 10 characters."),
    ],
)
def test_flask_users_create_refuses_bad_input(runner, email, password, message):
    result = runner.invoke(
        args=["users", "create", "--password-stdin", email],
        input=password + "\n",
        env={"LANG": "en"},
    )
    assert result.exit_code == 2
    assert message in result.output


def test_flask_users_create_refuses_a_second_account_for_an_address(runner):
    args = ["users", "create", "--password-stdin", "a@example.com"]
    assert runner.invoke(args=args, input=PASSWORD + "\n").exit_code == 0
    again = runner.invoke(
        args=[*args[:-1], "A@EXAMPLE.COM"], input=PASSWORD + "\n", env={"LANG": "en"}
    )
    assert again.exit_code == 2
    assert "already exists" in again.output
