"""With Redis, reports are made ahead by the workers when an assessment is submitted or its
commentary saved; a download while a worker is making one says so, then serves it."""

from pathlib import Path

import redis
from rq import Queue
from rq.job import Job, JobStatus
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import Assessment, StoredReport
from assessment.reports import ahead
from tests.batches import conftest as batches_world
from tests.batches.conftest import (
    ENGLISH,
    REDIS_URL,
    build_world,
    client_as,
    run_worker,
)
from tests.conftest import form_token
from tests.reports.conftest import pdf_text
from tests.reports.test_safety_and_commentary import save_commentary

# The batches' fixture: an app on a database and a Redis that worker processes share.
redis_app = batches_world.redis_app


def ahead_queue(app):
    return Queue(app.config["REPORT_AHEAD_QUEUE"], connection=redis.Redis.from_url(REDIS_URL))


def stored(app):
    with app.app_context():
        return sorted(
            db.session.execute(
                select(StoredReport.assessment_id, StoredReport.language, StoredReport.fingerprint)
            ).all()
        )


def token_of(app, assessment_id):
    with app.app_context():
        return db.session.get(Assessment, assessment_id).resume_token


def stored_files(app):
    root = Path(app.config["BATCH_DIR"]) / "stored"
    return {path.name: path.stat().st_mtime_ns for path in root.rglob("*.pdf")}


def test_submitting_queues_both_reports_and_a_worker_stores_them(redis_app):
    world = build_world(redis_app)  # submits Alpha's and Beta's assessments
    assert ahead_queue(redis_app).count == 4  # two assessments, two languages each
    assert stored(redis_app) == []

    run_worker(redis_app)

    made = stored(redis_app)
    assert [(row.assessment_id, row.language) for row in made] == [
        (world["alpha_assessment"], "en"),
        (world["alpha_assessment"], "zh-CN"),
        (world["beta_assessment"], "en"),
        (world["beta_assessment"], "zh-CN"),
    ]
    files = stored_files(redis_app)
    client = client_as(redis_app, "consultant")
    token = token_of(redis_app, world["alpha_assessment"])
    with client.get(f"/a/{token}/report.pdf?lang=en") as response:
        assert response.status_code == 200
        assert "Executive summary" in pdf_text(response.data)
    assert stored_files(redis_app) == files  # served as the worker made it


def test_saving_commentary_queues_the_reports_again(redis_app):
    world = build_world(redis_app)
    run_worker(redis_app)
    before = stored(redis_app)
    client = client_as(redis_app, "consultant")
    token = token_of(redis_app, world["beta_assessment"])

    save_commentary(client, token, {"executive_summary": "Made ahead with this note."})

    assert ahead_queue(redis_app).count == 2
    run_worker(redis_app)
    after = stored(redis_app)
    changed = {(row.assessment_id, row.language) for row in set(after) - set(before)}
    assert changed == {(world["beta_assessment"], "en"), (world["beta_assessment"], "zh-CN")}
    with client.get(f"/a/{token}/report.pdf?lang=en") as response:
        assert "Made ahead with this note." in pdf_text(response.data)


def test_saving_target_levels_queues_the_latest_reports_again(redis_app):
    world = build_world(redis_app)
    run_worker(redis_app)
    before = stored(redis_app)
    client = client_as(redis_app, "consultant")
    url = f"/organisations/{world['beta']}/targets"

    token = form_token(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token, "level_cost": "4"}).status_code == 302

    assert ahead_queue(redis_app).count == 2
    run_worker(redis_app)
    changed = {(row.assessment_id, row.language) for row in set(stored(redis_app)) - set(before)}
    assert changed == {(world["beta_assessment"], "en"), (world["beta_assessment"], "zh-CN")}


def test_a_queued_report_no_worker_has_started_is_made_at_once(redis_app):
    world = build_world(redis_app)
    client = client_as(redis_app, "consultant")
    token = token_of(redis_app, world["alpha_assessment"])
    with client.get(f"/a/{token}/report.pdf?lang=zh-CN") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
    # The worker, when it comes to it, finds the report stored and leaves it.
    files = stored_files(redis_app)
    run_worker(redis_app)
    assert {name: files[name] for name in files} == {
        name: when for name, when in stored_files(redis_app).items() if name in files
    }


def test_a_report_a_worker_is_making_is_announced_then_served(redis_app):
    world = build_world(redis_app)
    client = client_as(redis_app, "consultant")
    token = token_of(redis_app, world["alpha_assessment"])
    with redis_app.test_request_context():
        assessment = db.session.get(Assessment, world["alpha_assessment"])
        from assessment.reports import store

        job_id = ahead.job_id(assessment.id, "en", store.fingerprint_of(assessment, "en"))
    # The state a worker puts the job in when it takes it.
    Job.fetch(job_id, connection=redis.Redis.from_url(REDIS_URL)).set_status(JobStatus.STARTED)

    waiting = client.get(f"/a/{token}/report.pdf?lang=en", headers=ENGLISH)
    assert waiting.status_code == 202
    page = waiting.get_data(as_text=True)
    assert "Your report is being prepared" in page
    assert 'http-equiv="refresh"' in page  # without JavaScript, it asks again
    status_url = f"/a/{token}/report-status?lang=en"
    assert f'data-report-status-url="{status_url}"' in page
    assert client.get(status_url).get_json() == {"ready": False}
    assert stored(redis_app) == []  # the page made nothing itself

    run_worker(redis_app)

    assert client.get(status_url).get_json() == {"ready": True}
    files = stored_files(redis_app)
    with client.get(f"/a/{token}/report.pdf?lang=en") as response:
        assert response.status_code == 200
        assert "Executive summary" in pdf_text(response.data)
    assert stored_files(redis_app) == files


def test_an_unreachable_queue_loses_nothing_the_first_download_makes_the_report(redis_app):
    redis_app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    world = build_world(redis_app)  # submitting still works
    client = client_as(redis_app, "consultant")
    token = token_of(redis_app, world["alpha_assessment"])
    with client.get(f"/a/{token}/report.pdf?lang=en") as response:
        assert response.status_code == 200
    assert len(stored(redis_app)) == 1
