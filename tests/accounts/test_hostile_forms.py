"""Sign-up, log-in and password forms with hostile text: a clear answer, never a 500, and
nothing stored that breaks how names are shown."""

import itertools

from hypothesis import given
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import Organisation, User
from tests.conftest import form_token
from tests.hostile_input import form_text, hostile_settings, unsafe_characters

ENGLISH = {"Accept-Language": "en"}
PASSWORD = "a long enough password"
addresses = itertools.count(1)


def browser(app):
    """A new browser from an address of its own, so that rate limits do not hide answers."""
    number = next(addresses)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.8.{number // 250}.{number % 250}"
    return client


def sign_up(app, **fields):
    """Fill in the sign-up page from a new browser and send it."""
    client = browser(app)
    page = client.get("/signup", headers=ENGLISH).get_data(as_text=True)
    return client.post(
        "/signup",
        data={
            "csrf_token": form_token(page),
            "password": PASSWORD,
            "confirm": PASSWORD,
            "industry": "discrete_manufacturing",
            "size_band": "large",
            **fields,
        },
        headers=ENGLISH,
    )


@hostile_settings
@given(name=form_text, email=form_text, organisation=form_text, region=form_text)
def test_sign_up_with_any_text_is_refused_clearly_or_stored_safely(
    app, name, email, organisation, region
):
    response = sign_up(app, name=name, email=email, organisation=organisation, region=region)
    assert response.status_code in (302, 400)
    with app.app_context():
        for user in db.session.execute(select(User)).scalars():
            assert unsafe_characters(user.name) == []
            assert unsafe_characters(user.email) == []
        for stored in db.session.execute(select(Organisation)).scalars():
            assert unsafe_characters(stored.name) == []
            assert unsafe_characters(stored.region) == []


def test_a_sign_up_name_with_control_and_bidi_characters_is_stored_without_them(app):
    response = sign_up(
        app,
        name="Chen\x85 Li\u202e",
        email="chen@example.com",
        organisation="Pearl\x1b[2J River\u2066 Motors",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(select(User.name)).scalar_one() == "Chen Li"
        assert db.session.execute(select(Organisation.name)).scalar_one() == (
            "Pearl[2J River Motors"
        )


@hostile_settings
@given(email=form_text, password=form_text)
def test_log_in_and_password_reset_with_any_text_get_a_clear_answer(app, email, password):
    client = browser(app)
    page = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    logged_in = client.post(
        "/login",
        data={"csrf_token": form_token(page), "email": email, "password": password},
        headers=ENGLISH,
    )
    assert logged_in.status_code in (200, 401)
    page = client.get("/password/forgot", headers=ENGLISH).get_data(as_text=True)
    reset = client.post(
        "/password/forgot", data={"csrf_token": form_token(page), "email": email}, headers=ENGLISH
    )
    assert reset.status_code in (200, 302)
