"""Batches of reports without Redis: the request is answered at once, and a thread of the
web process makes the same reports after it, with the same retries and zip."""

import re
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from assessment import create_app
from assessment.batches import jobs, service
from assessment.config import TestingConfig
from assessment.extensions import db
from assessment.models import (
    Assessment,
    AuditEvent,
    Organisation,
    ReportBatch,
    ReportBatchItem,
    StoredReport,
    User,
)
from tests.batches.conftest import (
    ALPHA,
    BETA,
    ENGLISH,
    ask_for_batch,
    build_world,
    client_as,
    download_zip,
    reports_made,
    submitted_assessment,
)
from tests.conftest import form_token


def batch_path(response):
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert re.fullmatch(r"/batches/\d+", location), location
    return location


def progress(client, path):
    return client.get(f"{path}.json", headers=ENGLISH).get_json()


def follow(client, paths, timeout=300):
    """Poll the batches' JSON, as their pages do, until all are finished; every reading."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        now = [progress(client, path) for path in paths]
        seen.append(now)
        if all(batch["is_finished"] for batch in now):
            return seen
        assert time.monotonic() < deadline, now
        time.sleep(0.05)


def test_without_redis_the_request_is_answered_before_the_reports_are_made(app, world):
    client = client_as(app, "consultant")
    asked = time.monotonic()
    path = batch_path(ask_for_batch(client, "/portfolio/reports", "en"))
    answered = time.monotonic() - asked

    # The batch's page comes at once, the reports still to make; it follows them.
    first = progress(client, path)
    assert first["state"] in ("queued", "running")
    assert first["finished"] < first["total"] == 2
    page = client.get(path, headers=ENGLISH).get_data(as_text=True)
    assert re.search(r'<progress max="2" value="[01]"', page)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "js/batch-progress.js" in page
    assert "could not be reached" not in page  # started: nothing to try again

    seen = follow(client, [path])
    made = time.monotonic() - asked
    assert answered < made
    finished_counts = [batch["finished"] for [batch] in seen]
    assert finished_counts == sorted(finished_counts)  # never goes back
    assert seen[-1][0]["state"] == "done"
    assert (seen[-1][0]["done"], seen[-1][0]["failed"]) == (2, 0)
    page = client.get(path, headers=ENGLISH).get_data(as_text=True)
    assert "All reports are ready" in page
    assert "Download 2 reports (zip)" in page
    assert 'http-equiv="refresh"' not in page  # finished: nothing to follow

    with client.get(f"{path}/reports.zip") as download:
        disposition = download.headers["Content-Disposition"]
    assert "filename*=UTF-8''portfolio-reports-" in disposition
    pdfs, others = download_zip(client, f"{path}/reports.zip")
    assert others == {}  # nothing failed: no list of failures
    alpha = next(name for name in pdfs if name.startswith(ALPHA))
    beta = next(name for name in pdfs if name.startswith("Beta-Logistics-"))
    assert len(pdfs) == 2
    assert re.fullmatch(rf"{ALPHA}-\d{{4}}-\d\d-\d\d-en\.pdf", alpha)
    assert ALPHA in pdfs[alpha]
    assert BETA in pdfs[beta]
    assert "Executive summary" in pdfs[alpha]  # the English report


def test_batches_asked_for_together_take_turns_one_report_at_a_time(app, world):
    """Several consultants pressing the button at once (here: one, twice) do not start
    several renders at once: the second batch waits until the first is made."""
    client = client_as(app, "consultant")
    first = batch_path(ask_for_batch(client, "/portfolio/reports", "en"))
    second = batch_path(ask_for_batch(client, "/portfolio/reports", "zh-CN"))
    running_at_once, seen = [], []
    deadline = time.monotonic() + 300
    while not seen or not all(batch["is_finished"] for batch in seen[-1]):
        assert time.monotonic() < deadline, seen[-1]
        with app.app_context():
            running = select(func.count()).where(ReportBatchItem.state == "running")
            running_at_once.append(db.session.execute(running).scalar_one())
        # The second read first: once it has started, the first must have finished.
        later = progress(client, second)
        seen.append([progress(client, first), later])
        time.sleep(0.02)

    assert max(running_at_once) == 1
    assert seen[0][1]["state"] == "queued"  # "Waiting for a worker"
    for earlier, later in seen:
        if later["state"] != "queued":
            assert earlier["is_finished"], (earlier, later)
    assert [batch["state"] for batch in seen[-1]] == ["done", "done"]


def test_on_an_in_memory_database_the_reports_are_made_in_the_request(tmp_path):
    """No second thread may use an in-memory SQLite database (one connection for the
    whole process): there the request waits for the reports, as it used to."""
    app = create_app(
        {
            **{key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()},
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "BATCH_DIR": str(tmp_path / "batches"),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        db.create_all()
    world = build_world(app)
    client = client_as(app, "owner")
    page = f"/organisations/{world['alpha']}"
    path = batch_path(ask_for_batch(client, f"{page}/reports", "en", page))
    assert progress(client, path)["state"] == "done"
    with app.app_context():
        db.engine.dispose()


def test_an_organisation_batch_has_only_its_submitted_assessments(app, world):
    client = client_as(app, "owner")
    page = f"/organisations/{world['alpha']}"
    path = batch_path(ask_for_batch(client, f"{page}/reports", "zh-CN", page))
    reports_made(app)
    pdfs, _others = download_zip(client, f"{path}/reports.zip")
    assert len(pdfs) == 1  # not the draft
    [(name, text)] = pdfs.items()
    assert name.startswith(ALPHA)
    assert name.endswith("-zh-CN.pdf")
    assert ALPHA in text
    assert "成熟度评估报告" in text  # the Chinese report


def test_each_report_of_a_batch_is_in_the_audit_trail_as_asked_for_by_its_requester(app, world):
    client = client_as(app, "consultant")
    batch_path(ask_for_batch(client, f"/organisations/{world['beta']}/reports", "en"))
    reports_made(app)
    with app.app_context():
        events = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "report.generated")
        ).scalars()
        assert [(e.assessment_id, e.user_id, e.channel) for e in events] == [
            (world["beta_assessment"], world["consultant_id"], "batch")
        ]


def test_a_deleted_assessment_fails_at_once_with_a_clear_message_and_the_rest_is_made(app, world):
    """Deleted between the request and its turn (here: before the batch is dispatched)."""
    with app.test_request_context():
        consultant = db.session.get(User, world["consultant_id"])
        batch = service.create_batch(consultant, "en", None)
        db.session.delete(db.session.get(Assessment, world["beta_assessment"]))
        db.session.commit()
        jobs.dispatch(batch)
        batch_id = batch.id
    reports_made(app)

    client = client_as(app, "consultant")
    now = progress(client, f"/batches/{batch_id}")
    assert now["state"] == "partly_failed"
    assert (now["done"], now["failed"]) == (1, 1)
    [failure] = now["failures"]
    assert failure["file_name"].startswith("Beta-Logistics-")
    assert failure["message"] == (
        "The assessment was deleted after the reports were asked for. Tried 1 time."
    )
    page = client.get(f"/batches/{batch_id}", headers=ENGLISH).get_data(as_text=True)
    assert "Finished; some reports failed" in page
    assert "The assessment was deleted after the reports were asked for." in page
    pdfs, others = download_zip(client, f"/batches/{batch_id}/reports.zip")
    assert [name.startswith(ALPHA) for name in pdfs] == [True]
    assert others == {
        "failed-reports.txt": "These reports could not be made:\n\n"
        f"{failure['file_name']}: {failure['message']}\n"
    }


def test_a_report_that_cannot_be_saved_is_tried_again_later_then_fails_with_a_clear_message(
    app, world
):
    """The batch's folder cannot be made (a file is in its way): each attempt fails. Each
    retry waits its interval, the report shown as still being made meanwhile."""
    app.config["BATCH_RETRY_INTERVALS"] = (1,)  # 1 s before each of the two retries
    with app.test_request_context():
        consultant = db.session.get(User, world["consultant_id"])
        organisation = db.session.get(Organisation, world["beta"])
        batch = service.create_batch(consultant, "zh-CN", organisation)
        batches = Path(app.config["BATCH_DIR"])
        batches.mkdir()
        (batches / str(batch.id)).write_text("in the way")
        asked = time.monotonic()
        jobs.dispatch(batch)
        batch_id = batch.id

    client = client_as(app, "consultant")
    [[waiting], *_rest] = follow(client, [f"/batches/{batch_id}"])
    assert not waiting["is_finished"]
    assert waiting["failures"] == []  # not failed for good: to be tried again
    assert time.monotonic() - asked >= 2  # two intervals of 1 s
    now = progress(client, f"/batches/{batch_id}")
    assert now["state"] == "failed"
    assert now["failures"][0]["message"] == (
        "The report could not be saved on the server. Tried 3 times."
    )
    assert now["zip_url"] is None
    page = client.get(f"/batches/{batch_id}", headers=ENGLISH).get_data(as_text=True)
    assert "Finished; no report could be made" in page
    assert "reports.zip" not in page


def test_nothing_to_report_says_so_and_asks_for_no_batch(app, world):
    client = client_as(app, "admin")
    page = f"/organisations/{world['gamma']}"
    response = ask_for_batch(client, f"{page}/reports", "en", page)
    assert response.status_code == 302
    assert response.headers["Location"] == page
    shown = client.get(page, headers=ENGLISH).get_data(as_text=True)
    assert "There is no submitted assessment to make a report of yet." in shown
    with app.app_context():
        assert db.session.execute(select(ReportBatch)).first() is None


def test_a_batch_needs_a_language(app, world):
    client = client_as(app, "consultant")
    token = form_token(client.get("/portfolio").get_data(as_text=True))
    response = client.post("/portfolio/reports", data={"csrf_token": token}, headers=ENGLISH)
    assert response.status_code == 400
    assert "Choose the language of the reports" in response.get_data(as_text=True)
    response = client.post(
        "/portfolio/reports", data={"csrf_token": token, "language": "fr"}, headers=ENGLISH
    )
    assert response.status_code == 400


def test_a_batch_without_a_form_token_is_refused(app, world):
    client = client_as(app, "consultant")
    assert client.post("/portfolio/reports", data={"language": "en"}).status_code == 400


def test_the_buttons_show_to_those_who_may_ask(app, world):
    label = "Download all reports"
    portfolio = client_as(app, "consultant").get("/portfolio", headers=ENGLISH).text
    assert "Download this list's 2 reports" in portfolio
    organisation = f"/organisations/{world['alpha']}"
    assert label in client_as(app, "owner").get(organisation, headers=ENGLISH).text
    # Gamma has nothing submitted: no button.
    gamma = client_as(app, "admin").get(f"/organisations/{world['gamma']}", headers=ENGLISH)
    assert label not in gamma.text


def test_only_the_requester_and_admins_see_a_batch(app, world):
    with app.app_context():
        consultant = db.session.get(User, world["consultant_id"])
        batch_id = service.create_batch(consultant, "en", None).id  # queued, not started
    paths = [f"/batches/{batch_id}", f"/batches/{batch_id}.json"]
    for who, expected in (("consultant", 200), ("admin", 200), ("owner", 404), ("other", 404)):
        client = client_as(app, who)
        assert [client.get(path).status_code for path in paths] == [expected] * 2, who
        zip_status = client.get(f"/batches/{batch_id}/reports.zip").status_code
        assert zip_status == (409 if expected == 200 else 404), who
    anonymous = client_as(app, "anonymous")
    assert anonymous.get(paths[0]).status_code == 302
    assert "/login" in anonymous.get(paths[0]).headers["Location"]


def test_an_unfinished_batch_page_follows_it_with_and_without_javascript(app, world):
    with app.app_context():
        consultant = db.session.get(User, world["consultant_id"])
        batch_id = service.create_batch(consultant, "en", None).id
    client = client_as(app, "consultant")
    page = client.get(f"/batches/{batch_id}", headers=ENGLISH).get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "js/batch-progress.js" in page
    assert '<progress max="2" value="0"' in page
    assert "0 of 2 reports made, 0 failed" in page
    # Never handed to a queue (as when Redis could not be reached): it says so.
    assert "could not be reached" in page
    assert client.get(f"/batches/{batch_id}/reports.zip").status_code == 409


def test_the_zip_names_tell_reports_apart(app, world):
    with app.app_context():
        alpha = db.session.get(Assessment, world["alpha_assessment"])
        again = submitted_assessment(ALPHA, organisation=alpha.organisation, level="4")
        names = service.report_file_names([alpha, again], "en")
        day = f"{alpha.submitted_at:%Y-%m-%d}"
        assert names == [f"{ALPHA}-{day}-{alpha.id}-en.pdf", f"{ALPHA}-{day}-{again.id}-en.pdf"]


def test_a_batch_larger_than_the_limit_is_refused_with_what_to_do_instead(app, world):
    app.config["BATCH_MAX_REPORTS"] = 1  # the portfolio holds two reports
    client = client_as(app, "consultant")
    response = ask_for_batch(client, "/portfolio/reports", "en")
    assert response.headers["Location"] == "/portfolio"
    shown = client.get("/portfolio", headers=ENGLISH).get_data(as_text=True)
    assert "That would be more than 1 reports, the most made at once." in shown
    assert "Narrow the list with its filters" in shown
    with app.app_context():
        assert db.session.execute(select(ReportBatch)).first() is None
    page = f"/organisations/{world['alpha']}"  # one organisation's single report still can
    batch_path(ask_for_batch(client, f"{page}/reports", "en", page))


def asked_days_ago(app, path, days):
    batch_id = int(path.rsplit("/", 1)[1])
    with app.app_context():
        batch = db.session.get(ReportBatch, batch_id)
        batch.created_at = batch.created_at - timedelta(days=days)
        db.session.commit()
    return Path(app.config["BATCH_DIR"]) / str(batch_id)


def test_purge_removes_old_batches_with_their_files_and_keeps_recent_ones(app, world, runner):
    client = client_as(app, "consultant")
    old = batch_path(ask_for_batch(client, "/portfolio/reports", "en"))
    recent = batch_path(ask_for_batch(client, "/portfolio/reports", "zh-CN"))
    reports_made(app)
    with client.get(f"{old}/reports.zip") as download:
        assert download.status_code == 200
    old_folder = asked_days_ago(app, old, 31)
    recent_folder = asked_days_ago(app, recent, 29)
    assert sorted(path.name for path in old_folder.iterdir()) == [
        *sorted(path.name for path in old_folder.glob("*.pdf")),
        "reports.zip",
    ]
    # The batches stored each report too; the English ones were made 31 days ago.
    with app.app_context():
        stored = db.session.execute(select(StoredReport)).scalars().all()
        assert sorted(report.language for report in stored) == ["en", "en", "zh-CN", "zh-CN"]
        for report in stored:
            if report.language == "en":
                report.made_at -= timedelta(days=31)
        db.session.commit()
    stored_files = Path(app.config["BATCH_DIR"]) / "stored"
    assert len(list(stored_files.rglob("*.pdf"))) == 4

    result = runner.invoke(args=["batches", "purge"], env={"LANG": "en_GB.UTF-8"})

    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Removed 1 batch(es) of reports asked for, and 2 stored report(s) made, more than "
        "30 day(s) ago: 5 file(s), "
    )
    assert not old_folder.exists()
    assert len(list(recent_folder.glob("*.pdf"))) == 2
    assert sorted(path.name.split("-", 1)[1][:5] for path in stored_files.rglob("*.pdf")) == [
        "zh-CN",
        "zh-CN",
    ]
    assert client.get(old, headers=ENGLISH).status_code == 404
    with client.get(f"{recent}/reports.zip") as download:
        assert download.status_code == 200


def test_purge_takes_the_age_in_days_and_refuses_anything_else(app, world, runner):
    client = client_as(app, "consultant")
    path = batch_path(ask_for_batch(client, "/portfolio/reports", "en"))
    reports_made(app)
    folder = asked_days_ago(app, path, 3)
    refused = runner.invoke(args=["batches", "purge", "--older-than", "a week"])
    assert refused.exit_code == 2
    assert "'a week' is not a valid integer" in refused.output
    assert folder.exists()

    result = runner.invoke(
        args=["batches", "purge", "--older-than", "2"], env={"LANG": "zh_CN.UTF-8"}
    )
    assert result.exit_code == 0, result.output
    assert "已删除" in result.output
    assert not folder.exists()


def test_a_batch_copies_the_stored_reports_and_makes_only_the_missing_ones(app, world):
    client = client_as(app, "consultant")
    with app.app_context():
        alpha_token = db.session.get(Assessment, world["alpha_assessment"]).resume_token
    with client.get(f"/a/{alpha_token}/report.pdf?lang=en") as response:
        downloaded = response.data
    stored = Path(app.config["BATCH_DIR"]) / "stored"
    [alpha_file] = stored.rglob("*.pdf")
    written = alpha_file.stat().st_mtime_ns

    path = batch_path(ask_for_batch(client, "/portfolio/reports", "en"))
    reports_made(app)

    assert alpha_file.stat().st_mtime_ns == written  # not made again
    with app.app_context():
        items = db.session.get(ReportBatch, int(path.rsplit("/", 1)[1])).items
        alpha_item = next(i for i in items if i.assessment_id == world["alpha_assessment"])
        copied = (Path(app.config["BATCH_DIR"]) / alpha_item.report_path).read_bytes()
    assert copied == downloaded
    assert len(list(stored.rglob("*.pdf"))) == 2  # Beta's, made for the batch, is kept too
