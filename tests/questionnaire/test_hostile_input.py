"""Hostile bodies at the answer endpoints: each kind gets the one status it earns, never a
500; a refused one changes nothing, and nothing is stored that breaks its display.

tests/questionnaire/test_fuzz.py covers posts of any field and value; this covers what a
browser never sends: any bytes, invalid UTF-8, lone surrogates in JSON, JSON nested
deeply, malformed multipart, bodies over the size limit.
"""

import json
from urllib.parse import parse_qsl

from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import select

from assessment.core.text import clean_text
from assessment.extensions import db
from assessment.models import NAME_MAX_LENGTH, Assessment
from tests.conftest import form_token
from tests.hostile_input import any_text, form_text, hostile_settings, unsafe_characters
from tests.questionnaire.conftest import ENGLISH
from tests.questionnaire.test_flow import stored_answers

SAME_SITE = {**ENGLISH, "Origin": "http://localhost"}
TOO_LARGE = "What you sent is too large."
NOT_UNDERSTOOD = "Not saved: the request was not understood."


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


def is_one_answer(body: bytes, content_type: str) -> bool:
    """Whether ``body`` is what the autosave reads: JSON naming a question, with a value and
    a comment as text (random bytes almost never are)."""
    try:
        document = json.loads(body)
    except ValueError:
        return False
    return (
        content_type == "application/json"
        and isinstance(document, dict)
        and isinstance(document.get("question_id"), str)
        and isinstance(document.get("value", ""), str)
        and isinstance(document.get("comment", ""), str)
    )


@hostile_settings
@given(
    body=st.binary(max_size=2000),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded"]
    ),
)
def test_autosave_of_any_bytes_is_refused_as_not_understood_and_saves_nothing(
    app, started, body, content_type
):
    """Bytes that are not the JSON of one answer (or not JSON at all): 400, nothing saved."""
    assume(not is_one_answer(body, content_type))
    before = stored_answers(app, started.token)
    response = post_autosave(started, body, content_type)
    assert response.status_code == 400
    assert response.get_json() == {"error": NOT_UNDERSTOOD}
    assert stored_answers(app, started.token) == before


def test_json_nested_too_deeply_is_refused_as_not_understood(app, started):
    before = stored_answers(app, started.token)
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000):
        response = post_autosave(started, body)
        assert response.status_code == 400
        assert "not understood" in response.get_json()["error"]
    assert stored_answers(app, started.token) == before


def names_an_answer(body: bytes) -> bool:
    """Whether ``body`` read as a URL-encoded form (as werkzeug reads it) has a field for an
    answer or a comment: one of another page is refused (tests/questionnaire/
    test_bad_input.py), which random bytes almost never give."""
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return False  # werkzeug reads no field at all
    fields = parse_qsl(text, keep_blank_values=True, errors="replace")
    return any(name.startswith(("q_", "c_")) for name, _ in fields)


@hostile_settings
@given(
    body=st.binary(max_size=2000),
    boundary=st.text(alphabet="abcXYZ-_'()+,./:=? 0123456789", min_size=1, max_size=80),
)
def test_page_posts_of_any_bytes_or_broken_multipart_save_what_they_carry_and_redirect(
    app, started, body, boundary
):
    """A page's form is read leniently: fields other than answers are not read, and a body
    that is not UTF-8 or not multipart reads as an empty form. So each post is a 302 back
    to the page: a readable comment is saved, anything else saves nothing."""
    assume(not names_an_answer(body))
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
        # Suspected bug: a body that cannot be read as a form is taken for an empty one, so
        # it gets this 302 and "Your answers are saved."; a 400 "not understood" would say
        # what happened. Asserted as it is today.
        assert response.status_code == 302, response.get_data(as_text=True)
        assert response.headers["Location"].endswith(path)
    assert all(
        unsafe_characters(comment) == []
        for _, comment in stored_answers(app, started.token).values()
    )


def organisation_fields(app, token):
    """What the organisation page stores: the organisation's details, the respondent's name."""
    with app.app_context():
        assessment = db.session.execute(
            select(Assessment).where(Assessment.resume_token == token)
        ).scalar_one()
        organisation = assessment.organisation
        return (
            organisation.name,
            organisation.industry,
            organisation.size_band,
            organisation.region,
            assessment.respondent_name,
        )


# What the organisation page accepts: a name that is not blank, and no field over 200.
filled = form_text.filter(lambda text: text.strip() and len(text) <= NAME_MAX_LENGTH)
within_limit = form_text.filter(lambda text: len(text) <= NAME_MAX_LENGTH)
blank = st.text(alphabet=" \t\r\n\x0b\x0c\x1c\x85\xa0\u2028\u3000", max_size=5)
too_long = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)),
    min_size=NAME_MAX_LENGTH + 1,
    max_size=NAME_MAX_LENGTH + 50,
)


@hostile_settings
@given(name=filled, region=within_limit, respondent_name=within_limit)
def test_organisation_details_of_any_text_are_stored_without_unsafe_characters(
    app, started, name, region, respondent_name
):
    response = started.fill_organisation(name=name, region=region, respondent_name=respondent_name)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/a/{started.token}/dimension/model")
    stored_name, _, _, stored_region, stored_respondent = organisation_fields(app, started.token)
    assert (stored_name, stored_region, stored_respondent) == (
        clean_text(name),
        clean_text(region),
        clean_text(respondent_name),
    )
    for text in (stored_name, stored_region, stored_respondent):
        assert unsafe_characters(text) == []


@hostile_settings
@given(
    fields=st.one_of(
        st.fixed_dictionaries(
            {"name": blank | too_long, "region": form_text, "respondent_name": form_text}
        ),
        st.fixed_dictionaries(
            {"name": filled, "region": too_long, "respondent_name": within_limit}
        ),
        st.fixed_dictionaries(
            {"name": filled, "region": within_limit, "respondent_name": too_long}
        ),
    )
)
def test_organisation_details_blank_or_too_long_are_refused_and_change_nothing(
    app, started, fields
):
    """A blank organisation name, or any field over 200 characters: the page again with a
    400 and the field's error, and nothing of the organisation or the respondent saved."""
    before = organisation_fields(app, started.token)
    response = started.fill_organisation(**fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (
        "This field is required." in page or "Field cannot be longer than 200 characters." in page
    )
    assert organisation_fields(app, started.token) == before


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
