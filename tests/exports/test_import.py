"""Importing an answers file into a draft: all answers or none, every problem named."""

import html
import io
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from assessment.exports.imports import IMPORT_MAX_BYTES
from assessment.extensions import db
from assessment.models import Assessment, AuditEvent
from tests.conftest import form_token
from tests.questionnaire.conftest import ENGLISH, Respondent


def answers_of(app, token):
    with app.app_context():
        assessment = db.session.execute(
            select(Assessment).where(Assessment.resume_token == token)
        ).scalar_one()
        return {a.question_id: (a.value, a.comment) for a in assessment.answers}


def assessment_id(app, token):
    with app.app_context():
        return db.session.execute(
            select(Assessment.id).where(Assessment.resume_token == token)
        ).scalar_one()


def audit_actions(app):
    with app.app_context():
        return [e.action for e in db.session.execute(select(AuditEvent)).scalars()]


def answers_file(questionnaire, answers, **reference):
    return json.dumps(
        {
            "questionnaire": {
                "id": questionnaire.id,
                "version": questionnaire.version,
                **reference,
            },
            "answers": answers,
        }
    ).encode()


@pytest.fixture
def draft(app, questionnaire):
    """A draft with one answer and one comment on its first page."""
    respondent = Respondent(app.test_client(), questionnaire)
    respondent.start()
    respondent.fill_organisation()
    first = questionnaire.dimensions[0]
    respondent.answer(
        first.id, {first.questions[0].id: "2"}, comments={first.questions[0].id: "kept"}
    )
    return respondent


def page_text(response):
    """The text a person reads: entities such as &#34; shown as the characters they are."""
    return html.unescape(response.get_data(as_text=True))


def upload(respondent, content, filename="answers.json"):
    review = respondent.get(f"/a/{respondent.token}/review").get_data(as_text=True)
    return respondent.client.post(
        f"/a/{respondent.token}/import",
        data={"csrf_token": form_token(review), "answers_file": (io.BytesIO(content), filename)},
        headers=ENGLISH,
        content_type="multipart/form-data",
    )


def test_the_review_page_offers_the_import(draft):
    page = draft.get(f"/a/{draft.token}/review").get_data(as_text=True)
    assert f'action="/a/{draft.token}/import"' in page
    assert 'name="answers_file"' in page


def test_the_import_is_explained_in_a_respondents_words_after_the_submit_panel(draft):
    page = page_text(draft.get(f"/a/{draft.token}/review"))
    assert "flask" not in page  # no command a plant manager never sees
    panel = page[page.index('id="import"') :]
    assert page.index('id="import"') > page.index("Submit the assessment")
    assert "downloaded above, or prepared by your consultant" in panel
    assert '<details class="panel import-panel" id="import">' in page  # closed until wanted


def test_a_file_with_problems_comes_back_with_the_import_open(draft):
    page = page_text(upload(draft, b"{not json"))
    assert '<details class="panel import-panel" id="import" open>' in page


def test_a_valid_file_sets_its_answers_and_keeps_the_others_and_the_comments(
    app, draft, questionnaire
):
    first, second = questionnaire.dimensions[:2]
    allows_na = next(q for q in questionnaire.questions if q.allow_na)
    given = {
        first.questions[0].id: 5,
        second.questions[0].id: "unknown",
        allows_na.id: "na",
    }
    response = upload(draft, answers_file(questionnaire, given))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/a/{draft.token}/review")
    page = draft.get(f"/a/{draft.token}/review").get_data(as_text=True)
    assert f"{len(given)} answer(s) imported." in page
    stored = answers_of(app, draft.token)
    assert stored[first.questions[0].id] == ("5", "kept")
    assert stored[second.questions[0].id] == ("unknown", "")
    assert stored[allows_na.id] == ("na", "")
    assert len(stored) == len(given)
    assert audit_actions(app)[-2:] == ["answers.imported", "answers.saved"]


PROBLEMS = [
    (b"{not json", ["not valid JSON: Expecting property name enclosed in double quotes"]),
    (b"\xff\xfe{}", ["the input is not UTF-8 text"]),
    (b"[]", ['the document must be a JSON object with "questionnaire" and "answers"']),
    (b"[" * 100_000, ["it is nested too deeply or has too long a number"]),
    (b'{"answers": {"x": ' + b"9" * 5000 + b"}}", ["nested too deeply or has too long a number"]),
]


