"""Where a batch's reports are made: by RQ workers on Redis, or by the web process itself.

``dispatch`` hands a batch's reports to the queue named ``BATCH_QUEUE`` on ``REDIS_URL``.
``flask worker`` runs an RQ worker on that queue inside the app; every report is a job
of its own, so several workers (on several machines sharing ``BATCH_DIR`` and the
database) share a batch, and a report that fails is tried again ``BATCH_RETRIES`` times,
``BATCH_RETRY_INTERVALS`` seconds later. Without ``REDIS_URL`` (the newcomer's default)
the web process that is asked makes the same reports itself, with the same retries, in a
thread of its own once the request is answered (``background``): the request returns at
once and the batch's page follows the reports as they are made. A batch whose process
died before it was finished is taken up again when it is next shown
(``take_up_if_abandoned``).
"""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from redis import Redis
from redis.exceptions import RedisError
from rq import Callback, Queue, Retry, Worker, get_current_job
from rq.exceptions import AbandonedJobError
from rq.job import Job

from assessment.batches import background, service
from assessment.core import locales
from assessment.core.errors import AssessmentError
from assessment.extensions import db
from assessment.models import ReportBatch, utc_now
from assessment.reports import service as reports

log = logging.getLogger(__name__)


class QueueUnavailableError(AssessmentError):
    status_code = 503

    def __init__(self) -> None:
        super().__init__(
            _l(
                "The report queue cannot be reached right now, so the reports have not "
                "started. Your request is kept: try again in a minute."
            )
        )


class ReportAttemptFailedError(Exception):
    """Raised by a job whose report failed this time, so that RQ tries it again."""


def init_jobs(app: Flask) -> None:
    if not app.config.get("BATCH_DIR"):
        app.config["BATCH_DIR"] = str(Path(app.instance_path) / "batches")
    background.init_background(app)
    app.cli.add_command(worker_command)


def redis_connection() -> Redis:
    return Redis.from_url(
        current_app.config["REDIS_URL"], socket_connect_timeout=3, socket_timeout=10
    )


def report_queue(connection: Redis) -> Queue:
    return Queue(current_app.config["BATCH_QUEUE"], connection=connection)


def dispatch(batch: ReportBatch) -> None:
    """Start making the batch's reports: queued for the workers, or, without Redis, handed
    to this process's thread, which makes them after the request."""
    if not current_app.config.get("REDIS_URL"):
        batch.dispatched_at = utc_now()
        db.session.commit()
        if background.possible():
            background.make(batch.id)
        else:  # an in-memory database: no second thread may use it; the request waits
            service.run_inline(batch, current_app.config["BATCH_RETRIES"])
        return
    enqueue(batch)
    batch.dispatched_at = utc_now()
    db.session.commit()


def take_up_if_abandoned(batch: ReportBatch, *, is_finished: bool) -> None:
    """Without Redis: a batch being shown that is unfinished, though started, and that no
    process's thread holds any more (its process died: a restart) is made here, from
    where it stopped. With Redis, abandoned jobs are the workers' business
    (``record_abandoned_report``)."""
    if (
        is_finished
        or batch.dispatched_at is None
        or current_app.config.get("REDIS_URL")
        or not background.possible()
    ):
        return
    background.take_up_if_abandoned(batch.id)


def enqueue(batch: ReportBatch) -> None:
    """One job per report, all queued at once or none (a single Redis transaction)."""
    config = current_app.config
    retries = config["BATCH_RETRIES"]  # RQ refuses Retry(max=0): no retry is None
    retry = Retry(max=retries, interval=list(config["BATCH_RETRY_INTERVALS"])) if retries else None
    try:
        connection = redis_connection()
        queue = report_queue(connection)
        with connection.pipeline() as pipeline:
            queue.enqueue_many(
                [
                    Queue.prepare_data(
                        make_batch_report,
                        args=(item.id,),
                        timeout=config["BATCH_JOB_TIMEOUT"],
                        retry=retry,
                        on_failure=Callback(record_abandoned_report),
                        description=f"report {item.id} of batch {batch.id}",
                    )
                    for item in batch.items
                ],
                pipeline=pipeline,
            )
            pipeline.execute()
    except RedisError as error:
        log.warning("batch %s not queued: Redis cannot be reached (%s)", batch.id, error)
        raise QueueUnavailableError() from error
    log.info("batch %s: %d reports queued on %s", batch.id, len(batch.items), queue.name)


