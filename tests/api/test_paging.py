"""The API's collections come a page at a time: walking every page with any limit gives
each visible organisation (or assessment) once, in order, and nothing outside the
token owner's scope; a cursor that was altered or made for another list, and a limit out
of range, are a 400 that says so."""

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from assessment.accounts import service as accounts
from assessment.api import tokens
from assessment.extensions import db
from assessment.models import (
    Assessment,
    Engagement,
    Firm,
    Membership,
    Organisation,
    User,
    utc_now,
)
from tests.api.conftest import bearer
from tests.conftest import count_queries

# Names that tie (ordered then by id), differ in case, and sort around the demo's.
NAMES = ["Acme", "Acme", "acme", "Beta Works", "Zeta", "Acme", "Ω Omega", "Mid Co", "Beta"]


@pytest.fixture
def crowd(app, api):
    """The demo data with more organisations: some served by the demo firm, some by the
    other firm, some the owner is a member of (owning one), some nobody's; and an admin."""
    with app.app_context():
        demo_firm_id = db.session.execute(
            select(User.firm_id).where(User.email == "consultant@example.com")
        ).scalar_one()
        other_firm_id = db.session.execute(
            select(Firm.id).where(Firm.name == "Other Firm")
        ).scalar_one()
        owner_id = db.session.execute(
            select(User.id).where(User.email == "owner@example.com")
        ).scalar_one()
        for number, name in enumerate(NAMES * 2):
            organisation = Organisation(name=name, industry="manufacturing", size_band="small")
            db.session.add(organisation)
            db.session.flush()
            if number % 3 == 0:
                db.session.add(Engagement(firm_id=demo_firm_id, organisation_id=organisation.id))
            if number % 4 == 1:
                db.session.add(Engagement(firm_id=other_firm_id, organisation_id=organisation.id))
            if number % 5 == 2:
                role = "owner" if number == 2 else "respondent"
                db.session.add(
                    Membership(user_id=owner_id, organisation_id=organisation.id, role=role)
                )
        admin = accounts.create_user("admin@example.com", "a long enough password", "admin")
        db.session.commit()
        api.tokens["admin"] = tokens.create(admin, "admin's token").secret
    return api


def walk(client, path, secret, limit):
    """Every item of a collection, following ``next`` from the first page."""
    items, url, pages = [], f"{path}?limit={limit}", 0
    while url is not None:
        response = client.get(url, headers=bearer(secret))
        assert response.status_code == 200, response.json
        body = response.json
        assert len(body["items"]) <= limit
        if body["next"] is not None:
            assert len(body["items"]) == limit
            assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'
            assert body["next"].startswith("http://localhost/api/v1/")
        else:
            assert "Link" not in response.headers
        items += body["items"]
        url, pages = body["next"], pages + 1
    return items, pages


def visible_in_order(app, condition=None):
    with app.app_context():
        statement = select(Organisation.id).order_by(Organisation.name, Organisation.id)
        if condition is not None:
            statement = statement.where(condition)
        return list(db.session.execute(statement).scalars())


def served_by(email):
    firm_id = select(User.firm_id).where(User.email == email).scalar_subquery()
    return Organisation.id.in_(
        select(Engagement.organisation_id).where(Engagement.firm_id == firm_id)
    )


