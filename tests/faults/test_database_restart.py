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
import random
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy.engine import make_url

from assessment import create_app
from assessment.errors import http_error_message
from tests.faults.conftest import (
    CHINESE,
    ENGLISH,
    Person,
    postgres_server_url,
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


@dataclass
class Saver:
    person: Person
    questions: list[str]
    seed: int
    saves: list[tuple[float, str, str, str, int, dict]] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        rng = random.Random(self.seed)  # noqa: S311 - test data
        number = 0
        while not stop.is_set():
            number += 1
            question, value = rng.choice(self.questions), rng.choice("12345")
            comment = f"save {self.seed}-{number}"
            sent = time.monotonic()
            try:
                response = self.person.autosave(question, value, comment)
                status, body = response.status_code, response.json()
            except httpx.TransportError as error:
                status, body = 0, {"transport": repr(error)}
            self.saves.append((sent, question, value, comment, status, body))
            time.sleep(0.05)


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
        Saver(Person(server.base_url, CHINESE if n % 2 else ENGLISH).start(), questions, n)
        for n in range(4)
    ]
    stop = threading.Event()
    threads = [threading.Thread(target=saver.run, args=(stop,)) for saver in savers]
    for thread in threads:
        thread.start()
    stopped = False
    try:
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
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        if stopped:
            cluster("start", version, name)
        wait_for_postgres(postgres_server_url())

    assert down_save.status_code == 503
    assert down_save.json() == {"error": message_503(ENGLISH)}
    assert down_page.status_code == 503
    assert message_503(CHINESE) in html.unescape(down_page.text)

    for saver in savers:
        statuses = {status for _, _, _, _, status, _ in saver.saves}
        assert statuses <= {200, 503}, (statuses, server.log_text()[-3000:])
        expected = {"error": message_503(saver.person.language)}
        assert all(body == expected for *_, status, body in saver.saves if status == 503)
        after = [status for sent, *_, status, _ in saver.saves if sent > back]
        assert after, "no save was made after the restart"
        assert set(after) == {200}, "the app did not recover by itself"
    assert sum(status == 503 for s in savers for *_, status, _ in s.saves) >= 1

    assert server.process.poll() is None
    assert server.process.pid == master
    for saver in savers:
        stored = stored_answers(database_url, saver.person.token)
        for question in questions:
            saves = [s for s in saver.saves if s[1] == question]
            acknowledged = [i for i, s in enumerate(saves) if s[4] == 200]
            if acknowledged:  # the last acknowledged, or a later one whose answer was lost
                allowed = {(s[2], s[3]) for s in saves[acknowledged[-1] :] if s[4] != 0}
                assert stored.get(question) in allowed, (question, stored.get(question))
        saver.person.close()
