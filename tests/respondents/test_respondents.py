"""Several respondents answer one assessment alone; disagreements, settling, merging."""

import pytest
from sqlalchemy import select

from assessment.accounts import service as accounts
from assessment.extensions import db
from assessment.models import Assessment, AuditEvent, Membership, Organisation
from assessment.people import invitations
from tests.conftest import form_token
from tests.questionnaire.conftest import Respondent

PASSWORD = "a long enough password"
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def workshop(app, questionnaire):
    """Acme with its owner (signed in) and a draft assessment to be answered by several."""
    with app.app_context():
        owner = accounts.create_user("owner@acme.example", PASSWORD, name="Olga")
        acme = Organisation(name="Acme", industry="electronics", size_band="medium")
        db.session.add(acme)
        db.session.flush()
        db.session.add(Membership(user_id=owner.id, organisation_id=acme.id, role="owner"))
        from assessment.questionnaire import service as assessments

        draft = assessments.start(questionnaire, "en", organisation=acme)
        links = {
            name: "/invitations/"
            + invitations.link_token(
                invitations.create(acme, owner, f"{name}@acme.example", "answer", assessment=draft)
            )
            for name in ("ann", "bo", "chen", "dara")
        }
        ids = {"organisation": acme.id, "draft": draft.id, "token": draft.resume_token}
    client = app.test_client()
    page = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    client.post(
        "/login",
        data={"csrf_token": form_token(page), "email": "owner@acme.example", "password": PASSWORD},
    )
    page_path = f"/organisations/{ids['organisation']}/assessments/{ids['draft']}/respondents"
    return {**ids, "links": links, "owner": client, "page": page_path}


def answer_by_link(app, questionnaire, workshop, name, special, submit=True, comments=None):
    """Open ``name``'s invitation and answer every question "3", but those in ``special``."""
    person = Respondent(app.test_client(), questionnaire)
    person.token = person.get(workshop["links"][name]).headers["Location"].split("/a/")[1]
    person.fill_organisation(respondent_name=name)
    for dimension in questionnaire.dimensions:
        values = {q.id: special.get(q.id, "3") for q in dimension.questions}
        notes = {q: text for q, text in (comments or {}).items() if q in values}
        assert person.answer(dimension.id, values, comments=notes).status_code == 302
    if submit:
        assert person.submit().status_code == 302
    return person


def post(client, page, path, data=None):
    token = form_token(client.get(page, headers=ENGLISH).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **(data or {})}, headers=ENGLISH)


def test_respondents_answer_alone_and_the_workshop_starts_where_they_disagree(
    app, questionnaire, workshop
):
    questions = [q for q in questionnaire.questions if q.allow_na]
    wide, narrow, conflict = questions[0].id, questionnaire.questions[1].id, questions[1].id
    answer_by_link(
        app,
        questionnaire,
        workshop,
        "ann",
        {wide: "1", narrow: "2", conflict: "na"},
        comments={wide: "Nothing is on the cloud yet."},
    )
    answer_by_link(
        app, questionnaire, workshop, "bo", {}, comments={wide: "ERP runs on the cloud."}
    )
    answer_by_link(app, questionnaire, workshop, "chen", {})
    answer_by_link(app, questionnaire, workshop, "dara", {wide: "5"}, submit=False)

    owner, page = workshop["owner"], workshop["page"]
    html = owner.get(page, headers=ENGLISH).get_data(as_text=True)
    for name in ("ann", "bo", "chen", "dara"):
        assert f"<td>{name}</td>" in html
    assert html.count("Submitted") >= 3
    assert "In progress" in html
    listed = {q.id for q in questionnaire.questions if f'id="question-{q.id}"' in html}
    assert listed == {wide, conflict}  # a spread of one level is no disagreement
    section = html.split(f'id="question-{wide}"')[1].split("</ul>")[0]  # the answers given
    assert "Nothing is on the cloud yet." in section
    assert "ERP runs on the cloud." in section
    assert "Level 1" in section
    assert "Level 3" in section
    assert "Level 5" not in section

    assert (
        post(
            owner,
            page,
            f"{page}/settle",
            {"question_id": wide, "value": "2", "note": "Agreed in the workshop"},
        ).status_code
        == 302
    )
    assert (
        post(owner, page, f"{page}/settle", {"question_id": wide, "value": "7"}).status_code == 302
    )
    assert "notice-warning" in owner.get(page, headers=ENGLISH).get_data(as_text=True)
    response = post(owner, page, f"{page}/merge")
    assert response.headers["Location"].endswith(f"/a/{workshop['token']}/review")

    with app.app_context():
        draft = db.session.get(Assessment, workshop["draft"])
        merged = {a.question_id: a for a in draft.answers}
        assert merged[wide].value == "2"  # settled, whatever the median says
        assert "Agreed in the workshop" in merged[wide].comment
        assert "ann: Nothing is on the cloud yet." in merged[wide].comment
        assert merged[narrow].value == "3"  # the median of 2, 3, 3
        assert merged[conflict].value == "3"  # a level outweighs "not applicable"
        assert {a.value for q, a in merged.items() if q not in (wide,)} == {"3"}
        actions = [
            e.action
            for e in db.session.execute(
                select(AuditEvent).where(AuditEvent.assessment_id == draft.id)
            ).scalars()
        ]
    assert actions.count("sheet.started") == 4
    assert "question.settled" in actions
    assert "answers.merged" in actions


def test_a_final_answer_must_be_a_valid_one(app, questionnaire, workshop):
    owner, page = workshop["owner"], workshop["page"]
    no_na = next(q for q in questionnaire.questions if not q.allow_na)
    for value in ("7", "na", ""):
        post(owner, page, f"{page}/settle", {"question_id": no_na.id, "value": value})
    post(owner, page, f"{page}/settle", {"question_id": "no_such_question", "value": "3"})
    with app.app_context():
        assert db.session.get(Assessment, workshop["draft"]).settlements == []


def test_nothing_is_merged_before_someone_submits(app, questionnaire, workshop):
    answer_by_link(app, questionnaire, workshop, "ann", {}, submit=False)
    owner, page = workshop["owner"], workshop["page"]
    response = post(owner, page, f"{page}/merge")
    assert response.headers["Location"].endswith(page)
    assert "No respondent has submitted" in owner.get(page, headers=ENGLISH).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Assessment, workshop["draft"]).answers == []


def test_sheets_stay_out_of_the_organisations_history(app, questionnaire, workshop):
    answer_by_link(app, questionnaire, workshop, "ann", {})
    html = workshop["owner"].get(f"/organisations/{workshop['organisation']}", headers=ENGLISH)
    assert html.get_data(as_text=True).count("In progress") == 1  # the draft, not the sheet


def test_answering_it_myself_gives_me_my_own_sheet(app, workshop):
    owner, page = workshop["owner"], workshop["page"]
    response = post(owner, page, f"{page}/sheets")
    token = response.headers["Location"].split("/a/")[1]
    assert token != workshop["token"]
    assert "Olga" in owner.get(page, headers=ENGLISH).get_data(as_text=True)
