"""Filling in the questionnaire: start, answer, leave, resume, review, submit."""

import json
import re

from sqlalchemy import select

from assessment.core.numbers import display_index
from assessment.extensions import db
from assessment.models import Assessment
from tests.conftest import form_token
from tests.questionnaire.conftest import ENGLISH


def stored_answers(app, token):
    with app.app_context():
        assessment = db.session.execute(
            select(Assessment).where(Assessment.resume_token == token)
        ).scalar_one()
        return {a.question_id: (a.value, a.comment) for a in assessment.answers}


def checked_values(page):
    return dict(
        re.findall(r'<input checked id="[^"]+" name="q_(\w+)" type="radio" value="(\w+)"', page)
    )


def test_start_page_starts_a_draft_and_shows_the_resume_link_on_the_first_page(respondent):
    respondent.start()
    page = respondent.get(f"/a/{respondent.token}/organisation").get_data(as_text=True)
    assert "Your organisation" in page
    assert f"/a/{respondent.token}" in page
    assert "Your link to continue later" in page
    assert len(respondent.token) >= 40


def test_organisation_name_industry_and_size_are_required(app, respondent):
    respondent.start()
    response = respondent.fill_organisation(name="  ", industry="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert page.count("This field is required.") == 2
    with app.app_context():
        assert db.session.execute(select(Assessment)).scalar_one().organisation is None


def test_unknown_industry_is_refused(respondent):
    respondent.start()
    response = respondent.fill_organisation(industry="piracy")
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_answers_are_kept_through_next_and_back(app, started, questionnaire):
    model = questionnaire.dimensions[0]
    first, second = model.questions[0].id, model.questions[1].id
    response = started.answer(
        "model",
        {first: "4", second: "unknown"},
        action="next",
        comments={first: "Two key accounts only"},
    )
    assert response.headers["Location"].endswith("/dimension/technology")
    response = started.answer(
        "technology", {questionnaire.dimensions[1].questions[0].id: "2"}, action="back"
    )
    assert response.headers["Location"].endswith("/dimension/model")
    page = started.get(f"/a/{started.token}/dimension/model").get_data(as_text=True)
    assert checked_values(page) == {first: "4", second: "unknown"}
    assert "Two key accounts only" in page
    assert stored_answers(app, started.token)[first] == ("4", "Two key accounts only")


def test_resuming_by_link_in_a_new_browser_shows_every_answer(app, started, questionnaire):
    model = questionnaire.dimensions[0]
    started.answer("model", {q.id: "3" for q in model.questions})
    stranger = app.test_client()  # no cookies: another browser, or a colleague
    response = stranger.get(f"/a/{started.token}", headers=ENGLISH)
    assert response.headers["Location"].endswith("/dimension/technology")
    page = stranger.get(f"/a/{started.token}/dimension/model", headers=ENGLISH).get_data(
        as_text=True
    )
    assert checked_values(page) == {q.id: "3" for q in model.questions}
    assert "Acme Precision" in page


def test_progress_counts_answered_questions_overall_and_per_section(started, questionnaire):
    model = questionnaire.dimensions[0]
    started.answer("model", {model.questions[0].id: "2", model.questions[1].id: "unknown"})
    page = started.get(f"/a/{started.token}/dimension/technology").get_data(as_text=True)
    assert f"<span data-progress-answered>2</span> / {len(questionnaire.questions)}" in page
    assert f'data-progress-dimension="model">2/{len(model.questions)}<' in page


def test_review_lists_unanswered_questions_with_links(started, questionnaire):
    model = questionnaire.dimensions[0]
    started.answer("model", {q.id: "3" for q in model.questions[1:]})
    page = started.get(f"/a/{started.token}/review").get_data(as_text=True)
    missing = len(questionnaire.questions) - len(model.questions) + 1
    assert f"{missing} of {len(questionnaire.questions)} questions still need an answer" in page
    assert f"/dimension/model#question-{model.questions[0].id}" in page
    assert f"#question-{model.questions[1].id}" not in page


def test_submit_is_refused_while_answers_are_missing(app, started, questionnaire):
    started.answer("model", {q.id: "3" for q in questionnaire.dimensions[0].questions})
    response = started.submit()
    assert response.headers["Location"].endswith("/review")
    page = started.get(f"/a/{started.token}/review").get_data(as_text=True)
    assert "question(s) still need an answer before you can submit" in page
    with app.app_context():
        assert db.session.execute(select(Assessment.status)).scalar_one() == "draft"


def test_results_after_submission_equal_flask_score(app, started, questionnaire, runner):
    levels = {}
    for position, question in enumerate(questionnaire.questions):
        levels[question.id] = "na" if question.allow_na else str(1 + position * 7 % 5)
    levels[questionnaire.questions[3].id] = "unknown"
    started.answer_all(lambda q: levels[q.id])
    response = started.submit()
    assert response.headers["Location"].endswith("/results")
    page = started.get(f"/a/{started.token}/results").get_data(as_text=True)

    document = {
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
        "answers": {k: int(v) if v.isdigit() else v for k, v in levels.items()},
    }
    expected = json.loads(runner.invoke(args=["score", "-"], input=json.dumps(document)).output)
    assert f'{display_index(expected["overall"]["index"])}<span class="out-of">' in page
    for part in ("A", "B"):
        assert f'{display_index(expected["parts"][part]["index"])}<span class="out-of">' in page
    for dimension_id, outcome in expected["dimensions"].items():
        card = page.split(f'id="dimension-{dimension_id}"', 1)[1].split("</article>", 1)[0]
        assert f'{display_index(outcome["index"])}<span class="out-of">' in card
        assert f"Level {outcome['level']}" in card
    with app.app_context():
        stored = db.session.execute(select(Assessment)).scalar_one()
        assert stored.status == "submitted"
        assert stored.submitted_at is not None
        assert stored.result == {k: v for k, v in expected.items() if k != "questionnaire"}


def test_a_submitted_assessment_cannot_change(app, started, questionnaire):
    started.answer_all(lambda q: "2")
    started.submit()
    before = stored_answers(app, started.token)
    question_id = questionnaire.questions[0].id

    page_post = started.client.post(
        f"/a/{started.token}/dimension/model",
        data={f"q_{question_id}": "5", "action": "save"},
        headers={**ENGLISH, "Origin": "http://localhost"},
    )
    assert page_post.headers["Location"].endswith("/results")
    results_page = started.get(f"/a/{started.token}/results").get_data(as_text=True)
    autosave = started.client.post(
        f"/a/{started.token}/autosave",
        json={"question_id": question_id, "value": "5"},
        headers={"X-CSRFToken": form_token(results_page), **ENGLISH},
    )
    assert autosave.status_code == 409
    assert "can no longer be changed" in autosave.get_json()["error"]
    resubmit = started.client.post(
        f"/a/{started.token}/submit", data={"csrf_token": form_token(results_page)}, headers=ENGLISH
    )
    assert resubmit.status_code == 409
    assert stored_answers(app, started.token) == before


def test_submit_without_organisation_details_says_what_is_missing(respondent, questionnaire):
    respondent.start()
    respondent.answer_all(lambda q: "3")
    response = respondent.submit()
    assert response.headers["Location"].endswith("/review")
    page = respondent.get(f"/a/{respondent.token}/review").get_data(as_text=True)
    assert "Add your organisation&#39;s details before submitting." in page
