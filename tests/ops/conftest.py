"""Operations tests: real servers, real databases, real command-line tools.

Some run against the local PostgreSQL whatever database the rest of the suite uses (a
production server, backups): each gets scratch databases of its own, dropped at the end.
"""

import contextlib
import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from assessment.config import ROOT

# What /readyz answers when everything it checks is in order and Redis is not configured.
READY_WITHOUT_REDIS = {
    "status": "ready",
    "checks": {
        "database": "ok",
        "migrations": "ok",
        "redis": "not configured",
        "content": "ok",
    },
}
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL as libpq (psycopg, pg_dump) reads it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def require_postgres() -> None:
    """PostgreSQL runs on CI machines, where these tests must run; elsewhere it may not."""
    try:
        psycopg.connect(libpq_url(POSTGRES_URL), connect_timeout=3).close()
    except psycopg.OperationalError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}: start one, or set TEST_POSTGRES_URL")


@contextlib.contextmanager
def scratch_databases() -> Iterator[Callable[[str], str]]:
    """Make empty PostgreSQL databases, ``make("purpose")`` -> SQLAlchemy URL; every one
    is dropped at the end."""
    created = []

    def make(purpose: str) -> str:
        require_postgres()
        name = f"assessment_{purpose}_{secrets.token_hex(4)}"
        with psycopg.connect(libpq_url(POSTGRES_URL), autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created.append(name)
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    try:
        yield make
    finally:
        if created:
            with psycopg.connect(libpq_url(POSTGRES_URL), autocommit=True) as connection:
                for name in created:
                    connection.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(name)
                        )
                    )


@pytest.fixture
def scratch_database():
    with scratch_databases() as make:
        yield make


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(**settings: str) -> dict[str, str]:
    """The environment of a server started here: this one, without the suite's database
    and app settings, in English, with the virtualenv's programs first."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "APP_ENV",
            "SECRET_KEY",
            "REDIS_URL",
            "LOG_FORMAT",
            "LOG_LEVEL",
            "WEB_CONCURRENCY",
        }
        and not key.startswith(("LC_", "FLASK_"))
    }
    environment["LANG"] = "C.UTF-8"
    environment["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{environment.get('PATH', '')}"
    environment.update(settings)
    return environment


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 10):
    """(status, headers, body) of a GET, whatever the status."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def wait_until_serving(process: subprocess.Popen, url: str, log: Path, seconds: float = 180):
    """Wait for ``url`` to answer 200; fail with the server's log if it stops or is slow."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped with {process.returncode}:\n{log.read_text()}")
        try:
            if get(url, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    process.terminate()
    pytest.fail(f"the server did not answer within {seconds} s:\n{log.read_text()}")
