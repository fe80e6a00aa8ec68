"""People of an organisation: Acme with its owner, and helpers to log in, post forms and
read the e-mails the app sends (without a mail server, it writes them to its log)."""

import logging
import re

import pytest

from assessment.accounts import service as accounts
from assessment.extensions import db
from assessment.models import Membership, Organisation
from tests.conftest import form_token

PASSWORD = "a long enough password"
ENGLISH = {"Accept-Language": "en"}


def log_in(client, email, password=PASSWORD, next_path=None):
    page = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    return client.post(
        "/login" + (f"?next={next_path}" if next_path else ""),
        data={"csrf_token": form_token(page), "email": email, "password": password},
        headers=ENGLISH,
    )


def post(client, page_path, post_path, data=None, headers=ENGLISH):
    token = form_token(client.get(page_path, headers=headers).get_data(as_text=True))
    return client.post(post_path, data={"csrf_token": token, **(data or {})}, headers=headers)


def mails_to(caplog, address):
    """Every e-mail the app wrote to its log for ``address``, oldest first: subject and body.
    (The test needs ``caplog.set_level(logging.INFO, logger="assessment.mail")``.)"""
    return [
        record.getMessage().split(": ", 1)[1]
        for record in caplog.records
        if record.name == "assessment.mail"
        and record.getMessage().startswith(f"mail to {address}: ")
    ]


def link_in(mail, path):
    """The site-relative link to ``path``... in an e-mail's text."""
    return re.search(rf"http://localhost({re.escape(path)}\S+)", mail)[1]


@pytest.fixture
def mail_log(caplog):
    """The e-mails the app writes to its log, read with ``mails_to``."""
    caplog.set_level(logging.INFO, logger="assessment.mail")
    return caplog


def send_invitation(client, organisation, email, purpose, headers=ENGLISH):
    """Invite someone through the organisation's people page, as its owner does."""
    organisation_path = f"/organisations/{organisation['id']}"
    response = post(
        client,
        f"{organisation_path}/people",
        f"{organisation_path}/invitations",
        {"email": email, "purpose": purpose},
        headers,
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def organisation(app):
    """Acme with its owner, and one assessment in progress."""
    with app.app_context():
        owner = accounts.create_user("owner@acme.example", PASSWORD, name="Olga")
        acme = Organisation(
            name="Acme <b>Precision</b>", industry="electronics", size_band="medium"
        )
        db.session.add(acme)
        db.session.flush()
        db.session.add(Membership(user_id=owner.id, organisation_id=acme.id, role="owner"))
        from assessment.content.registry import current_library
        from assessment.questionnaire import service as assessments

        draft = assessments.start(current_library().latest_published(), "en", organisation=acme)
        return {"id": acme.id, "draft_id": draft.id, "draft_token": draft.resume_token}


@pytest.fixture
def owner(app, organisation):
    client = app.test_client()
    assert log_in(client, "owner@acme.example").status_code == 302
    return client
