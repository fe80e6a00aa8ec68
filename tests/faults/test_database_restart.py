"""PostgreSQL restarted while people are saving answers.

Acknowledged answers are kept; a save made while the database is down gets a 503 with a
message in the person's language (JSON for the autosave, a page for a page), never a
500; once the database is back the app saves again by itself (the pool pings each
connection before use and reconnects), without a restart.

It stops and starts the local cluster with Debian's pg_ctlcluster, so it runs only where
that is possible (root or the postgres user, a cluster on this machine); elsewhere it is
skipped, saying why. The server may be the one the rest of the suite uses: the test
waits until it takes connections again before it finishes.
"""

from __future__ import annotations

import html
import os
import pwd
import shutil
import subprocess
import time

import pytest
from sqlalchemy.engine import make_url

from assessment import create_app
from assessment.web.errors import http_error_message
from tests.faults.conftest import (
    CHINESE,
    ENGLISH,
    Person,
    Saver,
    postgres_server_url,
    saving,
    stored_answers,
    wait_for_postgres,
)


def local_cluster() -> tuple[str, str]:
    """(version, name) of the local cluster serving the fault tests' PostgreSQL."""
    url = make_url(postgres_server_url())
    if url.host not in ("127.0.0.1", "localhost", "::1", None):
        pytest.skip(f"PostgreSQL at {url.host} is not on this machine: it cannot be restarted")
    if not shutil.which("pg_ctlcluster") or not shutil.which("pg_lsclusters"):
        pytest.skip("restarting PostgreSQL needs pg_ctlcluster (Debian's postgresql-common)")
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        pytest.skip("restarting PostgreSQL needs root or the postgres user")
    listed = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in listed.splitlines():
        version, name, port, status, *_ = line.split()
        if int(port) == (url.port or 5432) and status == "online":
            return version, name
    pytest.skip(f"no online local cluster listens on port {url.port or 5432}")


def cluster(action: str, version: str, name: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", version, name, action, *(["-m", "fast"] if action == "stop" else [])],
        check=True,
        capture_output=True,
        timeout=120,
    )


def message_503(language: str) -> str:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 32})
    with app.test_request_context(headers={"Accept-Language": language}):
        return str(http_error_message(503))


def test_a_database_restart_loses_no_acknowledged_answer_and_the_app_recovers_alone(
    serve, database_url, questionnaire_content
):
    version, name = local_cluster()
    server = serve(workers=2)
    master = server.process.pid
    questions = [q.id for q in questionnaire_content.dimensions[1].questions]
    savers = [
        Saver(
            Person(server.base_url, CHINESE if n % 2 else ENGLISH).start(), questions, n, pause=0.05
        )
        for n in range(4)
    ]
    stopped = False
    try:
        with saving(savers):
            time.sleep(1.5)
            cluster("stop", version, name)
            stopped = True
            english, chinese = savers[0].person, savers[1].person
            down_save = english.autosave(questions[0], "2", "while down")
            down_page = chinese.client.get(
                f"/a/{chinese.token}/dimension/model", headers=chinese.headers()
            )
            time.sleep(1)
            cluster("start", version, name)
            stopped = False
            wait_for_postgres(postgres_server_url())
            back = time.monotonic()
            time.sleep(2)
    finally:
        if stopped:
            cluster("start", version, name)
        wait_for_postgres(postgres_server_url())

    assert down_save.status_code == 503
    assert down_save.json() == {"error": message_503(ENGLISH)}
    assert down_page.status_code == 503
    assert message_503(CHINESE) in html.unescape(down_page.text)

    for saver in savers:
        statuses = {save.status for save in saver.saves}
        assert statuses <= {200, 503}, (statuses, server.log_text()[-3000:])
        expected = {"error": message_503(saver.person.language)}
        assert all(save.body == expected for save in saver.saves if save.status == 503)
        after = [save.status for save in saver.saves if save.sent > back]
        assert after, "no save was made after the restart"
        assert set(after) == {200}, "the app did not recover by itself"
    assert sum(save.status == 503 for saver in savers for save in saver.saves) >= 1

    assert server.process.poll() is None
    assert server.process.pid == master
    for saver in savers:
        stored = stored_answers(database_url, saver.person.token)
        for question in questions:
            saves = [save for save in saver.saves if save.question == question]
            acknowledged = [i for i, save in enumerate(saves) if save.status == 200]
            if acknowledged:  # the last acknowledged, or a later one whose answer was lost
                allowed = {
                    (save.value, save.comment)
                    for save in saves[acknowledged[-1] :]
                    if save.status is not None
                }
                assert stored.get(question) in allowed, (question, stored.get(question))
        saver.person.close()
