"""Faults with real processes: gunicorn serving the app on a scratch PostgreSQL database.

Faults are about the production database, so these tests use PostgreSQL whatever the rest
of the suite runs on: the server of DATABASE_URL when it is PostgreSQL, else the local
one (TEST_POSTGRES_URL, by default 127.0.0.1:5432). Each test gets a scratch database with
the models' tables, dropped at the end. Without a reachable PostgreSQL they are skipped,
except on CI (CI=true), where they must run.

gunicorn is started with explicit command-line options and an empty configuration file,
never the working tree's gunicorn.conf.py, so that these tests say what they rely on.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from assessment.config import ROOT

LOCAL_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ENGLISH = "en-GB,en;q=0.8"
CHINESE = "zh-CN,zh;q=0.9"
FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
AUTOSAVE_TOKEN = re.compile(r'data-csrf="([^"]+)"')


def postgres_server_url() -> str:
    """A SQLAlchemy URL of the PostgreSQL server the faults are made on."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if suite_url.startswith(("postgresql", "postgres://")):
        return (
            make_url(suite_url.replace("postgres://", "postgresql://", 1))
            .set(drivername="postgresql+psycopg")
            .render_as_string(hide_password=False)
        )
    return os.environ.get("TEST_POSTGRES_URL", LOCAL_POSTGRES_URL)


def libpq_url(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def require_postgres() -> str:
    url = postgres_server_url()
    try:
        psycopg.connect(libpq_url(url, "postgres"), connect_timeout=3).close()
    except psycopg.OperationalError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(
            f"fault tests need PostgreSQL and none answers at {make_url(url).host}:"
            f"{make_url(url).port or 5432}: start one, or set TEST_POSTGRES_URL"
        )
    return url


@pytest.fixture
def database_url() -> Iterator[str]:
    """A scratch PostgreSQL database with the models' tables; dropped afterwards."""
    server = require_postgres()
    name = f"assessment_faults_{secrets.token_hex(4)}"
    maintenance = libpq_url(server, "postgres")
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        from assessment import create_app
        from assessment.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x" * 32})
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        yield url
    finally:
        wait_for_postgres(server)
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def wait_for_postgres(url: str, seconds: float = 60) -> None:
    """Return once the server takes connections again (after a restart)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            psycopg.connect(libpq_url(url, "postgres"), connect_timeout=3).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def query(database_url: str, statement: str, *parameters: object) -> list[tuple]:
    with psycopg.connect(libpq_url(database_url)) as connection:
        return connection.execute(statement, parameters).fetchall()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn running ``app:app`` with sync workers on a loopback port."""

    def __init__(self, database_url: str, folder: Path, workers: int) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "gunicorn.log"
        self.workers = workers
        empty_config = folder / "gunicorn.empty.py"
        empty_config.write_text("", encoding="utf-8")
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in {"GUNICORN_CMD_ARGS", "WEB_CONCURRENCY", "REDIS_URL"}
            and not key.startswith("FLASK_")
        }
        environment.update(
            APP_ENV="production",
            LOG_FORMAT="text",
            LOG_LEVEL="WARNING",
            DATABASE_URL=database_url,
            SECRET_KEY=secrets.token_hex(32),
            ASSESSMENT_UPLOAD_DIR=str(folder / "uploads"),
        )
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            *("--config", str(empty_config)),
            *("--bind", f"127.0.0.1:{self.port}"),
            *("--worker-class", "sync", "--workers", str(workers)),
            *("--timeout", "30", "--graceful-timeout", "5"),
            "--preload",  # as in production: a new worker is a fork, ready at once
            "--no-control-socket",  # one path in $HOME, shared by every gunicorn of the user
            *("--chdir", str(ROOT)),
            "app:app",
        ]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                command, cwd=folder, env=environment, stdout=output, stderr=output
            )
        self.wait_until_serving()

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_until_serving(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn stopped with {self.process.returncode}:\n{self.log_text()}")
            try:
                serving = httpx.get(self.base_url + "/", timeout=5).status_code == 200
                if serving and len(self.worker_pids()) == self.workers:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not serve within {seconds} s:\n{self.log_text()}")

    def worker_pids(self) -> set[int]:
        """The master's child processes, read from /proc."""
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                children.add(int(stat.parent.name))
        return children

    def wait_for_new_workers(self, gone: set[int], seconds: float = 90) -> set[int]:
        """The full set of workers once every one in ``gone`` has been replaced."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) == self.workers and not pids & gone:
                return pids
            time.sleep(0.1)
        pytest.fail(f"gunicorn did not replace workers {gone}:\n{self.log_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def serve(database_url, tmp_path):
    """``serve(workers=2)``: gunicorn on the scratch database; stopped afterwards."""
    servers = []

    def start(workers: int = 2) -> Gunicorn:
        server = Gunicorn(database_url, tmp_path, workers)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


class Person:
    """One browser: its own cookies, a resume link, the pages' form tokens."""

    def __init__(self, base_url: str, language: str = ENGLISH) -> None:
        self.base_url = base_url
        self.language = language
        self.client = httpx.Client(base_url=base_url, timeout=120, follow_redirects=False)
        self.token = ""
        self.autosave_token = ""

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Accept-Language": self.language, "Origin": self.base_url, **extra}

    def start(self, organisation: str = "Fault Test Ltd") -> Person:
        home = self.client.get("/", headers=self.headers())
        started = self.client.post(
            "/start", data={"csrf_token": FORM_TOKEN.search(home.text)[1]}, headers=self.headers()
        )
        assert started.status_code == 302, started.text
        self.token = re.search(r"/a/([^/]+)/organisation", started.headers["Location"])[1]
        page = self.client.get(f"/a/{self.token}/organisation", headers=self.headers())
        saved = self.client.post(
            f"/a/{self.token}/organisation",
            data={
                "csrf_token": FORM_TOKEN.search(page.text)[1],
                "name": organisation,
                "industry": "discrete_manufacturing",
                "size_band": "medium",
            },
            headers=self.headers(),
        )
        assert saved.status_code == 302, saved.text
        return self.open("model")

    def join(self, token: str) -> Person:
        """Open someone else's resume link in this browser."""
        self.token = token
        return self.open("model")

    def open(self, dimension_id: str) -> Person:
        page = self.client.get(f"/a/{self.token}/dimension/{dimension_id}", headers=self.headers())
        assert page.status_code == 200, page.text
        self.autosave_token = AUTOSAVE_TOKEN.search(page.text)[1]
        return self

    def autosave(self, question_id: str, value: str, comment: str = "") -> httpx.Response:
        return self.client.post(
            f"/a/{self.token}/autosave",
            json={"question_id": question_id, "value": value, "comment": comment},
            headers=self.headers(**{"X-CSRFToken": self.autosave_token}),
        )

    def post_page(
        self, dimension_id: str, values: dict[str, str], comments: dict[str, str] | None = None
    ) -> httpx.Response:
        return self.client.post(
            f"/a/{self.token}/dimension/{dimension_id}",
            data={
                "csrf_token": self.autosave_token,
                "action": "save",
                **{f"q_{question}": value for question, value in values.items()},
                **{f"c_{question}": text for question, text in (comments or {}).items()},
            },
            headers=self.headers(),
        )

    def submit(self) -> httpx.Response:
        return self.client.post(
            f"/a/{self.token}/submit",
            data={"csrf_token": self.autosave_token},
            headers=self.headers(),
        )

    def close(self) -> None:
        self.client.close()


def stored_answers(database_url: str, token: str) -> dict[str, tuple[str | None, str]]:
    rows = query(
        database_url,
        "SELECT x.question_id, x.value, x.comment FROM answer x"
        " JOIN assessment a ON a.id = x.assessment_id WHERE a.resume_token = %s",
        token,
    )
    return {question: (value, comment) for question, value, comment in rows}


@pytest.fixture(scope="session")
def questionnaire_content():
    """The latest published questionnaire, read without any database."""
    from assessment import create_app
    from assessment.content.registry import current_library

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 32})
    with app.app_context():
        return current_library().latest_published()


