"""Request ids, access lines, JSON logs without capability tokens, and trusted proxies."""

import io
import json
import logging
import re

import pytest

from assessment import create_app
from assessment.config import TestingConfig
from assessment.extensions import db
from assessment.web.serving import log_handler, loggable_path
from tests.accounts.test_rate_limits import attempt_logins

TOKEN = "Zq9-not-a-real-token-but-shaped-like-one"


@pytest.fixture
def json_log():
    """The JSON lines the app writes while the test runs."""
    stream = io.StringIO()
    handler = log_handler("json")
    handler.setStream(stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/a/{TOKEN}", "/a/***"),
        (f"/a/{TOKEN}/dimension/model", "/a/***/dimension/model"),
        (f"/invitations/{TOKEN}/accept", "/invitations/***/accept"),
        (f"/password/reset/{TOKEN}", "/password/reset/***"),
        (f"/signup/finish/{TOKEN}", "/signup/finish/***"),
        ("/signup/sent", "/signup/sent"),
        ("/organisations/3/people", "/organisations/3/people"),
        ("/api/v1/assessments/14", "/api/v1/assessments/14"),
    ],
)
def test_capability_tokens_are_masked_in_logged_paths(path, logged):
    assert loggable_path(path) == logged


def test_a_well_formed_request_id_is_sent_back(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42:1"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.42:1"


@pytest.mark.parametrize("incoming", ["has space", "x" * 129, "<script>", "-leading-dash", ""])
def test_a_malformed_request_id_is_replaced_by_a_new_one(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_each_request_without_an_id_gets_its_own(client):
    first, second = (client.get("/").headers["X-Request-ID"] for _ in range(2))
    assert first != second
    assert re.fullmatch(r"[0-9a-f]{32}", first)


def test_every_record_of_a_request_carries_its_id_and_one_access_line_ends_it(client, json_log):
    client.get("/organisations/99999", headers={"X-Request-ID": "req-one"})
    client.get("/", headers={"X-Request-ID": "req-two"})
    lines = json_log()
    access = [line for line in lines if line["logger"] == "assessment.access"]
    assert [(line["request_id"], line["method"], line["status"]) for line in access] == [
        ("req-one", "GET", 302),
        ("req-two", "GET", 200),
    ]
    assert access[0]["path"] == "/organisations/99999"
    assert isinstance(access[0]["duration_ms"], float)
    assert all(line["request_id"] in ("req-one", "req-two") for line in lines)
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)


def test_capability_tokens_never_reach_the_log(client, json_log):
    for path in (f"/a/{TOKEN}/results", f"/invitations/{TOKEN}", f"/password/reset/{TOKEN}"):
        client.get(path)
    lines = json_log()
    assert len([line for line in lines if line["logger"] == "assessment.access"]) == 3
    assert TOKEN not in json.dumps(lines)


def test_successful_probes_are_logged_only_at_debug(client, json_log):
    client.get("/healthz")
    assert not [line for line in json_log() if line["logger"] == "assessment.access"]


@pytest.fixture
def app_behind_proxies(_fresh_schema, tmp_path):
    """``app_behind_proxies(count)``: the app, trusting ``count`` proxies in front of it."""
    apps = []

    def make(count):
        settings = {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}
        app = create_app({**settings, "TRUSTED_PROXY_COUNT": count, "UPLOAD_DIR": tmp_path})
        with app.app_context():
            db.create_all()
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


class ForwardingClient:
    """A browser at ``address`` whose requests come over HTTPS through a proxy (and, as
    browsers do over HTTPS, with the page they come from as Referer)."""

    def __init__(self, app, address):
        self.client = app.test_client()
        self.headers = {
            "X-Forwarded-For": address,
            "X-Forwarded-Proto": "https",
            "Referer": "https://localhost/login",
        }

    def get(self, path, headers=None, **kwargs):
        return self.client.get(path, headers={**self.headers, **(headers or {})}, **kwargs)

    def post(self, path, headers=None, **kwargs):
        return self.client.post(path, headers={**self.headers, **(headers or {})}, **kwargs)


def test_behind_a_trusted_proxy_log_in_limits_count_per_client_address(app_behind_proxies):
    app = app_behind_proxies("1")
    first = attempt_logins(ForwardingClient(app, "203.0.113.7"), 11)
    assert first[-1].status_code == 429
    assert attempt_logins(ForwardingClient(app, "198.51.100.2"), 1)[0].status_code == 401


def test_without_trusted_proxies_a_forwarded_address_is_ignored(app_behind_proxies):
    app = app_behind_proxies("0")
    attempt_logins(ForwardingClient(app, "203.0.113.7"), 10)
    assert attempt_logins(ForwardingClient(app, "198.51.100.2"), 1)[0].status_code == 429


def test_behind_a_trusted_proxy_https_is_recognised(app_behind_proxies):
    app = app_behind_proxies("1")
    response = ForwardingClient(app, "203.0.113.7").get("/login")
    assert "Secure" in response.headers["Set-Cookie"]
