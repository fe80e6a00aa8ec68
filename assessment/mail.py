"""E-mail to people: invitations, password-reset links, new accounts.

With ``MAIL_SERVER`` set, messages go out through that SMTP server (Flask-Mailman).
Without it (the newcomer's default) nothing is sent: each message is written to the
``assessment.mail`` log, and the pages say so, so that an operator or the inviter can pass
the link on. A message is plain text in the language of the page that caused it; its
template's first line is the subject (``templates/mail/``).
"""

from __future__ import annotations

import enum
import logging
import smtplib

from flask import Flask, current_app, render_template
from flask_mailman import EmailMessage, Mail
from flask_mailman.backends.base import BaseEmailBackend

log = logging.getLogger(__name__)  # "assessment.mail"
mail = Mail()


class Delivery(enum.Enum):
    SENT = "sent"  # accepted by the mail server
    LOGGED = "logged"  # no mail server configured: written to the log
    FAILED = "failed"  # the mail server could not be reached or refused it


class LogBackend(BaseEmailBackend):
    """Flask-Mailman backend of an app without a mail server: each message to the log."""

    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        for message in email_messages:
            log.info("mail to %s: %s\n%s", ", ".join(message.to), message.subject, message.body)
        return len(email_messages)


def init_mail(app: Flask) -> None:
    """Flask-Mailman's settings from the app's ``MAIL_*`` configuration (checked before
    this runs: see ``config.configuration_problems``)."""
    config = app.config
    if config.get("MAIL_SERVER"):
        security = (config.get("MAIL_SECURITY") or "starttls").lower()
        config["MAIL_BACKEND"] = "smtp"
        config["MAIL_PORT"] = int(config.get("MAIL_PORT") or 587)
        config["MAIL_USE_TLS"] = security == "starttls"
        config["MAIL_USE_SSL"] = security == "ssl"
    else:
        config["MAIL_BACKEND"] = LogBackend
    config.setdefault("MAIL_TIMEOUT", 10)
    mail.init_app(app)


def is_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send(to: str, template: str, **context: object) -> Delivery:
    """Render ``templates/mail/<template>.txt`` in the current language and send it to
    ``to``. A failure is logged for the operators, never raised: the caller tells the
    person what to do instead."""
    subject, _blank, body = render_template(f"mail/{template}.txt", **context).partition("\n\n")
    subject = " ".join(subject.split())  # one line, whatever a name in it holds
    message = EmailMessage(subject=subject, body=body.strip() + "\n", to=[to])
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        log.error("a %s mail could not be sent: %s", template, error)
        return Delivery.FAILED
    return Delivery.SENT if is_configured() else Delivery.LOGGED
