"""Configuration from environment variables, with defaults a newcomer can run as they are."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from assessment.core import locales, sso

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent
TRUE_WORDS = ("1", "true", "yes", "on")


def database_url_from_env(default: str | None) -> str | None:
    """``DATABASE_URL``, with plain PostgreSQL URLs pointed at the psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL") or default
    if url and url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Config:
    APP_ENV = "development"  # APP_ENV=production selects ProductionConfig
    SECRET_KEY = os.environ.get("SECRET_KEY")  # else generated and kept in instance/
    SQLALCHEMY_DATABASE_URI = database_url_from_env(None)  # else SQLite in instance/
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}
    CONTENT_DIR = os.environ.get("ASSESSMENT_CONTENT_DIR", str(ROOT / "content"))
    UPLOAD_DIR = os.environ.get("ASSESSMENT_UPLOAD_DIR")  # else instance/uploads
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024  # the largest request body: a logo upload
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_TRANSLATION_DIRECTORIES = str(PACKAGE / "translations")
    # Rate limits (log-in, password reset, sign-up) are counted in Redis when it is configured.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    RESET_RATE_LIMIT = "5 per minute;20 per hour"  # also sign-ups, per client address
    # Sign-ups per e-mail address: counted when a mail goes to it, whatever the client.
    SIGN_UP_MAIL_RATE_LIMIT = "3 per hour;10 per day"
    INVITATION_RATE_LIMIT = "10 per minute;100 per hour"
    API_RATE_LIMIT = "120 per minute"  # per API token
    API_MAX_BODY_BYTES = 256 * 1024  # the largest JSON body the API reads
    # Batches of reports run as RQ jobs on Redis when REDIS_URL is set (start `flask worker`),
    # else in a thread of the web process, one report at a time, after the request.
    REDIS_URL = os.environ.get("REDIS_URL")
    BATCH_QUEUE = os.environ.get("BATCH_QUEUE", "reports")
    # Reports made ahead, when an assessment is submitted or its commentary saved; the
    # workers take these before batches.
    REPORT_AHEAD_QUEUE = os.environ.get("REPORT_AHEAD_QUEUE", "reports-ahead")
    # Batches and stored reports; the web app and the workers must share it.
    BATCH_DIR = os.environ.get("ASSESSMENT_BATCH_DIR")  # else instance/batches
    # Webhooks: messages to organisations' endpoints, sent by the workers from this queue
    # (without REDIS_URL, by a thread of the web process), tried again after each of these
    # intervals in seconds ("10,60,300" in the environment), then given up.
    WEBHOOK_QUEUE = os.environ.get("WEBHOOK_QUEUE", "webhooks")
    WEBHOOK_RETRY_INTERVALS = os.environ.get("WEBHOOK_RETRY_INTERVALS", "10,60,300,1800,7200")
    WEBHOOK_TIMEOUT = 10  # seconds a receiver has to answer
    WEBHOOK_MAX_ENDPOINTS = 10  # per organisation
    # Only for development and tests: allow http:// and loopback, private and link-local
    # addresses, which are otherwise refused (a webhook must not reach inside the network).
    WEBHOOK_ALLOW_PRIVATE = os.environ.get("WEBHOOK_ALLOW_PRIVATE", "").lower() in TRUE_WORDS
    # The address people reach the app at ("https://assess.example.com"), for the links
    # in webhook messages sent by workers; in a request the request's own address is used.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    BATCH_RETRIES = 2  # a report that fails is tried again this many times
    BATCH_RETRY_INTERVALS: ClassVar[tuple[int, ...]] = (10, 60)  # seconds before each retry
    BATCH_JOB_TIMEOUT = 600  # seconds one report may take in a worker
    BATCH_MAX_REPORTS = 200  # the most reports one batch may hold
    BATCH_KEEP_DAYS = 30  # `flask batches purge` removes batches older than this
    INVITATION_DAYS = 14  # how long an invitation link works
    SIGN_UP_LINK_HOURS = 24  # how long the link that finishes a sign-up works
    # Mail goes through this SMTP server; unset, messages are written to the log instead.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = os.environ.get("MAIL_PORT", "587")
    MAIL_SECURITY = os.environ.get("MAIL_SECURITY", "starttls")  # starttls | ssl | none
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER")  # required with MAIL_SERVER
    BENCHMARK_MIN_COHORT = 5  # peers needed before a percentile is shown
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # "json" or "text"; unset: JSON lines in production, Flask's own logging otherwise.
    LOG_FORMAT = os.environ.get("LOG_FORMAT")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # How many proxies (load balancer, nginx) sit in front of the app: their
    # X-Forwarded-For/-Proto/-Host are then trusted, for client addresses and HTTPS.
    TRUSTED_PROXY_COUNT = os.environ.get("TRUSTED_PROXY_COUNT", "0")
    # Single sign-on by an OpenID Connect provider; unset OIDC_ISSUER: off, no button.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER")  # https://..., whose discovery document is read
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET")
    # JSON: e-mail domain or "group:NAME" -> {"firm": name or id, "role": "consultant"}
    OIDC_ACCOUNT_MAP = os.environ.get("OIDC_ACCOUNT_MAP")
    OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
    OIDC_TIMEOUT_SECONDS = 10  # each request to the provider


