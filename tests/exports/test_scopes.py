"""An organisation's history and a portfolio hold exactly what the person may see, and
every export is written in the audit trail."""

import pytest
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import Assessment, AuditEvent, Engagement, Organisation, User
from tests.conftest import form_token
from tests.exports.conftest import ENGLISH, client_as, read_csv, read_json, read_xlsx


def organisation_names(app, ids=None):
    with app.app_context():
        query = select(Organisation)
        if ids is not None:
            query = query.where(Organisation.id.in_(ids))
        return {o.name for o in db.session.execute(query).scalars()}


def assessment_ids(app, organisation_ids, sheets=False):
    """The organisations' assessments; with ``sheets``, their respondents' sheets instead."""
    with app.app_context():
        return set(
            db.session.execute(
                select(Assessment.id).where(
                    Assessment.organisation_id.in_(organisation_ids),
                    Assessment.parent_id.is_not(None) if sheets else Assessment.parent_id.is_(None),
                )
            ).scalars()
        )


def served_by_demo_firm(app):
    with app.app_context():
        demo = db.session.execute(
            select(User).where(User.email == "consultant@example.com")
        ).scalar_one()
        return set(
            db.session.execute(
                select(Engagement.organisation_id).where(Engagement.firm_id == demo.firm_id)
            ).scalars()
        )


def export_events(app):
    with app.app_context():
        return [
            (e.action, e.organisation_id, e.assessment_id, e.channel, e.detail)
            for e in db.session.execute(
                select(AuditEvent)
                .where(AuditEvent.action == "export.generated")
                .order_by(AuditEvent.id)
            ).scalars()
        ]


@pytest.mark.parametrize("who", ["member_a", "consultant", "admin"])
def test_an_organisation_export_holds_its_whole_history_drafts_included(app, world, who):
    consultant = client_as(app, "consultant")
    page = consultant.get("/organisations").get_data(as_text=True)
    started = consultant.post(
        f"/organisations/{world['org_a']}/assessments", data={"csrf_token": form_token(page)}
    )
    assert started.status_code == 302  # a new draft for organisation A
    client = client_as(app, who)
    response = client.get(f"/organisations/{world['org_a']}/export.json", headers=ENGLISH)
    assert response.status_code == 200
    document = read_json(response.data)
    assert document["scope"] == {"kind": "organisation", "organisation_id": world["org_a"]}
    assert [o["id"] for o in document["organisations"]] == [world["org_a"]]
    exported = {a["id"]: a for a in document["assessments"]}
    assert set(exported) == assessment_ids(app, [world["org_a"]])
    respondents_sheets = assessment_ids(app, [world["org_a"]], sheets=True)
    assert respondents_sheets  # the demo's newest assessment of A was answered by several
    assert not respondents_sheets & set(exported)
    assert {a["status"] for a in exported.values()} == {"submitted", "draft"}
    created = [a["created_at"] for a in document["assessments"]]
    assert created == sorted(created)


def test_an_organisation_export_in_every_format_has_its_assessments(app, world):
    client = client_as(app, "consultant")
    expected = assessment_ids(app, [world["org_a"]])
    path = f"/organisations/{world['org_a']}/export"
    rows = read_csv(client.get(f"{path}.csv", headers=ENGLISH).data)[1:]
    assert {int(row[1]) for row in rows} == expected
    scores = read_xlsx(client.get(f"{path}.xlsx", headers=ENGLISH).data).worksheets[0]
    assert {row[3] for row in scores.iter_rows(min_row=2, values_only=True)} == expected


@pytest.mark.parametrize("export_format", ["json", "csv", "xlsx"])
def test_a_consultant_of_another_firm_gets_404_and_nothing_of_the_organisation(
    app, world, export_format
):
    client = client_as(app, "rival")
    response = client.get(
        f"/organisations/{world['org_a']}/export.{export_format}", headers=ENGLISH
    )
    assert response.status_code == 404
    assert world["org_a_name"] not in response.get_data(as_text=True)
    assert export_events(app) == []


def test_anonymous_people_are_asked_to_log_in_and_members_have_no_portfolio(app, world):
    anonymous = client_as(app, "anonymous")
    for path in (f"/organisations/{world['org_a']}/export.csv", "/portfolio/export.csv"):
        response = anonymous.get(path, headers=ENGLISH)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert client_as(app, "member_a").get("/portfolio/export.csv").status_code == 403
    assert export_events(app) == []


@pytest.mark.parametrize("export_format", ["json", "csv", "xlsx"])
def test_a_portfolio_holds_exactly_the_firms_clients(app, world, export_format):
    rival = client_as(app, "rival")
    response = rival.get(f"/portfolio/export.{export_format}", headers=ENGLISH)
    assert response.status_code == 200
    others = organisation_names(app) - organisation_names(app, [world["org_b"]])
    content = response.data
    if export_format == "json":
        document = read_json(content)
        assert [o["id"] for o in document["organisations"]] == [world["org_b"]]
        assert {a["id"] for a in document["assessments"]} == assessment_ids(app, [world["org_b"]])
        text = content.decode()
    elif export_format == "csv":
        rows = read_csv(content)[1:]
        assert {row[0] for row in rows} == organisation_names(app, [world["org_b"]])
        text = content.decode("utf-8-sig")
    else:
        workbook = read_xlsx(content)
        text = " ".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
        )
    assert all(name not in text for name in others)


def test_the_demo_consultant_and_an_admin_export_their_whole_portfolio(app, world):
    consultant = read_json(client_as(app, "consultant").get("/portfolio/export.json").data)
    assert {o["id"] for o in consultant["organisations"]} == served_by_demo_firm(app)
    admin = read_json(client_as(app, "admin").get("/portfolio/export.json").data)
    every_organisation = {o["id"] for o in admin["organisations"]}
    assert {o["name"] for o in admin["organisations"]} == organisation_names(app)
    assert {a["id"] for a in admin["assessments"]} == assessment_ids(app, every_organisation)


def test_each_export_is_in_the_audit_trail_with_who_what_and_how(app, world):
    client = client_as(app, "anonymous")
    client.get(f"/a/{world['token']}/export.xlsx?lang=zh-CN")
    consultant = client_as(app, "consultant")
    consultant.get(f"/organisations/{world['org_a']}/export.csv?lang=en")
    rival = client_as(app, "rival")
    rival.get("/portfolio/export.json?lang=en")
    assessment, organisation, portfolio = export_events(app)
    assert assessment == (
        "export.generated",
        world["org_a"],
        world["assessment_id"],
        "link",
        {"scope": "assessment", "format": "xlsx", "language": "zh-CN"},
    )
    assert organisation[:4] == ("export.generated", world["org_a"], None, "account")
    assert organisation[4]["scope"] == "organisation"
    assert organisation[4]["format"] == "csv"
    assert set(organisation[4]["assessments"]) == assessment_ids(app, [world["org_a"]])
    assert portfolio[1] == world["org_b"]
    assert portfolio[4]["scope"] == "portfolio"
    assert portfolio[4]["format"] == "json"

    trail = consultant.get(f"/organisations/{world['org_a']}/audit", headers=ENGLISH)
    text = trail.get_data(as_text=True)
    assert text.count("exported assessment data") == 2
    assert "consultant@example.com" in text


def test_a_portfolio_export_leaves_one_event_per_organisation(app, world):
    client_as(app, "consultant").get("/portfolio/export.xlsx")
    events = export_events(app)
    assert {event[1] for event in events} == served_by_demo_firm(app)
    assert len(events) == len(served_by_demo_firm(app))
    assert {event[3] for event in events} == {"account"}
