"""With no database to reach, pages and the autosave answer 503 in the person's language.

The database here is a real PostgreSQL address with nothing listening, so every
connection is refused, as while the server restarts; no database is needed to run this.
"""

import socket

import pytest

from assessment import create_app
from assessment.config import TestingConfig
from assessment.web.errors import http_error_message

ENGLISH = {"Accept-Language": "en"}
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}
TOKEN = "a" * 43  # shaped like a resume link, so that it is looked up


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when this returns


@pytest.fixture
def unreachable_app(tmp_path):
    config = {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = (
        f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/gone?connect_timeout=3"
    )
    config["UPLOAD_DIR"] = str(tmp_path)
    return create_app(config)


def expected_message(app, headers):
    with app.test_request_context(headers=headers):
        return str(http_error_message(503))


@pytest.mark.parametrize("headers", [ENGLISH, CHINESE])
def test_a_questionnaire_page_says_the_service_is_briefly_unavailable(unreachable_app, headers):
    response = unreachable_app.test_client().get(f"/a/{TOKEN}/dimension/model", headers=headers)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    page = response.get_data(as_text=True)
    assert expected_message(unreachable_app, headers).replace("'", "&#39;") in page
    assert "Traceback" not in page


def test_the_english_message_asks_to_try_again(unreachable_app):
    assert "try again in a moment" in expected_message(unreachable_app, ENGLISH)


@pytest.mark.parametrize("headers", [ENGLISH, CHINESE])
def test_an_autosave_gets_json_saying_it_was_not_saved(unreachable_app, headers):
    response = unreachable_app.test_client().post(
        f"/a/{TOKEN}/autosave",
        json={"question_id": "model_c2m", "value": "3", "comment": ""},
        headers={**headers, "Origin": "http://localhost"},
    )
    assert response.status_code == 503
    assert response.get_json() == {"error": expected_message(unreachable_app, headers)}


def test_a_signed_in_person_gets_the_page_too_without_their_account(unreachable_app):
    client = unreachable_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"  # loading this account needs the database
    response = client.get("/", headers=ENGLISH)
    assert response.status_code == 503
    assert "try again in a moment" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert session["_user_id"] == "1"  # still signed in once the database is back
