"""Fixtures: an app on the test database (DATABASE_URL, default in-memory SQLite)."""

import os
import re

import pytest
import redis
from hypothesis import settings
from sqlalchemy import event, select, text

from assessment import create_app
from assessment.accounts import service as accounts
from assessment.batches import background
from assessment.config import TestingConfig
from assessment.extensions import db
from assessment.models import User
from assessment.webhooks import dispatch

# Machines here are shared and noisy: an example's run time says nothing about behaviour
# (speed is measured by the scripts in bench/), so Hypothesis sets no deadline.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

ACCOUNT_PASSWORD = "a long enough password"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# How long a test's background reports may take to finish once the test is over.
BACKGROUND_GRACE_SECONDS = 300


def require_redis(url: str = REDIS_URL) -> None:
    """Redis runs on CI machines, where the tests that need it must run; elsewhere it may
    be missing, and they are skipped."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Redis at {url}: start one, or set TEST_REDIS_URL")


def empty_database(app) -> None:
    """Delete every row the test wrote, and close the app's connections."""
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def _fresh_schema():
    """Start the session with the models' tables, and nothing left from earlier runs."""
    app = create_app(TestingConfig)
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.create_all()
        db.engine.dispose()


@pytest.fixture
def app(_fresh_schema, tmp_path):
    app = create_app(TestingConfig)
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    app.config["BATCH_DIR"] = str(tmp_path / "batches")
    with app.app_context():
        db.create_all()  # a no-op on a server; in-memory SQLite starts empty per app
    yield app
    try:  # reports and webhooks sent after a request (without Redis) finish before the data goes
        idle = background.wait_until_idle(app, timeout=BACKGROUND_GRACE_SECONDS)
        idle = dispatch.wait_until_idle(app, timeout=BACKGROUND_GRACE_SECONDS) and idle
    finally:
        empty_database(app)
    assert idle, "reports were still being made in the background when the test ended"


@pytest.fixture
def account_rows(app):
    """One account, and a way to read every account's row as stored."""
    with app.app_context():
        accounts.create_user("known@example.com", ACCOUNT_PASSWORD)

    def rows():
        with app.app_context():
            return db.session.execute(
                select(User.id, User.email, User.password_hash, User.last_login_at)
            ).all()

    return rows


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def in_request(app):
    """A request context for the whole test: for view models, which translate as they go
    (``pytestmark = pytest.mark.usefixtures("in_request")``)."""
    with app.test_request_context():
        yield


@pytest.fixture
def library(app):
    """The app's content library: every questionnaire version it loaded."""
    with app.app_context():
        from assessment.content.registry import current_library

        return current_library()


@pytest.fixture
def questionnaire(library):
    return library.latest_published()


@pytest.fixture
def v2(library):
    return library.get("iiai-maturity", 2)


def form_token(page: str) -> str:
    """The form token of a rendered page, as a browser would post it."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def count_queries(app, call):
    """How many SQL statements ``call()`` sends to the app's database."""
    statements = []

    def record(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)
