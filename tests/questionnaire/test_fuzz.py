"""Whatever a browser or a script posts to the answer endpoints, the answer is never a 500:
each kind of post gets the one status it earns, and a refused one changes nothing."""

import html
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.core.text import clean_text
from assessment.models import ANSWER_VALUES, COMMENT_MAX_LENGTH
from tests.conftest import form_token
from tests.questionnaire.conftest import ENGLISH
from tests.questionnaire.test_flow import stored_answers

anything = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(["1", "5", "9", "-1", "na", "unknown", "", "\x00", "3" * 5000]),
)
fuzz_settings = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
PAGE_QUESTIONS = ("model_customer_role", "model_value_source", "model_chain_integration")
NOT_A_CHOICE = anything.filter(lambda value: value not in ("", *ANSWER_VALUES))
A_COMMENT = anything.filter(lambda text: len(text) <= COMMENT_MAX_LENGTH)
NOT_UNDERSTOOD = "Not saved: the request was not understood."


def post_page(started, field, value):
    page = started.get(f"/a/{started.token}/dimension/model").get_data(as_text=True)
    return started.client.post(
        f"/a/{started.token}/dimension/model",
        data={"csrf_token": form_token(page), field: value},
        headers=ENGLISH,
    )


@fuzz_settings
@given(
    field=st.one_of(
        st.sampled_from(["action", "locale"]),
        st.text(max_size=40).filter(
            lambda name: not name.startswith(("q_", "c_")) and name != "csrf_token"
        ),
    ),
    value=anything,
)
def test_page_posts_of_fields_that_are_not_answers_save_the_page_and_redirect(
    app, started, field, value
):
    """Fields other than answers and comments are not read (``action`` only chooses where
    to go next): the page is saved as posted, with no answer, and the person moves on."""
    before = stored_answers(app, started.token)
    response = post_page(started, field, value)
    assert response.status_code == 302
    assert f"/a/{started.token}/" in response.headers["Location"]
    assert stored_answers(app, started.token) == before


@fuzz_settings
@given(data=st.data())
def test_page_posts_of_any_offered_answer_or_comment_are_saved(app, started, questionnaire, data):
    question = data.draw(st.sampled_from(questionnaire.dimension("model").questions))
    choices = ["", "1", "2", "3", "4", "5", "unknown", *(["na"] if question.allow_na else [])]
    field, value = data.draw(
        st.one_of(
            st.tuples(st.just(f"q_{question.id}"), st.sampled_from(choices)),
            st.tuples(st.just(f"c_{question.id}"), A_COMMENT),
        )
    )
    response = post_page(started, field, value)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/a/{started.token}/dimension/model")
    stored = stored_answers(app, started.token).get(question.id, (None, ""))
    if field.startswith("q_") and value:
        assert stored[0] == value
    if field.startswith("c_") and clean_text(value):
        assert stored[1] == clean_text(value)


@fuzz_settings
@given(
    field_and_value=st.one_of(
        # model_chain_integration offers no "not applicable"
        st.tuples(st.just("q_model_chain_integration"), NOT_A_CHOICE | st.just("na")),
        st.tuples(st.just("c_model_c2m"), st.text(min_size=COMMENT_MAX_LENGTH + 1, max_size=4100)),
        st.tuples(
            st.sampled_from(["q_", "c_"]),
            st.text(max_size=40).filter(lambda name: not name.startswith("model_")),
        ).map(lambda parts: (parts[0] + parts[1], "3")),
    )
)
def test_page_posts_of_an_answer_no_page_offers_are_refused_and_save_nothing(
    app, started, field_and_value
):
    """A value that is not a choice, a comment over the limit, or a question of no page
    (or of another page): a 400 naming the problem, and nothing of the page saved."""
    field, value = field_and_value
    before = stored_answers(app, started.token)
    response = post_page(started, field, value)
    assert response.status_code == 400
    assert "Nothing was saved" in html.unescape(response.get_data(as_text=True))
    assert stored_answers(app, started.token) == before


def autosave(started, body):
    page = started.get(f"/a/{started.token}/dimension/model").get_data(as_text=True)
    return started.client.post(
        f"/a/{started.token}/autosave",
        json=body,
        headers={**ENGLISH, "X-CSRFToken": form_token(page)},
    )


