"""With Redis: deliveries are RQ jobs, sent by a real ``flask worker`` process."""

import subprocess

import pytest
import redis
from rq import Queue

from tests.batches.conftest import (
    REDIS_URL,
    app_on_redis,
    build_world,
    client_as,
    worker_command,
)
from tests.webhooks.conftest import (
    RETRIES,
    add_endpoint,
    delivery_rows,
    endpoint_ids,
    post_on_page,
    signature_is_valid,
    webhooks_page,
)

QUEUE = "test-webhooks"


@pytest.fixture
def redis_app(_fresh_schema, tmp_path):
    yield from app_on_redis(
        tmp_path,
        WEBHOOK_QUEUE=QUEUE,
        WEBHOOK_ALLOW_PRIVATE=True,
        WEBHOOK_RETRY_INTERVALS=RETRIES,
    )


def run_webhook_worker(app):
    command = worker_command(app)
    command["env"] = {
        **command["env"],
        "WEBHOOK_QUEUE": QUEUE,
        "WEBHOOK_ALLOW_PRIVATE": "1",
        "WEBHOOK_RETRY_INTERVALS": ",".join(str(seconds) for seconds in RETRIES),
    }
    finished = subprocess.run(**command, timeout=300, check=False)
    assert finished.returncode == 0, finished.stdout
    return finished.stdout


def test_a_worker_sends_the_test_event_and_retries_it_after_a_500(redis_app, receiver):
    world = build_world(redis_app)
    Queue(
        redis_app.config["REPORT_AHEAD_QUEUE"], connection=redis.Redis.from_url(REDIS_URL)
    ).empty()
    owner = client_as(redis_app, "owner")
    hooks = receiver([500, 200])
    secret = add_endpoint(owner, world["alpha"], hooks.url)
    [endpoint_id] = endpoint_ids(webhooks_page(owner, world["alpha"]))

    assert post_on_page(owner, world["alpha"], f"/{endpoint_id}/test").status_code == 302
    queued = Queue(QUEUE, connection=redis.Redis.from_url(REDIS_URL))
    assert queued.count == 1
    [row] = delivery_rows(webhooks_page(owner, world["alpha"]))
    assert row.endswith(" 0 — waiting to be sent")

    output = run_webhook_worker(redis_app)

    assert "enqueued for retry" in output, output  # RQ tried it once more
    assert len(hooks.received) == 2
    assert all(signature_is_valid(secret, message) for message in hooks.received)
    [row] = delivery_rows(webhooks_page(owner, world["alpha"]))
    assert row.endswith(" 2 HTTP 200 delivered")


def test_the_worker_refuses_to_start_on_bad_retry_intervals(redis_app):
    command = worker_command(redis_app)
    command["env"] = {**command["env"], "WEBHOOK_RETRY_INTERVALS": "soon"}
    finished = subprocess.run(**command, timeout=120, check=False)
    assert finished.returncode != 0
    assert "WEBHOOK_RETRY_INTERVALS is 'soon'" in finished.stdout
    assert "Traceback" not in finished.stdout
