"""Mail through a real SMTP server (aiosmtpd on loopback): invitations, password resets
and new accounts arrive in the language of the page that sent them; a mail server that is
down loses nothing and the person is told what to do instead."""

import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller

from assessment import create_app
from assessment.accounts import service as accounts
from assessment.config import ConfigurationError, TestingConfig
from assessment.extensions import db
from assessment.mail import init_mail
from assessment.models import Invitation, Organisation
from tests.accounts.conftest import ENGLISH, PASSWORD, log_in, post, send_invitation

SENDER = "Maturity assessment <noreply@assessment.example>"
CHINESE = {"Accept-Language": "zh-CN"}


class Inbox:
    """An SMTP server's handler: every message it accepts, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def only(self):
        assert len(self.messages) == 1, [m["Subject"] for _to, m in self.messages]
        recipients, message = self.messages[0]
        return recipients, message, message.get_content()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again: nothing listens there


@pytest.fixture
def inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def send_mail_to(app, port):
    """The test app (its database), its mail now going to an SMTP server on ``port``."""
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(port),
        MAIL_SECURITY="none",
        MAIL_DEFAULT_SENDER=SENDER,
    )
    init_mail(app)
    return app


@pytest.fixture
def mail_app(app, inbox):
    return send_mail_to(app, inbox.port)


def test_an_invitation_arrives_by_mail_in_the_inviters_language_and_its_link_works(
    mail_app, inbox, owner, organisation
):
    send_invitation(owner, organisation, "wang.fang@acme.example", "join:owner", CHINESE)

    recipients, message, body = inbox.only()
    assert recipients == ["wang.fang@acme.example"]
    assert message["From"] == SENDER
    assert message["Subject"] == "加入Acme <b>Precision</b>的邀请"  # plain text: no escaping
    assert "您受邀以负责人身份加入Acme <b>Precision</b>：" in body
    link = re.search(r"http://localhost(/invitations/\S+)", body)[1]
    shown = owner.get(f"/organisations/{organisation['id']}/people", headers=CHINESE).text
    assert "邀请已发送至 wang.fang@acme.example。" in shown
    invited = mail_app.test_client().get(link, headers=ENGLISH)
    assert invited.status_code == 200
    assert "You are invited to join Acme &lt;b&gt;Precision&lt;/b&gt; as an owner" in invited.text


def test_a_password_reset_arrives_by_mail_and_its_link_sets_the_password(mail_app, inbox):
    with mail_app.app_context():
        accounts.create_user("ada@example.com", PASSWORD, name="Ada")
    client = mail_app.test_client()
    post(client, "/password/forgot", "/password/forgot", {"email": "ada@example.com"})
    post(client, "/password/forgot", "/password/forgot", {"email": "nobody@example.com"})

    recipients, message, body = inbox.only()  # none for the unknown address
    assert recipients == ["ada@example.com"]
    assert message["Subject"] == "Choose a new password"
    link = re.search(r"http://localhost(/password/reset/\S+)", body)[1]
    new = "a brand new passphrase"
    done = post(client, link, link, {"password": new, "confirm": new})
    assert done.headers["Location"] == "/login"
    assert log_in(client, "ada@example.com", new).status_code == 302


def test_when_the_mail_server_is_down_the_invitation_is_kept_and_its_link_shown(
    app, owner, organisation
):
    down = send_mail_to(app, free_port())
    send_invitation(owner, organisation, "li.lei@acme.example", "join:respondent")
    shown = owner.get(f"/organisations/{organisation['id']}/people", headers=ENGLISH).text
    assert "The e-mail to li.lei@acme.example could not be sent: pass this link on" in shown
    link = re.search(r"http://localhost(/invitations/[^\s<]+)", shown)[1]
    with down.app_context():
        assert db.session.query(Invitation).filter_by(email="li.lei@acme.example").count() == 1
    assert down.test_client().get(link, headers=ENGLISH).status_code == 200

    # Asking for a password reset says the same as ever: nothing tells whether mail went.
    forgot = post(owner, "/password/forgot", "/password/forgot", {"email": "owner@acme.example"})
    assert forgot.status_code == 302


def test_without_a_mail_server_the_inviter_is_told_to_pass_the_link_on(app, owner, organisation):
    send_invitation(owner, organisation, "li.lei@acme.example", "join:respondent")
    shown = owner.get(f"/organisations/{organisation['id']}/people", headers=ENGLISH).text
    assert "No mail server is set up here, so no e-mail was sent: pass this link on" in shown


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        (
            {"MAIL_SERVER": "smtp.example.com", "MAIL_DEFAULT_SENDER": None},
            "Configuration error: MAIL_SERVER is set but MAIL_DEFAULT_SENDER is not",
        ),
        ({"MAIL_PORT": "smtp"}, "Configuration error: MAIL_PORT is 'smtp'; it must be a port"),
        ({"MAIL_PORT": "70000"}, "Configuration error: MAIL_PORT is '70000'"),
        ({"MAIL_SECURITY": "tls"}, "Configuration error: MAIL_SECURITY is 'tls'; it must be"),
    ],
)
def test_unusable_mail_settings_stop_the_app_with_what_to_set(monkeypatch, settings, problem):
    monkeypatch.setenv("LANG", "C.UTF-8")
    base = {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}
    with pytest.raises(ConfigurationError) as refused:
        create_app({**base, **settings})
    assert any(line.startswith(problem) for line in refused.value.problems), refused.value.problems


def test_a_name_with_a_line_break_still_makes_a_one_line_subject(
    mail_app, inbox, owner, organisation
):
    with mail_app.app_context():
        acme = db.session.get(Organisation, organisation["id"])
        acme.name = "Acme\nPrecision"  # stored text turns Unicode line separators into \n
        db.session.commit()
    send_invitation(owner, organisation, "li.lei@acme.example", "join:respondent")
    _recipients, message, _body = inbox.only()
    assert message["Subject"] == "Invitation to Acme Precision"


def send_sign_up(client, email):
    fields = {
        "name": "Chen Li",
        "email": email,
        "password": PASSWORD,
        "confirm": PASSWORD,
        "organisation": "Pearl River Motors",
        "industry": "discrete_manufacturing",
        "size_band": "large",
    }
    return post(client, "/signup", "/signup", fields)


def test_sign_up_mails_a_new_address_its_link_and_an_account_holder_a_warning(mail_app, inbox):
    with mail_app.app_context():
        accounts.create_user("ada@example.com", "the holder's own password")
    client = mail_app.test_client()
    assert send_sign_up(client, "ada@example.com").headers["Location"] == "/signup/sent"
    assert send_sign_up(client, "chen@example.com").headers["Location"] == "/signup/sent"

    (holder_to, holder, holder_body), (new_to, new, new_body) = (
        (to, message, message.get_content()) for to, message in inbox.messages
    )
    assert holder_to == ["ada@example.com"]
    assert holder["Subject"] == "Someone tried to sign up with your address"
    assert "http://localhost/login" in holder_body
    assert re.search(r"http://localhost/password/reset/\S+", holder_body)
    assert new_to == ["chen@example.com"]
    assert new["Subject"] == "Finish signing up"
    link = re.search(r"http://localhost(/signup/finish/\S+)", new_body)[1]
    done = post(client, link, link, {"password": PASSWORD})
    assert done.headers["Location"] == "/organisations"
    assert log_in(mail_app.test_client(), "chen@example.com").status_code == 302
