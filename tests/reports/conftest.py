import io
import logging

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from assessment.extensions import db
from assessment.history import service as history
from assessment.models import Organisation


@pytest.fixture
def demo(app, runner):
    """The demo data; returns the newest submitted assessment of the first organisation."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        organisation = (
            db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().first()
        )
        newest = history.submitted_of(organisation)[-1]
        return newest.id, newest.resume_token, organisation.name


DEMO_CONSULTANT = ("consultant@example.com", "demo-consultant-2026")


def log_in(client, email, password):
    from tests.conftest import form_token

    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"csrf_token": form_token(page), "email": email, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def consultant_client(client, demo):
    """The test client, logged in as the demo firm's consultant."""
    log_in(client, *DEMO_CONSULTANT)
    return client


@pytest.fixture
def fonttools_fallback_fails(caplog):
    """Fail a test when WeasyPrint falls back to slow fontTools subsetting."""
    caplog.set_level(logging.WARNING, logger="weasyprint")
    yield
    fallbacks = [r for r in caplog.records if "Using fontTools instead of HarfBuzz" in r.message]
    assert fallbacks == [], "install libharfbuzz-subset0"


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)
