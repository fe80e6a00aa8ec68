"""Wrong posts get a clear 4xx and change nothing; an expired form token loses no answers."""

import html

import pytest

from tests.conftest import form_token
from tests.questionnaire.conftest import ENGLISH
from tests.questionnaire.test_flow import checked_values, stored_answers


@pytest.fixture
def saved(app, started, questionnaire):
    """A respondent with the first question of the first section answered at level 2."""
    first = questionnaire.dimensions[0].questions[0].id
    started.answer("model", {first: "2"}, comments={first: "kept"})
    assert stored_answers(app, started.token) == {first: ("2", "kept")}
    return started


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("q_model_customer_role", "9", "model_customer_role: 9 is not one of the choices"),
        ("q_no_such_question", "3", "no_such_question: no such question on this page"),
        ("q_talent_training", "3", None),  # a question of another page is refused too
        (
            "q_model_chain_integration",
            "na",
            'model_chain_integration: "not applicable" is not a choice here',
        ),
        ("c_model_c2m", "x" * 4001, "the comment is longer than 4000 characters"),
    ],
)
def test_a_wrong_value_saves_nothing_from_the_page(
    app, saved, questionnaire, field, value, message
):
    second = questionnaire.dimensions[0].questions[1].id
    assert saved.answer("model", {second: "4"}).status_code == 302
    before = stored_answers(app, saved.token)

    page_path = f"/a/{saved.token}/dimension/model"
    token = form_token(saved.get(page_path).get_data(as_text=True))
    response = saved.client.post(
        page_path,
        data={"csrf_token": token, f"q_{second}": "5", field: value, "action": "save"},
        headers=ENGLISH,
    )
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "Nothing was saved" in page
    if message:
        assert message in page
    assert stored_answers(app, saved.token) == before


def test_an_unknown_link_is_a_clear_404(client):
    for path in (
        "/a/not-a-real-token",
        "/a/not-a-real-token/dimension/model",
        "/a/" + "x" * 500 + "/results",
    ):
        response = client.get(path, headers=ENGLISH)
        assert response.status_code == 404
        assert "No assessment belongs to this link" in response.get_data(as_text=True)


def test_an_unknown_section_is_a_clear_404(saved):
    response = saved.get(f"/a/{saved.token}/dimension/marketing")
    assert response.status_code == 404
    assert "no such section" in response.get_data(as_text=True)


def test_expired_form_token_returns_the_page_with_every_answer_kept(app, saved, questionnaire):
    model = questionnaire.dimensions[0]
    before = stored_answers(app, saved.token)
    posted = {q.id: "4" for q in model.questions}
    stale = app.test_client()  # the session that issued the token is gone
    response = stale.post(
        f"/a/{saved.token}/dimension/model",
        data={
            "csrf_token": "expired",
            **{f"q_{k}": v for k, v in posted.items()},
            f"c_{model.questions[0].id}": "my long comment",
            "action": "next",
        },
        headers=ENGLISH,
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your session had expired, so this page was not saved" in page
    assert checked_values(page) == posted
    assert "my long comment" in page
    assert stored_answers(app, saved.token) == before

    retry = stale.post(
        f"/a/{saved.token}/dimension/model",
        data={
            "csrf_token": form_token(page),
            **{f"q_{k}": v for k, v in posted.items()},
            "action": "save",
        },
        headers=ENGLISH,
    )
    assert retry.status_code == 302
    assert {k: v[0] for k, v in stored_answers(app, saved.token).items()} == posted


def test_expired_form_token_from_this_site_is_saved_at_once(app, saved, questionnaire):
    question = questionnaire.dimensions[0].questions[2].id
    response = app.test_client().post(
        f"/a/{saved.token}/dimension/model",
        data={"csrf_token": "expired", f"q_{question}": "5", "action": "save"},
        headers={**ENGLISH, "Origin": "http://localhost"},
    )
    assert response.status_code == 302
    assert stored_answers(app, saved.token)[question] == ("5", "")


def test_a_post_from_another_site_without_a_token_saves_nothing(app, saved, questionnaire):
    before = stored_answers(app, saved.token)
    question = questionnaire.dimensions[0].questions[2].id
    response = app.test_client().post(
        f"/a/{saved.token}/dimension/model",
        data={f"q_{question}": "5", "action": "save"},
        headers={**ENGLISH, "Origin": "https://evil.example"},
    )
    assert response.status_code == 400
    assert stored_answers(app, saved.token) == before


def autosave(respondent, body, token=None, headers=None):
    if token is None:
        page = respondent.get(f"/a/{respondent.token}/dimension/model").get_data(as_text=True)
        token = form_token(page)
    return respondent.client.post(
        f"/a/{respondent.token}/autosave",
        json=body,
        headers={"X-CSRFToken": token, **ENGLISH, **(headers or {})},
    )


def test_autosave_saves_one_answer_and_reports_progress(app, saved, questionnaire):
    question = questionnaire.dimensions[0].questions[1].id
    response = autosave(saved, {"question_id": question, "value": "unknown", "comment": "ask IT"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["saved"] is True
    assert body["answered"] == 2
    assert body["dimensions"]["model"] == 2
    assert stored_answers(app, saved.token)[question] == ("unknown", "ask IT")


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"question_id": "model_c2m", "value": "9"}, 400, "9 is not one of the choices"),
        ({"question_id": "nope", "value": "3"}, 400, "nope: no such question on this page"),
        ({"question_id": "model_c2m", "value": 3}, 400, "not understood"),
        ({"value": "3"}, 400, "not understood"),
        (["model_c2m", "3"], 400, "not understood"),
    ],
)
def test_autosave_refuses_wrong_values_and_changes_nothing(app, saved, body, status, error):
    before = stored_answers(app, saved.token)
    response = autosave(saved, body)
    assert response.status_code == status
    assert error in response.get_json()["error"]
    assert stored_answers(app, saved.token) == before


def test_autosave_with_an_expired_token_says_so(app, saved, questionnaire):
    before = stored_answers(app, saved.token)
    question = questionnaire.dimensions[0].questions[1].id
    response = autosave(saved, {"question_id": question, "value": "3"}, token="expired")
    assert response.status_code == 400
    assert "session has expired" in response.get_json()["error"]
    assert stored_answers(app, saved.token) == before