def is_one_answer(body):
    """The shape the autosave reads: a question id, and a value and comment as text."""
    return (
        isinstance(body, dict)
        and isinstance(body.get("question_id"), str)
        and isinstance(body.get("value", ""), str)
        and isinstance(body.get("comment", ""), str)
    )


@fuzz_settings
@given(
    body=st.one_of(
        st.dictionaries(
            st.text(max_size=20),
            st.one_of(anything, st.integers(), st.none(), st.lists(st.integers(), max_size=3)),
            max_size=4,
        ),
        st.fixed_dictionaries(
            {"question_id": st.sampled_from(PAGE_QUESTIONS)},
            optional={
                "value": st.one_of(st.integers(), st.none(), st.lists(st.integers(), max_size=3)),
                "comment": st.one_of(st.integers(), st.none(), st.booleans()),
            },
        ),
        st.lists(st.integers(), max_size=3),
        anything,
    ).filter(lambda body: not is_one_answer(body))
)
def test_autosave_of_json_that_is_not_one_answer_is_refused_as_not_understood(app, started, body):
    before = stored_answers(app, started.token)
    response = autosave(started, body)
    assert response.status_code == 400
    assert response.get_json() == {"error": NOT_UNDERSTOOD}
    assert stored_answers(app, started.token) == before


@fuzz_settings
@given(data=st.data())
def test_autosave_of_any_offered_answer_with_any_comment_is_saved(
    app, started, questionnaire, data
):
    question = data.draw(st.sampled_from(questionnaire.questions))
    choices = ["1", "2", "3", "4", "5", "unknown", *(["na"] if question.allow_na else [])]
    value, comment = data.draw(st.sampled_from(choices)), data.draw(A_COMMENT)
    response = autosave(started, {"question_id": question.id, "value": value, "comment": comment})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["saved"] is True
    assert stored_answers(app, started.token)[question.id][0] == value


@fuzz_settings
@given(
    body=st.one_of(
        st.fixed_dictionaries(
            {"question_id": st.sampled_from(PAGE_QUESTIONS), "value": NOT_A_CHOICE},
            optional={"comment": anything},
        ),
        st.fixed_dictionaries(
            {
                "question_id": st.sampled_from(PAGE_QUESTIONS),
                "value": st.sampled_from(["1", "unknown"]),
                "comment": st.text(min_size=COMMENT_MAX_LENGTH + 1, max_size=4100),
            }
        ),
        st.fixed_dictionaries(
            {
                "question_id": st.text(max_size=40).filter(lambda q: "_" not in q),
                "value": st.sampled_from(["1", "unknown"]),
            }
        ),
    )
)
def test_autosave_of_an_answer_no_question_offers_is_refused_and_saves_nothing(app, started, body):
    """A value that is not a choice, a comment over the limit, or no such question."""
    before = stored_answers(app, started.token)
    response = autosave(started, body)
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("Nothing was saved: ")
    assert stored_answers(app, started.token) == before


def test_control_characters_are_dropped_not_stored(app, started, questionnaire):
    question = questionnaire.dimensions[0].questions[0].id
    started.answer("model", {question: "2"}, comments={question: "a\x00b\x07c\r\nd"})
    assert stored_answers(app, started.token)[question] == ("2", "abc\nd")
    assert started.get("/a/abc%00def/results").status_code == 404


addresses = itertools.count(1)


@fuzz_settings
@given(
    # What the form accepts as filled in: not blank, not over its length (the blank and too
    # long are in tests/accounts/test_hostile_forms.py).
    email=anything.filter(lambda text: text.strip() and len(text) <= 254),
    password=st.text(max_size=256).filter(str.strip),
)
def test_log_in_with_any_text_is_refused_as_not_right_and_changes_no_account(
    app, account_rows, email, password
):
    """Each example from an address of its own: the limit of ten a minute is tested in
    tests/accounts/test_rate_limits.py, and would otherwise hide the answer."""
    before = account_rows()
    number, client = next(addresses), app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.9.{number // 250}.{number % 250}"
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login",
        data={"csrf_token": form_token(page), "email": email, "password": password},
        headers=ENGLISH,
    )
    assert response.status_code == 401
    assert "The e-mail or the password is not right." in response.get_data(as_text=True)
    assert account_rows() == before
