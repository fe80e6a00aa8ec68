"""Invitations to join an organisation or to answer one assessment; members; claiming."""

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assessment.accounts import service as accounts
from assessment.extensions import db
from assessment.models import (
    Assessment,
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    utc_now,
)
from tests.accounts.conftest import ENGLISH, PASSWORD, log_in, post, send_invitation
from tests.questionnaire.conftest import Respondent


def invite(client, organisation, email, purpose, caplog):
    """Invite through the people page; the link as the mail (printed to the log) has it."""
    with caplog.at_level(logging.INFO, logger="assessment.mail"):
        send_invitation(client, organisation, email, purpose)
    mails = [r.getMessage() for r in caplog.records if r.name == "assessment.mail"]
    return re.search(r"(http://localhost/invitations/\S+)", mails[-1])[1].removeprefix(
        "http://localhost"
    )


def audit_actions(app, organisation_id):
    with app.app_context():
        return [
            (e.action, e.channel)
            for e in db.session.execute(
                select(AuditEvent)
                .where(AuditEvent.organisation_id == organisation_id)
                .order_by(AuditEvent.id)
            ).scalars()
        ]


def test_a_colleague_joins_by_the_link_and_the_link_then_stops_working(
    app, owner, organisation, caplog
):
    link = invite(owner, organisation, "Wang.Fang@Acme.example", "join:respondent", caplog)
    newcomer = app.test_client()
    page = newcomer.get(link, headers=ENGLISH).get_data(as_text=True)
    assert "wang.fang@acme.example" in page
    assert "Acme &lt;b&gt;Precision&lt;/b&gt;" in page
    response = post(
        newcomer,
        link,
        f"{link}/account",
        {
            "name": "Wang Fang",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    organisations = newcomer.get("/organisations", headers=ENGLISH).get_data(as_text=True)
    assert "Acme &lt;b&gt;Precision&lt;/b&gt;" in organisations
    with app.app_context():
        membership = db.session.execute(
            select(Membership)
            .join(Membership.user)
            .where(
                Membership.organisation_id == organisation["id"], Membership.role == "respondent"
            )
        ).scalar_one()
        assert membership.user.email == "wang.fang@acme.example"

    again = app.test_client().get(link, headers=ENGLISH)
    assert again.status_code == 410
    assert "accepted already" in again.get_data(as_text=True)
    assert ("invitation.created", "account") in audit_actions(app, organisation["id"])
    assert ("invitation.accepted", "account") in audit_actions(app, organisation["id"])


def test_only_the_addressee_can_accept(app, owner, organisation, caplog):
    link = invite(owner, organisation, "invited@acme.example", "join:owner", caplog)
    with app.app_context():
        accounts.create_user("someone.else@example.com", PASSWORD)
        accounts.create_user("invited@acme.example", PASSWORD)
    stranger = app.test_client()
    log_in(stranger, "someone.else@example.com")
    assert "You are logged in as someone.else@example.com" in stranger.get(
        link, headers=ENGLISH
    ).get_data(as_text=True)
    refused = post(stranger, link, f"{link}/accept")
    assert refused.status_code == 302
    assert "This invitation is for invited@acme.example" in stranger.get(
        link, headers=ENGLISH
    ).get_data(as_text=True)

    invited = app.test_client()
    assert log_in(invited, "invited@acme.example", next_path=link).headers["Location"] == link
    assert post(invited, link, f"{link}/accept").status_code == 302
    with app.app_context():
        roles = dict(
            db.session.execute(
                select(Membership.user_id, Membership.role).where(
                    Membership.organisation_id == organisation["id"]
                )
            ).all()
        )
        invited_id = accounts.find_by_email("invited@acme.example").id
        stranger_id = accounts.find_by_email("someone.else@example.com").id
    assert roles[invited_id] == "owner"
    assert stranger_id not in roles


def test_signing_up_by_an_invitation_for_an_existing_address_says_to_log_in(
    app, owner, organisation, caplog
):
    link = invite(owner, organisation, "owner@acme.example", "join:respondent", caplog)
    response = post(
        app.test_client(),
        link,
        f"{link}/account",
        {
            "name": "Again",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_an_expired_invitation_says_so(app, owner, organisation, caplog):
    link = invite(owner, organisation, "late@acme.example", "join:respondent", caplog)
    with app.app_context():
        invitation = db.session.execute(select(Invitation)).scalar_one()
        invitation.expires_at = utc_now() - timedelta(minutes=1)
        db.session.commit()
    response = app.test_client().get(link, headers=ENGLISH)
    assert response.status_code == 410
    assert "This invitation has expired" in response.get_data(as_text=True)
    people = owner.get(f"/organisations/{organisation['id']}/people", headers=ENGLISH)
    assert "Expired" in people.get_data(as_text=True)


def test_a_forged_invitation_is_not_found(app, owner, organisation, caplog):
    link = invite(owner, organisation, "x@acme.example", "join:respondent", caplog)
    forged = link.replace("/invitations/ey", "/invitations/eX")
    assert app.test_client().get(forged, headers=ENGLISH).status_code == 404


def test_an_invitation_to_answer_opens_the_invitees_own_sheet_until_it_is_withdrawn(
    app, owner, organisation, questionnaire, caplog
):
    link = invite(
        owner, organisation, "line.lead@acme.example", f"answer:{organisation['draft_id']}", caplog
    )
    invitee = Respondent(app.test_client(), questionnaire)
    opened = invitee.get(link)
    assert opened.status_code == 302
    invitee.token = opened.headers["Location"].split("/a/")[1]
    assert invitee.token == link.split("/invitations/")[1]

    # The organisation's details are its owner's: the invitee gives only their name.
    page = invitee.get(f"/a/{invitee.token}/organisation").get_data(as_text=True)
    assert 'name="name"' not in page
    assert (
        invitee.fill_organisation(name="Renamed Ltd", respondent_name="Li Lei").status_code == 302
    )
    first = questionnaire.dimensions[0]
    response = invitee.answer(first.id, {first.questions[0].id: "4"})
    assert response.status_code == 302
    page = invitee.get(f"/a/{invitee.token}/dimension/{first.id}").get_data(as_text=True)
    assert organisation["draft_token"] not in page  # the resume link is never shown

    with app.app_context():
        draft = db.session.get(Assessment, organisation["draft_id"])
        assert draft.organisation.name == "Acme <b>Precision</b>"
        assert draft.answers == []  # each respondent answers alone, on their own sheet
        (sheet,) = draft.sheets
        assert sheet.respondent_name == "Li Lei"
        assert [a.value for a in sheet.answers] == ["4"]
        assert sheet.resume_token not in page
        invitation_id = db.session.execute(select(Invitation.id)).scalar_one()

    people = f"/organisations/{organisation['id']}/people"
    revoked = post(owner, people, f"{people.rsplit('/', 1)[0]}/invitations/{invitation_id}/revoke")
    assert revoked.status_code == 302
    gone = invitee.get(f"/a/{invitee.token}/dimension/{first.id}")
    assert gone.status_code == 410
    assert "This invitation was withdrawn" in gone.get_data(as_text=True)
    assert invitee.answer(first.id, {first.questions[0].id: "1"}).status_code == 410
    with app.app_context():
        (sheet,) = db.session.get(Assessment, organisation["draft_id"]).sheets
        assert [a.value for a in sheet.answers] == ["4"]  # nothing lost, nothing changed
    actions = audit_actions(app, organisation["id"])
    assert ("answers.saved", "invitation") in actions
    assert ("invitation.revoked", "account") in actions


def test_an_invitation_to_answer_a_submitted_assessment_is_refused(app, owner, organisation):
    with app.app_context():
        draft = db.session.get(Assessment, organisation["draft_id"])
        draft.status = "submitted"
        db.session.commit()
    people = f"/organisations/{organisation['id']}/people"
    response = post(
        owner,
        people,
        f"/organisations/{organisation['id']}/invitations",
        {"email": "a@acme.example", "purpose": f"answer:{organisation['draft_id']}"},
    )
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "message"),
    [("not-an-address", "is not an e-mail address"), ("", "This field is required")],
)
def test_a_bad_invitation_form_says_what_is_wrong(app, owner, organisation, email, message):
    people = f"/organisations/{organisation['id']}/people"
    response = post(
        owner,
        people,
        f"/organisations/{organisation['id']}/invitations",
        {"email": email, "purpose": "join:respondent"},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(Invitation)).first() is None


def test_inviting_is_rate_limited(app, owner, organisation):
    people = f"/organisations/{organisation['id']}/people"
    statuses = [
        post(
            owner,
            people,
            f"/organisations/{organisation['id']}/invitations",
            {"email": f"p{n}@acme.example", "purpose": "join:respondent"},
        ).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429


def test_members_can_be_removed_but_never_the_last_owner(app, owner, organisation):
    with app.app_context():
        respondent = accounts.create_user("r@acme.example", PASSWORD)
        db.session.add(Membership(user_id=respondent.id, organisation_id=organisation["id"]))
        db.session.commit()
        memberships = dict(
            db.session.execute(
                select(Membership.role, Membership.id).where(
                    Membership.organisation_id == organisation["id"]
                )
            ).all()
        )
    people = f"/organisations/{organisation['id']}/people"
    base = f"/organisations/{organisation['id']}/members"
    post(owner, people, f"{base}/{memberships['owner']}/remove")
    assert "last owner cannot be removed" in owner.get(people, headers=ENGLISH).get_data(
        as_text=True
    )
    post(owner, people, f"{base}/{memberships['respondent']}/remove")
    page = owner.get(people, headers=ENGLISH).get_data(as_text=True)
    assert "r@acme.example is no longer a member" in page
    with app.app_context():
        assert db.session.get(Membership, memberships["respondent"]) is None
        assert db.session.get(Membership, memberships["owner"]) is not None


def test_an_assessment_from_the_landing_page_can_be_added_to_an_account(app, questionnaire):
    visitor = Respondent(app.test_client(), questionnaire)
    visitor.start()
    visitor.fill_organisation(name="Pearl River Plastics")
    with app.app_context():
        accounts.create_user("founder@pearl.example", PASSWORD)
        accounts.create_user("latecomer@example.com", PASSWORD)
    assert "Add to my account" not in visitor.get(f"/a/{visitor.token}/review").get_data(
        as_text=True
    )
    log_in(visitor.client, "founder@pearl.example")
    review = f"/a/{visitor.token}/review"
    assert "Add to my account" in visitor.get(review).get_data(as_text=True)
    assert post(visitor.client, review, f"/a/{visitor.token}/claim").status_code == 302
    organisations = visitor.get("/organisations").get_data(as_text=True)
    assert "Pearl River Plastics" in organisations

    # Now it belongs to someone: nobody else can take it, and the link may not rename it.
    latecomer = Respondent(app.test_client(), questionnaire)
    latecomer.token = visitor.token
    log_in(latecomer.client, "latecomer@example.com")
    assert "Add to my account" not in latecomer.get(review).get_data(as_text=True)
    post(latecomer.client, review, f"/a/{visitor.token}/claim")
    assert "Pearl River Plastics" not in latecomer.get("/organisations").get_data(as_text=True)
    latecomer.fill_organisation(name="Taken Over Ltd")
    with app.app_context():
        claimed = db.session.execute(
            select(Organisation).where(Organisation.name == "Pearl River Plastics")
        ).scalar_one()
        assert ("organisation.claimed", "account") in audit_actions(app, claimed.id)