@functools.cache
def _standalone_app() -> Flask:
    """The app of a worker started without ``flask worker`` (e.g. ``rq worker``)."""
    from assessment import create_app

    return create_app()


def worker_app() -> Flask:
    """The app of ``flask worker``, or, in a worker started without it, one made here."""
    return current_app._get_current_object() if has_app_context() else _standalone_app()


def make_batch_report(item_id: int) -> str:
    """RQ job: one report of a batch. Raises when it should be tried again."""
    with worker_app().app_context():
        # A work horse is forked from the worker: never use the parent's connections.
        db.engine.dispose(close=False)
        job = get_current_job()
        outcome = service.run_item(item_id, last_attempt=job is None or not job.retries_left)
    if outcome is service.ItemOutcome.RETRY:
        raise ReportAttemptFailedError(f"report {item_id} failed; it will be tried again")
    return outcome.value


def record_killed_work_horse(job: Job, pid: int, status: int, usage: object) -> None:
    """The process making a report died without a word (killed, out of memory)."""
    if job.func_name != f"{__name__}.{make_batch_report.__name__}" or not job.args:
        return
    _record_interrupted(job)


def record_abandoned_report(
    job: Job, connection: Redis, exc_type: type, exc_value: BaseException, traceback: object
) -> None:
    """RQ failure callback. Only a report whose whole worker died (the machine restarted,
    the worker and its work horse killed together) concerns it: no process was left to
    tell, so the next worker's maintenance finds the job abandoned once its heartbeat has
    expired (90 seconds after the last one; a worker looks when it starts and every ten
    minutes). The report is then tried again, or on its last attempt fails, exactly as a
    killed work horse. Every other failure was already recorded by ``make_batch_report``.
    """
    if not isinstance(exc_value, AbandonedJobError) or not job.args:
        return
    _record_interrupted(job)


def _record_interrupted(job: Job) -> None:
    """The report job's process died: it is tried again, or on its last attempt fails."""
    with worker_app().app_context():
        service.record_interrupted(job.args[0], last_attempt=not job.retries_left)


def prepare_worker() -> None:
    """Load what every report needs once, before work horses are forked from this process:
    each job then starts warm (content, templates, stylesheet, fonts) instead of loading
    them again, which made a report about half as slow again on a busy machine."""
    reports.warm_up()


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Make queued reports and send webhook messages: an RQ worker on WEBHOOK_QUEUE,
    REPORT_AHEAD_QUEUE and BATCH_QUEUE at REDIS_URL."""
    with force_locale(locales.terminal_locale()):
        if not current_app.config.get("REDIS_URL"):
            click.echo(
                _("REDIS_URL is not set: batches of reports are made by the web app itself."),
                err=True,
            )
            sys.exit(1)
        connection = redis_connection()
        try:
            connection.ping()
        except RedisError as error:
            click.echo(_("Redis cannot be reached (REDIS_URL): %(error)s", error=error), err=True)
            sys.exit(1)
    prepare_worker()
    worker = Worker(
        # Webhook messages first (each takes at most seconds, and receivers wait for
        # them), then reports made ahead (someone may be about to download them).
        [
            Queue(current_app.config["WEBHOOK_QUEUE"], connection=connection),
            Queue(current_app.config["REPORT_AHEAD_QUEUE"], connection=connection),
            report_queue(connection),
        ],
        connection=connection,
        work_horse_killed_handler=record_killed_work_horse,
    )
    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
