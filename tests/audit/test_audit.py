"""The audit trail records every change, and only the organisation's people may read it."""

import io
import json
import re

from sqlalchemy import select

from assessment.accounts import service as accounts
from assessment.extensions import db
from assessment.models import AuditEvent
from tests.conftest import form_token
from tests.questionnaire.conftest import Respondent
from tests.reports.conftest import DEMO_CONSULTANT, log_in

ENGLISH = {"Accept-Language": "en"}


def actions(app, organisation_id=None):
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if organisation_id is not None:
            query = query.where(AuditEvent.organisation_id == organisation_id)
        return [(e.action, e.channel) for e in db.session.execute(query).scalars()]


def test_each_action_leaves_one_event_with_who_did_it(app, client, runner, questionnaire):
    respondent = Respondent(app.test_client(), questionnaire)
    respondent.start()
    respondent.fill_organisation()
    respondent.answer_all(lambda q: "3")
    respondent.submit()
    assert actions(app) == [
        ("assessment.started", "link"),
        ("organisation.saved", "link"),
        *[("answers.saved", "link")] * len(questionnaire.dimensions),
        ("assessment.submitted", "link"),
    ]
    rows = json.loads(runner.invoke(args=["assessments", "list", "--json"]).output)
    runner.invoke(args=["report", str(rows[0]["id"]), "-o", "/dev/null"])
    assert actions(app)[-1] == ("report.downloaded", "command")


def test_consultant_actions_are_recorded_by_account_and_shown_to_them(app, client, runner):
    runner.invoke(args=["demo"])
    log_in(client, *DEMO_CONSULTANT)
    page = client.get("/portfolio", headers=ENGLISH).get_data(as_text=True)
    audit_link = re.search(r'href="(/organisations/(\d+)/audit)"', page)
    results_link = re.search(r'href="(/a/[^/"]+)/results"', page)[1]
    results = client.get(f"{results_link}/results", headers=ENGLISH).get_data(as_text=True)
    client.post(
        f"{results_link}/commentary",
        headers=ENGLISH,
        data={
            "csrf_token": form_token(results),
            "executive_summary": "Noted.",
            "logo": (io.BytesIO(b""), ""),
        },
        content_type="multipart/form-data",
    )
    client.get(f"{results_link}/report.pdf?lang=en")
    trail = client.get(audit_link[1], headers=ENGLISH)
    assert trail.status_code == 200
    text = trail.get_data(as_text=True)
    assert "consultant@example.com" in text
    assert "saved the report commentary" in text
    assert "downloaded a report" in text
    assert "(en)" in text
    assert ("commentary.saved", "account") in actions(app, int(audit_link[2]))


def test_the_audit_trail_is_hidden_from_others_and_cannot_be_changed(app, client, runner):
    runner.invoke(args=["demo"])
    with app.app_context():
        accounts.create_user("rival@example.com", "a long enough password", role="consultant")
    log_in(client, *DEMO_CONSULTANT)
    page = client.get("/portfolio").get_data(as_text=True)
    path = re.search(r'href="(/organisations/\d+/audit)"', page)[1]
    assert client.post(path, data={"csrf_token": form_token(page)}).status_code == 405
    assert client.delete(path).status_code == 405
    anonymous = app.test_client()
    assert anonymous.get(path).headers["Location"].startswith("/login")
    rival = app.test_client()
    log_in(rival, "rival@example.com", "a long enough password")
    assert rival.get(path).status_code == 404
