"""The peer benchmark on an organisation's page: threshold, who counts, anonymity."""

from pathlib import Path

import pytest
from sqlalchemy import select

from assessment.accounts import service as accounts
from assessment.content.registry import current_library
from assessment.extensions import db
from assessment.models import AuditEvent, Membership, Organisation
from assessment.questionnaire import service
from tests.conftest import form_token
from tests.reports.conftest import DEMO_CONSULTANT, log_in

PASSWORD = "a long enough password"
ENGLISH = {"Accept-Language": "en"}


def organisation_with_result(name, level, consent=True, industry="electronics", size="medium"):
    """An organisation with one submitted assessment answering every question at ``level``."""
    questionnaire = current_library().latest_published()
    organisation = Organisation(
        name=name, industry=industry, size_band=size, benchmark_consent=consent
    )
    db.session.add(organisation)
    db.session.flush()
    if level is not None:
        assessment = service.start(questionnaire, "en", organisation=organisation)
        service.save_answers(
            assessment,
            questionnaire,
            {
                q.id: service.PostedAnswer(value=str(level), comment="")
                for q in questionnaire.questions
            },
        )
        service.submit(assessment, questionnaire)
    db.session.commit()
    return organisation


@pytest.fixture
def owner(app):
    with app.app_context():
        own = organisation_with_result("Own Works", 3, consent=False)
        user = accounts.create_user("owner@own.example", PASSWORD)
        db.session.add(Membership(user_id=user.id, organisation_id=own.id, role="owner"))
        db.session.commit()
        own_id = own.id
    client = app.test_client()
    page = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    client.post(
        "/login",
        data={"csrf_token": form_token(page), "email": "owner@own.example", "password": PASSWORD},
    )
    client.organisation_id = own_id
    return client


def peers_section(client):
    page = client.get(f"/organisations/{client.organisation_id}", headers=ENGLISH).get_data(
        as_text=True
    )
    return page.split('id="peers"')[1].split("</section>")[0]


def test_a_percentile_appears_only_with_five_consenting_peers_and_never_their_names(app, owner):
    with app.app_context():
        for number, level in enumerate((1, 2, 4, 5)):
            organisation_with_result(f"Peer {number}", level)
        organisation_with_result("Refuses", 1, consent=False)
        organisation_with_result("Other Industry", 1, industry="chemicals")
        organisation_with_result("Other Size", 1, size="large")
        organisation_with_result("Nothing Submitted", None)
    section = peers_section(owner)
    assert "Too few peers yet (4 of the 5 needed)" in section
    assert "Percentile 70 means" not in section

    with app.app_context():
        organisation_with_result("Peer 4", 3)
    section = peers_section(owner)
    overall = section.split('<th scope="row">Overall</th>')[1].split("</tr>")[0]
    # Peers at 0, 25, 50 (equal, counts half), 75, 100: (2 + 0.5) / 5 = 50 %.
    assert '<td class="num">50</td>' in overall
    assert "5 organisations" in overall
    for hidden in ("Peer ", "Refuses", "Other Industry", "75.0", "100.0"):
        assert hidden not in section


def test_only_managers_change_the_consent_and_it_is_audited(app, owner):
    path = f"/organisations/{owner.organisation_id}"
    token = form_token(owner.get(path, headers=ENGLISH).get_data(as_text=True))
    response = owner.post(f"{path}/benchmark-consent", data={"csrf_token": token, "consent": "yes"})
    assert response.status_code == 302
    assert "is counted, anonymously" in peers_section(owner)
    with app.app_context():
        assert db.session.get(Organisation, owner.organisation_id).benchmark_consent is True
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "benchmark.consent")
        ).scalar_one()
        assert event.detail == {"consent": True}
        member = accounts.create_user("member@own.example", PASSWORD)
        db.session.add(Membership(user_id=member.id, organisation_id=owner.organisation_id))
        db.session.commit()
    respondent = app.test_client()
    page = respondent.get("/login").get_data(as_text=True)
    respondent.post(
        "/login",
        data={"csrf_token": form_token(page), "email": "member@own.example", "password": PASSWORD},
    )
    token = form_token(respondent.get(path).get_data(as_text=True))
    refused = respondent.post(
        f"{path}/benchmark-consent", data={"csrf_token": token, "consent": "no"}
    )
    assert refused.status_code == 403
    token = form_token(owner.get(path, headers=ENGLISH).get_data(as_text=True))
    bad = owner.post(f"{path}/benchmark-consent", data={"csrf_token": token, "consent": "maybe"})
    assert bad.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, owner.organisation_id).benchmark_consent is True


def test_demo_consultant_sees_the_first_clients_percentiles_among_its_six_peers(
    app, runner, client
):
    from assessment.demo.service import read_demo

    assert runner.invoke(args=["demo"]).exit_code == 0
    log_in(client, *DEMO_CONSULTANT)
    with app.app_context():
        demo = read_demo(Path(app.config["CONTENT_DIR"]))
        first = db.session.execute(
            select(Organisation).where(Organisation.name == demo.organisations[0].name)
        ).scalar_one()
    page = client.get(f"/organisations/{first.id}", headers=ENGLISH)
    section = page.get_data(as_text=True).split('id="peers"')[1].split("</section>")[0]
    assert section.count("6 organisations") == 7  # overall and six dimensions
    assert "Too few peers" not in section
    for peer in demo.peers:
        assert peer.name not in section
