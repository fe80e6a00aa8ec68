"""A long audit trail is read a page at a time, newest first, by its organisation's people
only."""

import html
import re
from datetime import timedelta

import pytest

from assessment.accounts import service as accounts
from assessment.extensions import db
from assessment.models import AuditEvent, Engagement, Firm, Organisation, utc_now
from tests.reports.conftest import log_in

ENGLISH = {"Accept-Language": "en"}
PASSWORD = "a long enough password"


@pytest.fixture
def trail(app):
    """An organisation with 120 events an hour apart (the newest "#119"), served by the
    firm of consultant@example.com; rival@example.com's firm serves another one."""
    with app.app_context():
        served, other = (
            Organisation(name=name, industry="other", size_band="micro")
            for name in ("华东测试精密制造", "Elsewhere Ltd")
        )
        firm, rival_firm = Firm(name="Harbour"), Firm(name="Rival")
        db.session.add_all([served, other, firm, rival_firm])
        db.session.flush()
        db.session.add_all(
            [
                Engagement(firm_id=firm.id, organisation_id=served.id),
                Engagement(firm_id=rival_firm.id, organisation_id=other.id),
            ]
        )
        accounts.create_user(
            "consultant@example.com", PASSWORD, role="consultant"
        ).firm_id = firm.id
        accounts.create_user(
            "rival@example.com", PASSWORD, role="consultant"
        ).firm_id = rival_firm.id
        start = utc_now() - timedelta(days=10)
        db.session.add_all(
            AuditEvent(
                action="report.generated",
                channel="command",
                organisation_id=served.id,
                at=start + timedelta(hours=n),
                detail={"language": f"#{n}"},
            )
            for n in range(120)
        )
        db.session.commit()
        return f"/organisations/{served.id}/audit"


def shown(page):
    return [int(n) for n in re.findall(r"\(#(\d+)\)", page)]


def client_of(app, email):
    client = app.test_client()
    log_in(client, email, PASSWORD)
    return client


def test_the_trail_comes_fifty_events_a_page_newest_first(app, trail):
    consultant = client_of(app, "consultant@example.com")
    first = consultant.get(trail, headers=ENGLISH).get_data(as_text=True)
    assert shown(first) == list(range(119, 69, -1))
    assert "1–50 of 120" in first
    assert f'href="{trail}?page=2"' in first
    last = consultant.get(f"{trail}?page=3", headers=ENGLISH).get_data(as_text=True)
    assert shown(last) == list(range(19, -1, -1))
    assert "101–120 of 120" in last


@pytest.mark.parametrize(
    ("page", "status", "message"),
    [
        ("0", 400, 'The page number must be a whole number from 1, not "0".'),
        ("abc", 400, 'The page number must be a whole number from 1, not "abc".'),
        ("4", 404, "There is no page 4: this list has 3 pages."),
        ("1000000000", 404, "There is no page 1000000000"),
    ],
)
def test_a_page_that_is_not_there_says_so(app, trail, page, status, message):
    response = client_of(app, "consultant@example.com").get(f"{trail}?page={page}", headers=ENGLISH)
    assert response.status_code == status
    assert message in html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("page", ["1", "2", "abc", "0"])
def test_a_trail_outside_ones_scope_stays_hidden_on_every_page(app, trail, page):
    response = client_of(app, "rival@example.com").get(f"{trail}?page={page}", headers=ENGLISH)
    assert response.status_code == 404
    assert "华东测试精密制造" not in response.get_data(as_text=True)
