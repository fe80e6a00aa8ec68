"""Whatever a browser or a script posts to the answer endpoints, the answer is never a 500."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import form_token
from tests.questionnaire.conftest import ENGLISH

anything = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(["1", "5", "9", "-1", "na", "unknown", "", "\x00", "3" * 5000]),
)
fuzz_settings = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@fuzz_settings
@given(
    field=st.one_of(
        st.sampled_from(["q_model_c2m", "c_model_c2m", "action"]), st.text(max_size=40)
    ),
    value=anything,
)
def test_page_posts_of_any_shape_get_a_clear_answer(started, field, value):
    page = started.get(f"/a/{started.token}/dimension/model").get_data(as_text=True)
    response = started.client.post(
        f"/a/{started.token}/dimension/model",
        data={"csrf_token": form_token(page), field: value},
        headers=ENGLISH,
    )
    assert response.status_code in (200, 302, 400, 413)


@fuzz_settings
@given(
    body=st.one_of(
        st.dictionaries(
            st.text(max_size=20),
            st.one_of(anything, st.integers(), st.none(), st.lists(st.integers(), max_size=3)),
            max_size=4,
        ),
        st.lists(st.integers(), max_size=3),
        anything,
    )
)
def test_autosave_of_any_json_gets_a_clear_answer(started, body):
    page = started.get(f"/a/{started.token}/dimension/model").get_data(as_text=True)
    response = started.client.post(
        f"/a/{started.token}/autosave",
        json=body,
        headers={**ENGLISH, "X-CSRFToken": form_token(page)},
    )
    assert response.status_code in (200, 400)
    assert "error" in response.get_json() or response.get_json().get("saved") is True


def test_control_characters_are_dropped_not_stored(app, started, questionnaire):
    from tests.questionnaire.test_flow import stored_answers

    question = questionnaire.dimensions[0].questions[0].id
    started.answer("model", {question: "2"}, comments={question: "a\x00b\x07c\r\nd"})
    assert stored_answers(app, started.token)[question] == ("2", "abc\nd")
    assert started.get("/a/abc%00def/results").status_code == 404


@fuzz_settings
@given(email=anything, password=st.text(max_size=300))
def test_log_in_with_any_text_gets_a_clear_answer(client, email, password):
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"csrf_token": form_token(page), "email": email, "password": password}
    )
    assert response.status_code in (200, 401, 429)
