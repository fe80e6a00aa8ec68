"""Webhooks against a real receiver: a WSGI server on 127.0.0.1 in a thread of the test,
which keeps every request and answers with the statuses it is given. The app sends from
its own thread (no Redis), on a database that thread can open, with loopback allowed
(``WEBHOOK_ALLOW_PRIVATE``) and retries at once."""

import base64
import hashlib
import hmac
import re
import threading
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from assessment import create_app
from assessment.extensions import db
from assessment.webhooks import dispatch
from tests.batches.conftest import build_world, client_as, shared_database_url, testing_settings
from tests.conftest import empty_database, form_token

ENGLISH = {"Accept-Language": "en"}
RETRIES = (0, 0)  # three attempts in all, one right after the other


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """An HTTP server on loopback. ``statuses`` are its answers in turn, the last one
    repeated; ``/redirect`` always answers 302 to ``/elsewhere``."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self._answer, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}/hooks"

    def _answer(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.received.append(
                Received(request.path, {k.lower(): v for k, v in request.headers}, request.data)
            )
            if request.path == "/redirect":
                response = Response("", status=302, headers={"Location": "/elsewhere"})
            else:
                status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
                response = Response("ok" if status < 300 else "no", status=status)
        return response(environ, start_response)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def signature_is_valid(secret: str, message: Received) -> bool:
    """The receiver's check, written from the Standard Webhooks specification alone."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = (
        f"{message.headers['webhook-id']}.{message.headers['webhook-timestamp']}.".encode()
        + message.body
    )
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(expected, candidate)
        for candidate in message.headers["webhook-signature"].split()
    )


@pytest.fixture
def receiver():
    made = []

    def start(statuses=(200,)):
        made.append(Receiver(statuses))
        return made[-1]

    yield start
    for one in made:
        one.close()


@pytest.fixture
def app(_fresh_schema, tmp_path):
    app = create_app(
        {
            **testing_settings(),
            "SQLALCHEMY_DATABASE_URI": shared_database_url(tmp_path),
            "BATCH_DIR": str(tmp_path / "batches"),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "WEBHOOK_ALLOW_PRIVATE": True,
            "WEBHOOK_RETRY_INTERVALS": RETRIES,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    idle = dispatch.wait_until_idle(app, 60)
    empty_database(app)
    assert idle, "webhooks were still being sent when the test ended"


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def owner(app, world):
    return client_as(app, "owner")


def webhooks_page(client, organisation_id, **args):
    response = client.get(
        f"/organisations/{organisation_id}/webhooks", headers=ENGLISH, query_string=args
    )
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def post_on_page(client, organisation_id, path, data=None):
    """Press a button or send a form of the webhooks page, as a browser would."""
    token = form_token(webhooks_page(client, organisation_id))
    return client.post(
        f"/organisations/{organisation_id}/webhooks{path}",
        data={"csrf_token": token, **(data or {})},
        headers=ENGLISH,
    )


def add_endpoint(client, organisation_id, url, events=("assessment.submitted",)):
    """Add an endpoint through the form; its secret, as the page shows it once."""
    response = post_on_page(client, organisation_id, "", {"url": url, "events": list(events)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    return re.search(r'data-secret="(whsec_[^"]+)"', page)[1]


def endpoint_ids(page):
    return [int(found) for found in re.findall(r"/webhooks/(\d+)/test", page)]


def sent(app):
    assert dispatch.wait_until_idle(app, 60), "webhooks still being sent after 60 s"


def delivery_rows(page):
    """The delivery log's rows as text, newest first."""
    section = page.split('id="deliveries"', 1)[1].split("</section>", 1)[0]
    if "<tbody>" not in section:
        return []
    section = section.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", section, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]
