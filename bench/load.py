"""Benchmark: 200 respondents answering and autosaving at once, on gunicorn and PostgreSQL.

Run:  .venv/bin/python bench/load.py [--respondents 200] [--rounds 3] [--seconds 30]
                                     [--worker-class gthread] [--workers 3] [--threads 2]

Everything runs on loopback. The script creates a scratch database on the local
PostgreSQL (``--database``, the server of the CI's second pass), builds the schema, starts
gunicorn on the app with explicit command-line options (never a gunicorn.conf.py), starts
``--respondents`` assessments through the app's own start flow (the start page's form, then
the organisation page), and then drives one simulated person per assessment with
httpx.AsyncClient, each with its own cookies as a browser has:

- a page load (GET of a questionnaire section, which gives the form token),
- an autosave per answer: the same request static/js/autosave.js makes (POST JSON
  ``{question_id, value, comment}`` with the X-CSRFToken header, the browser's Origin),
  and, for one answer in five, a second autosave of that question once a comment is typed,
- the page's own "Save and continue" (a form post of every answer of the section, 302),
  followed by the load of the next section.

Pacing. People read five level descriptions before choosing: the realistic phase gives
each person a think time drawn uniformly from ``--think`` (default 2 to 8 seconds, mean 5 s,
quicker than most people really are, so the load is if anything overstated) before every
answer, comment and page button, and starts each person at a random moment within the
first think time so that 200 people do not all click in the same millisecond. Its figures
(latency per request kind, ``--rounds`` rounds of ``--seconds`` each, median of the rounds'
percentiles) answer "200 respondents answering concurrently". Then the saturation phase
removes think time altogether: every person autosaves as fast as the server answers, which
gives the most autosaves a second this machine can take (and the latency under that
queue). The same mix of page loads, posts and autosaves without think time is measured too.

Baseline. A minimal Flask endpoint (POST JSON in, small JSON out; no database) runs on
the same gunicorn configuration, driven by the same clients with the same concurrency,
alternating with the app's saturation rounds so that machine noise hits both alike. The
ratio app / baseline shows how much of the server's capacity the app's own work takes;
the client shares the machine's cores with the server in both measurements.

Afterwards every answer that got a success response (200 for an autosave, 302 for a page
post) is looked up in the database: its value and comment must be the last acknowledged
ones. The count and anything missing or different are printed.

Worker configuration. The defaults are production's (``gunicorn.conf.py`` on this
machine's 2 cores): 3 gthread workers (CPUs + 1) of 2 threads each, with the app loaded
before the fork. Other configurations are measured with ``--worker-class``, ``--workers``
and ``--threads``; docs/operations.md keeps the figures. With gthread the client keeps
its connection open between requests (``--keep-alive``, longer than any think time, as a
browser would); sync workers close it after every response, as they are meant to sit
behind a buffering proxy, which also makes their baseline slower.

Targets (issue 8): no errors; autosave p95 under 100 ms at the realistic load; saturation
throughput of autosaves at least a quarter of the baseline's; every acknowledged answer
stored.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_P95_MS, TARGET_RATIO = 100.0, 0.25
CSRF_IN_PAGE = re.compile(r'data-csrf="([^"]+)"')
COMMENTS = ["只在东莞工厂", "Only in the Dongguan plant", "需要和IT确认", "Checked with finance"]


def minimal_app():  # gunicorn loads it as "load:minimal_app()"
    """The baseline: the smallest Flask app that answers an autosave-shaped request."""
    from flask import Flask, jsonify, request

    app = Flask("baseline")

    @app.post("/autosave")
    def autosave():
        body = request.get_json(silent=True) or {}
        return jsonify(saved=True, question_id=body.get("question_id"))

    @app.get("/")
    def index():
        return "ok"

    return app


# ---------------------------------------------------------------------------
# Database and server


def libpq_url(sqlalchemy_url: str) -> str:
    return re.sub(r"^postgresql\+psycopg://", "postgresql://", sqlalchemy_url)


@contextlib.contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new, empty database on ``server_url``'s server, dropped afterwards."""
    import psycopg

    name = f"bench_load_{uuid.uuid4().hex[:10]}"
    maintenance = libpq_url(server_url.rsplit("/", 1)[0] + "/postgres")
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_schema(database_url: str, upload_dir: str) -> list[tuple[str, list[tuple[str, bool]]]]:
    """The models' tables; returns the latest questionnaire's sections and questions."""
    sys.path.insert(0, str(ROOT))
    from assessment import create_app
    from assessment.content.registry import current_library
    from assessment.extensions import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "UPLOAD_DIR": upload_dir}
    )
    with app.app_context():
        db.create_all()
        db.engine.dispose()
        questionnaire = current_library().latest_published()
        return [(d.id, [(q.id, q.allow_na) for q in d.questions]) for d in questionnaire.dimensions]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log_file: Path


