"""Target levels: set by an organisation's consultant or owner, read by everyone who sees
it, with the gap to each target counted from the latest submitted assessment."""

import re

import pytest
from sqlalchemy import select

from assessment.core.numbers import display_gap
from assessment.core.targets import level_floor
from assessment.extensions import db
from assessment.history import service as history
from assessment.models import AuditEvent, Organisation, Target
from assessment.portfolio.deletion import delete_organisation
from tests.conftest import form_token
from tests.reports.conftest import log_in

CONSULTANT = ("consultant@example.com", "demo-consultant-2026")


def choose_language(client, locale):
    token = form_token(client.get("/").get_data(as_text=True))
    client.post("/language", data={"locale": locale, "csrf_token": token})


def log_in_as_consultant(client, locale="en"):
    log_in(client, *CONSULTANT)
    choose_language(client, locale)


def targets_url(organisation_id):
    return f"/organisations/{organisation_id}/targets"


def post_targets(client, organisation_id, **fields):
    token = form_token(client.get(targets_url(organisation_id)).get_data(as_text=True))
    everything = {f"level_{d}": "" for d in DIMENSIONS} | {f"due_{d}": "" for d in DIMENSIONS}
    return client.post(
        targets_url(organisation_id), data={"csrf_token": token, **everything, **fields}
    )


DIMENSIONS = ("model", "technology", "industry", "data", "cost", "talent")


def element(page, opening, closing):
    """The part of ``page`` from ``opening`` (an attribute of the element) to ``closing``."""
    start = page.index(opening)
    return page[start : page.index(closing, start)]


def saved_targets(app, organisation_id):
    with app.app_context():
        rows = db.session.execute(
            select(Target).where(Target.organisation_id == organisation_id)
        ).scalars()
        return {
            row.question_id or row.dimension_id: (row.level, row.due_on and row.due_on.isoformat())
            for row in rows
        }


def test_a_consultant_sets_targets_and_sees_the_gap_from_the_latest_assessment(
    app, client, organisation_id
):
    log_in_as_consultant(client)
    response = post_targets(
        client, organisation_id, level_data="4", due_data="2027-12-31", level_model="2"
    )
    assert response.status_code == 302
    assert saved_targets(app, organisation_id) == {
        "data": (4, "2027-12-31"),
        "model": (2, None),
    }
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        latest = history.submitted_of(organisation)[-1]
        from assessment.content.registry import current_library
        from assessment.questionnaire import service

        questionnaire = service.questionnaire_of(latest, current_library())
        thresholds = questionnaire.scoring_rules.thresholds
        data_index = latest.stored_result.dimensions["data"].index
        events = (
            db.session.execute(select(AuditEvent).where(AuditEvent.action == "targets.saved"))
            .scalars()
            .all()
        )
    expected = display_gap(data_index, level_floor(4, thresholds))
    assert data_index < level_floor(4, thresholds)  # the demo's data dimension is below 4
    assert f"{expected} points to go" in page
    assert "2 dimensions have a target level" in page
    assert len(events) == 1


def test_a_date_without_a_level_is_refused_and_nothing_is_lost(app, client, organisation_id):
    log_in_as_consultant(client)
    post_targets(client, organisation_id, level_cost="3")
    response = post_targets(client, organisation_id, level_cost="3", due_talent="2027-01-01")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose a target level for Talent, or clear its date." in page
    assert 'value="2027-01-01"' in page  # what was typed comes back
    assert saved_targets(app, organisation_id) == {"cost": (3, None)}


@pytest.mark.parametrize("typed", ["31/12/2027", "2027-13-01", "tomorrow", "2027-02-30"])
def test_a_date_that_is_not_one_gets_a_clear_message(app, client, organisation_id, typed):
    log_in_as_consultant(client)
    response = post_targets(client, organisation_id, level_cost="3", due_cost=typed)
    assert response.status_code == 400
    assert "Give the date as year-month-day, for example 2027-06-30." in response.get_data(
        as_text=True
    )
    assert saved_targets(app, organisation_id) == {}


@pytest.mark.parametrize("level", ["0", "6", "x", "3.5"])
def test_a_level_that_is_not_one_is_refused(app, client, organisation_id, level):
    log_in_as_consultant(client)
    response = post_targets(client, organisation_id, level_cost=level)
    assert response.status_code == 400
    assert saved_targets(app, organisation_id) == {}


def test_a_dimension_left_out_of_the_form_keeps_its_target(app, client, organisation_id):
    log_in_as_consultant(client)
    post_targets(client, organisation_id, level_cost="3", level_talent="4")
    page = client.get(targets_url(organisation_id)).get_data(as_text=True)
    response = client.post(
        targets_url(organisation_id),
        data={"csrf_token": form_token(page), "level_cost": ""},  # only cost is posted
    )
    assert response.status_code == 302
    assert saved_targets(app, organisation_id) == {"talent": (4, None)}


def test_the_saved_targets_come_back_in_the_form_and_clearing_one_removes_it(
    app, client, organisation_id
):
    log_in_as_consultant(client)
    post_targets(client, organisation_id, level_cost="3", due_cost="2027-03-31")
    page = client.get(targets_url(organisation_id)).get_data(as_text=True)
    assert re.search(r'<option selected value="3">|<option value="3" selected>', page)
    assert 'value="2027-03-31"' in page
    post_targets(client, organisation_id)
    assert saved_targets(app, organisation_id) == {}


def test_targets_are_shown_in_chinese(app, client, organisation_id):
    log_in_as_consultant(client, "zh_CN")
    post_targets(client, organisation_id, level_data="5")
    page = client.get(targets_url(organisation_id)).get_data(as_text=True)
    assert "目标等级" in page
    assert "还差" in page
    assert "points to go" not in page