class ProductionConfig(Config):
    """``APP_ENV=production``: PostgreSQL and a real secret are required, logs are JSON."""

    APP_ENV = "production"
    LOG_FORMAT = os.environ.get("LOG_FORMAT") or "json"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-secret"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = database_url_from_env("sqlite://")
    # Batches in a thread of the web process (in the request on the in-memory database);
    # tests that want Redis set it.
    REDIS_URL = None
    MAIL_SERVER = None  # mail to the log; tests that want a mail server set it
    OIDC_ISSUER = None  # no single sign-on; tests that want it run a provider and set it
    OIDC_CLIENT_ID = None
    OIDC_CLIENT_SECRET = None
    OIDC_ACCOUNT_MAP = None


ENVIRONMENTS: dict[str, type[Config]] = {"development": Config, "production": ProductionConfig}
SECRET_KEY_MIN_LENGTH = 32
PLACEHOLDER_SECRET_KEYS = frozenset(
    {"changeme", "change-me", "change_me", "secret", "secret-key", "dev", "development"}
    | {TestingConfig.SECRET_KEY}
)
MAX_TRUSTED_PROXIES = 10
MIN_DISTINCT_KEY_CHARACTERS = 8
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
MAIL_SECURITY_MODES = ("starttls", "ssl", "none")
MAX_WEBHOOK_RETRIES = 10
MAX_WEBHOOK_RETRY_SECONDS = 86400


