"""Administration: accounts, roles, firms and which clients a firm serves."""

import logging
import re

import pytest
from sqlalchemy import select

from assessment.accounts import service as accounts
from assessment.extensions import db
from assessment.models import AuditEvent, Engagement, Firm, Organisation, User
from tests.conftest import form_token
from tests.reports.conftest import DEMO_CONSULTANT

PASSWORD = "an administrator's password"
ENGLISH = {"Accept-Language": "en"}


def log_in(client, email, password):
    page = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    return client.post(
        "/login",
        data={"csrf_token": form_token(page), "email": email, "password": password},
        headers=ENGLISH,
    )


def post(client, page_path, post_path, data):
    token = form_token(client.get(page_path, headers=ENGLISH).get_data(as_text=True))
    return client.post(post_path, data={"csrf_token": token, **data}, headers=ENGLISH)


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def admin(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        accounts.create_user("root@example.com", PASSWORD, role="admin")
    client = app.test_client()
    assert log_in(client, "root@example.com", PASSWORD).status_code == 302
    return client


def ids(app):
    with app.app_context():
        firm = db.session.execute(select(Firm).order_by(Firm.id)).scalars().first()
        organisations = db.session.execute(select(Organisation).order_by(Organisation.id))
        return firm.id, [o.id for o in organisations.scalars()]


def test_an_added_consultant_chooses_a_password_and_sees_the_firms_clients(app, admin, caplog):
    firm_id, _organisations = ids(app)
    with caplog.at_level(logging.INFO, logger="assessment.mail"):
        response = post(
            admin,
            "/admin/users",
            "/admin/users",
            {
                "email": "Chen.Jing@Harbour.example",
                "name": "陈静",
                "role": "consultant",
                "firm": str(firm_id),
            },
        )
    assert response.status_code == 302
    assert "chen.jing@harbour.example" in text(admin.get("/admin/users", headers=ENGLISH))
    link = re.search(r"http://localhost(/password/reset/\S+)", caplog.records[-1].getMessage())[1]

    consultant = app.test_client()
    chosen = "the consultant's own password"
    assert post(consultant, link, link, {"password": chosen, "confirm": chosen}).status_code == 302
    assert log_in(consultant, "chen.jing@harbour.example", chosen).status_code == 302
    portfolio = text(consultant.get("/portfolio", headers=ENGLISH))
    with app.app_context():
        served = select(Organisation).join(Engagement).where(Engagement.firm_id == firm_id)
        names = [organisation.name for organisation in db.session.execute(served).scalars()]
    assert len(names) == 3
    for name in names:
        assert name in portfolio


def test_a_consultant_needs_a_firm_and_an_address_is_taken_once(app, admin):
    response = post(
        admin,
        "/admin/users",
        "/admin/users",
        {
            "email": "x@example.com",
            "role": "consultant",
            "firm": "",
        },
    )
    assert response.status_code == 400
    assert "A consultant belongs to a firm" in text(response)
    response = post(
        admin,
        "/admin/users",
        "/admin/users",
        {
            "email": DEMO_CONSULTANT[0],
            "role": "member",
            "firm": "",
        },
    )
    assert response.status_code == 400
    assert "already exists" in text(response)


def test_a_deactivated_account_is_signed_out_and_cannot_log_in(app, admin):
    with app.app_context():
        user = accounts.find_by_email(DEMO_CONSULTANT[0])
        user_id, firm_id = user.id, user.firm_id
    consultant = app.test_client()
    log_in(consultant, *DEMO_CONSULTANT)
    assert consultant.get("/portfolio").status_code == 200
    prefix = f"user-{user_id}-"
    row = text(admin.get("/admin/users", headers=ENGLISH)).split(f'id="{prefix}firm"')[1]
    assert f'<option selected value="{firm_id}">' in row.split("</select>")[0]
    response = post(
        admin,
        "/admin/users",
        f"/admin/users/{user_id}",
        {
            prefix + "role": "consultant",
            prefix + "firm": str(firm_id),  # "active" unticked
        },
    )
    assert response.status_code == 302
    assert "is saved" in text(admin.get("/admin/users", headers=ENGLISH))
    assert consultant.get("/portfolio").status_code == 302  # to the log-in page
    assert log_in(consultant, *DEMO_CONSULTANT).status_code == 401
    with app.app_context():
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "user.changed")
        ).scalar_one()
        assert event.detail == {
            "user": DEMO_CONSULTANT[0],
            "role": "consultant",
            "firm": firm_id,
            "active": False,
        }
        assert event.user.email == "root@example.com"


def test_an_administrator_cannot_lock_themselves_out(app, admin):
    with app.app_context():
        me = accounts.find_by_email("root@example.com").id
    prefix = f"user-{me}-"
    post(
        admin,
        "/admin/users",
        f"/admin/users/{me}",
        {
            prefix + "role": "member",
            prefix + "firm": "",
            prefix + "active": "y",
        },
    )
    assert "cannot take away your own administrator role" in text(
        admin.get("/admin/users", headers=ENGLISH)
    )
    with app.app_context():
        assert db.session.get(User, me).role == "admin"


def test_engaging_and_ending_decide_what_a_firms_consultants_see(app, admin):
    response = post(admin, "/admin/firms", "/admin/firms", {"name": "Lakeside Partners"})
    assert response.status_code == 302
    firm_page = response.headers["Location"]
    _demo_firm, organisations = ids(app)
    with app.app_context():
        lakeside = db.session.execute(
            select(Firm).where(Firm.name == "Lakeside Partners")
        ).scalar_one()
        accounts.create_user("lake@example.com", PASSWORD, role="consultant").firm_id = lakeside.id
        db.session.commit()
    consultant = app.test_client()
    log_in(consultant, "lake@example.com", PASSWORD)
    target = organisations[0]
    assert consultant.get(f"/organisations/{target}/audit").status_code == 404

    post(admin, firm_page, f"{firm_page}/engagements", {"organisation": str(target)})
    assert consultant.get(f"/organisations/{target}/audit").status_code == 200
    audit = text(consultant.get(f"/organisations/{target}/audit", headers=ENGLISH))
    assert "engaged a consulting firm (Lakeside Partners)" in audit

    page = text(admin.get(firm_page, headers=ENGLISH))
    engagement_id = re.search(r"/engagements/(\d+)/end", page)[1]
    post(admin, firm_page, f"{firm_page}/engagements/{engagement_id}/end", {})
    assert consultant.get(f"/organisations/{target}/audit").status_code == 404
    with app.app_context():
        actions = [
            e.action
            for e in db.session.execute(
                select(AuditEvent).where(AuditEvent.organisation_id == target)
            ).scalars()
        ]
    assert "engagement.started" in actions
    assert "engagement.ended" in actions


def test_a_firm_name_is_taken_once(app, admin):
    with app.app_context():
        name = db.session.execute(select(Firm.name)).scalar_one()
    response = post(admin, "/admin/firms", "/admin/firms", {"name": name.upper()})
    assert response.status_code == 400
    assert "exists already" in text(response)