def test_deleting_the_organisation_deletes_its_targets(app, client, organisation_id):
    log_in_as_consultant(client)
    post_targets(client, organisation_id, level_data="5")
    with app.app_context():
        delete_organisation(organisation_id)
    assert saved_targets(app, organisation_id) == {}


def test_the_results_page_shows_each_target_and_draws_the_targets_on_the_radar(
    app,
    client,
    organisation_id,
    demo,
):
    _assessment_id, token, _name = demo
    log_in_as_consultant(client)
    before = client.get(f"/a/{token}/results").get_data(as_text=True)
    assert 'class="target"' not in before
    post_targets(client, organisation_id, level_data="5", due_data="2028-06-30")
    page = client.get(f"/a/{token}/results").get_data(as_text=True)
    assert page.count('class="target"') == 1  # the target polygon on the radar
    data_card = element(page, 'id="dimension-data"', "</article>")
    assert "Target:" in data_card
    assert "Level 5" in data_card
    assert "Jun 30, 2028" in data_card
    assert "points to go" in data_card
    assert "Target:" not in element(page, 'id="dimension-cost"', "</article>")


def test_two_people_saving_at_once_lose_nothing_and_are_told(
    app, client, organisation_id, monkeypatch
):
    """The second save of the same moment finds the other's new row only when it commits:
    it is refused whole, with a message, and the first one's targets stand."""
    from assessment.plans import service as plans

    log_in_as_consultant(client)
    page = client.get(targets_url(organisation_id)).get_data(as_text=True)
    post_targets(client, organisation_id, level_cost="2")  # the other person's save
    monkeypatch.setattr(plans, "all_targets", lambda organisation_id: {})  # read before
    response = client.post(
        targets_url(organisation_id),
        data={"csrf_token": form_token(page), "level_cost": "4", "level_data": "3"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Someone else saved targets for this organisation at the same moment" in (
        response.get_data(as_text=True)
    )
    monkeypatch.undo()
    assert saved_targets(app, organisation_id) == {"cost": (2, None)}


def log_in_as_member(app, client, organisation_id):
    """Log out, and in as a new member of the organisation (who may see it, not manage it)."""
    from assessment.accounts import service as accounts
    from assessment.models import Membership

    client.post("/logout", data={"csrf_token": form_token(client.get("/").get_data(as_text=True))})
    with app.app_context():
        member = accounts.create_user("member@example.com", "a long enough password")
        db.session.add(Membership(user_id=member.id, organisation_id=organisation_id))
        db.session.commit()
    log_in(client, "member@example.com", "a long enough password")
    choose_language(client, "en")


def test_a_member_reads_the_targets_but_has_no_form_and_cannot_post(app, client, organisation_id):
    log_in_as_consultant(client)
    post_targets(client, organisation_id, level_talent="3", due_talent="2027-09-30")
    log_in_as_member(app, client, organisation_id)
    page = client.get(targets_url(organisation_id)).get_data(as_text=True)
    assert "Sep 30, 2027" in page
    assert "3 · " in page
    assert "Save the targets" not in page
    response = client.post(
        targets_url(organisation_id), data={"csrf_token": form_token(page), "level_talent": ""}
    )
    assert response.status_code == 403
    assert saved_targets(app, organisation_id) == {"talent": (3, "2027-09-30")}


def test_the_organisation_page_shows_current_against_target(app, client, organisation_id):
    log_in_as_consultant(client)
    page = client.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    assert 'id="targets"' not in page  # no target yet: no panel
    post_targets(client, organisation_id, level_data="4", due_data="2027-12-31")
    page = client.get(f"/organisations/{organisation_id}").get_data(as_text=True)
    panel = element(page, 'id="targets"', "</section>")
    assert "Data" in panel
    assert "Dec 31, 2027" in panel
    assert "points to go" in panel
    assert "Set the target levels" in panel


def test_a_question_gets_a_target_of_its_own_and_loses_it_when_cleared(
    app, client, organisation_id
):
    log_in_as_consultant(client)
    response = post_targets(client, organisation_id, level_data="3", question_data_quality="5")
    assert response.status_code == 302
    assert saved_targets(app, organisation_id) == {"data": (3, None), "data_quality": (5, None)}
    page = client.get(targets_url(organisation_id)).get_data(as_text=True)
    data_questions = element(page, 'id="question_data_standards"', "</details>")
    chosen = element(page, 'id="question_data_quality"', "</select>")
    assert re.search(r'<option selected value="5">|<option value="5" selected>', chosen)
    assert "Own targets for single questions: 1 set" in page
    assert 'id="question_data_quality"' in data_questions

    # a save that does not post a question's field keeps its target; clearing it removes it
    client.post(
        targets_url(organisation_id),
        data={"csrf_token": form_token(page), "level_data": "3"},
    )
    assert saved_targets(app, organisation_id)["data_quality"] == (5, None)
    post_targets(client, organisation_id, level_data="3", question_data_quality="")
    assert saved_targets(app, organisation_id) == {"data": (3, None)}


def test_a_member_reads_the_questions_own_targets_without_a_form(app, client, organisation_id):
    log_in_as_consultant(client)
    post_targets(client, organisation_id, question_cost_rollout="4")
    log_in_as_member(app, client, organisation_id)
    page = client.get(targets_url(organisation_id)).get_data(as_text=True)
    assert "<select" not in page
    listed = element(page, "Own targets for single questions: 1 set", "</details>")
    assert "→ 4 · Integrated" in listed
