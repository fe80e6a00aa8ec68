"""/healthz and /readyz: public JSON, 503 with the reason when something is missing."""

import pytest
import redis
from flask_migrate import upgrade

from assessment import create_app
from assessment.config import TestingConfig
from assessment.extensions import db, limiter
from tests.conftest import REDIS_URL, require_redis
from tests.ops.conftest import READY_WITHOUT_REDIS, scratch_databases

UNREACHABLE_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/nothing"


def settings(**overrides):
    return {
        **{key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()},
        **overrides,
    }


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database of the kind under test, never migrated."""
    if TestingConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
        with scratch_databases() as make:
            yield make("ready")
    else:
        yield f"sqlite:///{tmp_path / 'ready.db'}"


def readiness(app):
    response = app.test_client().get("/readyz")
    return response.status_code, response.get_json()


def test_healthz_says_ok_without_setting_a_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_with_the_reason_when_the_database_is_unreachable(tmp_path):
    app = create_app(settings(SQLALCHEMY_DATABASE_URI=UNREACHABLE_POSTGRES, UPLOAD_DIR=tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "reason": "database unreachable"}


def test_readyz_waits_for_the_migrations_then_says_ready(empty_database_url, tmp_path):
    app = create_app(settings(SQLALCHEMY_DATABASE_URI=empty_database_url, UPLOAD_DIR=tmp_path))
    status, body = readiness(app)
    assert status == 503
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"].startswith("database schema at no migration, code at ")
    assert "run 'flask db upgrade'" in body["reason"]
    with app.app_context():
        upgrade()
    assert readiness(app) == (200, READY_WITHOUT_REDIS)
    with app.app_context():
        db.engine.dispose()


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path):
    app = create_app(settings(SQLALCHEMY_DATABASE_URI=UNREACHABLE_POSTGRES, UPLOAD_DIR=tmp_path))
    status, body = readiness(app)
    assert status == 503
    assert body["reason"] == "database unreachable"
    assert body["checks"]["migrations"] == "not checked"


def test_readyz_is_503_when_the_configured_redis_is_unreachable(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    status, body = readiness(app)
    assert status == 503
    assert body["checks"]["redis"] == "redis unreachable"
    assert "redis unreachable" in body["reason"]


def test_readyz_checks_a_configured_redis(app):
    require_redis()
    app.config["REDIS_URL"] = REDIS_URL
    _, body = readiness(app)
    assert body["checks"]["redis"] == "ok"
    redis.Redis.from_url(REDIS_URL).close()


def test_readyz_is_503_when_the_content_cannot_be_used(tmp_path):
    app = create_app(settings(CONTENT_DIR=str(tmp_path), UPLOAD_DIR=tmp_path))
    with app.app_context():
        db.create_all()
        status, body = readiness(app)
        db.engine.dispose()
    assert status == 503
    assert body["checks"]["content"] != "ok"


@pytest.fixture
def default_rate_limit():
    """An operator's RATELIMIT_DEFAULT, taken back afterwards.

    Flask-Limiter keeps the default limits on its one module-level Limiter, which every
    app of this process shares: left in place, they would limit every later test's pages.
    """
    yield "2 per minute"
    limiter.limit_manager.set_default_limits([])


def test_probes_are_never_rate_limited(tmp_path, default_rate_limit):
    app = create_app(settings(RATELIMIT_DEFAULT=default_rate_limit, UPLOAD_DIR=tmp_path))
    with app.app_context():
        db.create_all()
    client = app.test_client()
    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]
    assert {client.get("/healthz").status_code for _ in range(5)} == {200}
    assert {client.get("/readyz").status_code for _ in range(5)} == {503}  # not migrated
    with app.app_context():
        db.engine.dispose()
