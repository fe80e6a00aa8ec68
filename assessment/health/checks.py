"""What the probes check: each function returns None when all is well, else the reason.

Reasons are short English phrases for operators and probes; they never name a person,
an organisation or a database address.
"""

from __future__ import annotations

import logging

import redis
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from assessment.content.registry import EXTENSION_KEY as CONTENT_KEY
from assessment.core.content.library import ContentLibrary
from assessment.extensions import database_error_summary, db

log = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 2
MIGRATION_HEADS_KEY = "health.migration_heads"
REDIS_CLIENT_KEY = "health.redis"


def database_problem() -> str | None:
    """Whether the database answers ``SELECT 1``."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("health check: the database is unreachable (%s)", database_error_summary(error))
        return "database unreachable"
    return None


def migration_problem() -> str | None:
    """Whether the database's schema is at the newest migration this code has."""
    expected = _code_heads()
    try:
        with db.engine.connect() as connection:
            current = (
                set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
                if inspect(connection).has_table("alembic_version")
                else set()
            )
    except SQLAlchemyError as error:
        log.warning(
            "health check: cannot read the schema version (%s)", database_error_summary(error)
        )
        return "schema version unreadable"
    if current != expected:
        return (
            f"database schema at {', '.join(sorted(current)) or 'no migration'}, "
            f"code at {', '.join(sorted(expected))}: run 'flask db upgrade'"
        )
    return None


def redis_problem() -> str | None:
    """Whether Redis answers a ping; None also when no ``REDIS_URL`` is configured."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get(REDIS_CLIENT_KEY)
    if client is None:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        current_app.extensions[REDIS_CLIENT_KEY] = client
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        log.warning("health check: Redis is unreachable (%s)", type(error).__name__)
        return "redis unreachable"
    return None


def content_problem() -> str | None:
    """Whether the questionnaire content loaded and has a published questionnaire."""
    loaded = current_app.extensions.get(CONTENT_KEY)
    if not isinstance(loaded, ContentLibrary):
        return "content has problems: run 'flask content check'"
    if loaded.latest_published() is None:
        return "no published questionnaire"
    return None


def _code_heads() -> set[str]:
    """The newest revisions in the migrations folder, read once per process."""
    heads = current_app.extensions.get(MIGRATION_HEADS_KEY)
    if heads is None:
        config = AlembicConfig()
        config.set_main_option("script_location", current_app.extensions["migrate"].directory)
        heads = set(ScriptDirectory.from_config(config).get_heads())
        current_app.extensions[MIGRATION_HEADS_KEY] = heads
    return heads
