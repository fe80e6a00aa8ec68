"""Log-in and password-reset attempts are limited per address, with a clear 429."""

import secrets

import pytest
import redis

from assessment import create_app
from assessment.config import TestingConfig
from assessment.extensions import db
from tests.conftest import REDIS_URL, form_token, require_redis

ENGLISH = {"Accept-Language": "en"}


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
