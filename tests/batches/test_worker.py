"""Batches of reports on Redis, made by a real ``flask worker`` in a process of its own."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis
from rq import Queue
from rq.registry import StartedJobRegistry
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import Assessment, ReportBatch, ReportBatchItem
from tests.batches.conftest import (
    ALPHA,
    BETA,
    ENGLISH,
    REDIS_URL,
    ask_for_batch,
    build_world,
    client_as,
    download_zip,
    run_worker,
    worker_command,
)

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def queued_jobs(app):
    return Queue(app.config["BATCH_QUEUE"], connection=redis.Redis.from_url(REDIS_URL)).count


def batch_world(app):
    """The world of ``build_world``, without the reports its submissions queued ahead:
    each batch here makes its reports itself."""
    world = build_world(app)
    Queue(app.config["REPORT_AHEAD_QUEUE"], connection=redis.Redis.from_url(REDIS_URL)).empty()
    return world


def progress(client, path):
    return client.get(f"{path}.json", headers=ENGLISH).get_json()


def test_a_worker_process_makes_the_batch_while_its_progress_advances(redis_app):
    batch_world(redis_app)
    client = client_as(redis_app, "consultant")
    response = ask_for_batch(client, "/portfolio/reports", "en")
    path = response.headers["Location"]
    assert progress(client, path)["state"] == "queued"
    assert queued_jobs(redis_app) == 2  # one job per report

    seen = []
    with subprocess.Popen(**worker_command(redis_app)) as worker:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            now = progress(client, path)
            seen.append((now["state"], now["finished"]))
            if now["is_finished"]:
                break
            time.sleep(0.1)
        output, _errors = worker.communicate(timeout=60)
    assert worker.returncode == 0, output

    finished_counts = [finished for _state, finished in seen]
    assert finished_counts == sorted(finished_counts)  # never goes back
    assert seen[-1] == ("done", 2)
    assert any(state == "running" for state, _finished in seen), seen
    page = client.get(path, headers=ENGLISH).get_data(as_text=True)
    assert "Download 2 reports (zip)" in page
    pdfs, others = download_zip(client, f"{path}/reports.zip")
    assert others == {}
    texts = sorted(pdfs.values(), key=lambda text: BETA in text)
    assert ALPHA in texts[0]
    assert BETA in texts[1]


def test_in_a_worker_a_deleted_assessment_fails_with_its_reason_and_the_rest_is_made(redis_app):
    world = batch_world(redis_app)
    client = client_as(redis_app, "consultant")
    path = ask_for_batch(client, "/portfolio/reports", "zh-CN").headers["Location"]
    with redis_app.app_context():  # deleted while its job waits in the queue
        db.session.delete(db.session.get(Assessment, world["beta_assessment"]))
        db.session.commit()

    run_worker(redis_app)

    now = progress(client, path)
    assert (now["state"], now["done"], now["failed"]) == ("partly_failed", 1, 1)
    assert now["failures"][0]["message"] == (
        "The assessment was deleted after the reports were asked for. Tried 1 time."
    )
    pdfs, others = download_zip(client, f"{path}/reports.zip")
    assert [ALPHA in text for text in pdfs.values()] == [True]
    assert list(others) == ["failed-reports.txt"]
    assert now["failures"][0]["file_name"] in others["failed-reports.txt"]


def batch_of_one_report(app):
    """The consultant asks for the reports of Beta, which has one: their client, and the
    batch page's path."""
    world = batch_world(app)
    client = client_as(app, "consultant")
    page = f"/organisations/{world['beta']}"
    return client, ask_for_batch(client, f"{page}/reports", "en", page).headers["Location"]


def only_report(app):
    """The state of the batch's one report, and how many times it was attempted."""
    with app.app_context():
        item = db.session.execute(select(ReportBatchItem)).scalar_one()
        return item.state, item.attempts


def test_in_a_worker_a_report_that_cannot_be_saved_is_retried_then_fails(redis_app):
    client, path = batch_of_one_report(redis_app)
    batch_id = int(path.rsplit("/", 1)[1])
    batches = Path(redis_app.config["BATCH_DIR"])
    batches.mkdir(parents=True)
    (batches / str(batch_id)).write_text("a file where the batch's folder must go")

    output = run_worker(redis_app)

    with redis_app.app_context():
        [item] = db.session.execute(select(ReportBatchItem)).scalars()
        assert (item.state, item.attempts, item.failure_reason) == ("failed", 3, "storage")
        assert db.session.get(ReportBatch, batch_id).finished_at is not None
    assert output.count("enqueued for retry") == 2  # RQ tried it twice more
    now = progress(client, path)
    assert now["state"] == "failed"
    assert now["failures"][0]["message"] == (
        "The report could not be saved on the server. Tried 3 times."
    )


