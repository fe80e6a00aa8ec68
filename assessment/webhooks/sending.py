"""One attempt at delivering a message: take it, sign it, post it, record what came back.

An attempt takes its delivery first, in one conditional update (``claim``): only a
pending delivery that is due may be taken, and taking it counts the attempt and moves
its ``next_attempt_at`` past the attempt's end. So a worker, a thread and a page that
takes up overdue deliveries may all be handed the same delivery: one of them sends it,
the others find nothing to do. An attempt whose process died is due again once that
time has passed, and counts.

The message goes to the address that was checked (``addresses.resolve``), with TLS
verified against the URL's host name; redirects are not followed (a 3xx is a failed
attempt, with its status code recorded), and the receiver has ``WEBHOOK_TIMEOUT``
seconds to answer. A 2xx delivers the message; anything else is tried again after each
of ``WEBHOOK_RETRY_INTERVALS``, then the delivery fails. An address that may not be used
fails at once, without retries.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import urllib3
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, update
from sqlalchemy.exc import SQLAlchemyError

from assessment.config import webhook_retry_intervals
from assessment.core.webhooks import is_success, retry_delay, signature
from assessment.extensions import db
from assessment.models import WebhookDelivery, WebhookDeliveryState, utc_now
from assessment.webhooks.addresses import REFUSAL_MESSAGES, AddressRefusedError, Refusal, resolve

log = logging.getLogger(__name__)

USER_AGENT = "maturity-assessment-webhooks/1"
# How long a taken delivery is held beyond the receiver's timeout before another sender
# may take it (its sender died).
LEASE_MARGIN_SECONDS = 20
# How far a sender's clock may run behind another's (RQ schedules a retry by one
# machine's clock; it is taken by another's).
CLOCK_SKEW_SECONDS = 5

FAILURE_MESSAGES = {
    "status": _l("The receiver answered with an error."),
    "redirect": _l("The receiver answered with a redirect, which is not followed."),
    "timeout": _l("The receiver did not answer in time."),
    "connection": _l("The receiver could not be reached."),
    "tls": _l("The receiver's HTTPS certificate is not valid for its address."),
    "disabled": _l("The endpoint was disabled before the message could be sent."),
    **{refusal.value: message for refusal, message in REFUSAL_MESSAGES.items()},
}


@dataclass(frozen=True)
class Answer:
    """What an attempt got: the receiver's status code, or why there was none."""

    status: int | None = None
    error: str | None = None  # a key of FAILURE_MESSAGES

    @property
    def delivered(self) -> bool:
        return self.status is not None and is_success(self.status)


def retry_intervals() -> tuple[int, ...]:
    return webhook_retry_intervals(current_app.config["WEBHOOK_RETRY_INTERVALS"]) or ()


def max_attempts() -> int:
    return 1 + len(retry_intervals())


def attempt(delivery_id: int) -> float | None:
    """Make one attempt at the delivery, if it is pending and due; the seconds until it
    should be tried again, or None when there is nothing more to do."""
    if not claim(delivery_id):
        return None
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:  # its endpoint was removed meanwhile
        return None
    endpoint = delivery.endpoint
    if not endpoint.active:
        answer = Answer(error="disabled")
    else:
        answer = post(endpoint.url, endpoint.secret, delivery.message_id, delivery.body)
    return _record(delivery, answer)


def claim(delivery_id: int) -> bool:
    """Take the delivery for one attempt, if it is pending and due; counts the attempt."""
    now = utc_now()
    lease = timedelta(seconds=current_app.config["WEBHOOK_TIMEOUT"] + LEASE_MARGIN_SECONDS)
    taken = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.state == WebhookDeliveryState.PENDING,
            or_(
                WebhookDelivery.next_attempt_at.is_(None),
                WebhookDelivery.next_attempt_at <= now + timedelta(seconds=CLOCK_SKEW_SECONDS),
            ),
        )
        .values(
            attempts=WebhookDelivery.attempts + 1,
            last_attempt_at=now,
            next_attempt_at=now + lease,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(taken)


def _record(delivery: WebhookDelivery, answer: Answer) -> float | None:
    delivery.last_status_code = answer.status
    delivery.last_error = None if answer.delivered else (answer.error or "status")
    delivery.last_attempt_at = utc_now()
    delay = None
    if answer.delivered:
        delivery.state = WebhookDeliveryState.DELIVERED
        delivery.next_attempt_at = None
    else:
        permanent = answer.error in {*Refusal, "disabled"} - {Refusal.UNRESOLVABLE}
        delay = None if permanent else retry_delay(delivery.attempts, retry_intervals())
        if delay is None:
            delivery.state = WebhookDeliveryState.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = utc_now() + timedelta(seconds=delay)
    try:
        db.session.commit()
    except SQLAlchemyError:  # removed meanwhile, with its endpoint
        db.session.rollback()
        log.info("webhook delivery %s is gone; its attempt is not recorded", delivery.id)
        return None
    log.info(
        "webhook delivery %s attempt %s: %s",
        delivery.id,
        delivery.attempts,
        answer.status if answer.status is not None else answer.error,
    )
    return delay


def signed_headers(secret: str, message_id: str, body: bytes) -> dict[str, str]:
    timestamp = int(time.time())
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def post(url: str, secret: str, message_id: str, body_text: str) -> Answer:
    """Post the signed message to ``url``, to the address that was checked."""
    config = current_app.config
    try:
        target = resolve(url, allow_private=config["WEBHOOK_ALLOW_PRIVATE"])
    except AddressRefusedError as refused:
        return Answer(error=refused.refusal.value)
    body = body_text.encode()
    headers = {**signed_headers(secret, message_id, body), "host": target.host_header}
    timeout = urllib3.Timeout(total=config["WEBHOOK_TIMEOUT"])
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port)
    try:
        with pool:
            response = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers=headers,
                redirect=False,
                retries=False,
                timeout=timeout,
                preload_content=False,
                assert_same_host=False,
            )
            status = response.status
            response.release_conn()
    except urllib3.exceptions.SSLError:
        return Answer(error="tls")
    except urllib3.exceptions.NewConnectionError:  # refused; urllib3 files it under timeouts
        return Answer(error="connection")
    except (urllib3.exceptions.TimeoutError, TimeoutError):
        return Answer(error="timeout")
    except (urllib3.exceptions.HTTPError, OSError):
        return Answer(error="connection")
    if 300 <= status < 400:
        return Answer(status=status, error="redirect")
    return Answer(status=status, error=None if is_success(status) else "status")