@contextlib.contextmanager
def gunicorn(
    app_spec: str, arguments: argparse.Namespace, env: dict[str, str], folder: Path, name: str
) -> Iterator[Server]:
    """gunicorn with the benchmark's worker options on a free loopback port."""
    port = free_port()
    empty_config = folder / "gunicorn.empty.py"  # never the working tree's gunicorn.conf.py
    empty_config.write_text("", encoding="utf-8")
    log_file = Path(arguments.log_dir or folder) / f"{name}-{port}.log"
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--config",
        str(empty_config),
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        arguments.worker_class,
        "--workers",
        str(arguments.workers),
        "--threads",
        str(arguments.threads),
        "--backlog",
        "2048",
        "--no-control-socket",  # one path in $HOME, shared by every gunicorn of the user
        "--preload",  # as gunicorn.conf.py: workers are forks of a loaded app, ready at once
        "--timeout",
        "30",
        "--keep-alive",
        str(arguments.keep_alive),
        "--chdir",
        str(ROOT),
        "--pythonpath",
        f"{ROOT},{ROOT / 'bench'}",
        app_spec,
    ]
    clean_env = {k: v for k, v in os.environ.items() if k != "GUNICORN_CMD_ARGS"}
    with log_file.open("ab") as log_output:  # the app's own log lines go to stderr
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            command,
            env={**clean_env, **env},
            cwd=folder,
            start_new_session=True,
            stdout=log_output,
            stderr=log_output,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url, process)
        yield Server(process, base_url, log_file)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_serving(base_url: str, process: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base_url + "/", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


# ---------------------------------------------------------------------------
# Measuring


@dataclass
class Measurements:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0

    def record(self, kind: str, seconds: float) -> None:
        self.latencies[kind].append(seconds)

    def fail(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{kind}: {detail}")

    @property
    def elapsed(self) -> float:
        return self.finished - self.started

    def throughput(self, kind: str | None = None) -> float:
        count = (
            sum(len(v) for v in self.latencies.values())
            if kind is None
            else len(self.latencies[kind])
        )
        return count / self.elapsed if self.elapsed else 0.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


@dataclass
class Respondent:
    """One person's browser: cookies, the assessment's link, and where they are."""

    client: object  # httpx.AsyncClient
    token: str
    language: str
    dimension_index: int = 0
    form_token: str = ""
    # (question id) -> (value, comment) last acknowledged by the server
    acknowledged: dict[str, tuple[str, str]] = field(default_factory=dict)
    page_answers: dict[str, tuple[str, str]] = field(default_factory=dict)


class Load:
    def __init__(
        self,
        base_url: str,
        sections: list[tuple[str, list[tuple[str, bool]]]],
        think: tuple[float, float],
        seed: int,
    ) -> None:
        self.base_url = base_url
        self.sections = sections
        self.think = think
        self.random = random.Random(seed)  # noqa: S311 - simulated people, not secrets

    def headers(self, person: Respondent) -> dict[str, str]:
        return {"Accept-Language": person.language, "Origin": self.base_url}

    async def timed(
        self, kind, measurements, person, method, path, expected, headers=None, **kwargs
    ):
        import httpx

        started = time.perf_counter()
        try:
            response = await person.client.request(
                method, path, headers={**self.headers(person), **(headers or {})}, **kwargs
            )
        except httpx.HTTPError as error:
            measurements.fail(kind, f"{type(error).__name__}: {error}")
            return None
        elapsed = time.perf_counter() - started
        if response.status_code != expected:
            measurements.fail(kind, f"{response.status_code} {response.text[:120]!r}")
            return None
        measurements.record(kind, elapsed)
        return response

    async def think_pause(self, deadline: float) -> bool:
        low, high = self.think
        if high > 0:
            await asyncio.sleep(min(self.random.uniform(low, high), deadline - time.monotonic()))
        return time.monotonic() < deadline

    def choice(self, allow_na: bool) -> str:
        values = ["1", "2", "3", "4", "5", "unknown"] + (["na"] if allow_na else [])
        return self.random.choice(values)

    async def open_page(self, person: Respondent, measurements: Measurements) -> bool:
        dimension_id = self.sections[person.dimension_index][0]
        response = await self.timed(
            "page load",
            measurements,
            person,
            "GET",
            f"/a/{person.token}/dimension/{dimension_id}",
            200,
        )
        if response is None:
            return False
        person.form_token = CSRF_IN_PAGE.search(response.text)[1]
        person.page_answers = {}
        return True

    async def autosave(
        self,
        person: Respondent,
        measurements: Measurements,
        question_id: str,
        value: str,
        comment: str,
    ) -> None:
        response = await self.timed(
            "autosave",
            measurements,
            person,
            "POST",
            f"/a/{person.token}/autosave",
            200,
            json={"question_id": question_id, "value": value, "comment": comment},
            headers={"X-CSRFToken": person.form_token},
        )
        if response is not None and response.json().get("saved") is True:
            person.acknowledged[question_id] = (value, comment)
            person.page_answers[question_id] = (value, comment)

    async def post_page(self, person: Respondent, measurements: Measurements) -> None:
        dimension_id = self.sections[person.dimension_index][0]
        form = {"csrf_token": person.form_token, "action": "next"}
        for question_id, (value, comment) in person.page_answers.items():
            form[f"q_{question_id}"] = value
            form[f"c_{question_id}"] = comment
        response = await self.timed(
            "page post",
            measurements,
            person,
            "POST",
            f"/a/{person.token}/dimension/{dimension_id}",
            302,
            data=form,
        )
        if response is not None:
            person.acknowledged.update(person.page_answers)

    async def person_answering(
        self, person: Respondent, measurements: Measurements, deadline: float
    ) -> None:
        """Page by page, question by question, thinking before each click."""
        await asyncio.sleep(self.random.uniform(0, self.think[1]))
        while time.monotonic() < deadline:
            if not await self.open_page(person, measurements):
                await asyncio.sleep(1)
                continue
            for question_id, allow_na in self.sections[person.dimension_index][1]:
                if not await self.think_pause(deadline):
                    return
                value = self.choice(allow_na)
                await self.autosave(person, measurements, question_id, value, "")
                if self.random.random() < 0.2 and await self.think_pause(deadline):
                    comment = f"{self.random.choice(COMMENTS)} #{self.random.randrange(1000)}"
                    await self.autosave(person, measurements, question_id, value, comment)
            if not await self.think_pause(deadline):
                return
            await self.post_page(person, measurements)
            person.dimension_index = (person.dimension_index + 1) % len(self.sections)

    async def person_autosaving(
        self, person: Respondent, measurements: Measurements, deadline: float
    ) -> None:
        """Autosaves back to back, with no think time: the saturation load."""
        questions = [q for _, section in self.sections for q in section]
        while time.monotonic() < deadline:
            question_id, allow_na = self.random.choice(questions)
            await self.autosave(person, measurements, question_id, self.choice(allow_na), "")

    async def run(self, people: list[Respondent], seconds: float, how: str) -> Measurements:
        measurements = Measurements()
        measurements.started = time.perf_counter()
        deadline = time.monotonic() + seconds
        behaviour = self.person_answering if how == "answering" else self.person_autosaving
        await asyncio.wait_for(
            asyncio.gather(*(behaviour(person, measurements, deadline) for person in people)),
            timeout=seconds + 120,
        )
        measurements.finished = time.perf_counter()
        return measurements


async def start_assessments(
    base_url: str, count: int, measurements: Measurements, rng: random.Random
) -> list[Respondent]:
    """Each person presses Start on the home page and fills in the organisation page."""
    import httpx

    limit = asyncio.Semaphore(20)
    # Every browser is made before the first request: making an httpx client builds an SSL
    # context (milliseconds of CPU that block the event loop), which would otherwise be
    # counted in the latency of the requests already under way.
    browsers = [
        httpx.AsyncClient(
            base_url=base_url,
            timeout=60,
            limits=httpx.Limits(max_connections=2, max_keepalive_connections=1),
        )
        for _ in range(count)
    ]

    async def one(number: int) -> Respondent | None:
        person = Respondent(browsers[number], "", rng.choice(["zh-CN,zh;q=0.9", "en-GB,en;q=0.8"]))
        load = Load(base_url, [], (0, 0), number)
        async with limit:
            home = await load.timed("start page", measurements, person, "GET", "/", 200)
            if home is None:
                return None
            token = re.search(r'name="csrf_token" value="([^"]+)"', home.text)[1]
            started = await load.timed(
                "start", measurements, person, "POST", "/start", 302, data={"csrf_token": token}
            )
            if started is None:
                return None
            person.token = re.search(r"/a/([^/]+)/organisation", started.headers["Location"])[1]
            organisation = await load.timed(
                "organisation page",
                measurements,
                person,
                "GET",
                f"/a/{person.token}/organisation",
                200,
            )
            if organisation is None:
                return None
            form_token = re.search(r'name="csrf_token" value="([^"]+)"', organisation.text)[1]
            saved = await load.timed(
                "organisation post",
                measurements,
                person,
                "POST",
                f"/a/{person.token}/organisation",
                302,
                data={
                    "csrf_token": form_token,
                    "name": f"Load test organisation {number}",
                    "industry": "discrete_manufacturing",
                    "size_band": "medium",
                    "region": "Shenzhen",
                },
            )
            return person if saved is not None else None

    measurements.started = time.perf_counter()
    started = await asyncio.gather(*(one(n) for n in range(count)))
    measurements.finished = time.perf_counter()
    people = [person for person in started if person is not None]
    in_use = {id(person.client) for person in people}
    for browser in browsers:
        if id(browser) not in in_use:
            await browser.aclose()
    return people


async def baseline_round(
    base_url: str, concurrency: int, seconds: float, seed: int
) -> Measurements:
    """The minimal endpoint, driven like the saturation phase."""
    import httpx

    measurements = Measurements()
    load = Load(base_url, [("x", [("q", False)])], (0, 0), seed)
    people = [
        Respondent(
            httpx.AsyncClient(
                base_url=base_url,
                timeout=60,
                limits=httpx.Limits(max_connections=2, max_keepalive_connections=1),
            ),
            "",
            "en",
        )
        for _ in range(concurrency)
    ]

    async def loop(person: Respondent, deadline: float) -> None:
        while time.monotonic() < deadline:
            await load.timed(
                "autosave",
                measurements,
                person,
                "POST",
                "/autosave",
                200,
                json={"question_id": "q", "value": "3", "comment": ""},
            )

    measurements.started = time.perf_counter()
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(loop(p, deadline) for p in people))
    measurements.finished = time.perf_counter()
    for person in people:
        await person.client.aclose()
    return measurements


# ---------------------------------------------------------------------------
# Checking and printing


def stored_answers(database_url: str) -> dict[tuple[str, str], tuple[str | None, str]]:
    import psycopg

    with psycopg.connect(libpq_url(database_url)) as connection:
        rows = connection.execute(
            "SELECT a.resume_token, x.question_id, x.value, x.comment"
            " FROM answer x JOIN assessment a ON a.id = x.assessment_id"
        ).fetchall()
    return {(token, question): (value, comment) for token, question, value, comment in rows}


def summarise(rounds: list[Measurements], kind: str) -> dict[str, float]:
    """Median over rounds of each round's percentiles (rounds with that kind only)."""
    present = [r for r in rounds if r.latencies.get(kind)]
    if not present:
        return {"count": 0, "p50": 0, "p95": 0, "p99": 0, "rate": 0}
    return {
        "count": sum(len(r.latencies[kind]) for r in present),
        "p50": statistics.median(percentile(r.latencies[kind], 0.50) for r in present) * 1000,
        "p95": statistics.median(percentile(r.latencies[kind], 0.95) for r in present) * 1000,
        "p99": statistics.median(percentile(r.latencies[kind], 0.99) for r in present) * 1000,
        "p95_range": (
            min(percentile(r.latencies[kind], 0.95) for r in present) * 1000,
            max(percentile(r.latencies[kind], 0.95) for r in present) * 1000,
        ),
        "rate": statistics.median(r.throughput(kind) for r in present),
    }


def print_table(title: str, rounds: list[Measurements]) -> None:
    print(title)
    kinds = sorted({k for r in rounds for k in r.latencies} | {k for r in rounds for k in r.errors})
    print(
        f"  {'request':<18} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'req/s':>8} {'errors':>7}"
    )
    for kind in kinds:
        s = summarise(rounds, kind)
        errors = sum(r.errors.get(kind, 0) for r in rounds)
        print(
            f"  {kind:<18} {s['count']:>7} {s['p50']:>8.1f} {s['p95']:>8.1f} {s['p99']:>8.1f}"
            f" {s['rate']:>8.1f} {errors:>7}"
        )
    total = statistics.median(r.throughput() for r in rounds)
    print(f"  all requests: {total:.1f} req/s (median of {len(rounds)} round(s))")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
        help="a PostgreSQL server URL; a scratch database is made on it",
    )
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=30, help="length of a realistic round")
    parser.add_argument("--saturation-seconds", type=float, default=10)
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 8.0), metavar=("MIN", "MAX"))
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--skip-realistic", action="store_true")
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=75,
        help="gunicorn --keep-alive, seconds: longer than any think time, else gthread closes"
        " idle connections just as a browser reuses them (sync workers close them anyway)",
    )
    parser.add_argument("--log-dir", help="keep gunicorn's logs here (default: deleted)")
    arguments = parser.parse_args()
    asyncio.run(run(arguments))