def children_of(pid):
    """The processes whose parent is ``pid`` (read from /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def test_a_report_whose_work_horse_is_killed_is_retried_then_fails_as_interrupted(redis_app):
    """As when the kernel kills a report that takes too much memory: SIGKILL, no word."""
    client, path = batch_of_one_report(redis_app)

    killed = 0
    with subprocess.Popen(**worker_command(redis_app)) as worker:
        deadline = time.monotonic() + 300
        while killed < 3 and time.monotonic() < deadline:
            horses = children_of(worker.pid)  # a burst worker forks only its work horse
            if only_report(redis_app) == ("running", killed + 1) and horses:
                os.kill(horses[0], signal.SIGKILL)
                killed += 1
            time.sleep(0.05)
        output, _errors = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    assert killed == 3
    assert output.count("Work-horse terminated unexpectedly") == 3
    assert only_report(redis_app) == ("failed", 3)
    now = progress(client, path)
    assert now["state"] == "failed"
    assert now["failures"][0]["message"] == (
        "The worker making this report stopped before it was done. Tried 3 times."
    )


@pytest.mark.parametrize(
    ("retries", "ending"),
    [
        (1, ("done", 2, None)),
        (
            0,
            (
                "failed",
                1,
                "The worker making this report stopped before it was done. Tried 1 time.",
            ),
        ),
    ],
)
def test_a_report_whose_whole_worker_dies_is_taken_up_by_the_next_worker(
    redis_app, retries, ending
):
    """As when the machine under a worker restarts: the worker and its work horse die
    together and nobody is left to record anything, so the report stays "running" until
    another worker's maintenance finds it abandoned."""
    redis_app.config["BATCH_RETRIES"] = retries
    client, path = batch_of_one_report(redis_app)

    with subprocess.Popen(**worker_command(redis_app)) as worker:
        deadline = time.monotonic() + 300
        while not (only_report(redis_app) == ("running", 1) and children_of(worker.pid)):
            assert time.monotonic() < deadline, "the worker never started the report"
            time.sleep(0.05)
        for pid in [*children_of(worker.pid), worker.pid]:
            os.kill(pid, signal.SIGKILL)
        worker.communicate(timeout=60)
    assert only_report(redis_app) == ("running", 1)
    assert progress(client, path)["state"] == "running"

    # A worker's maintenance, as the next worker runs it when it starts, at a moment
    # after the dead worker's last heartbeat has expired (90 s).
    connection = redis.Redis.from_url(REDIS_URL)
    with redis_app.app_context():
        registry = StartedJobRegistry(redis_app.config["BATCH_QUEUE"], connection=connection)
        registry.cleanup(timestamp=time.time() + 91)
    run_worker(redis_app)

    state, attempts, message = ending
    assert only_report(redis_app) == (state, attempts)
    now = progress(client, path)
    assert now["state"] == state
    assert [failure["message"] for failure in now["failures"]] == ([message] if message else [])


def test_when_redis_is_down_the_batch_is_kept_and_can_be_started_again(redis_app):
    batch_world(redis_app)
    working = redis_app.config["REDIS_URL"]
    redis_app.config["REDIS_URL"] = UNREACHABLE_REDIS
    client = client_as(redis_app, "consultant")
    response = ask_for_batch(client, "/portfolio/reports", "en")
    path = response.headers["Location"]
    page = client.get(path, headers=ENGLISH).get_data(as_text=True)
    assert "The report queue cannot be reached right now" in page  # the flashed message
    assert "Try again" in page
    assert progress(client, path)["total"] == 2

    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    again = client.post(f"{path}/start", data={"csrf_token": token}, headers=ENGLISH)
    assert again.status_code == 302
    assert "cannot be reached" in client.get(path, headers=ENGLISH).get_data(as_text=True)

    redis_app.config["REDIS_URL"] = working  # Redis is back
    client.post(f"{path}/start", data={"csrf_token": token}, headers=ENGLISH)
    assert queued_jobs(redis_app) == 2
    client.post(f"{path}/start", data={"csrf_token": token}, headers=ENGLISH)  # twice: once
    assert "These reports have started already." in client.get(path, headers=ENGLISH).text
    assert queued_jobs(redis_app) == 2


def test_flask_worker_says_what_is_missing_without_a_traceback(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["worker", "--burst"], env={"LANG": "en_US.UTF-8"})
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output
    app.config["REDIS_URL"] = UNREACHABLE_REDIS
    result = runner.invoke(args=["worker", "--burst"], env={"LANG": "en_US.UTF-8"})
    assert result.exit_code == 1
    assert "Redis cannot be reached (REDIS_URL)" in result.output
    assert "Traceback" not in result.output