class ConfigurationError(SystemExit):
    """The app cannot start with this configuration; each problem is one line saying what
    to set. A ``SystemExit``: gunicorn, the flask command and python all stop with these
    lines and a non-zero status, and no traceback."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def environment_config() -> type[Config]:
    """The configuration ``APP_ENV`` names: development (the default) or production."""
    name = (os.environ.get("APP_ENV") or "development").strip().lower()
    if name not in ENVIRONMENTS:
        _ = _operator_translations().gettext
        raise ConfigurationError(
            [
                _(
                    "Configuration error: APP_ENV is '%(value)s'; it must be 'development' "
                    "or 'production'."
                )
                % {"value": name}
            ]
        )
    return ENVIRONMENTS[name]


def whole_number_from_env(name: str, default: int, smallest: int = 1, largest: int = 1000) -> int:
    """An environment variable holding a whole number (``gunicorn.conf.py``'s settings)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not smallest <= int(value) <= largest:
        _ = _operator_translations().gettext
        raise ConfigurationError(
            [
                _(
                    "Configuration error: %(name)s is '%(value)s'; it must be a whole number "
                    "from %(smallest)s to %(largest)s."
                )
                % {"name": name, "value": value, "smallest": smallest, "largest": largest}
            ]
        )
    return int(value)


def refuse_unusable_configuration(config: Mapping[str, Any]) -> None:
    """Raise ``ConfigurationError`` listing every problem, before anything is started."""
    problems = configuration_problems(config)
    if problems:
        raise ConfigurationError(problems)


def configuration_problems(config: Mapping[str, Any]) -> list[str]:
    """What must change before the app may start, one line each, in the operator's language.

    Production needs PostgreSQL and a real secret key: a key generated into ``instance/``
    would differ between servers, and SQLite cannot be shared between them.
    """
    _ = _operator_translations().gettext
    problems = []
    proxies = str(config.get("TRUSTED_PROXY_COUNT") or "0").strip()
    if not (proxies.isdigit() and int(proxies) <= MAX_TRUSTED_PROXIES):
        problems.append(
            _(
                "Configuration error: TRUSTED_PROXY_COUNT is '%(value)s'; it must be the number "
                "of proxies in front of the app, from 0 to %(max)s."
            )
            % {"value": proxies, "max": MAX_TRUSTED_PROXIES}
        )
    log_format = config.get("LOG_FORMAT")
    if log_format not in (None, "", "json", "text"):
        problems.append(
            _("Configuration error: LOG_FORMAT is '%(value)s'; it must be 'json' or 'text'.")
            % {"value": log_format}
        )
    level = str(config.get("LOG_LEVEL") or "INFO")
    if level.upper() not in LOG_LEVELS:
        problems.append(
            _("Configuration error: LOG_LEVEL is '%(value)s'; it must be one of %(levels)s.")
            % {"value": level, "levels": ", ".join(LOG_LEVELS)}
        )
    problems += _mail_problems(config, _)
    problems += _webhook_problems(config, _)
    problems += _single_sign_on_problems(config, _)
    if config.get("APP_ENV") != "production":
        return problems
    key = config.get("SECRET_KEY") or ""
    # A known placeholder, or a long run of a few characters ("xxxx...").
    placeholder = key.strip().lower() in PLACEHOLDER_SECRET_KEYS or (
        len(key) >= SECRET_KEY_MIN_LENGTH and len(set(key)) < MIN_DISTINCT_KEY_CHARACTERS
    )
    if not key:
        problems.append(
            _(
                "Configuration error: SECRET_KEY is not set. In production it must be a random "
                "value of at least %(length)s characters, for example the output of: "
                "python3 -c 'import secrets; print(secrets.token_hex(32))'"
            )
            % {"length": SECRET_KEY_MIN_LENGTH}
        )
    elif placeholder:
        problems.append(
            _(
                "Configuration error: SECRET_KEY is a placeholder, not a secret. Set it to a "
                "random value of at least %(length)s characters."
            )
            % {"length": SECRET_KEY_MIN_LENGTH}
        )
    elif len(key) < SECRET_KEY_MIN_LENGTH:
        problems.append(
            _(
                "Configuration error: SECRET_KEY has %(actual)s characters; in production it "
                "must have at least %(length)s."
            )
            % {"actual": len(key), "length": SECRET_KEY_MIN_LENGTH}
        )
    url = config.get("SQLALCHEMY_DATABASE_URI") or ""
    if not url:
        problems.append(
            _(
                "Configuration error: DATABASE_URL is not set. In production it must point to "
                "PostgreSQL (postgresql://user:password@host:5432/name)."
            )
        )
    elif url.startswith("sqlite"):
        problems.append(
            _(
                "Configuration error: DATABASE_URL points to SQLite, which is for development "
                "only. In production use PostgreSQL (postgresql://user:password@host:5432/name)."
            )
        )
    elif not url.startswith("postgresql"):
        problems.append(
            _(
                "Configuration error: DATABASE_URL must point to PostgreSQL "
                "(postgresql://user:password@host:5432/name)."
            )
        )
    return problems


def _operator_translations() -> Any:
    """The interface catalogue in the terminal's language, before any app exists."""
    from babel.support import Translations

    return Translations.load(str(PACKAGE / "translations"), [locales.terminal_locale()])


def _mail_problems(config: Mapping[str, Any], _: Any) -> list[str]:
    problems = []
    port = str(config.get("MAIL_PORT") or "587").strip()
    if not (port.isdigit() and 1 <= int(port) <= 65535):
        problems.append(
            _("Configuration error: MAIL_PORT is '%(value)s'; it must be a port number.")
            % {"value": port}
        )
    security = str(config.get("MAIL_SECURITY") or "starttls").strip().lower()
    if security not in MAIL_SECURITY_MODES:
        problems.append(
            _(
                "Configuration error: MAIL_SECURITY is '%(value)s'; it must be 'starttls', "
                "'ssl' or 'none'."
            )
            % {"value": security}
        )
    if config.get("MAIL_SERVER") and "@" not in str(config.get("MAIL_DEFAULT_SENDER") or ""):
        problems.append(
            _(
                "Configuration error: MAIL_SERVER is set but MAIL_DEFAULT_SENDER is not: set it "
                "to the address mail comes from, for example 'Assessment <noreply@example.com>'."
            )
        )
    return problems


def webhook_retry_intervals(value: object) -> tuple[int, ...] | None:
    """``WEBHOOK_RETRY_INTERVALS`` as seconds: a tuple of whole numbers, or the same written
    "10,60,300" (empty: no retry); None when it is neither."""
    if isinstance(value, tuple | list):
        parts = [str(part) for part in value]
    else:
        parts = [part.strip() for part in str(value or "").split(",") if part.strip()]
    if not all(part.isdigit() and int(part) <= MAX_WEBHOOK_RETRY_SECONDS for part in parts):
        return None
    if len(parts) > MAX_WEBHOOK_RETRIES:
        return None
    return tuple(int(part) for part in parts)


def _webhook_problems(config: Mapping[str, Any], _: Any) -> list[str]:
    problems = []
    intervals = config.get("WEBHOOK_RETRY_INTERVALS", "")
    if webhook_retry_intervals(intervals) is None:
        problems.append(
            _(
                "Configuration error: WEBHOOK_RETRY_INTERVALS is '%(value)s'; it must be up to "
                "%(count)s whole numbers of seconds, each at most %(largest)s, separated by "
                "commas (for example 10,60,300)."
            )
            % {
                "value": intervals,
                "count": MAX_WEBHOOK_RETRIES,
                "largest": MAX_WEBHOOK_RETRY_SECONDS,
            }
        )
    base_url = str(config.get("PUBLIC_BASE_URL") or "")
    if base_url and not base_url.startswith(("https://", "http://")):
        problems.append(
            _(
                "Configuration error: PUBLIC_BASE_URL is '%(value)s'; it must be the address "
                "people open the app at, starting with https:// (for example "
                "https://assess.example.com)."
            )
            % {"value": base_url}
        )
    return problems


def _single_sign_on_problems(config: Mapping[str, Any], _: Any) -> list[str]:
    """Single sign-on is on when OIDC_ISSUER is set; then its client and map must be right.
    Whether a firm the map names exists is known only with the database: a sign-in that
    needs a missing firm is refused with a page that says so, and logged."""
    issuer = str(config.get("OIDC_ISSUER") or "").strip()
    others = [
        name
        for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ACCOUNT_MAP")
        if str(config.get(name) or "").strip()
    ]
    if not issuer:
        if not others:
            return []
        return [
            _(
                "Configuration error: single sign-on is off, as OIDC_ISSUER is not set, yet "
                "%(names)s is set: set OIDC_ISSUER to the identity provider's address, or "
                "unset the rest."
            )
            % {"names": ", ".join(others)}
        ]
    problems = sso.issuer_problems(issuer, _)
    for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
        if name not in others:
            problems.append(
                _(
                    "Configuration error: OIDC_ISSUER is set but %(name)s is not: set it to "
                    "the value the identity provider gave this site when it was registered."
                )
                % {"name": name}
            )
    if "OIDC_ACCOUNT_MAP" not in others:
        problems.append(
            _(
                "Configuration error: OIDC_ISSUER is set but OIDC_ACCOUNT_MAP is not, so nobody "
                "could sign in: name the e-mail domains or groups the provider vouches for, "
                "each with its firm."
            )
        )
    claim = str(config.get("OIDC_GROUPS_CLAIM") or "").strip()
    if not claim:
        problems.append(
            _(
                "Configuration error: OIDC_GROUPS_CLAIM is empty; leave it unset for 'groups', "
                "or name the claim in which the provider lists a person's groups."
            )
        )
    _account_map, map_problems = sso.read_account_map(config.get("OIDC_ACCOUNT_MAP"), _)
    return problems + map_problems
