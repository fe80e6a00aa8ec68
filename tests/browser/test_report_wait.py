"""A report asked for while a worker is making it: the page says so, then downloads it."""

import pytest
import redis
from playwright.sync_api import expect
from rq.job import Job, JobStatus

from assessment.extensions import db
from assessment.models import Assessment
from assessment.reports import ahead, store
from tests.batches import conftest as batches_world
from tests.batches.conftest import (
    REDIS_URL,
    build_world,
    run_worker,
)
from tests.browser.conftest import open_page, serving

# The batches' fixture: an app on a database and a Redis that worker processes share.
redis_app = batches_world.redis_app


@pytest.fixture
def redis_live_server(redis_app):
    with serving(redis_app) as url:
        yield url


def test_the_page_waits_for_the_worker_then_the_download_starts(
    redis_app, redis_live_server, browser
):
    world = build_world(redis_app)
    with redis_app.test_request_context():
        assessment = db.session.get(Assessment, world["alpha_assessment"])
        token = assessment.resume_token
        job_id = ahead.job_id(assessment.id, "en", store.fingerprint_of(assessment, "en"))
    # The state a worker puts the job in when it takes it.
    Job.fetch(job_id, connection=redis.Redis.from_url(REDIS_URL)).set_status(JobStatus.STARTED)
    page = open_page(browser, "en-GB", accept_downloads=True)

    page.goto(f"{redis_live_server}/a/{token}/report.pdf?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your report is being prepared")
    expect(page.get_by_text("The download starts by itself when it is ready.")).to_be_visible()

    with page.expect_download(timeout=180_000) as started:
        run_worker(redis_app)  # the page keeps asking meanwhile

    assert started.value.suggested_filename == f"assessment-{world['alpha_assessment']}-en.pdf"
    expect(page.get_by_text("Your report is ready; the download has started.")).to_be_visible()
    expect(page.get_by_role("link", name="Download it again")).to_be_visible()
    page.context.close()
