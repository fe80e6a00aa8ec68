"""Hostile bodies at the answer endpoints: always a clear 2xx, 3xx or 4xx, never a 500, and
nothing stored that breaks its display.

tests/questionnaire/test_fuzz.py covers posts of any field and value; this covers what a
browser never sends: any bytes, invalid UTF-8, lone surrogates in JSON, JSON nested
deeply, malformed multipart, bodies over the size limit.
"""

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import form_token
from tests.hostile_input import any_text, form_text, hostile_settings, unsafe_characters
from tests.questionnaire.conftest import ENGLISH
from tests.questionnaire.test_flow import stored_answers

SAME_SITE = {**ENGLISH, "Origin": "http://localhost"}
TOO_LARGE = "What you sent is too large."


def autosave_token(respondent):
    page = respondent.get(f"/a/{respondent.token}/dimension/model").get_data(as_text=True)
    return form_token(page)


def post_autosave(respondent, body: bytes, content_type="application/json"):
    return respondent.client.post(
        f"/a/{respondent.token}/autosave",
        data=body,
        content_type=content_type,
        headers={**SAME_SITE, "X-CSRFToken": autosave_token(respondent)},
    )


@hostile_settings
@given(comment=any_text, question=st.sampled_from(["model_c2m", "model_customer_role"]))
def test_autosave_stores_any_comment_without_unsafe_characters(app, started, comment, question):
    body = json.dumps({"question_id": question, "value": "3", "comment": comment})
    response = post_autosave(started, body.encode("ascii"))  # surrogates travel as \\udxxx
    assert response.status_code == 200, response.get_json()
    value, stored = stored_answers(app, started.token)[question]
    assert value == "3"
    assert unsafe_characters(stored) == []


@hostile_settings
@given(
    body=st.binary(max_size=2000),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded"]
    ),
)
def test_autosave_of_any_bytes_gets_a_clear_answer(started, body, content_type):
    response = post_autosave(started, body, content_type)
    assert response.status_code in (200, 400)
    assert response.is_json


def test_json_nested_too_deeply_is_refused_as_not_understood(started):
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000):
        response = post_autosave(started, body)
        assert response.status_code == 400
        assert "not understood" in response.get_json()["error"]


@hostile_settings
@given(
    body=st.binary(max_size=2000),
    boundary=st.text(alphabet="abcXYZ-_'()+,./:=? 0123456789", min_size=1, max_size=80),
)
def test_page_posts_of_any_bytes_or_broken_multipart_get_a_clear_answer(
    app, started, body, boundary
):
    path = f"/a/{started.token}/dimension/model"
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="c_model_c2m"\r\n\r\n'
    framed = part.encode() + body + f"\r\n--{boundary}--\r\n".encode()
    for content_type, data in (
        ("application/x-www-form-urlencoded", body),
        (f"multipart/form-data; boundary={boundary}", framed),
        (f"multipart/form-data; boundary={boundary}", body),
        ("multipart/form-data", framed),
    ):
        response = started.client.post(
            path, data=data, content_type=content_type, headers=SAME_SITE
        )
        assert response.status_code in (200, 302, 400, 413)
    assert all(
        unsafe_characters(comment) == []
        for _, comment in stored_answers(app, started.token).values()
    )


@hostile_settings
@given(name=form_text, region=form_text, respondent_name=form_text)
def test_organisation_details_of_any_text_are_stored_without_unsafe_characters(
    app, started, name, region, respondent_name
):
    response = started.fill_organisation(name=name, region=region, respondent_name=respondent_name)
    assert response.status_code in (302, 400)
    with app.app_context():
        from sqlalchemy import select

        from assessment.extensions import db
        from assessment.models import Assessment

        assessment = db.session.execute(
            select(Assessment).where(Assessment.resume_token == started.token)
        ).scalar_one()
        for text in (
            assessment.organisation.name,
            assessment.organisation.region,
            assessment.respondent_name,
        ):
            assert unsafe_characters(text) == []


def test_a_body_over_the_size_limit_is_a_clear_413_as_json_or_as_a_page(app, started):
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 4 * 1024 * 1024
    huge = b'{"question_id": "model_c2m", "value": "3", "comment": "' + b"x" * limit + b'"}'
    response = post_autosave(started, huge)
    assert response.status_code == 413
    assert response.get_json() == {"error": TOO_LARGE}

    page = started.client.post(
        f"/a/{started.token}/dimension/model",
        data=b"c_model_c2m=" + b"x" * limit,
        content_type="application/x-www-form-urlencoded",
        headers=SAME_SITE,
    )
    assert page.status_code == 413
    assert TOO_LARGE in page.get_data(as_text=True)
    assert "model_c2m" not in stored_answers(app, started.token)