@dataclass(frozen=True)
class Save:
    """One save a person sent (an autosave, or a page's Save), and what came back."""

    sent: float  # time.monotonic() when it was sent
    acknowledged: float  # ... and when its reply came (or its connection broke)
    question: str
    value: str
    comment: str
    status: int | None  # None: no response at all (the connection broke)
    body: dict

    @property
    def error(self) -> str:
        return self.body.get("error", "") if self.status != 200 else ""


def reply_body(response: httpx.Response) -> dict:
    """A reply's JSON, or the start of its text when it is not JSON (a page, a proxy's)."""
    if response.headers.get("content-type", "").startswith("application/json"):
        return response.json()
    return {"text": response.text[:200]}


@dataclass
class Saver:
    """One person saving answers one after another until stopped; every save in order."""

    person: Person
    questions: list[str]
    seed: int
    pause: float = 0.0  # seconds between one answer and the next save
    saves: list[Save] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        rng = random.Random(self.seed)  # noqa: S311 - test data
        number = 0
        while not stop.is_set():
            number += 1
            question, value = rng.choice(self.questions), rng.choice("12345")
            comment = f"save {self.seed}-{number}"
            sent = time.monotonic()
            try:
                response = self.person.autosave(question, value, comment)
            except httpx.TransportError as error:
                status, body = None, {"transport": repr(error)}
            else:
                status, body = response.status_code, reply_body(response)
            self.saves.append(Save(sent, time.monotonic(), question, value, comment, status, body))
            time.sleep(self.pause)


@contextlib.contextmanager
def saving(savers: list[Saver]) -> Iterator[None]:
    """Every saver saves in a thread of its own until the block ends."""
    stop = threading.Event()
    threads = [threading.Thread(target=saver.run, args=(stop,)) for saver in savers]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
