"""Without Redis, a batch whose server process died before it was finished (a restart, a
process killed) does not stay "in progress": the next look at it takes it up."""

import time

import pytest
from sqlalchemy import select

from assessment.batches import background, service
from assessment.core.batch_progress import ItemState
from assessment.extensions import db
from assessment.models import Organisation, ReportBatchItem, User, utc_now
from tests.batches.conftest import (
    ENGLISH,
    client_as,
    download_zip,
    reports_made,
    server_making,
)

INTERRUPTED = "The worker making this report stopped before it was done."


def progress(client, path):
    return client.get(f"{path}.json", headers=ENGLISH).get_json()


def reports_of(app, batch_id):
    """Each report of the batch as stored: its id, state and attempts so far."""
    with app.app_context():
        return db.session.execute(
            select(ReportBatchItem.id, ReportBatchItem.state, ReportBatchItem.attempts)
            .where(ReportBatchItem.batch_id == batch_id)
            .order_by(ReportBatchItem.id)
        ).all()


def test_a_batch_whose_server_process_was_killed_is_made_here_when_next_shown(app, world, tmp_path):
    """While the process making the batch lives, showing the batch here leaves it to
    that process; killed (SIGKILL: no word, as in a restart or out of memory), the next
    look takes the batch up here, and the report it was making is tried again."""
    with app.app_context():
        consultant = db.session.get(User, world["consultant_id"])
        batch_id = service.create_batch(consultant, "en", None).id
    client = client_as(app, "consultant")
    path = f"/batches/{batch_id}"
    log = tmp_path / "server.log"
    server = server_making(app, batch_id, log)
    try:
        deadline = time.monotonic() + 300
        while ItemState.RUNNING not in [state for _id, state, _n in reports_of(app, batch_id)]:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the other process never started a report"
            time.sleep(0.02)
        assert progress(client, path)["state"] == "running"
        assert background.wait_until_idle(app, timeout=0)  # left to the other process
    finally:
        server.kill()
        server.wait()

    left = reports_of(app, batch_id)  # as the dead process left them
    interrupted = {item_id for item_id, state, _n in left if state == ItemState.RUNNING}
    assert {(state, attempts) for _id, state, attempts in left} <= {
        (ItemState.RUNNING, 1),
        (ItemState.DONE, 1),
        (ItemState.QUEUED, 0),
    }
    assert progress(client, path)["state"] == "running"  # shown: taken up here
    reports_made(app)

    now = progress(client, path)
    assert (now["state"], now["done"], now["failures"]) == ("done", 2, [])
    attempts = {item_id: n for item_id, _state, n in reports_of(app, batch_id)}
    assert [attempts[item_id] for item_id in interrupted] == [2] * len(interrupted)
    page = client.get(path, headers=ENGLISH).get_data(as_text=True)
    assert "Download 2 reports (zip)" in page
    pdfs, others = download_zip(client, f"{path}/reports.zip")
    assert (len(pdfs), others) == (2, {})


@pytest.mark.parametrize(
    ("retries", "shown_at", "ending"),
    [
        (1, "{batch}", ("done", 2, [], "All reports are ready")),
        (
            0,
            "/batches",
            ("failed", 1, [f"{INTERRUPTED} Tried 1 time."], "Finished; no report could be made"),
        ),
    ],
)
def test_a_report_a_dead_server_process_was_making_is_tried_again_or_fails_as_interrupted(
    app, world, retries, shown_at, ending
):
    """What a server process that died while making a batch's only report leaves: the
    batch started, held by no process, its report "running" on its first attempt. Shown
    (its page, or the list of batches), it is taken up: the report is tried again, or,
    on its last attempt, fails as a worker's interrupted report does."""
    app.config["BATCH_RETRIES"] = retries
    with app.app_context():
        consultant = db.session.get(User, world["consultant_id"])
        beta = db.session.get(Organisation, world["beta"])
        batch = service.create_batch(consultant, "en", beta)
        batch.dispatched_at = utc_now()
        [item] = batch.items
        item.state, item.attempts = ItemState.RUNNING, 1
        db.session.commit()
        batch_id = batch.id
    client = client_as(app, "consultant")
    path = f"/batches/{batch_id}"

    shown = client.get(shown_at.format(batch=path), headers=ENGLISH).get_data(as_text=True)
    assert "Making the reports" in shown
    reports_made(app)

    state, attempts, failures, label = ending
    now = progress(client, path)
    assert now["state"] == state
    assert [failure["message"] for failure in now["failures"]] == failures
    assert [n for _id, _state, n in reports_of(app, batch_id)] == [attempts]
    assert label in client.get(shown_at.format(batch=path), headers=ENGLISH).get_data(as_text=True)
