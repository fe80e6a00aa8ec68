"""The administration lists at scale: accounts, firms, a firm's clients, each a page at a
time with its filters kept; a firm's new client found by part of its name."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assessment.accounts import service as accounts
from assessment.audit import service as audit
from assessment.extensions import db
from assessment.models import AuditEvent, Engagement, Firm, Organisation, User, utc_now
from tests.admin.test_administration import ENGLISH, PASSWORD, log_in, post, text
from tests.conftest import count_queries

HUATUO = "深圳华拓精密制造有限公司"


@pytest.fixture
def admin(app):
    with app.app_context():
        accounts.create_user("root@example.com", PASSWORD, role="admin")
    client = app.test_client()
    assert log_in(client, "root@example.com", PASSWORD).status_code == 302
    return client


def add_members(app, count, prefix="member"):
    """``count`` member accounts, ``<prefix>-000@example.com`` and on (no password: they
    are only listed)."""
    with app.app_context():
        db.session.add_all(
            User(email=f"{prefix}-{n:03d}@example.com", password_hash="-", role="member")
            for n in range(count)
        )
        db.session.commit()


def emails(page):
    return re.findall(r"<td>([a-z0-9.-]+@example\.com)", page)


def links(page):
    return [html.unescape(href) for href in re.findall(r'href="([^"]*page=\d+[^"]*)"', page)]


def firm_with_clients(app, names, firm_name="Harbour Advisory"):
    with app.app_context():
        firm = Firm(name=firm_name)
        organisations = [Organisation(name=n, industry="other", size_band="micro") for n in names]
        db.session.add_all([firm, *organisations])
        db.session.flush()
        db.session.add_all(Engagement(firm_id=firm.id, organisation_id=o.id) for o in organisations)
        db.session.commit()
        return firm.id


def add_organisations(app, names):
    with app.app_context():
        organisations = [Organisation(name=n, industry="other", size_band="micro") for n in names]
        db.session.add_all(organisations)
        db.session.commit()
        return [o.id for o in organisations]


def test_accounts_come_fifty_a_page_with_the_role_and_search_kept(app, admin):
    add_members(app, 120)
    add_members(app, 3, prefix="other")
    first = text(admin.get("/admin/users?role=member&q=member-", headers=ENGLISH))
    assert "1–50 of 120" in first
    assert emails(first) == [f"member-{n:03d}@example.com" for n in range(50)]
    for link in links(first):
        assert "role=member" in link
        assert "q=member-" in link
    # Saving a row comes back to the same list.
    assert re.search(r'action="/admin/users/\d+\?[^"]*role=member', first)

    last = text(admin.get("/admin/users?role=member&q=member-&page=3", headers=ENGLISH))
    assert "101–120 of 120" in last
    assert emails(last) == [f"member-{n:03d}@example.com" for n in range(100, 120)]

    admins = text(admin.get("/admin/users?role=admin", headers=ENGLISH))
    assert emails(admins) == ["root@example.com"]
    assert "1–1 of 1" in admins


def test_an_account_search_takes_wildcards_literally(app, admin):
    add_members(app, 3)
    page = text(admin.get("/admin/users?q=%25", headers=ENGLISH))
    assert emails(page) == []
    assert "No account matches." in page


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        (
            "role=wizard",
            400,
            'This list cannot use role="wizard". Choose one of: admin, consultant, member.',
        ),
        ("page=0", 400, 'The page number must be a whole number from 1, not "0".'),
        ("page=abc", 400, 'The page number must be a whole number from 1, not "abc".'),
        ("page=1000000000", 404, "There is no page 1000000000"),
        ("page=2", 404, "There is no page 2: this list has 1 page."),
    ],
)
def test_a_list_address_that_asks_for_nothing_there_says_so(admin, query, status, message):
    for path in ("/admin/users", "/admin/firms"):
        if path == "/admin/firms" and query.startswith("role"):
            continue
        response = admin.get(f"{path}?{query}", headers=ENGLISH)
        assert response.status_code == status
        assert message in html.unescape(text(response))


def test_the_accounts_page_costs_the_same_queries_for_five_rows_as_for_fifty(app, admin):
    with app.app_context():
        db.session.add_all(Firm(name=f"Firm {n}") for n in range(5))
        db.session.commit()
    add_members(app, 4)
    few = count_queries(app, lambda: admin.get("/admin/users", headers=ENGLISH))
    add_members(app, 80, prefix="more")
    many = count_queries(app, lambda: admin.get("/admin/users", headers=ENGLISH))
    assert few == many


def test_recent_changes_show_the_latest_twenty(app, admin):
    with app.app_context():
        start = utc_now()
        for n in range(30):
            audit.record_for_organisation("user.changed", None, user=f"changed-{n:02d}@example.com")
        db.session.flush()
        for n, event in enumerate(
            db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
        ):
            event.at = start + timedelta(minutes=n)
        db.session.commit()
    page = text(admin.get("/admin/users", headers=ENGLISH))
    shown = re.findall(r"\((changed-\d\d@example\.com)\)", page)
    assert shown == [f"changed-{n:02d}@example.com" for n in range(29, 9, -1)]


def test_firms_come_a_page_at_a_time_and_are_found_by_name(app, admin):
    with app.app_context():
        db.session.add_all(Firm(name=f"Partners {n:03d}") for n in range(60))
        db.session.add(Firm(name="东方咨询"))
        db.session.commit()
    first = text(admin.get("/admin/firms?q=partners", headers=ENGLISH))
    assert "1–50 of 60" in first
    assert "Partners 000" in first
    assert "Partners 050" not in first
    assert "东方咨询" not in first
    assert all("q=partners" in link for link in links(first))
    second = text(admin.get("/admin/firms?q=partners&page=2", headers=ENGLISH))
    assert "51–60 of 60" in second
    assert "Partners 059" in second
    assert "东方" in text(admin.get("/admin/firms?q=东方", headers=ENGLISH))
    nobody = html.unescape(text(admin.get("/admin/firms?q=nobody", headers=ENGLISH)))
    assert "No firm's name contains “nobody”." in nobody


def test_a_firms_clients_come_a_page_at_a_time_with_the_search_kept(app, admin):
    firm_id = firm_with_clients(app, [f"Client {n:03d}" for n in range(70)] + [HUATUO])
    first = text(admin.get(f"/admin/firms/{firm_id}?q=client", headers=ENGLISH))
    assert "1–50 of 70" in first
    assert "Client 049" in first
    assert "Client 050" not in first
    assert HUATUO not in first
    assert all("q=client" in link for link in links(first))
    second = text(admin.get(f"/admin/firms/{firm_id}?q=client&page=2", headers=ENGLISH))
    assert "51–70 of 70" in second
    assert "Client 069" in second
    assert HUATUO in text(admin.get(f"/admin/firms/{firm_id}?q=华拓", headers=ENGLISH))
    assert admin.get(f"/admin/firms/{firm_id}?page=3", headers=ENGLISH).status_code == 404


def test_an_admin_finds_a_client_to_engage_by_part_of_its_chinese_name(app, admin):
    firm_id = firm_with_clients(app, ["上海华拓物流"])  # served already: not offered
    [huatuo, _other] = add_organisations(app, [HUATUO, "Beta Logistics"])
    path = f"/admin/firms/{firm_id}"
    found = text(admin.get(f"{path}?find=华拓", headers=ENGLISH))
    section = found.split('id="engage"')[1]
    assert HUATUO in section
    assert "上海华拓物流" not in section
    assert "Beta Logistics" not in section
    assert f'name="organisation" value="{huatuo}"' in section

    response = post(
        admin, f"{path}?find=华拓", f"{path}/engagements?find=华拓", {"organisation": str(huatuo)}
    )
    assert response.status_code == 302
    assert "find=" in response.headers["Location"]
    page = text(admin.get(response.headers["Location"], headers=ENGLISH))
    assert f"Harbour Advisory now serves {HUATUO}." in page
    assert "No organisation that this firm does not serve yet has a name containing" in page
    with app.app_context():
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.organisation_id == huatuo)
        ).scalar_one()
        assert (event.action, event.detail) == ("engagement.started", {"firm": "Harbour Advisory"})


def test_the_client_search_shows_twenty_and_asks_for_more_of_the_name(app, admin):
    firm_id = firm_with_clients(app, [])
    add_organisations(app, [f"华东{n:02d}制造" for n in range(25)])
    page = text(admin.get(f"/admin/firms/{firm_id}?find=华东", headers=ENGLISH))
    assert page.count('name="organisation"') == 20
    assert "Only the first 20 organisations that match are shown: type more of the name." in page
    assert (
        text(admin.get(f"/admin/firms/{firm_id}?find=%25", headers=ENGLISH)).count(
            'name="organisation"'
        )
        == 0
    )


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("999999", "There is no organisation #999999: it may have been deleted."),
        ("99999999999999999999", "There is no organisation #99999999999999999999:"),
        ("abc", "Choose a client organisation."),
        ("", "Choose a client organisation."),
        ("served", "Harbour Advisory serves Already Served already."),
    ],
)
def test_engaging_an_organisation_that_is_gone_or_served_says_so(app, admin, posted, message):
    firm_id = firm_with_clients(app, ["Already Served"])
    with app.app_context():
        served = db.session.execute(select(Organisation.id)).scalar_one()
    path = f"/admin/firms/{firm_id}"
    organisation = str(served) if posted == "served" else posted
    response = post(admin, path, f"{path}/engagements", {"organisation": organisation})
    assert response.status_code == 302
    assert message in text(admin.get(response.headers["Location"], headers=ENGLISH))
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Engagement)).scalar() == 1
