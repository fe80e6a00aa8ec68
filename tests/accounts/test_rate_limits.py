"""Log-in, password-reset and sign-up attempts are limited per client address, sign-ups
also per e-mail address, with a clear 429."""

import secrets

import pytest
import redis

from assessment import create_app
from assessment.accounts import service as accounts
from assessment.config import TestingConfig
from assessment.extensions import db
from tests.conftest import REDIS_URL, form_token, require_redis

ENGLISH = {"Accept-Language": "en"}
SIGN_UP_PASSWORD = "a long enough password"


def attempt_logins(client, count):
    page = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    token = form_token(page)
    return [
        client.post(
            "/login",
            data={"csrf_token": token, "email": "x@example.com", "password": "wrong password"},
            headers=ENGLISH,
        )
        for _ in range(count)
    ]


def test_the_eleventh_log_in_in_a_minute_is_refused_with_a_clear_message(client):
    responses = attempt_logins(client, 11)
    assert [r.status_code for r in responses[:10]] == [401] * 10
    assert responses[10].status_code == 429
    assert "Too many requests. Please wait a minute" in responses[10].get_data(as_text=True)
    assert client.get("/login").status_code == 200  # looking at the form is not limited


def test_password_reset_requests_are_limited(client):
    page = client.get("/password/forgot", headers=ENGLISH).get_data(as_text=True)
    statuses = [
        client.post(
            "/password/forgot", data={"csrf_token": form_token(page), "email": "x@example.com"}
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [302] * 5 + [429]


def ask_to_sign_up(app, email, client_address, password=SIGN_UP_PASSWORD):
    """The sign-up form, filled in and sent from a browser at ``client_address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = client_address
    page = client.get("/signup", headers=ENGLISH).get_data(as_text=True)
    return client.post(
        "/signup",
        data={
            "csrf_token": form_token(page),
            "name": "Chen Li",
            "email": email,
            "password": password,
            "confirm": password,
            "organisation": "Pearl River Motors",
            "industry": "discrete_manufacturing",
            "size_band": "large",
        },
        headers=ENGLISH,
    )


@pytest.mark.parametrize("has_account", [False, True])
def test_sign_ups_for_one_e_mail_address_are_limited_from_any_client_address(app, has_account):
    """Three e-mails an hour to one address, wherever the forms come from; the same
    whether or not the address has an account, so the limit tells nothing either."""
    if has_account:
        with app.app_context():
            accounts.create_user("chen@example.com", "the holder's own password")
    responses = [ask_to_sign_up(app, "Chen@example.com", f"10.9.0.{n}") for n in range(1, 5)]
    assert [r.status_code for r in responses] == [302, 302, 302, 429]
    assert "Too many requests. Please wait a minute" in responses[3].get_data(as_text=True)
    assert ask_to_sign_up(app, "li@example.com", "10.9.0.4").status_code == 302


def test_a_sign_up_form_sent_back_with_its_errors_does_not_count_against_the_address(app):
    refused = [ask_to_sign_up(app, "chen@example.com", "10.9.1.1", "short") for _ in range(3)]
    assert [r.status_code for r in refused] == [400] * 3
    taken = [ask_to_sign_up(app, "chen@example.com", f"10.9.1.{n}") for n in range(2, 6)]
    assert [r.status_code for r in taken] == [302, 302, 302, 429]


def test_sign_ups_from_one_client_address_are_limited_whatever_the_e_mail_address(app):
    statuses = [
        ask_to_sign_up(app, f"person{n}@example.com", "10.9.2.1").status_code for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]


@pytest.fixture
def prefix():
    return f"test-{secrets.token_hex(4)}"


@pytest.fixture
def redis_app(_fresh_schema, tmp_path, prefix):
    require_redis()
    url = REDIS_URL
    settings = {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}
    app = create_app(
        {
            **settings,
            "RATELIMIT_STORAGE_URI": url,
            "RATELIMIT_KEY_PREFIX": prefix,
            "UPLOAD_DIR": str(tmp_path),
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    connection = redis.Redis.from_url(url)
    for key in connection.scan_iter(f"*{prefix}*"):
        connection.delete(key)
    with app.app_context():
        db.engine.dispose()


def test_with_redis_configured_the_counts_are_kept_in_redis(redis_app, prefix):
    responses = attempt_logins(redis_app.test_client(), 10)
    assert {r.status_code for r in responses} == {401}
    assert list(redis.Redis.from_url(REDIS_URL).scan_iter(f"*{prefix}*"))
    assert attempt_logins(redis_app.test_client(), 1)[0].status_code == 429
