"""A company signs itself up, owns its organisation, and sees only its own."""

import re

from sqlalchemy import select

from assessment.extensions import db
from assessment.models import Engagement, Membership, Organisation
from tests.conftest import form_token
from tests.reports.conftest import DEMO_CONSULTANT, log_in

ENGLISH = {"Accept-Language": "en"}
PASSWORD = "a long enough password"


def sign_up(client, **overrides):
    page = client.get("/signup", headers=ENGLISH).get_data(as_text=True)
    data = {
        "csrf_token": form_token(page),
        "name": "Chen Li",
        "email": "chen@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "organisation": "Pearl River Motors",
        "industry": "discrete_manufacturing",
        "size_band": "large",
        "region": "Guangzhou",
        **overrides,
    }
    return client.post("/signup", data=data, headers=ENGLISH)


def test_sign_up_creates_the_account_and_an_owned_organisation(app, client):
    response = sign_up(client)
    assert response.headers["Location"] == "/organisations"
    page = client.get("/organisations", headers=ENGLISH).get_data(as_text=True)
    assert "Pearl River Motors" in page
    assert "Start an assessment" in page
    with app.app_context():
        membership = db.session.execute(select(Membership)).scalar_one()
        assert membership.role == "owner"
    action = re.search(r'action="(/organisations/\d+/assessments)"', page)[1]
    started = client.post(action, data={"csrf_token": form_token(page)})
    assert "/dimension/model" in started.headers["Location"]
    page = client.get("/organisations", headers=ENGLISH).get_data(as_text=True)
    assert "In progress" in page


def test_sign_up_refuses_a_taken_address_and_bad_choices(client):
    assert sign_up(client).status_code == 302
    other = client.application.test_client()
    taken = sign_up(other, email="CHEN@example.com")
    assert taken.status_code == 400
    assert "already exists" in taken.get_data(as_text=True)
    bad = sign_up(other, email="new@example.com", industry="piracy")
    assert bad.status_code == 400
    assert "Not a valid choice" in bad.get_data(as_text=True)
    short = sign_up(other, email="new@example.com", password="short", confirm="short")
    assert short.status_code == 400


def test_people_see_only_their_own_organisations(app, client, runner):
    runner.invoke(args=["demo"])
    sign_up(client)
    page = client.get("/organisations", headers=ENGLISH).get_data(as_text=True)
    assert re.findall(r"<h2>(?:<a [^>]*>)?([^<]+)", page) == ["Pearl River Motors"]
    consultant = app.test_client()
    log_in(consultant, *DEMO_CONSULTANT)
    names = re.findall(
        r"<h2>(?:<a [^>]*>)?([^<]+)", consultant.get("/organisations").get_data(as_text=True)
    )
    with app.app_context():
        served = select(Organisation).join(Engagement)  # the demo firm's clients
        demo_names = {o.name for o in db.session.execute(served).scalars()}
    assert len(demo_names) == 3
    assert set(names) == demo_names
