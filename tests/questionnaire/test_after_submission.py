"""Once submitted, an assessment refuses changes out loud: nothing is silently dropped."""

import html

from tests.questionnaire.conftest import ENGLISH
from tests.questionnaire.test_flow import stored_answers

REFUSED = "This assessment has been submitted and can no longer be changed."


def test_a_page_saved_after_submission_shows_the_results_saying_nothing_was_saved(
    app, started, questionnaire
):
    started.answer_all(lambda q: "2")
    started.submit()
    before = stored_answers(app, started.token)
    question_id = questionnaire.dimensions[0].questions[0].id

    response = started.client.post(
        f"/a/{started.token}/dimension/model",
        data={f"q_{question_id}": "5", "action": "save"},
        headers={**ENGLISH, "Origin": "http://localhost"},
    )
    assert response.headers["Location"].endswith("/results")
    results = html.unescape(started.get(response.headers["Location"]).get_data(as_text=True))
    assert REFUSED in results
    assert stored_answers(app, started.token) == before


def test_organisation_details_saved_after_submission_are_refused_out_loud(app, started):
    started.answer_all(lambda q: "3")
    started.submit()
    response = started.client.post(
        f"/a/{started.token}/organisation",
        data={"name": "Renamed", "industry": "discrete_manufacturing", "size_band": "small"},
        headers={**ENGLISH, "Origin": "http://localhost"},
    )
    assert response.headers["Location"].endswith("/results")
    results = html.unescape(started.get(response.headers["Location"]).get_data(as_text=True))
    assert REFUSED in results
    assert "Renamed" not in results


def test_opening_a_page_of_a_submitted_assessment_leads_to_its_results_quietly(started):
    started.answer_all(lambda q: "4")
    started.submit()
    response = started.get(f"/a/{started.token}/dimension/model")
    assert response.headers["Location"].endswith("/results")
    assert REFUSED not in html.unescape(
        started.get(response.headers["Location"]).get_data(as_text=True)
    )
