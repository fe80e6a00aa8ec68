"""Configuration from environment variables, with defaults a newcomer can run as they are."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent


def database_url_from_env(default: str | None) -> str | None:
    """``DATABASE_URL``, with plain PostgreSQL URLs pointed at the psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL") or default
    if url and url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")  # else generated and kept in instance/
    SQLALCHEMY_DATABASE_URI = database_url_from_env(None)  # else SQLite in instance/
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}
    CONTENT_DIR = os.environ.get("ASSESSMENT_CONTENT_DIR", str(ROOT / "content"))
    UPLOAD_DIR = os.environ.get("ASSESSMENT_UPLOAD_DIR")  # else instance/uploads
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024  # the largest request body: a logo upload
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_TRANSLATION_DIRECTORIES = str(PACKAGE / "translations")
    # Rate limits (log-in, password reset) are counted in Redis when it is configured.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    RESET_RATE_LIMIT = "5 per minute;20 per hour"
    INVITATION_RATE_LIMIT = "10 per minute;100 per hour"
    API_RATE_LIMIT = "120 per minute"  # per API token
    API_MAX_BODY_BYTES = 256 * 1024  # the largest JSON body the API reads
    # Batches of reports run as RQ jobs on Redis when REDIS_URL is set (start `flask worker`),
    # else in the request that asks for them.
    REDIS_URL = os.environ.get("REDIS_URL")
    BATCH_QUEUE = os.environ.get("BATCH_QUEUE", "reports")
    BATCH_DIR = os.environ.get("ASSESSMENT_BATCH_DIR")  # else instance/batches
    BATCH_RETRIES = 2  # a report that fails is tried again this many times
    BATCH_RETRY_INTERVALS: ClassVar[tuple[int, ...]] = (10, 60)  # seconds before each retry
    BATCH_JOB_TIMEOUT = 600  # seconds one report may take in a worker
    INVITATION_DAYS = 14  # how long an invitation link works
    BENCHMARK_MIN_COHORT = 5  # peers needed before a percentile is shown
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-secret"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = database_url_from_env("sqlite://")
    REDIS_URL = None  # batches run in the request; tests that want Redis set it
