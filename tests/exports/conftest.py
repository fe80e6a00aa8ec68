"""The demo data, a second firm serving only the second organisation, and readers of files."""

import csv
import io
import json

import openpyxl
import pytest
from sqlalchemy import select

from assessment.accounts import service as accounts
from assessment.extensions import db
from assessment.models import Assessment, Engagement, Firm, Membership, Organisation
from tests.reports.conftest import DEMO_CONSULTANT, log_in

PASSWORD = "a long enough password"
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def world(app, runner):
    """Demo data; organisation A is served by the demo firm only, B also by a rival firm."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        organisations = db.session.execute(select(Organisation).order_by(Organisation.id))
        org_a, org_b, *_others = organisations.scalars().all()
        rival_firm = Firm(name="Rival Consulting")
        db.session.add(rival_firm)
        db.session.flush()
        db.session.add(Engagement(firm_id=rival_firm.id, organisation_id=org_b.id))
        rival = accounts.create_user("rival@example.com", PASSWORD, role="consultant")
        rival.firm_id = rival_firm.id
        member = accounts.create_user("member_a@example.com", PASSWORD)
        db.session.add(Membership(user_id=member.id, organisation_id=org_a.id, role="respondent"))
        accounts.create_user("admin@example.com", PASSWORD, role="admin")
        db.session.commit()
        submitted = (
            db.session.execute(
                select(Assessment)
                .where(Assessment.organisation_id == org_a.id, Assessment.status == "submitted")
                .order_by(Assessment.submitted_at.desc())
            )
            .scalars()
            .first()
        )
        return {
            "org_a": org_a.id,
            "org_a_name": org_a.name,
            "org_b": org_b.id,
            "assessment_id": submitted.id,
            "token": submitted.resume_token,
        }


def client_as(app, who):
    client = app.test_client()
    if who == "consultant":
        log_in(client, *DEMO_CONSULTANT)
    elif who != "anonymous":
        log_in(client, f"{who}@example.com", PASSWORD)
    return client


def read_json(content):
    return json.loads(content.decode("utf-8"))


def read_csv(content):
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def read_xlsx(content):
    return openpyxl.load_workbook(io.BytesIO(content))
