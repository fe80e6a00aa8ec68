"""A company signs itself up: the form asks it to check its e-mail, whatever the address;
the link mailed to a new address creates the account and an owned organisation, and the
company sees only its own. The holder of an address that has an account is told instead,
and nothing is created."""

import re

from sqlalchemy import select, update

from assessment.accounts import service as accounts
from assessment.extensions import db
from assessment.models import Engagement, Membership, Organisation, PendingSignUp, User, utc_now
from tests.accounts.conftest import link_in, mails_to
from tests.accounts.conftest import log_in as try_log_in
from tests.conftest import form_token
from tests.reports.conftest import DEMO_CONSULTANT, log_in

ENGLISH = {"Accept-Language": "en"}
PASSWORD = "a long enough password"
FINISH = "/signup/finish/"


def sign_up(client, **overrides):
    page = client.get("/signup", headers=ENGLISH).get_data(as_text=True)
    data = {
        "csrf_token": form_token(page),
        "name": "Chen Li",
        "email": "chen@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "organisation": "Pearl River Motors",
        "industry": "discrete_manufacturing",
        "size_band": "large",
        "region": "Guangzhou",
        **overrides,
    }
    return client.post("/signup", data=data, headers=ENGLISH)


def finish(client, link, password=PASSWORD):
    """Open a sign-up link and send the password chosen on the form."""
    page = client.get(link, headers=ENGLISH).get_data(as_text=True)
    return client.post(
        link, data={"csrf_token": form_token(page), "password": password}, headers=ENGLISH
    )


def signed_up(client, mail_log, email="chen@example.com", **overrides):
    """Sign up, and the link the e-mail to the address holds."""
    assert sign_up(client, email=email, **overrides).status_code == 302
    return link_in(mails_to(mail_log, email)[-1], FINISH)


def everything_stored(app):
    """Accounts, organisations, memberships and sign-ups waiting for their link."""
    with app.app_context():
        return (
            db.session.execute(select(User.email, User.password_hash)).all(),
            db.session.execute(select(Organisation.name)).all(),
            db.session.execute(select(Membership.user_id, Membership.organisation_id)).all(),
            db.session.execute(select(PendingSignUp.email)).all(),
        )


def test_sign_up_mails_a_link_that_creates_the_account_and_an_owned_organisation(
    app, client, mail_log
):
    response = sign_up(client)
    assert response.status_code == 302
    sent = client.get(response.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert "Check your e-mail" in sent
    assert "We have sent an e-mail to chen@example.com." in sent
    assert try_log_in(app.test_client(), "chen@example.com", PASSWORD).status_code == 401

    [mail] = mails_to(mail_log, "chen@example.com")
    assert mail.startswith("Finish signing up\n")
    link = link_in(mail, FINISH)
    page = client.get(link, headers=ENGLISH).get_data(as_text=True)
    assert "Pearl River Motors" in page
    finished = finish(client, link)
    assert finished.headers["Location"] == "/organisations"
    page = client.get("/organisations", headers=ENGLISH).get_data(as_text=True)
    assert "Welcome. Your organisation is set up" in page
    assert "Pearl River Motors" in page
    assert "Start an assessment" in page
    with app.app_context():
        membership = db.session.execute(select(Membership)).scalar_one()
        assert membership.role == "owner"
        assert (membership.user.name, membership.organisation.region) == ("Chen Li", "Guangzhou")
    action = re.search(r'action="(/organisations/\d+/assessments)"', page)[1]
    started = client.post(action, data={"csrf_token": form_token(page)})
    assert "/dimension/model" in started.headers["Location"]
    page = client.get("/organisations", headers=ENGLISH).get_data(as_text=True)
    assert "In progress" in page
    assert try_log_in(app.test_client(), "chen@example.com", PASSWORD).status_code == 302


def test_the_form_answers_the_same_whether_or_not_the_address_has_an_account(app, mail_log):
    with app.app_context():
        accounts.create_user("chen@example.com", "the holder's own password", name="Chen")
    before = everything_stored(app)
    taken = sign_up(app.test_client(), email="CHEN@example.com")
    new = sign_up(app.test_client(), email="new@example.com")

    assert taken.status_code == new.status_code == 302
    assert taken.headers["Location"] == new.headers["Location"] == "/signup/sent"

    # The holder is told, and may log in or choose a new password; nothing is created.
    [mail] = mails_to(mail_log, "chen@example.com")
    assert mail.startswith("Someone tried to sign up with your address\n")
    assert "http://localhost/login" in mail
    assert FINISH not in mail
    reset = link_in(mail, "/password/reset/")
    assert app.test_client().get(reset, headers=ENGLISH).status_code == 200
    stored = everything_stored(app)
    assert stored[:3] == before[:3]
    assert stored[3] == [("new@example.com",)]
    holder = ("chen@example.com", "the holder's own password")
    assert try_log_in(app.test_client(), "chen@example.com", PASSWORD).status_code == 401
    assert try_log_in(app.test_client(), *holder).status_code == 302


def test_both_answers_show_the_same_page_but_for_the_address(app, mail_log):
    with app.app_context():
        accounts.create_user("chen@example.com", "the holder's own password")
    pages = []
    for email in ("chen@example.com", "li@example.com"):
        client = app.test_client()
        sent = sign_up(client, email=email)
        page = client.get(sent.headers["Location"], headers=ENGLISH)
        assert page.status_code == 200
        pages.append(page.get_data(as_text=True).replace(email, "ADDRESS"))
    without_form_tokens = [re.sub(r'value="[^"]{40,}"', "", page) for page in pages]
    assert without_form_tokens[0] == without_form_tokens[1]


def test_the_mail_to_a_new_address_holds_nothing_typed_into_the_form_but_the_address(
    client, mail_log
):
    sign_up(client, name="Visit evil.example", organisation="Prize at evil.example", region="x")
    [mail] = mails_to(mail_log, "chen@example.com")
    assert "evil.example" not in mail


def test_the_link_asks_for_the_password_chosen_on_the_form(app, client, mail_log):
    """Whoever opens the link must know the password: a link reaching someone who never
    signed up creates nothing."""
    link = signed_up(client, mail_log)
    before = everything_stored(app)
    wrong = finish(app.test_client(), link, password="a password I never chose")
    assert wrong.status_code == 400
    assert "This is not the password you chose when you signed up." in wrong.get_data(as_text=True)
    assert everything_stored(app) == before
    assert finish(app.test_client(), link).headers["Location"] == "/organisations"


def test_a_sign_up_link_works_once(app, client, mail_log):
    link = signed_up(client, mail_log)
    assert finish(client, link).status_code == 302
    again = app.test_client().get(link, headers=ENGLISH)
    assert again.status_code == 400
    assert "This sign-up link has been used already." in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(Organisation.name)).scalars().all() == [
            "Pearl River Motors"
        ]


