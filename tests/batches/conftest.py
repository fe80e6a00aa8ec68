"""A small world for batches of reports (two clients with one submitted assessment each),
on an app whose database a second thread, or a separate process, can open (as the
newcomer's SQLite file can): without Redis its batches are made by a thread of the web
process, after the request; and, for the worker tests, an app on that database and a
Redis a worker process can share.
"""

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from pypdf import PdfReader
from sqlalchemy import select

from assessment import create_app
from assessment.accounts import service as accounts
from assessment.batches import background
from assessment.config import ROOT, TestingConfig
from assessment.content.registry import current_library
from assessment.extensions import db
from assessment.models import Engagement, Firm, Membership, Organisation
from assessment.questionnaire import service
from tests.conftest import empty_database, form_token, require_redis
from tests.reports.conftest import log_in

PASSWORD = "a long enough password"
ENGLISH = {"Accept-Language": "en"}
ALPHA = "华东测试精密制造"
BETA = "Beta Logistics"
# A Redis database of these tests' own, emptied before and after each: the one of
# TEST_REDIS_URL (or the local default), with database number 13.
_BASE_REDIS_URL = urlsplit(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
REDIS_URL = urlunsplit(_BASE_REDIS_URL._replace(path="/13"))


def submitted_assessment(name, organisation=None, level="3"):
    """A submitted assessment of a new (or the given) organisation, every answer at level."""
    questionnaire = current_library().latest_published()
    assessment = service.start(questionnaire, "zh_CN", organisation=organisation)
    if organisation is None:
        service.save_organisation(
            assessment,
            name=name,
            industry="discrete_manufacturing",
            size_band="micro",
            region="",
            respondent_name="",
        )
    service.save_answers(
        assessment,
        questionnaire,
        {q.id: service.PostedAnswer(level, "") for q in questionnaire.questions},
    )
    service.submit(assessment, questionnaire)
    return assessment


def build_world(app):
    """Alpha and Beta, clients of one firm (its consultant), each with one submitted
    assessment; Alpha also has a draft. Gamma, served by another firm, has none."""
    with app.app_context():
        alpha = submitted_assessment(ALPHA)
        beta = submitted_assessment(BETA)
        questionnaire = current_library().latest_published()
        service.start(questionnaire, "zh_CN", organisation=alpha.organisation)  # a draft
        gamma = Organisation(name="Gamma", industry="other", size_band="micro")
        firm, other_firm = Firm(name="Batch Firm"), Firm(name="Other Firm")
        db.session.add_all([gamma, firm, other_firm])
        db.session.flush()
        db.session.add_all(
            [
                Engagement(firm_id=firm.id, organisation_id=alpha.organisation_id),
                Engagement(firm_id=firm.id, organisation_id=beta.organisation_id),
                Engagement(firm_id=other_firm.id, organisation_id=gamma.id),
            ]
        )
        consultant = accounts.create_user("consultant@example.com", PASSWORD, role="consultant")
        consultant.firm_id = firm.id
        other = accounts.create_user("other@example.com", PASSWORD, role="consultant")
        other.firm_id = other_firm.id
        owner = accounts.create_user("owner@example.com", PASSWORD)
        db.session.add(
            Membership(user_id=owner.id, organisation_id=alpha.organisation_id, role="owner")
        )
        accounts.create_user("admin@example.com", PASSWORD, role="admin")
        db.session.commit()
        return {
            "alpha": alpha.organisation_id,
            "beta": beta.organisation_id,
            "gamma": gamma.id,
            "alpha_assessment": alpha.id,
            "beta_assessment": beta.id,
            "consultant_id": consultant.id,
        }


def testing_settings():
    return {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}


@pytest.fixture
def app(_fresh_schema, tmp_path):
    """The app as a newcomer runs it (no Redis), on a database another thread can use
    with a connection of its own: an SQLite file, or the server under test. (On the
    suite's in-memory SQLite database batches are made in the request instead.)"""
    app = create_app(
        {
            **testing_settings(),
            "SQLALCHEMY_DATABASE_URI": shared_database_url(tmp_path),
            "BATCH_DIR": str(tmp_path / "batches"),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    reports_made(app)  # nothing left running while the database is emptied
    empty_database(app)


def reports_made(app, timeout=300):
    """Wait until the web process's thread has made every report it was handed."""
    assert background.wait_until_idle(app, timeout), f"reports still being made after {timeout} s"


@pytest.fixture
def world(app):
    return build_world(app)


def client_as(app, who):
    client = app.test_client()
    if who != "anonymous":
        log_in(client, f"{who}@example.com", PASSWORD)
    return client


def ask_for_batch(client, path, language="en", page="/portfolio"):
    """Press a language's button of "Download all reports" on ``page``."""
    token = form_token(client.get(page, headers=ENGLISH).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, "language": language}, headers=ENGLISH)


def download_zip(client, path):
    """The zip of a batch: its PDFs' names -> their text, and the other files' text."""
    with client.get(path) as response:
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "application/zip"
        return pdfs_in_zip(response.data)


def pdfs_in_zip(content):
    archive = zipfile.ZipFile(io.BytesIO(content))
    pdfs, others = {}, {}
    for name in archive.namelist():
        data = archive.read(name)
        if name.endswith(".pdf"):
            reader = PdfReader(io.BytesIO(data))
            pdfs[name] = "\n".join(page.extract_text() for page in reader.pages)
        else:
            others[name] = data.decode("utf-8")
    return pdfs, others


def shared_database_url(tmp_path):
    """A database another process can open: the server under test, or an SQLite file
    (an in-memory SQLite database lives and dies with its process)."""
    url = TestingConfig.SQLALCHEMY_DATABASE_URI
    return f"sqlite:///{tmp_path / 'batches.db'}" if url.startswith("sqlite") else url


def app_on_redis(tmp_path, **settings):
    """An app on an emptied Redis and a database other processes share, for workers
    started with ``run_worker``; yields it, then empties both."""
    require_redis(REDIS_URL)
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    app = create_app(
        {
            **testing_settings(),
            "SQLALCHEMY_DATABASE_URI": shared_database_url(tmp_path),
            "REDIS_URL": REDIS_URL,
            "BATCH_QUEUE": "test-batches",
            "BATCH_DIR": str(tmp_path / "batches"),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            **settings,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    connection.flushdb()
    empty_database(app)


@pytest.fixture
def redis_app(_fresh_schema, tmp_path):
    """An app that queues batches on Redis, for workers started with ``run_worker``."""
    # A burst worker takes retries at once.
    yield from app_on_redis(tmp_path, BATCH_RETRY_INTERVALS=(0,))


def worker_command(app):
    """``flask worker --burst`` in a process of its own, on the app's database and queue."""
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "BATCH_QUEUE": app.config["BATCH_QUEUE"],
        "ASSESSMENT_BATCH_DIR": app.config["BATCH_DIR"],
        "ASSESSMENT_UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "LANG": "en_US.UTF-8",
    }
    environment.pop("APP_ENV", None)
    flask = Path(sys.executable).parent / "flask"
    return {
        "args": [str(flask), "--app", "app", "worker", "--burst"],
        "cwd": ROOT,
        "env": environment,
        "stdout": subprocess.PIPE,
        "stderr": subprocess.STDOUT,
        "text": True,
    }


def run_worker(app, timeout=300):
    finished = subprocess.run(**worker_command(app), timeout=timeout, check=False)
    assert finished.returncode == 0, finished.stdout
    return finished.stdout


def organisation_names(app):
    with app.app_context():
        return set(db.session.execute(select(Organisation.name)).scalars())


# A web server process of its own, as another gunicorn worker or the server before a
# restart: it starts making the batch whose id it is given, then lives until killed.
SERVER_MAKING_A_BATCH = """
import sys, time
from assessment import create_app
from assessment.batches import jobs
from assessment.extensions import db
from assessment.models import ReportBatch

app = create_app()
with app.app_context():
    jobs.dispatch(db.session.get(ReportBatch, int(sys.argv[1])))
time.sleep(600)
"""


def server_making(app, batch_id, log_path):
    """A process of its own on the app's database and folders that makes the batch in its
    thread; its output goes to ``log_path``."""
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ASSESSMENT_BATCH_DIR": app.config["BATCH_DIR"],
        "ASSESSMENT_UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "SECRET_KEY": TestingConfig.SECRET_KEY,
    }
    for name in ("APP_ENV", "REDIS_URL"):
        environment.pop(name, None)
    with log_path.open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-c", SERVER_MAKING_A_BATCH, str(batch_id)],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