@pytest.mark.parametrize(("content", "expected"), PROBLEMS)
def test_a_file_that_is_not_an_answers_document_is_refused(app, draft, content, expected):
    before = answers_of(app, draft.token)
    response = upload(draft, content)
    assert response.status_code == 400
    text = page_text(response)
    assert "Nothing was imported" in text
    for line in expected:
        assert line in text
    assert answers_of(app, draft.token) == before
    assert "answers.imported" not in audit_actions(app)


def test_every_problem_is_listed_by_question_and_nothing_is_saved(app, draft, questionnaire):
    no_na = next(q for q in questionnaire.questions if not q.allow_na)
    first = questionnaire.dimensions[0].questions
    before = answers_of(app, draft.token)
    content = answers_file(
        questionnaire,
        {
            first[0].id: 4,  # valid, but not saved: the file has problems
            first[1].id: 7,
            no_na.id: "na",
            "no_such_question": 3,
            first[2].id: "3",
        },
    )
    response = upload(draft, content)
    assert response.status_code == 400
    text = page_text(response)
    assert f"{first[1].id}: level 7 is out of range (1 to 5)" in text
    assert f'{no_na.id}: "na" is not allowed for this question' in text
    assert "no_such_question: no such question in this questionnaire" in text
    assert f'{first[2].id}: "3" is not an answer' in text
    assert answers_of(app, draft.token) == before
    assert "answers.imported" not in audit_actions(app)


def test_a_file_for_another_questionnaire_version_is_refused(app, draft, questionnaire):
    other = questionnaire.version - 1 or questionnaire.version + 1
    content = answers_file(questionnaire, {questionnaire.questions[0].id: 3}, version=other)
    response = upload(draft, content)
    assert response.status_code == 400
    assert (
        f"the file is for questionnaire {questionnaire.id} version {other}, but this "
        f"assessment uses {questionnaire.id} version {questionnaire.version}"
    ) in page_text(response)
    assert len(answers_of(app, draft.token)) == 1


def test_an_empty_file_or_no_file_is_refused(app, draft, questionnaire):
    response = upload(draft, answers_file(questionnaire, {}))
    assert response.status_code == 400
    assert "the file has no answers" in page_text(response)
    review = draft.get(f"/a/{draft.token}/review").get_data(as_text=True)
    response = draft.client.post(
        f"/a/{draft.token}/import", data={"csrf_token": form_token(review)}, headers=ENGLISH
    )
    assert response.status_code == 400
    assert "Choose a JSON file of answers to import." in response.get_data(as_text=True)


def test_a_file_too_large_is_refused(app, draft, questionnaire):
    padded = answers_file(questionnaire, {questionnaire.questions[0].id: 3}) + b" " * (
        IMPORT_MAX_BYTES
    )
    response = upload(draft, padded)
    assert response.status_code == 413
    assert f"the file is larger than {IMPORT_MAX_BYTES // 1024} KB" in response.get_data(
        as_text=True
    )
    body = b"--x\r\nContent-Disposition: form-data; name=answers_file; filename=a.json\r\n\r\n"
    response = draft.client.post(
        f"/a/{draft.token}/import",
        data=body + b" " * app.config["MAX_CONTENT_LENGTH"],  # raw: no spooled temporary file
        content_type="multipart/form-data; boundary=x",
        headers=ENGLISH,
    )
    assert response.status_code == 413
    assert len(answers_of(app, draft.token)) == 1


def test_a_submitted_assessment_refuses_an_import(app, client, questionnaire):
    respondent = Respondent(client, questionnaire)
    respondent.start()
    respondent.fill_organisation()
    respondent.answer_all(lambda q: "3")
    respondent.submit()
    before = answers_of(app, respondent.token)
    response = client.post(
        f"/a/{respondent.token}/import",
        data={
            "answers_file": (
                io.BytesIO(answers_file(questionnaire, {questionnaire.questions[0].id: 5})),
                "a.json",
            )
        },
        headers=ENGLISH,
        content_type="multipart/form-data",
    )
    assert response.status_code == 409
    assert "has been submitted and can no longer be changed" in response.get_data(as_text=True)
    assert answers_of(app, respondent.token) == before