def test_once_one_sign_up_is_finished_the_others_for_its_address_no_longer_work(app, mail_log):
    first = signed_up(app.test_client(), mail_log, organisation="First Motors")
    second = signed_up(app.test_client(), mail_log, organisation="Second Motors")
    assert finish(app.test_client(), second).status_code == 302
    refused = finish(app.test_client(), first)
    assert refused.status_code == 400
    assert "has been used already" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(Organisation.name)).scalars().all() == ["Second Motors"]


def test_an_expired_sign_up_link_says_so_and_creates_nothing(app, client, mail_log):
    link = signed_up(client, mail_log)
    with app.app_context():
        db.session.execute(update(PendingSignUp).values(expires_at=utc_now()))
        db.session.commit()
    before = everything_stored(app)
    opened = client.get(link, headers=ENGLISH)
    assert opened.status_code == 400
    assert "This sign-up link has expired. Please sign up again." in opened.get_data(as_text=True)
    token = form_token(client.get("/signup").get_data(as_text=True))
    posted = client.post(link, data={"csrf_token": token, "password": PASSWORD})
    assert posted.status_code == 400
    assert everything_stored(app) == before


def test_a_link_for_an_address_that_got_an_account_meanwhile_says_so(app, client, mail_log):
    link = signed_up(client, mail_log)
    with app.app_context():
        accounts.create_user("chen@example.com", "made by an administrator")
    opened = client.get(link, headers=ENGLISH)
    assert opened.status_code == 400
    assert "An account for this address exists already." in opened.get_data(as_text=True)
    assert finish(client, link).status_code == 400
    with app.app_context():
        assert db.session.execute(select(Organisation)).first() is None


def test_a_forged_sign_up_link_is_refused(client, mail_log):
    link = signed_up(client, mail_log)
    for forged in (link[:-4] + "AAAA", FINISH + "not-a-link"):
        response = client.get(forged, headers=ENGLISH)
        assert response.status_code == 400
        assert "This sign-up link is not valid. Please sign up again." in response.get_data(
            as_text=True
        )


def test_sign_up_refuses_bad_choices_and_short_passwords_and_mails_nothing(app, client, mail_log):
    before = everything_stored(app)
    bad = sign_up(client, industry="piracy")
    assert bad.status_code == 400
    assert "Not a valid choice" in bad.get_data(as_text=True)
    short = sign_up(client, password="short", confirm="short")
    assert short.status_code == 400
    assert everything_stored(app) == before
    assert mails_to(mail_log, "chen@example.com") == []


def test_people_see_only_their_own_organisations(app, client, runner, mail_log):
    runner.invoke(args=["demo"])
    finish(client, signed_up(client, mail_log))
    page = client.get("/organisations", headers=ENGLISH).get_data(as_text=True)
    assert re.findall(r"<h2>(?:<a [^>]*>)?([^<]+)", page) == ["Pearl River Motors"]
    consultant = app.test_client()
    log_in(consultant, *DEMO_CONSULTANT)
    names = re.findall(
        r"<h2>(?:<a [^>]*>)?([^<]+)", consultant.get("/organisations").get_data(as_text=True)
    )
    with app.app_context():
        served = select(Organisation).join(Engagement)  # the demo firm's clients
        demo_names = {o.name for o in db.session.execute(served).scalars()}
    assert len(demo_names) == 3
    assert set(names) == demo_names
