"""The production server as it is deployed: bin/start-web (migrations, then gunicorn with
gunicorn.conf.py), on a free loopback port, stopped with SIGTERM as orchestrators do."""

import json
import secrets
import signal
import subprocess
import time

import pytest

from assessment.config import ROOT
from tests.ops.conftest import (
    READY_WITHOUT_REDIS,
    free_port,
    get,
    scratch_databases,
    server_environment,
    wait_until_serving,
)

START_WEB = ROOT / "bin" / "start-web"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
TOKEN = "Zq9-not-a-real-token-but-shaped-like-one"


class Server:
    def __init__(self, tmp_path, **settings):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "server.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [str(START_WEB)],
                env=server_environment(
                    HOST="127.0.0.1",
                    PORT=str(self.port),
                    WEB_CONCURRENCY="2",
                    ASSESSMENT_UPLOAD_DIR=str(tmp_path / "uploads"),
                    **settings,
                ),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_serving(self.process, f"{self.base}/healthz", self.log)

    def json_lines(self):
        return [
            json.loads(line) for line in self.log.read_text().splitlines() if line.startswith("{")
        ]

    def stop(self) -> tuple[int, float]:
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        return code, time.monotonic() - started


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """One production server for the module, on a scratch PostgreSQL database."""
    with scratch_databases() as make:
        server = Server(
            tmp_path_factory.mktemp("production"),
            APP_ENV="production",
            SECRET_KEY=secrets.token_hex(32),
            DATABASE_URL=make("web"),
        )
        yield server
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def test_production_server_migrates_the_database_and_reports_healthy_and_ready(
    production_server,
):
    status, headers, body = get(f"{production_server.base}/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert "Set-Cookie" not in headers
    status, _, body = get(f"{production_server.base}/readyz")
    assert status == 200
    assert json.loads(body) == READY_WITHOUT_REDIS


def test_production_server_serves_pages_and_echoes_the_request_id(production_server):
    status, headers, body = get(
        f"{production_server.base}/",
        headers={"X-Request-ID": "probe-home-1", "Accept-Language": "en"},
    )
    assert status == 200
    assert "Start the assessment" in body.decode()
    assert headers["X-Request-ID"] == "probe-home-1"


def test_production_logs_are_json_lines_with_request_ids_and_masked_tokens(production_server):
    status, _, _ = get(
        f"{production_server.base}/a/{TOKEN}/results", headers={"X-Request-ID": "probe-link-1"}
    )
    assert status == 404
    time.sleep(0.5)  # the access line is written just after the response
    lines = production_server.json_lines()
    access = [line for line in lines if line.get("logger") == "assessment.access"]
    (link_line,) = [line for line in access if line["request_id"] == "probe-link-1"]
    assert link_line["path"] == "/a/***/results"
    assert link_line["status"] == 404
    assert link_line["method"] == "GET"
    assert link_line["duration_ms"] >= 0
    assert {"time", "level", "message"} <= set(link_line)
    assert TOKEN not in production_server.log.read_text()
    # gunicorn's own messages are JSON lines too, without a request.
    assert any(line["logger"] == "gunicorn.error" and line["request_id"] == "-" for line in lines)


def test_production_server_stops_gracefully_on_sigterm(production_server):
    code, seconds = production_server.stop()
    assert code == 0
    assert seconds < 15
    assert "Shutting down: Master" in production_server.log.read_text()


def refusal(tmp_path, command, **settings):
    """Run ``command`` expecting it to refuse to start: (exit code, output)."""
    completed = subprocess.run(
        command,
        env=server_environment(
            HOST="127.0.0.1", PORT=str(free_port()), APP_ENV="production", **settings
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return completed.returncode, completed.stdout + completed.stderr


def test_gunicorn_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    code, output = refusal(
        tmp_path,
        [str(GUNICORN), "--config", "gunicorn.conf.py", "app:app"],
        DATABASE_URL="postgresql://postgres@127.0.0.1:5432/never-used",
    )
    assert code != 0
    assert "Configuration error: SECRET_KEY is not set." in output
    assert "Traceback" not in output
    assert "Listening at" not in output


def test_start_web_refuses_sqlite_in_production_with_one_line(tmp_path):
    code, output = refusal(
        tmp_path,
        [str(START_WEB)],
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=f"sqlite:///{tmp_path / 'refused.db'}",
    )
    assert code != 0
    assert output.strip() == (
        "Configuration error: DATABASE_URL points to SQLite, which is for development only. "
        "In production use PostgreSQL (postgresql://user:password@host:5432/name)."
    )
    assert not (tmp_path / "refused.db").exists()


def test_development_server_serves_on_sqlite_with_text_logs(tmp_path):
    server = Server(
        tmp_path,
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=f"sqlite:///{tmp_path / 'development.db'}",
    )
    try:
        status, headers, body = get(f"{server.base}/healthz", headers={"X-Request-ID": "dev-1"})
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        assert headers["X-Request-ID"] == "dev-1"
        assert get(f"{server.base}/readyz")[0] == 200
    finally:
        code, _ = server.stop()
    assert code == 0
    assert "Booting worker" in server.log.read_text()
    assert not server.json_lines()
