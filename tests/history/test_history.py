"""An organisation's history and the comparison of two of its assessments."""

import re
from fractions import Fraction

import pytest
from sqlalchemy import select

from assessment.content.registry import current_library
from assessment.core.numbers import display_index
from assessment.extensions import db
from assessment.history import service as history
from assessment.models import Assessment, Organisation
from assessment.questionnaire import service
from tests.reports.conftest import DEMO_CONSULTANT, log_in

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def consultant(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    client = app.test_client()
    log_in(client, *DEMO_CONSULTANT)
    return client


def first_organisation(app):
    with app.app_context():
        organisation = (
            db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().first()
        )
        submitted = history.submitted_of(organisation)
        return organisation.id, [(a.id, a.result) for a in submitted]


def test_the_history_page_lists_every_assessment_and_draws_each_index_over_time(app, consultant):
    organisation_id, submitted = first_organisation(app)
    page = consultant.get(f"/organisations/{organisation_id}", headers=ENGLISH).get_data(
        as_text=True
    )
    chart = page.split('<svg class="trend"')[1].split("</svg>")[0]
    # The overall line and one per dimension, through a point per submitted assessment.
    assert len(re.findall(r'<path d="M', chart)) == 1 + 6
    assert len(re.findall(r"<circle ", chart)) == 7 * len(submitted)
    for _id, result in submitted:
        assert display_index(result["overall"]["index"]) in page
    assert "Level bands: 0–20 Initial" in page
    assert page.count("What changed since the one before") == len(submitted) - 1


def test_the_comparison_explains_each_dimension_by_the_questions_that_moved(app, consultant):
    organisation_id, submitted = first_organisation(app)
    (_old_id, old), (_new_id, new) = submitted[-2], submitted[-1]
    page = consultant.get(f"/organisations/{organisation_id}/compare", headers=ENGLISH).get_data(
        as_text=True
    )
    overall_row = page.split('<tr class="overall">')[1].split("</tr>")[0]
    shown_old, shown_new = (
        display_index(old["overall"]["index"]),
        display_index(new["overall"]["index"]),
    )
    assert shown_old in overall_row
    assert shown_new in overall_row
    delta = Fraction(shown_new) - Fraction(shown_old)
    assert f"{'+' if delta > 0 else '−'}{abs(float(delta)):.1f}" in overall_row

    with app.app_context():
        old_assessment, new_assessment = (db.session.get(Assessment, i) for i, _ in submitted[-2:])
        compared, _q_old, questionnaire = history.compare(
            old_assessment, new_assessment, current_library()
        )
    for dimension in questionnaire.dimensions:
        section = page.split(f'id="dimension-{dimension.id}"')[1].split("</section>")[0]
        moved = [
            q
            for q in compared.dimensions[dimension.id].questions
            if q.old_answers != (q.new_answer,)
        ]
        assert section.count("<tr>") - 1 == len(moved)  # a row per moved question
        effects = [
            Fraction(e.replace("−", "-").replace("±", ""))
            for e in re.findall(r'class="num delta[^"]*">([^<]+)<', section)
        ]
        exact = compared.dimensions[dimension.id].delta
        assert sum(q.contribution for q in compared.dimensions[dimension.id].questions) == exact
        assert abs(sum(effects) - exact) <= Fraction(len(effects) + 1, 20)


def test_one_changed_answer_is_the_whole_explanation(app, consultant):
    organisation_id, submitted = first_organisation(app)
    with app.app_context():
        newest = db.session.get(Assessment, submitted[-1][0])
        questionnaire = service.questionnaire_of(newest, current_library())
        copy = service.start(questionnaire, "en", organisation=newest.organisation)
        answers = {a.question_id: a.value for a in newest.answers}
        question = next(
            q for d in questionnaire.dimensions for q in d.questions if answers[q.id] in "1234"
        )
        answers[question.id] = str(int(answers[question.id]) + 1)
        service.save_answers(
            copy,
            questionnaire,
            {q: service.PostedAnswer(value=v, comment="") for q, v in answers.items()},
        )
        service.submit(copy, questionnaire)
        old_id, new_id = newest.id, copy.id
        prompt = question.prompt.get("en")
    page = consultant.get(
        f"/organisations/{organisation_id}/compare?old={old_id}&new={new_id}", headers=ENGLISH
    ).get_data(as_text=True)
    moved_rows = re.findall(r"<tr>\s*<td>([^<]+)</td>", page)
    assert moved_rows == [prompt.replace("'", "&#39;")]
    assert ">up<" in page


@pytest.mark.parametrize("query", ["?old=999999&new=1", "?old=1&new=1", "?old=abc"])
def test_a_comparison_of_assessments_that_do_not_fit_says_so(app, consultant, query):
    organisation_id, _submitted = first_organisation(app)
    response = consultant.get(f"/organisations/{organisation_id}/compare{query}", headers=ENGLISH)
    assert response.status_code == 404
    assert "Choose two submitted assessments of this organisation" in response.get_data(
        as_text=True
    )


def test_an_assessment_of_another_organisation_cannot_be_compared(app, consultant):
    organisation_id, submitted = first_organisation(app)
    with app.app_context():
        other = (
            db.session.execute(
                select(Assessment).where(
                    Assessment.organisation_id != organisation_id, Assessment.status == "submitted"
                )
            )
            .scalars()
            .first()
            .id
        )
    response = consultant.get(
        f"/organisations/{organisation_id}/compare?old={other}&new={submitted[-1][0]}",
        headers=ENGLISH,
    )
    assert response.status_code == 404


def test_a_dimension_where_every_question_moved_says_so_in_words(app, consultant):
    organisation_id, _submitted = first_organisation(app)
    page = consultant.get(f"/organisations/{organisation_id}/compare", headers=ENGLISH).get_data(
        as_text=True
    )
    sections = page.split('<section class="panel" id="dimension-')[1:]
    every_one_moved = [s for s in sections if "Every question of this dimension moved." in s]
    assert every_one_moved  # the demo's newest two assessments have such a dimension
    assert "0 questions did not change" not in page
    for section in every_one_moved:
        assert not re.search(r"\d+ questions? did not change", section)


def test_the_breadcrumb_leads_a_consultant_to_the_client_portfolio(app, consultant):
    organisation_id, _submitted = first_organisation(app)
    for path in (f"/organisations/{organisation_id}", f"/organisations/{organisation_id}/people"):
        page = consultant.get(path, headers=ENGLISH).get_data(as_text=True)
        eyebrow = page.split('<p class="eyebrow">', 1)[1].split("</p>", 1)[0]
        assert eyebrow == '<a href="/portfolio">Client portfolio</a>'
        assert "Your organisations" not in page
