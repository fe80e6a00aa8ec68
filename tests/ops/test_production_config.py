"""APP_ENV=production refuses to start without PostgreSQL and a real secret key, saying
what to set in one line per problem; development keeps its defaults."""

import secrets

import pytest

from assessment import create_app
from assessment.config import (
    Config,
    ConfigurationError,
    ProductionConfig,
    TestingConfig,
    environment_config,
    whole_number_from_env,
)

POSTGRES = "postgresql+psycopg://user:password@db.internal:5432/assessment"


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """Messages follow the terminal's language; these tests read the English ones."""
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def production(**overrides):
    settings = {
        key: getattr(ProductionConfig, key) for key in dir(ProductionConfig) if key.isupper()
    }
    # JSON logging is tested with the real server (test_gunicorn); here it would stay on
    # the root logger for the rest of the test session.
    return {
        **settings,
        "SECRET_KEY": secrets.token_hex(32),
        "SQLALCHEMY_DATABASE_URI": POSTGRES,
        "LOG_FORMAT": None,
        **overrides,
    }


def refusal(settings) -> list[str]:
    with pytest.raises(ConfigurationError) as refused:
        create_app(settings)
    assert refused.value.code == "\n".join(refused.value.problems)  # printed on exit
    return refused.value.problems


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"SECRET_KEY": None}, "Configuration error: SECRET_KEY is not set."),
        ({"SECRET_KEY": ""}, "Configuration error: SECRET_KEY is not set."),
        ({"SECRET_KEY": "changeme"}, "SECRET_KEY is a placeholder, not a secret."),
        ({"SECRET_KEY": TestingConfig.SECRET_KEY}, "SECRET_KEY is a placeholder, not a secret."),
        ({"SECRET_KEY": "ab" * 20}, "SECRET_KEY is a placeholder, not a secret."),
        ({"SECRET_KEY": "k3Y-" * 5}, "SECRET_KEY has 20 characters; in production it must"),
        ({"SQLALCHEMY_DATABASE_URI": None}, "Configuration error: DATABASE_URL is not set."),
        (
            {"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/assessment.db"},
            "DATABASE_URL points to SQLite, which is for development only.",
        ),
        (
            {"SQLALCHEMY_DATABASE_URI": "mysql://db/assessment"},
            "DATABASE_URL must point to PostgreSQL",
        ),
    ],
)
def test_production_refuses_to_start_with_one_line_naming_the_setting(overrides, problem):
    (line,) = refusal(production(**overrides))
    assert problem in line
    assert "\n" not in line


def test_production_lists_every_problem_at_once():
    problems = refusal(production(SECRET_KEY=None, SQLALCHEMY_DATABASE_URI=None))
    assert [line.split(":")[1].split()[0] for line in problems] == ["SECRET_KEY", "DATABASE_URL"]


def test_production_starts_with_postgresql_and_a_real_secret_key():
    app = create_app(production())
    assert app.config["APP_ENV"] == "production"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == POSTGRES


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"TRUSTED_PROXY_COUNT": "two"}, "TRUSTED_PROXY_COUNT is 'two'"),
        ({"TRUSTED_PROXY_COUNT": "11"}, "TRUSTED_PROXY_COUNT is '11'"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT is 'xml'; it must be 'json' or 'text'."),
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL is 'verbose'"),
    ],
)
def test_unusable_serving_settings_are_refused_in_development_too(overrides, problem):
    settings = {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}
    (line,) = refusal({**settings, **overrides})
    assert problem in line


def test_development_needs_neither_a_secret_key_nor_a_database_url(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    assert environment_config() is Config
    assert Config.APP_ENV == "development"


def test_app_env_selects_the_production_configuration(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    assert environment_config() is ProductionConfig
    assert ProductionConfig.LOG_FORMAT in ("json", "text")


def test_an_unknown_app_env_is_refused(monkeypatch):
    monkeypatch.setenv("APP_ENV", "prod")
    with pytest.raises(ConfigurationError) as refused:
        environment_config()
    assert refused.value.problems == [
        "Configuration error: APP_ENV is 'prod'; it must be 'development' or 'production'."
    ]


def test_a_worker_count_that_is_not_a_whole_number_is_refused(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "lots")
    with pytest.raises(ConfigurationError) as refused:
        whole_number_from_env("WEB_CONCURRENCY", 5)
    assert refused.value.problems == [
        "Configuration error: WEB_CONCURRENCY is 'lots'; it must be a whole number from 1 to 1000."
    ]
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert whole_number_from_env("WEB_CONCURRENCY", 5) == 3
