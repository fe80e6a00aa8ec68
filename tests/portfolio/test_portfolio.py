"""A consultant's portfolio, and the access rules behind it."""

import re

from sqlalchemy import select

from assessment import policy
from assessment.accounts import service as accounts
from assessment.extensions import db
from assessment.models import Membership, Organisation, User
from tests.conftest import form_token
from tests.portfolio.conftest import ENGLISH, listed, rows_of
from tests.reports.conftest import DEMO_CONSULTANT, log_in

PASSWORD = "a long enough password"


def test_consultant_sees_each_client_with_its_latest_result(client, demo_loaded):
    log_in(client, *DEMO_CONSULTANT)
    page = client.get("/portfolio", headers=ENGLISH).get_data(as_text=True)
    names = sorted({row["organisation"] for row in demo_loaded})
    assert rows_of(page) == names
    latest = max(
        (r for r in demo_loaded if r["status"] == "submitted"), key=lambda r: r["submitted_at"]
    )
    assert f">{latest['overall_index_display']}</a>" in page
    assert "In progress since" in page  # the demo draft


def test_portfolio_filters_and_sorts(client, demo_loaded):
    log_in(client, *DEMO_CONSULTANT)
    drafts = client.get("/portfolio?status=draft", headers=ENGLISH).get_data(as_text=True)
    draft_owner = next(r["organisation"] for r in demo_loaded if r["status"] == "draft")
    assert rows_of(drafts) == [draft_owner]
    chemicals = client.get("/portfolio?industry=process_manufacturing", headers=ENGLISH)
    assert len(rows_of(chemicals.get_data(as_text=True))) == 1
    by_index = rows_of(client.get("/portfolio?sort=index", headers=ENGLISH).get_data(as_text=True))
    latest = {}
    for row in sorted(
        (r for r in demo_loaded if r["status"] == "submitted"), key=lambda r: r["submitted_at"]
    ):
        latest[row["organisation"]] = row["overall_index"]
    assert by_index == sorted(latest, key=lambda name: -latest[name])
    nonsense = client.get("/portfolio?sort=DROP", headers=ENGLISH)
    assert nonsense.status_code == 400
    assert "Choose one of: name, index, date" in nonsense.get_data(as_text=True)


def test_start_an_assessment_for_a_client_in_one_click(app, client, runner, demo_loaded):
    before = len(listed(runner))
    log_in(client, *DEMO_CONSULTANT)
    page = client.get("/portfolio", headers=ENGLISH).get_data(as_text=True)
    action = re.search(r'action="(/organisations/\d+/assessments)"', page)[1]
    response = client.post(action, data={"csrf_token": form_token(page)})
    assert response.status_code == 302
    assert "/dimension/model" in response.headers["Location"]
    rows = listed(runner)
    assert len(rows) == before + 1
    assert rows[-1]["organisation"] is not None


def test_another_firms_consultant_sees_and_starts_nothing(app, client, demo_loaded):
    with app.app_context():
        accounts.create_user("rival@example.com", PASSWORD, role="consultant")
        organisation_id = db.session.execute(select(Organisation.id)).scalars().first()
        name = db.session.get(Organisation, organisation_id).name
    log_in(client, "rival@example.com", PASSWORD)
    page = client.get("/portfolio", headers=ENGLISH).get_data(as_text=True)
    assert rows_of(page) == []
    assert "No client organisations match." in page
    response = client.post(
        f"/organisations/{organisation_id}/assessments",
        data={"csrf_token": form_token(page)},
        headers=ENGLISH,
    )
    assert response.status_code == 404
    assert name not in response.get_data(as_text=True)


def test_portfolio_is_for_consultants_and_admins(app, client, demo_loaded):
    assert client.get("/portfolio").headers["Location"].startswith("/login")
    with app.app_context():
        accounts.create_user("member@example.com", PASSWORD)
        accounts.create_user("admin@example.com", PASSWORD, role="admin")
    log_in(client, "member@example.com", PASSWORD)
    assert client.get("/portfolio").status_code == 403
    other = app.test_client()
    log_in(other, "admin@example.com", PASSWORD)
    page = other.get("/portfolio", headers=ENGLISH).get_data(as_text=True)
    with app.app_context():
        every_organisation = db.session.execute(select(Organisation.name)).scalars().all()
    assert sorted(rows_of(page)) == sorted(every_organisation)  # peers included


def test_policy_gives_members_their_own_organisation_only(app, demo_loaded):
    with app.app_context():
        member = accounts.create_user("owner@example.com", PASSWORD)
        first, second = (
            db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().all()[:2]
        )
        db.session.add(Membership(user_id=member.id, organisation_id=first.id, role="owner"))
        db.session.commit()
        member = db.session.get(User, member.id)
        assert policy.can_view_organisation(member, first)
        assert policy.can_manage_organisation(member, first)
        assert not policy.can_view_organisation(member, second)
        assert not policy.can_see_portfolio(member)
        visible = db.session.execute(policy.visible_organisations(member)).scalars().all()
        assert [o.id for o in visible] == [first.id]
        assert not policy.can_view_organisation(None, first)
        member.active = False
        assert not policy.can_view_organisation(member, first)