def member_of(email):
    user_id = select(User.id).where(User.email == email).scalar_subquery()
    return Organisation.id.in_(
        select(Membership.organisation_id).where(Membership.user_id == user_id)
    )


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 200])
@pytest.mark.parametrize(
    ("person", "scope"),
    [
        ("admin", lambda: None),
        ("consultant", lambda: served_by("consultant@example.com")),
        ("other", lambda: served_by("other@example.com")),
        ("owner", lambda: member_of("owner@example.com")),
    ],
)
def test_walking_every_page_gives_each_visible_organisation_once_in_order(
    app, client, crowd, person, scope, limit
):
    expected = visible_in_order(app, scope())
    assert len(expected) >= 4
    items, pages = walk(client, "/api/v1/organisations", crowd.tokens[person], limit)
    assert [o["id"] for o in items] == expected
    assert pages == max(1, -(-len(expected) // limit))


def test_a_page_has_50_organisations_unless_asked(app, client, crowd):
    with app.app_context():
        db.session.add_all(
            Organisation(name=f"Client {n:03}", industry="retail", size_band="small")
            for n in range(60)
        )
        db.session.commit()
    first = client.get("/api/v1/organisations", headers=bearer(crowd.tokens["admin"])).json
    assert len(first["items"]) == 50
    assert "limit" not in parse_qs(urlsplit(first["next"]).query)
    rest = client.get(first["next"], headers=bearer(crowd.tokens["admin"])).json
    total = len(visible_in_order(app))
    assert len(rest["items"]) == total - 50
    assert rest["next"] is None


def test_organisations_added_while_walking_neither_repeat_nor_push_others_out(app, client, crowd):
    headers = bearer(crowd.tokens["admin"])
    before = visible_in_order(app)
    first = client.get("/api/v1/organisations?limit=5", headers=headers).json
    with app.app_context():
        db.session.add(Organisation(name="AAA first of all", industry="retail", size_band="small"))
        db.session.commit()
    seen = [o["id"] for o in first["items"]]
    url = first["next"]
    while url:
        body = client.get(url, headers=headers).json
        seen += [o["id"] for o in body["items"]]
        url = body["next"]
    assert seen == before


def test_the_list_says_what_one_organisation_says(app, client, crowd):
    """may_manage and the latest score, read for a whole page, are each organisation's."""
    for person in ("admin", "consultant", "owner"):
        headers = bearer(crowd.tokens[person])
        listed, _pages = walk(client, "/api/v1/organisations", crowd.tokens[person], 4)
        for item in listed:
            alone = client.get(f"/api/v1/organisations/{item['id']}", headers=headers).json
            assert item == alone
    owned = walk(client, "/api/v1/organisations", crowd.tokens["owner"], 50)[0]
    owner_listed = {o["id"]: o for o in owned}
    # The demo organisation and the one of the crowd it owns; a respondent elsewhere.
    assert sum(o["may_manage"] for o in owned) == 2 < len(owned)
    first = owner_listed[crowd.organisation_ids[0]]
    with app.app_context():
        latest = db.session.get(Assessment, crowd.submitted_ids[-1])
        shown = first["latest_submitted"]
        assert datetime.fromisoformat(shown.pop("submitted_at")) == latest.submitted_at
        assert shown == {
            "assessment_id": latest.id,
            "index": latest.overall_index,
            "level": latest.overall_level,
        }
        assert 0 <= shown["index"] <= 100
    assert any(o["latest_submitted"] is None for o in owner_listed.values())


def test_a_page_costs_the_same_queries_whatever_its_size(app, client, crowd):
    headers = bearer(crowd.tokens["admin"])
    client.get("/api/v1/organisations", headers=headers)  # the token's first use is noted
    few = count_queries(app, lambda: client.get("/api/v1/organisations?limit=2", headers=headers))
    many = count_queries(
        app, lambda: client.get("/api/v1/organisations?limit=200", headers=headers)
    )
    assert few == many
    first = crowd.organisation_ids[0]
    path = f"/api/v1/organisations/{first}/assessments"
    few = count_queries(app, lambda: client.get(f"{path}?limit=1", headers=headers))
    many = count_queries(app, lambda: client.get(f"{path}?limit=200", headers=headers))
    assert few == many


def test_walking_an_organisations_assessments_gives_each_once_newest_first(
    app, client, crowd, questionnaire
):
    first = crowd.organisation_ids[0]
    with app.app_context():
        organisation = db.session.get(Organisation, first)
        same_moment = utc_now()
        for _ in range(3):  # created at the same instant: ordered by id, newest first
            db.session.add(
                Assessment(
                    organisation=organisation,
                    questionnaire_id=questionnaire.id,
                    questionnaire_version=questionnaire.version,
                    created_at=same_moment,
                    updated_at=same_moment,
                )
            )
        db.session.commit()
        expected = list(
            db.session.execute(
                select(Assessment.id)
                .where(Assessment.organisation_id == first, Assessment.of_organisation_level())
                .order_by(Assessment.created_at.desc(), Assessment.id.desc())
            ).scalars()
        )
    assert len(expected) >= 5
    path = f"/api/v1/organisations/{first}/assessments"
    for limit in (1, 2, 50):
        items, _pages = walk(client, path, crowd.tokens["consultant"], limit)
        assert [a["id"] for a in items] == expected
    headers = bearer(crowd.tokens["consultant"])
    for item in items:
        alone = client.get(f"/api/v1/assessments/{item['id']}", headers=headers).json
        assert item == alone  # progress, read for the whole page, is each one's


@pytest.mark.parametrize("limit", ["0", "201", "-1", "ten", "", "1.5", "٣", "99999999999999999999"])
def test_a_limit_out_of_range_or_not_a_whole_number_is_a_400(client, crowd, limit):
    headers = bearer(crowd.tokens["consultant"])
    first = crowd.organisation_ids[0]
    for path in ("/api/v1/organisations", f"/api/v1/organisations/{first}/assessments"):
        response = client.get(path, query_string={"limit": limit}, headers=headers)
        assert response.status_code == 400
        assert response.json["error"].startswith("limit must be a whole number from 1 to 200")


def next_cursor(client, path, secret):
    body = client.get(f"{path}?limit=1", headers=bearer(secret)).json
    return parse_qs(urlsplit(body["next"]).query)["cursor"][0]


def test_an_altered_or_foreign_cursor_is_a_400_that_says_to_start_again(app, client, crowd):
    headers = bearer(crowd.tokens["consultant"])
    first, second = crowd.organisation_ids[:2]
    organisations = "/api/v1/organisations"
    assessments = f"/api/v1/organisations/{first}/assessments"
    cursor = next_cursor(client, organisations, crowd.tokens["consultant"])
    assessments_cursor = next_cursor(client, assessments, crowd.tokens["consultant"])
    payload, _dot, signature = cursor.rpartition(".")
    # The first character: the last one of a base64 signature carries padding bits, and
    # changing only those leaves the signature as it was.
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    from itsdangerous import URLSafeSerializer

    with app.app_context():
        forged = URLSafeSerializer("not the key", salt="api-cursor").dumps(
            {"list": organisations, "after": ["Acme", 1]}
        )
        wrong_shape = URLSafeSerializer(app.secret_key, salt="api-cursor").dumps(
            {"list": organisations, "after": ["Acme", "1"]}
        )
        naive_time = URLSafeSerializer(app.secret_key, salt="api-cursor").dumps(
            {"list": assessments, "after": ["2024-01-01T00:00:00", 1]}
        )
    for path, bad in [
        (organisations, payload + "." + flipped),
        (organisations, payload[:-2] + "." + signature),
        (organisations, "garbage"),
        (organisations, ""),
        (organisations, forged),
        (organisations, wrong_shape),
        (organisations, assessments_cursor),  # another list's
        (assessments, cursor),
        (f"/api/v1/organisations/{second}/assessments", assessments_cursor),  # another's
        (assessments, naive_time),
    ]:
        response = client.get(path, query_string={"cursor": bad}, headers=headers)
        assert response.status_code == 400, (path, bad)
        assert response.json == {
            "error": "This cursor is not valid; start again from the first page."
        }
    assert (
        client.get(organisations, query_string={"cursor": cursor}, headers=headers).status_code
        == 200
    )


def test_a_cursor_never_shows_another_scope(client, crowd):
    """The admin's cursor, used by a consultant, still shows only the consultant's."""
    admin_cursor = next_cursor(client, "/api/v1/organisations", crowd.tokens["admin"])
    listed = client.get(
        "/api/v1/organisations",
        query_string={"cursor": admin_cursor, "limit": 200},
        headers=bearer(crowd.tokens["other"]),
    ).json["items"]
    theirs = {o["id"] for o in walk(client, "/api/v1/organisations", crowd.tokens["other"], 200)[0]}
    assert {o["id"] for o in listed} <= theirs
