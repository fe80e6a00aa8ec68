"""Reports made ahead: with a queue (``REDIS_URL``), an assessment's reports in both
languages are made by the workers as soon as it is submitted or its commentary is saved,
so that whoever downloads one gets the stored file at once. Without a queue the first
download makes it.

Each job is named after the report's fingerprint, so a report already queued is not
queued twice, and a download can tell whether a worker is making that very report right
now (it then says so and waits) or not (it makes the report itself rather than wait for
a busy queue).
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from assessment import events
from assessment.batches.jobs import redis_connection, worker_app
from assessment.core.errors import AssessmentError
from assessment.extensions import db
from assessment.models import Assessment
from assessment.reports import store
from assessment.reports.service import LANGUAGES

log = logging.getLogger(__name__)

KEEP_FINISHED_SECONDS = 600  # how long Redis remembers a job once it is done


def init_ahead(app: Flask) -> None:
    events.report_inputs_changed.connect(queue_reports)


def job_id(assessment_id: int, language: str, fingerprint: str) -> str:
    return f"report-{assessment_id}-{language}-{fingerprint[:24]}"


def ahead_queue() -> Queue:
    return Queue(current_app.config["REPORT_AHEAD_QUEUE"], connection=redis_connection())


def queue_reports(app: Flask, assessment: Assessment) -> None:
    """Queue the reports of ``assessment`` in every language, unless stored or queued
    already. A queue that cannot be reached is logged: the first download makes them."""
    if not app.config.get("REDIS_URL") or not assessment.is_submitted:
        return
    try:
        queue = ahead_queue()
        with queue.connection.pipeline() as pipeline:
            queue.enqueue_many(
                [
                    Queue.prepare_data(
                        make_report_ahead,
                        args=(assessment.id, language),
                        job_id=job_id(assessment.id, language, fingerprint),
                        timeout=app.config["BATCH_JOB_TIMEOUT"],
                        result_ttl=KEEP_FINISHED_SECONDS,
                        failure_ttl=KEEP_FINISHED_SECONDS,
                        description=f"report of assessment {assessment.id} in {language}",
                    )
                    for language, fingerprint in _missing(assessment).items()
                ],
                pipeline=pipeline,
            )
            pipeline.execute()
    except RedisError as error:
        log.warning("reports of assessment %s not queued ahead: %s", assessment.id, error)
    except AssessmentError:  # no longer reportable (its content is missing)
        log.warning("reports of assessment %s cannot be made", assessment.id)


def _missing(assessment: Assessment) -> dict[str, str]:
    """The languages whose report is not stored as it is now, with their fingerprints."""
    missing = {}
    for language in LANGUAGES:
        fingerprint = store.fingerprint_of(assessment, language)
        stored = store.open_stored(assessment, language, fingerprint)
        if stored is None:
            missing[language] = fingerprint
        else:
            stored.close()
    return missing


def being_made(assessment: Assessment, language: str, fingerprint: str) -> bool:
    """Whether a worker is making this very report (this fingerprint) right now."""
    if not current_app.config.get("REDIS_URL"):
        return False
    try:
        job = Job.fetch(job_id(assessment.id, language, fingerprint), redis_connection())
        return job.get_status() == JobStatus.STARTED
    except (NoSuchJobError, RedisError):
        return False


def make_report_ahead(assessment_id: int, language: str) -> str:
    """RQ job: store the report of an assessment in one language, unless it is already."""
    with worker_app().app_context():
        # A work horse is forked from the worker: never use the parent's connections.
        db.engine.dispose(close=False)
        assessment = db.session.get(Assessment, assessment_id)
        if assessment is None:
            return "deleted"
        fingerprint = store.fingerprint_of(assessment, language)
        stored = store.open_stored(assessment, language, fingerprint)
        if stored is not None:
            stored.close()
            return "stored already"
        store.make_and_store(assessment, language, fingerprint)
        return "made"
