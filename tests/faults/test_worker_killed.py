"""A gunicorn worker killed with SIGKILL while people are saving answers.

Every save that got a success response is in the database; the save on the killed
worker's connection gets no response at all (the browser's autosave then says so and
tries again); nothing is half written; gunicorn's master starts a new worker and the app
goes on without a restart.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import time
from pathlib import Path

import pytest

from tests.faults.conftest import Person, Save, Saver, query, saving, stored_answers

pytestmark = pytest.mark.skipif(
    not Path("/proc/net/tcp").exists(), reason="finding a worker's connection needs Linux /proc"
)


def acceptable_final_values(saves, question):
    """What may be stored for ``question``: the last acknowledged save, or a later one
    that got no response (it may have been committed just before its worker died)."""
    mine = [save for save in saves if save.question == question]
    acknowledged = [i for i, save in enumerate(mine) if save.status == 200]
    start = acknowledged[-1] if acknowledged else 0
    allowed = {(save.value, save.comment) for save in mine[start:] if save.status in (200, None)}
    return allowed, bool(acknowledged)


def half_sent_autosave(person: Person, port: int, question_id: str) -> tuple[socket.socket, bytes]:
    """An autosave whose body is only partly sent: a worker takes it and waits for the rest."""
    body = json.dumps({"question_id": question_id, "value": "4", "comment": "probe"}).encode()
    cookies = "; ".join(f"{name}={value}" for name, value in person.client.cookies.items())
    head = (
        f"POST /a/{person.token}/autosave HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"X-CSRFToken: {person.autosave_token}\r\n"
        f"Origin: http://127.0.0.1:{port}\r\n"
        f"Cookie: {cookies}\r\n"
        "Connection: close\r\n\r\n"
    )
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    connection.sendall(head.encode() + body[:10])
    return connection, body[10:]


def worker_holding(server, connection: socket.socket) -> int | None:
    """The worker that accepted ``connection``, found through its socket's inode."""
    client_port = connection.getsockname()[1]
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        remote_port = int(fields[2].split(":")[1], 16)
        if local_port == server.port and remote_port == client_port and fields[9] != "0":
            inodes.add(f"socket:[{fields[9]}]")
    for pid in server.worker_pids():
        with contextlib.suppress(OSError):
            for descriptor in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(descriptor) in inodes:
                        return pid
    return None


def response_to(connection: socket.socket, rest: bytes) -> bytes:
    """Whatever the server answers once the rest of the body is sent ("" when nothing)."""
    received = b""
    with contextlib.suppress(OSError), connection:
        connection.sendall(rest)
        while chunk := connection.recv(65536):
            received += chunk
    return received


def test_a_killed_worker_loses_no_acknowledged_answer_and_is_replaced(
    serve, database_url, questionnaire_content
):
    server = serve(workers=2)
    master = server.process.pid
    questions = [q.id for d in questionnaire_content.dimensions[:2] for q in d.questions]
    probe_question = questionnaire_content.dimensions[3].questions[0].id
    savers = [
        Saver(Person(server.base_url).start(f"Organisation {n}"), questions, n) for n in range(6)
    ]
    with saving(savers):
        time.sleep(1.5)
        os.kill(min(server.worker_pids()), signal.SIGKILL)  # whatever it is doing
        time.sleep(1)

        # The second kill hits a worker in the middle of a save, for certain.
        probe = Person(server.base_url).join(savers[0].person.token)
        connection, rest = half_sent_autosave(probe, server.port, probe_question)
        deadline, holder = time.monotonic() + 20, None
        while holder is None and time.monotonic() < deadline:
            holder = worker_holding(server, connection)
            time.sleep(0.05)
        assert holder is not None, "no worker took the half-sent save"
        os.kill(holder, signal.SIGKILL)
        answer = response_to(connection, rest)
        server.wait_for_new_workers({holder})
        time.sleep(1.5)  # saves go on with the new worker

    assert answer == b"", f"the killed worker's client got {answer[:200]!r}"
    assert probe_question not in stored_answers(database_url, savers[0].person.token)

    # Recovered without a restart: the same master, all workers, every save works.
    assert server.process.poll() is None
    assert server.process.pid == master
    for saver in savers:
        sent = time.monotonic()
        assert saver.person.autosave(questions[0], "3", "after").status_code == 200
        saver.saves.append(Save(sent, time.monotonic(), questions[0], "3", "after", 200, {}))

    statuses = {save.status for saver in savers for save in saver.saves}
    assert statuses <= {200, None}, server.log_text()[-3000:]
    assert sum(save.status == 200 for saver in savers for save in saver.saves) > 50

    for saver in savers:
        stored = stored_answers(database_url, saver.person.token)
        for question in questions:
            allowed, acknowledged = acceptable_final_values(saver.saves, question)
            if acknowledged:
                assert stored.get(question) in allowed, (question, stored.get(question))
            else:
                assert question not in stored or stored[question] in allowed

    # Nothing half written: each assessment is a consistent draft, each stored answer
    # came with its audit event in the same transaction, each acknowledged save has one.
    for saver in savers:
        [(assessment_id, status, result, submitted_at, updated_at)] = query(
            database_url,
            "SELECT id, status, result, submitted_at, updated_at FROM assessment"
            " WHERE resume_token = %s",
            saver.person.token,
        )
        assert (status, result, submitted_at) == ("draft", None, None)
        events = query(
            database_url,
            "SELECT detail FROM audit_event WHERE assessment_id = %s AND action = 'answers.saved'",
            assessment_id,
        )
        audited = {question for (detail,) in events for question in detail["questions"]}
        answers = query(
            database_url,
            "SELECT question_id, updated_at FROM answer WHERE assessment_id = %s",
            assessment_id,
        )
        assert {question for question, _ in answers} <= audited
        assert all(answer_time <= updated_at for _, answer_time in answers)
        assert len(events) >= sum(save.status == 200 for save in saver.saves)
    for saver in savers:
        saver.person.close()