def test_a_post_from_elsewhere_imports_nothing(app, draft, questionnaire):
    response = draft.client.post(
        f"/a/{draft.token}/import",
        data={
            "answers_file": (
                io.BytesIO(answers_file(questionnaire, {questionnaire.questions[0].id: 5})),
                "a.json",
            )
        },
        headers={**ENGLISH, "Origin": "https://elsewhere.example"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert answers_of(app, draft.token)[questionnaire.questions[0].id][0] == "2"


def test_the_command_line_imports_a_file(app, runner, draft, questionnaire, tmp_path):
    path = tmp_path / "answers.json"
    path.write_bytes(answers_file(questionnaire, {q.id: 4 for q in questionnaire.questions}))
    identifier = assessment_id(app, draft.token)
    result = runner.invoke(args=["assessments", "import", str(identifier), str(path)])
    assert result.exit_code == 0, result.output
    count = len(questionnaire.questions)
    assert f"Imported {count} answer(s) into assessment {identifier}." in result.output
    stored = answers_of(app, draft.token)
    assert {value for value, _comment in stored.values()} == {"4"}
    assert stored[questionnaire.questions[0].id] == ("4", "kept")
    with app.app_context():
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "answers.imported")
        ).scalar_one()
        assert event.channel == "command"


def test_the_command_line_prints_one_line_per_problem_and_exits_2(
    app, runner, draft, questionnaire, tmp_path
):
    path = tmp_path / "answers.json"
    first = questionnaire.questions
    path.write_bytes(answers_file(questionnaire, {first[0].id: 0, "nope": 1, first[1].id: 5}))
    before = answers_of(app, draft.token)
    result = runner.invoke(
        args=["assessments", "import", str(assessment_id(app, draft.token)), str(path)]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{first[0].id}: level 0 is out of range (1 to 5)",
        "nope: no such question in this questionnaire",
    ]
    assert answers_of(app, draft.token) == before


def test_the_command_line_refuses_a_submitted_or_unknown_assessment(
    app, runner, questionnaire, tmp_path
):
    respondent = Respondent(app.test_client(), questionnaire)
    respondent.start()
    respondent.fill_organisation()
    respondent.answer_all(lambda q: "3")
    respondent.submit()
    path = tmp_path / "answers.json"
    path.write_bytes(answers_file(questionnaire, {questionnaire.questions[0].id: 5}))
    identifier = assessment_id(app, respondent.token)
    result = runner.invoke(args=["assessments", "import", str(identifier), str(path)])
    assert result.exit_code == 2
    assert "has been submitted" in result.stderr
    result = runner.invoke(args=["assessments", "import", "999999", str(path)])
    assert result.exit_code == 2
    assert "No assessment with id 999999" in result.stderr


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=20,
)


RIGHT = object()  # stands for the reference to the draft's own questionnaire
fuzz_settings = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Answers no questionnaire takes: not an object, none at all, or one for no question.
wrong_answers = st.one_of(
    json_values.filter(lambda value: not isinstance(value, dict)),
    st.just({}),
    st.dictionaries(
        st.sampled_from(["model_customer_role", "model_c2m", "x"]), json_values, max_size=3
    ).map(lambda answers: {**answers, "x": 3}),
)


@fuzz_settings
@given(
    reference_and_answers=st.one_of(
        st.tuples(st.just(RIGHT), wrong_answers),
        st.tuples(
            json_values,  # any other reference, whatever the answers
            st.one_of(
                json_values,
                st.dictionaries(
                    st.sampled_from(["model_customer_role", "model_c2m"]),
                    st.integers(1, 5),
                    min_size=1,
                ),
            ),
        ),
    )
)
def test_any_json_file_that_is_not_a_valid_answers_file_is_refused_and_imports_nothing(
    app, draft, questionnaire, reference_and_answers
):
    right = {"id": questionnaire.id, "version": questionnaire.version}
    reference, answers = reference_and_answers
    if reference is RIGHT:
        reference = right
    else:
        assume(reference != right)  # any other reference is refused, whatever the answers
    content = json.dumps({"questionnaire": reference, "answers": answers}).encode()
    before = answers_of(app, draft.token)
    response = upload(draft, content)
    assert response.status_code == 400
    assert "Nothing was imported" in page_text(response)
    assert answers_of(app, draft.token) == before
    assert "answers.imported" not in audit_actions(app)


@fuzz_settings
@given(data=st.data())
def test_any_valid_answers_file_is_imported(app, draft, questionnaire, data):
    def answer_for(question):
        choices = [1, 2, 3, 4, 5, "unknown", *(["na"] if question.allow_na else [])]
        return st.sampled_from(choices)

    by_id = {question.id: question for question in questionnaire.questions}
    chosen = data.draw(
        st.lists(st.sampled_from(sorted(by_id)), min_size=1, max_size=5, unique=True)
    )
    posted = {question: data.draw(answer_for(by_id[question])) for question in chosen}
    response = upload(draft, answers_file(questionnaire, posted))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/a/{draft.token}/review")
    stored = answers_of(app, draft.token)
    assert {question: stored[question][0] for question in posted} == {
        question: str(value) for question, value in posted.items()
    }