async def run(arguments: argparse.Namespace) -> None:
    rng = random.Random(arguments.seed)  # noqa: S311 - simulated people, not secrets
    config = f"{arguments.workers} {arguments.worker_class} worker(s)" + (
        f" x {arguments.threads} threads" if arguments.worker_class == "gthread" else ""
    )
    with (
        tempfile.TemporaryDirectory() as folder_name,
        scratch_database(arguments.database) as database_url,
    ):
        folder = Path(folder_name)
        sections = create_schema(database_url, str(folder))
        env = {  # as in production: its checks, and a JSON log line per request
            "APP_ENV": "production",
            "LOG_LEVEL": "INFO",
            "DATABASE_URL": database_url,
            "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
            "ASSESSMENT_UPLOAD_DIR": str(folder / "uploads"),
        }
        print(
            f"load: {arguments.respondents} respondents, gunicorn {config}, PostgreSQL, 2 cores"
            f" ({os.cpu_count()} seen)"
        )
        with (
            gunicorn("app:app", arguments, env, folder, "app") as app_server,
            gunicorn("load:minimal_app()", arguments, env, folder, "baseline") as baseline_server,
        ):
            setup = Measurements()
            people = await start_assessments(app_server.base_url, arguments.respondents, setup, rng)
            print_table(f"\nstart flow ({len(people)} assessments started)", [setup])
            load = Load(app_server.base_url, sections, tuple(arguments.think), arguments.seed)

            realistic: list[Measurements] = []
            if not arguments.skip_realistic:
                for _ in range(arguments.rounds):
                    realistic.append(await load.run(people, arguments.seconds, "answering"))
                print_table(
                    f"\nrealistic: {len(people)} people answering, think time"
                    f" {arguments.think[0]:g}-{arguments.think[1]:g} s,"
                    f" {arguments.rounds} x {arguments.seconds:g} s (median of rounds)",
                    realistic,
                )

            saturation, baseline, mixed = [], [], []
            no_think = Load(app_server.base_url, sections, (0, 0), arguments.seed + 1)
            for number in range(arguments.rounds):
                baseline.append(
                    await baseline_round(
                        baseline_server.base_url, len(people), arguments.saturation_seconds, number
                    )
                )
                saturation.append(
                    await no_think.run(people, arguments.saturation_seconds, "autosaving")
                )
            for _ in range(arguments.rounds):
                mixed.append(await no_think.run(people, arguments.saturation_seconds, "answering"))
            print_table(
                f"\nsaturation: {len(people)} people autosaving with no think time"
                f" ({arguments.rounds} x {arguments.saturation_seconds:g} s)",
                saturation,
            )
            print_table("\nsaturation: the whole respondent mix with no think time", mixed)
            print_table("\nbaseline: minimal Flask endpoint, same gunicorn, same clients", baseline)
            for person in people:
                await person.client.aclose()
            server_errors = app_server.log_file.read_text(encoding="utf-8", errors="replace")

        realistic_autosave = summarise(realistic, "autosave") if realistic else None
        saturated = statistics.median(r.throughput("autosave") for r in saturation)
        baseline_rate = statistics.median(r.throughput("autosave") for r in baseline)
        mixed_rate = statistics.median(r.throughput() for r in mixed)
        print("\nsummary")
        print(f"  worker config        {config}")
        if realistic_autosave:
            p95 = realistic_autosave["p95"]
            low, high = realistic_autosave["p95_range"]
            print(
                f"  autosave, {len(people)} people p50 {realistic_autosave['p50']:.1f} ms,"
                f" p95 {p95:.1f} ms (rounds {low:.1f}-{high:.1f})"
                f"   target < {TARGET_P95_MS:g} ms   {'ok' if p95 < TARGET_P95_MS else 'OVER'}"
            )
        ratio = saturated / baseline_rate if baseline_rate else 0
        print(
            f"  saturation           {saturated:.0f} autosaves/s; whole mix {mixed_rate:.0f} req/s"
        )
        print(
            f"  baseline             {baseline_rate:.0f} req/s; autosave / baseline = {ratio:.2f}"
            f" (mix {mixed_rate / baseline_rate:.2f})"
            f"   target >= {TARGET_RATIO}   {'ok' if ratio >= TARGET_RATIO else 'UNDER'}"
        )
        all_rounds = [setup, *realistic, *saturation, *mixed]
        errors = sum(sum(r.errors.values()) for r in all_rounds)
        print(f"  errors               {errors}   {'ok' if errors == 0 else 'ERRORS'}")
        for sample in [s for r in all_rounds for s in r.error_samples][:10]:
            print(f"    {sample}")
        tracebacks = server_errors.count("Traceback")  # JSON lines keep exc_info as text
        if tracebacks:
            print(f"  server tracebacks    {tracebacks} (see the gunicorn log: --log-dir)")

        stored = stored_answers(database_url)
        expected = {
            (person.token, question): answer
            for person in people
            for question, answer in person.acknowledged.items()
        }
        missing = [key for key in expected if key not in stored]
        different = [
            (key, expected[key], stored[key])
            for key in expected
            if key in stored and stored[key] != expected[key]
        ]
        print(
            f"  answers stored       {len(stored)}; acknowledged {len(expected)};"
            f" missing {len(missing)}; different {len(different)}"
            f"   {'ok' if not missing and not different else 'LOST'}"
        )
        for key in missing[:10]:
            print(f"    missing {key}")
        for key, want, got in different[:10]:
            print(f"    {key}: acknowledged {want}, stored {got}")


if __name__ == "__main__":
    main()
