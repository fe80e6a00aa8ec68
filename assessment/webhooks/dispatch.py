"""Who sends the messages: RQ workers, or a thread of the web process, or the request.

With ``REDIS_URL`` each delivery is a job on ``WEBHOOK_QUEUE``, sent by ``flask worker``
(which takes that queue first); a failed attempt raises, and RQ runs the job again after
each of ``WEBHOOK_RETRY_INTERVALS``. Without it (the newcomer's default), the web process
sends them itself, once the request is answered, from one thread of its own
(``DeliverySender``), which keeps the retries waiting in memory. Either way the database
says what is due (``sending.claim``): a delivery whose process stopped before its retry
(a restart) is taken up when its organisation's webhooks page is next shown
(``take_up_overdue``). On an in-memory SQLite database (the tests' default), which no
second thread may use, the attempts are made in the request, as long as the next one is
due at once (retry intervals of 0); a later one waits for the page to take it up.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from datetime import timedelta

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from assessment.batches import background
from assessment.batches.jobs import redis_connection, worker_app
from assessment.extensions import db
from assessment.models import WebhookDelivery, WebhookDeliveryState, utc_now
from assessment.webhooks import sending

log = logging.getLogger(__name__)

EXTENSION = "webhook_sender"
JOB_TIMEOUT = 60  # seconds: one attempt takes at most WEBHOOK_TIMEOUT and a DNS look-up
# A pending delivery this long past its time has nobody sending it (its process stopped,
# or the queue could not be reached): showing its organisation's page hands it out again.
OVERDUE_SECONDS = 120
TAKE_UP_AT_ONCE = 100


class DeliveryAttemptFailedError(Exception):
    """Raised by a job whose attempt failed, so that RQ tries it again."""


def init_dispatch(app: Flask) -> None:
    app.extensions[EXTENSION] = DeliverySender(app)


def dispatch(delivery_ids: list[int]) -> None:
    """Start sending these (committed) deliveries."""
    if not delivery_ids:
        return
    if current_app.config.get("REDIS_URL"):
        enqueue(delivery_ids)
    elif background.possible():
        sender = current_app.extensions[EXTENSION]
        for delivery_id in delivery_ids:
            sender.hand(delivery_id, delay=0)
    else:  # an in-memory database: no second thread may use it
        for delivery_id in delivery_ids:
            while sending.attempt(delivery_id) is not None:
                pass


def enqueue(delivery_ids: list[int]) -> None:
    intervals = sending.retry_intervals()
    retry = Retry(max=len(intervals), interval=list(intervals)) if intervals else None
    try:
        queue = Queue(current_app.config["WEBHOOK_QUEUE"], connection=redis_connection())
        with queue.connection.pipeline() as pipeline:
            queue.enqueue_many(
                [
                    Queue.prepare_data(
                        deliver,
                        args=(delivery_id,),
                        timeout=JOB_TIMEOUT,
                        retry=retry,
                        description=f"webhook delivery {delivery_id}",
                    )
                    for delivery_id in delivery_ids
                ],
                pipeline=pipeline,
            )
            pipeline.execute()
    except RedisError as error:  # kept pending: taken up when the page is next shown
        log.warning("webhook deliveries %s not queued: %s", delivery_ids, error)


def deliver(delivery_id: int) -> str:
    """RQ job: one attempt at a delivery; raises when it should be tried again."""
    with worker_app().app_context():
        # A work horse is forked from the worker: never use the parent's connections.
        db.engine.dispose(close=False)
        retry_in = sending.attempt(delivery_id)
    if retry_in is not None:
        raise DeliveryAttemptFailedError(f"webhook delivery {delivery_id} will be tried again")
    return "done"


def take_up_overdue(organisation_id: int) -> int:
    """Hand out again the organisation's pending deliveries that nobody is sending; how
    many."""
    overdue = list(
        db.session.execute(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.state == WebhookDeliveryState.PENDING,
                WebhookDelivery.next_attempt_at < utc_now() - timedelta(seconds=OVERDUE_SECONDS),
                WebhookDelivery.organisation_id == organisation_id,
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(TAKE_UP_AT_ONCE)
        ).scalars()
    )
    if overdue:
        log.warning("webhook deliveries %s were overdue; handed out again", overdue)
        dispatch(overdue)
    return len(overdue)


def wait_until_idle(app: Flask, timeout: float | None = None) -> bool:
    """Wait until this process's thread has sent (or given up) every delivery it holds,
    retries included; False when ``timeout`` seconds passed first. For tests."""
    return app.extensions[EXTENSION].wait_until_idle(timeout)


class DeliverySender:
    """This process's thread sending deliveries, each when it is due, one at a time."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._changed = threading.Condition()  # guards everything below
        self._due: list[tuple[float, int, int]] = []  # a heap of (when, order, delivery id)
        self._order = itertools.count()
        self._busy = False
        self._thread: threading.Thread | None = None

    def hand(self, delivery_id: int, delay: float) -> None:
        with self._changed:
            heapq.heappush(self._due, (time.monotonic() + delay, next(self._order), delivery_id))
            self._changed.notify_all()
            if self._thread is None or not self._thread.is_alive():  # none yet, or forked
                self._thread = threading.Thread(
                    target=self._work, name="webhook-sender", daemon=True
                )
                self._thread.start()

    def wait_until_idle(self, timeout: float | None) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: not self._due and not self._busy, timeout)

    def _work(self) -> None:
        while (delivery_id := self._next()) is not None:
            retry_in = None
            try:
                with self._app.app_context():
                    retry_in = sending.attempt(delivery_id)
            except SQLAlchemyError:
                # The database unreachable: the delivery stays pending, and is taken up
                # again when its organisation's page is next shown.
                log.exception("webhook delivery %s: attempt not made", delivery_id)
            with self._changed:
                if retry_in is not None:
                    due = time.monotonic() + retry_in
                    heapq.heappush(self._due, (due, next(self._order), delivery_id))
                self._busy = False
                self._changed.notify_all()

    def _next(self) -> int | None:
        with self._changed:
            while self._due:
                wait = self._due[0][0] - time.monotonic()
                if wait <= 0:
                    self._busy = True
                    return heapq.heappop(self._due)[2]
                self._changed.wait(wait)
            if self._thread is threading.current_thread():
                self._thread = None
            return None
