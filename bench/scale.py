"""Benchmark: a consultant's lists with 10,000 client organisations, against three clients.

Run:  DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale \\
          .venv/bin/python bench/scale.py [--organisations 10000] [--repeat 15] [--queries]

DESTRUCTIVE: the script drops every table of the database DATABASE_URL (or --database)
names and creates them again. Give it a database of its own, made once with
``psql -h 127.0.0.1 -U postgres -c 'create database bench_scale'``; it refuses the names
``test`` and ``postgres``, and refuses SQLite unless ``--allow-sqlite`` (for a smoke run:
SQLite's planner and locking say nothing about production).

Seeding, through bulk inserts of plain rows (PostgreSQL's COPY; SQLAlchemy Core's
``insert()`` with lists of dicts on SQLite; no ORM objects): ``--organisations`` client
organisations with deterministic Chinese company names (city, trade name, business of the
industry, legal form), the industries and size bands of content/reference/ (read through
the app's ContentLibrary) and a region; each has three submitted assessments over three
years (the two older on the questionnaire version before the latest, the newest on the
latest, as the demo data), one organisation in eight a draft on top, one in a hundred no
assessment at all, and about half consent to peer benchmarks. The stored scores are real:
a few dozen answer patterns per questionnaire version, from Level 1 to Level 5, are scored
by ``core/scoring`` into ``StoredResult`` JSON once and reused, each organisation climbing
through them over time; ``overall_index``/``overall_level`` and the ``assessment_index``
rows are written from the same results, as ``Assessment.record_result`` writes them. Then
``models.latest_assessments_updates()`` sets every organisation's latest and newest
assessment, and the database's statistics are refreshed (ANALYZE).

Two firms, each with a consultant (the password hashed once with the app's hasher): one
engaged by all those organisations, one by three organisations of their own, the baseline
"three-client portfolio". Both log in through the log-in form, in this process, with
Flask's test client (no HTTP server: the figures are the app's own work), and each gets an
API token through the token service.

Measuring: each page is requested once by both consultants to warm up, then ``--repeat``
times by each in turn (so machine noise hits both alike); the table shows the median and
p95 in ms, the response size, and the ratio to the same page for the three-client
consultant (a page number beyond the three clients' first is compared with their first
page). A page that does not answer 200 shows its status instead of failing the run. Then
each page is requested once more by each consultant to count its SQL statements and their
time (``--queries`` prints the slowest three of each page), and once more under
tracemalloc: the peak of Python memory allocated during the request, and its ratio to
the baseline's.

Targets (issue 13): every page answers 200; the portfolio's first page and every filtered,
searched, sorted or later page p50 <= 200 ms and <= 5x the same page of the three-client
portfolio; every HTML page <= 150 KB; the API list (50 organisations) p50 <= 100 ms; the
portfolio's peak memory <= 2x the three-client portfolio's. The exit status is 1 when a
target fails (``--no-fail``: print only).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parent.parent
SEED = 13
PASSWORD = "bench scale password"  # noqa: S105 - the scratch database's consultants
VARIANTS_PER_VERSION = 48  # scored answer patterns per questionnaire version
PER_PAGE = 50  # web/paging.py's default
TARGET_P50_MS, TARGET_RATIO, TARGET_KB = 200.0, 5.0, 150.0
TARGET_API_MS, TARGET_MEMORY_RATIO = 100.0, 2.0
REFUSED_DATABASES = {"test", "postgres"}  # the shared test database; the maintenance one
CSRF_IN_FORM = re.compile(r'name="csrf_token" value="([^"]+)"')
HEADERS = {"Accept-Language": "zh-CN,zh;q=0.9"}

# Company names as Chinese companies are named: city, trade name, business, legal form.
CITIES = {
    "深圳": "广东省深圳市",
    "东莞": "广东省东莞市",
    "佛山": "广东省佛山市",
    "广州": "广东省广州市",
    "苏州": "江苏省苏州市",
    "无锡": "江苏省无锡市",
    "常州": "江苏省常州市",
    "南京": "江苏省南京市",
    "宁波": "浙江省宁波市",
    "杭州": "浙江省杭州市",
    "温州": "浙江省温州市",
    "台州": "浙江省台州市",
    "青岛": "山东省青岛市",
    "烟台": "山东省烟台市",
    "合肥": "安徽省合肥市",
    "武汉": "湖北省武汉市",
    "长沙": "湖南省长沙市",
    "郑州": "河南省郑州市",
    "成都": "四川省成都市",
    "重庆": "重庆市",
    "天津": "天津市",
    "厦门": "福建省厦门市",
    "泉州": "福建省泉州市",
    "西安": "陕西省西安市",
}
TRADE = (
    "华信宏达恒通瑞丰金鼎永兴精诚博远天成鑫达中联海纳汇智启明卓越远航立德嘉和富源长盛"
    "新科广源德润安泰锦华力拓正泰东方凯瑞云帆晨光三江银河众诚万邦盛世华联同创睿达明德"
)
TRADE_NAMES = [TRADE[i : i + 2] for i in range(0, len(TRADE), 2)]  # two characters each
BUSINESSES = {
    "discrete_manufacturing": ["精密制造", "机械设备", "汽车零部件", "电子科技", "电气"],
    "process_manufacturing": ["化工", "新材料", "特种钢材", "建材"],
    "consumer_goods": ["食品", "服饰", "家居用品", "日用品"],
    "pharma_medical": ["医疗器械", "生物医药", "制药"],
    "energy_utilities": ["能源科技", "电力设备", "燃气"],
    "logistics_supply_chain": ["物流", "供应链管理", "国际货运代理"],
    "wholesale_distribution": ["贸易", "商贸", "进出口"],
    "construction_real_estate": ["建设工程", "置业", "建筑装饰"],
    "agriculture": ["农业科技", "农产品", "食品加工"],
    "financial_services": ["融资租赁", "投资管理", "保险代理"],
    "software_it_services": ["软件技术", "信息技术", "数据科技"],
}
OTHER_BUSINESSES = ["文化传媒", "环保科技", "检测技术"]
LEGAL_FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"]
INDUSTRY_WEIGHTS = {"discrete_manufacturing": 5, "process_manufacturing": 3, "consumer_goods": 3}
SIZE_WEIGHTS = {"micro": 1, "small": 4, "medium": 5, "large": 2, "enterprise": 1}
RESPONDENTS = ["王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄涛", "周婷", "吴斌"]
ASSESSMENT_AGES_DAYS = (1000, 600, 60)  # three submitted assessments over three years
SHARE_WITH_DRAFT = 1 / 8  # a draft in progress on top of the three
SHARE_NOT_ASSESSED = 1 / 100  # a client that has not assessed itself yet


# ---------------------------------------------------------------------------
# Arguments and the database


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="DESTRUCTIVE: every table of the database is dropped and created again. Give"
        " it a database of its own (psql -h 127.0.0.1 -U postgres -c 'create database"
        " bench_scale'); the names 'test' and 'postgres' are refused.",
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL"),
        help="the database to fill (default: DATABASE_URL); EVERY TABLE IN IT IS DROPPED",
    )
    parser.add_argument("--organisations", type=int, default=10000, help="the big firm's clients")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=SEED, help="for the generated data")
    parser.add_argument(
        "--allow-sqlite", action="store_true", help="accept a SQLite database (a smoke run)"
    )
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even if a target fails")
    parser.add_argument(
        "--queries", action="store_true", help="print each page's slowest SQL statements"
    )
    arguments = parser.parse_args(argv)
    if arguments.organisations < 1 or arguments.repeat < 1:
        parser.error("--organisations and --repeat must be at least 1")
    return arguments


def refusal(url: str | None, allow_sqlite: bool) -> str | None:
    """Why the script will not drop and fill the database ``url``; None when it will."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not url:
        return (
            "Set DATABASE_URL (or --database) to a PostgreSQL database of the benchmark's own,"
            " e.g. postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale: every table in"
            " it is dropped and created again."
        )
    try:
        parsed = make_url(url)
    except ArgumentError:
        return f"DATABASE_URL is not a database URL: {url!r}"
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return (
            None
            if allow_sqlite
            else "DATABASE_URL is SQLite, whose figures say nothing about production: use a"
            " PostgreSQL database of the benchmark's own (or --allow-sqlite for a smoke run)."
        )
    if backend != "postgresql":
        return (
            f"DATABASE_URL must be a PostgreSQL database (or SQLite with --allow-sqlite): {url!r}"
        )
    if (parsed.database or "postgres") in REFUSED_DATABASES:
        return (
            f"Refusing to drop every table of the database {parsed.database or 'postgres'!r},"
            " which others use: create one for the benchmark"
            " (psql -h 127.0.0.1 -U postgres -c 'create database bench_scale')."
        )
    return None


def make_app(url: str, folder: str) -> Any:
    from assessment import create_app

    if url.startswith(("postgres://", "postgresql://")):  # as config.database_url_from_env
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secrets.token_hex(32),
            "UPLOAD_DIR": str(Path(folder) / "uploads"),
            "BATCH_DIR": str(Path(folder) / "batches"),
            "LOG_LEVEL": "WARNING",
        }
    )


def recreate_tables() -> None:
    from sqlalchemy import text

    from assessment.extensions import db

    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    db.create_all()


# ---------------------------------------------------------------------------
# Seeding


@dataclass(frozen=True)
class Variant:
    """One scored answer pattern: the stored result and the copies lists read."""

    result: dict[str, Any]
    overall_index: float | None
    overall_level: int | None
    indices: dict[str, float | None]


def scored_variants(questionnaire: Any, count: int, rng: random.Random) -> list[Variant]:
    """``count`` answer patterns from about Level 1 to Level 5, scored by the real method;
    in order of their overall index."""
    from assessment.core import scoring
    from assessment.core.stored_result import StoredResult, as_float

    variants = []
    for number in range(count):
        centre = 1 + 4 * number / max(1, count - 1)
        answers: dict[str, scoring.Answer] = {}
        for dimension in questionnaire.dimensions:
            typical = min(5, max(1, round(centre + rng.uniform(-0.8, 0.8))))
            for question in dimension.questions:
                roll = rng.random()
                if question.allow_na and roll < 0.1:
                    answers[question.id] = scoring.Abstention.NOT_APPLICABLE
                elif roll > 0.97:
                    answers[question.id] = scoring.Abstention.UNKNOWN
                else:
                    level = typical + rng.choice((-1, 0, 0, 0, 1))
                    answers[question.id] = scoring.Level(min(5, max(1, level)))
        stored = StoredResult.of(scoring.score(answers, questionnaire.scoring_rules))
        level = stored.overall.level
        variants.append(
            Variant(
                result=stored.to_dict(),
                overall_index=as_float(stored.overall.index),
                overall_level=None if level is None else int(level),
                indices={metric: as_float(value) for metric, value in stored.indices().items()},
            )
        )
    return sorted(variants, key=lambda v: -1 if v.overall_index is None else v.overall_index)


@dataclass
class Rows:
    organisations: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)
    indices: list[dict[str, Any]] = field(default_factory=list)
    assessed: set[int] = field(default_factory=set)  # organisations with a submitted one


class Generator:
    """Deterministic organisations and assessments, as plain rows with explicit ids."""

    def __init__(self, library: Any, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - generated data, not secrets
        self.now = now
        self.latest = library.latest_published()
        self.earlier = library.previous_published(self.latest) or self.latest
        options = library.organisation_options
        self.industries = [o.id for o in options.industries]
        self.industry_weights = [INDUSTRY_WEIGHTS.get(i, 1) for i in self.industries]
        self.size_bands = [o.id for o in options.size_bands]
        self.size_weights = [SIZE_WEIGHTS.get(s, 1) for s in self.size_bands]
        self.variants = {
            version.key: scored_variants(version, VARIANTS_PER_VERSION, self.rng)
            for version in {self.earlier.key: self.earlier, self.latest.key: self.latest}.values()
        }
        self.names: set[str] = set()
        self.rows = Rows()
        self.next_assessment_id = 1

    def name(self, industry: str) -> str:
        businesses = BUSINESSES.get(industry, OTHER_BUSINESSES)
        for attempt in range(50):
            trade = self.rng.choice(TRADE_NAMES)
            if attempt >= 20:  # crowded: a two-part trade name, as many companies have
                trade += self.rng.choice(TRADE_NAMES)
            name = (
                self.rng.choice(list(CITIES))
                + trade
                + self.rng.choice(businesses)
                + self.rng.choice(LEGAL_FORMS)
            )
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("could not find a new company name")

    def organisation(self, organisation_id: int, always_assessed: bool = False) -> None:
        rng = self.rng
        industry = rng.choices(self.industries, self.industry_weights)[0]
        name = self.name(industry)
        city = next(c for c in CITIES if name.startswith(c))
        created = self.now - timedelta(days=1100 + rng.randint(0, 400))
        self.rows.organisations.append(
            {
                "id": organisation_id,
                "name": name,
                "industry": industry,
                "size_band": rng.choices(self.size_bands, self.size_weights)[0],
                "region": CITIES[city],
                "created_at": created,
                "benchmark_consent": rng.random() < 0.5,
                "latest_submitted_id": None,
                "newest_assessment_id": None,
            }
        )
        if not always_assessed and rng.random() < SHARE_NOT_ASSESSED:
            return
        self.rows.assessed.add(organisation_id)
        # Each climbs through the patterns over the years, from where it started.
        count = VARIANTS_PER_VERSION
        position = rng.randrange(0, int(count * 0.6))
        for age_days, version in zip(
            ASSESSMENT_AGES_DAYS, (self.earlier, self.earlier, self.latest), strict=True
        ):
            submitted = self.now - timedelta(
                days=age_days + rng.randint(-45, 45), minutes=rng.randint(0, 1440)
            )
            variant = self.variants[version.key][min(count - 1, position)]
            self.assessment(organisation_id, version, submitted, variant)
            position += rng.randint(0, count // 6)
        if rng.random() < SHARE_WITH_DRAFT:
            started = self.now - timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 1440))
            self.assessment(organisation_id, self.latest, started, None)

    def assessment(
        self, organisation_id: int, version: Any, when: datetime, variant: Variant | None
    ) -> None:
        assessment_id = self.next_assessment_id
        self.next_assessment_id += 1
        submitted = variant is not None
        self.rows.assessments.append(
            {
                "id": assessment_id,
                "organisation_id": organisation_id,
                "questionnaire_id": version.id,
                "questionnaire_version": version.version,
                "status": "submitted" if submitted else "draft",
                "resume_token": secrets.token_urlsafe(32),
                "respondent_name": self.rng.choice(RESPONDENTS),
                "locale": "zh_CN",
                "created_at": when - timedelta(days=self.rng.randint(1, 10)) if submitted else when,
                "updated_at": when,
                "submitted_at": when if submitted else None,
                "result": variant.result if submitted else None,
                "overall_index": variant.overall_index if submitted else None,
                "overall_level": variant.overall_level if submitted else None,
                "parent_id": None,
            }
        )
        if submitted:
            self.rows.indices.extend(
                {"assessment_id": assessment_id, "metric": metric, "value": value}
                for metric, value in variant.indices.items()
            )


@dataclass(frozen=True)
class Seeded:
    many_ids: range
    three_ids: range
    organisations: list[dict[str, Any]]
    assessed: set[int]
    assessments: int
    index_rows: int
    seconds: float


def bulk_insert(connection: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert plain rows: PostgreSQL's COPY, else SQLAlchemy Core's executemany."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    as_json: dict[int, str] = {}  # the variants' results are shared: each dumped once

    def value(item: Any) -> Any:
        if isinstance(item, dict):
            return as_json.setdefault(id(item), json.dumps(item))
        return item

    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([value(row[column]) for column in columns])


MANY_EMAIL, THREE_EMAIL = "many.clients@example.com", "three.clients@example.com"


def seed(count: int, seed_value: int) -> Seeded:
    """Fill the (empty) tables: see the module's docstring."""
    from sqlalchemy import text

    from assessment.accounts.service import hasher
    from assessment.content.registry import current_library
    from assessment.extensions import db
    from assessment.models import (
        Assessment,
        AssessmentIndex,
        Engagement,
        Firm,
        Organisation,
        User,
        UserRole,
        latest_assessments_updates,
    )

    started = time.perf_counter()
    now = datetime.now(UTC)
    generator = Generator(current_library(), seed_value, now)
    many_ids, three_ids = range(1, count + 1), range(count + 1, count + 4)
    for organisation_id in many_ids:
        generator.organisation(organisation_id)
    for organisation_id in three_ids:
        generator.organisation(organisation_id, always_assessed=True)
    rows = generator.rows
    password_hash = hasher.hash(PASSWORD)  # once: argon2 is slow on purpose

    connection = db.session.connection()
    connection.execute(
        insert(Firm.__table__),
        [
            {"id": 1, "name": "万家咨询有限公司", "created_at": now},
            {"id": 2, "name": "三友咨询有限公司", "created_at": now},
        ],
    )
    connection.execute(
        insert(User.__table__),
        [
            {
                "id": firm_id,
                "email": email,
                "name": name,
                "password_hash": password_hash,
                "role": UserRole.CONSULTANT.value,
                "active": True,
                "firm_id": firm_id,
                "created_at": now,
                "password_changed_at": now,
            }
            for firm_id, email, name in ((1, MANY_EMAIL, "孙立"), (2, THREE_EMAIL, "钱敏"))
        ],
    )
    bulk_insert(connection, Organisation.__table__, rows.organisations)
    bulk_insert(connection, Assessment.__table__, rows.assessments)
    bulk_insert(connection, AssessmentIndex.__table__, rows.indices)
    bulk_insert(
        connection,
        Engagement.__table__,
        [
            {"firm_id": 1 if o in many_ids else 2, "organisation_id": o, "created_at": now}
            for o in (*many_ids, *three_ids)
        ],
    )
    # Statistics first, as autovacuum keeps them in production: without them the planner
    # takes the new tables for empty ones and scans every assessment per organisation.
    connection.execute(text("ANALYZE"))
    for statement in latest_assessments_updates():
        connection.execute(statement)
    if connection.dialect.name == "postgresql":  # the ids were given: move the sequences on
        for table in ("firm", "user_account", "organisation", "assessment"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                    f" (SELECT max(id) FROM {table}))"
                )
            )
    connection.execute(text("ANALYZE organisation"))
    db.session.commit()
    return Seeded(
        many_ids,
        three_ids,
        rows.organisations,
        rows.assessed,
        len(rows.assessments),
        len(rows.indices),
        time.perf_counter() - started,
    )


def api_secret(email: str) -> str:
    from assessment.accounts import service as accounts
    from assessment.api import tokens

    return tokens.create(accounts.find_by_email(email), "bench/scale.py").secret


# ---------------------------------------------------------------------------
# Measuring


@dataclass(frozen=True)
class Page:
    label: str
    many: str  # the path the consultant of every organisation asks for
    three: str  # the same page of the three-client consultant
    kind: str  # "portfolio" | "html" | "api"


@dataclass
class Measured:
    times: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    size: int = 0
    peak: int | None = None
    statements: list[tuple[float, str]] = field(default_factory=list)

    @property
    def status(self) -> str:
        failures = [s for s in self.statuses if s != "200"]
        return failures[0] if failures else "200" if self.statuses else "-"

    @property
    def p50(self) -> float:
        return 1000 * statistics.median(self.times) if self.times else math.nan

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0


@dataclass
class Consultant:
    client: Any  # flask.testing.FlaskClient, logged in through the form
    api_token: str

    def get(self, page: Page, path: str) -> Any:
        headers = dict(HEADERS)
        if page.kind == "api":
            headers["Authorization"] = f"Bearer {self.api_token}"
        return self.client.get(path, headers=headers)


class StatementLog:
    """The SQL statements the app runs while ``record`` calls: (seconds, statement)."""

    def __init__(self, engine: Any) -> None:
        self.entries: list[tuple[float, str]] | None = None
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, connection: Any, *_: Any) -> None:
        connection.info["bench_started"] = time.perf_counter()

    def _after(self, connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        started = connection.info.pop("bench_started", None)
        if self.entries is not None and started is not None:
            self.entries.append((time.perf_counter() - started, statement))

    def record(self, call: Any) -> list[tuple[float, str]]:
        self.entries = []
        with contextlib.suppress(Exception):  # a failing page shows its status in the table
            call()
        entries, self.entries = self.entries, None
        return entries


def log_in(app: Any, email: str) -> Any:
    """A test client logged in through the log-in form, as a browser is."""
    client = app.test_client()
    page = client.get("/login", headers=HEADERS).get_data(as_text=True)
    token = CSRF_IN_FORM.search(page)
    response = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token[1] if token else ""},
        headers=HEADERS,
    )
    if response.status_code != 302:
        raise SystemExit(f"the log-in of {email} answered {response.status_code}, not 302")
    return client


def request(consultant: Consultant, page: Page, path: str, measured: Measured, timed: bool) -> None:
    started = time.perf_counter()
    try:
        response = consultant.get(page, path)
        body = response.get_data()
    except Exception as error:  # a failing page is reported, not fatal
        measured.statuses[f"error: {type(error).__name__}"] += 1
        return
    elapsed = time.perf_counter() - started
    measured.statuses[str(response.status_code)] += 1
    measured.size = len(body)
    if timed:
        measured.times.append(elapsed)


def peak_memory(consultant: Consultant, page: Page, path: str) -> int | None:
    """The peak of Python memory allocated while the page is answered, in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        consultant.get(page, path).get_data()
        return tracemalloc.get_traced_memory()[1]
    except Exception:  # reported as no figure
        return None
    finally:
        tracemalloc.stop()


def measure(
    pages: list[Page], many: Consultant, three: Consultant, repeat: int, log: StatementLog
) -> dict[str, tuple[Measured, Measured]]:
    results = {}
    for page in pages:
        ours, theirs = Measured(), Measured()
        request(many, page, page.many, ours, timed=False)  # warm: templates, caches, plans
        request(three, page, page.three, theirs, timed=False)
        for _ in range(repeat):  # in turn, so that noise hits both alike
            request(many, page, page.many, ours, timed=True)
            request(three, page, page.three, theirs, timed=True)
        ours.statements = log.record(lambda p=page: many.get(p, p.many))
        theirs.statements = log.record(lambda p=page: three.get(p, p.three))
        ours.peak = peak_memory(many, page, page.many)
        theirs.peak = peak_memory(three, page, page.three)
        results[page.label] = (ours, theirs)
    return results


def ratio(value: float | None, baseline: float | None) -> float:
    if value is None or baseline is None or not baseline or math.isnan(baseline):
        return math.nan
    return value / baseline


def kilobytes(value: int | None) -> float:
    return math.nan if value is None else value / 1024


def sql_ms(measured: Measured) -> float:
    return 1000 * sum(seconds for seconds, _ in measured.statements)


def print_table(pages: list[Page], results: dict[str, tuple[Measured, Measured]]) -> None:
    print(
        f"\n  {'':<34} {'':>7} {'many clients':^31} | {'3 clients':^16} | {'':>5}"
        f" | {'peak memory KB':^22} | {'SQL statements':^18}"
    )
    print(
        f"  {'page':<34} {'status':>7} {'p50 ms':>8} {'p95 ms':>8} {'KB':>6} {'SQL ms':>6}"
        f" | {'p50 ms':>8} {'KB':>6} | {'ratio':>5} | {'many':>6} {'3':>6} {'ratio':>6}"
        f" | {'many':>6} {'3':>4} {'+':>6}"
    )
    for page in pages:
        ours, theirs = results[page.label]
        status = ours.status if ours.status == theirs.status else f"{ours.status}/{theirs.status}"
        print(
            f"  {page.label:<34} {status:>7} {ours.p50:>8.1f} {ours.p95:>8.1f}"
            f" {kilobytes(ours.size):>6.1f} {sql_ms(ours):>6.1f}"
            f" | {theirs.p50:>8.1f} {kilobytes(theirs.size):>6.1f}"
            f" | {ratio(ours.p50, theirs.p50):>5.2f}"
            f" | {kilobytes(ours.peak):>6.0f} {kilobytes(theirs.peak):>6.0f}"
            f" {ratio(ours.peak, theirs.peak):>6.2f}"
            f" | {len(ours.statements):>6} {len(theirs.statements):>4}"
            f" {len(ours.statements) - len(theirs.statements):>+6}"
        )


def print_statements(pages: list[Page], results: dict[str, tuple[Measured, Measured]]) -> None:
    """The slowest SQL statements of each page with many clients."""
    print("\nslowest SQL statements, many clients (one request each)")
    for page in pages:
        ours, _ = results[page.label]
        print(f"  {page.label}: {len(ours.statements)} statements, {sql_ms(ours):.1f} ms")
        for seconds, statement in sorted(ours.statements, reverse=True)[:3]:
            print(f"    {1000 * seconds:8.1f} ms  {' '.join(statement.split())[:300]}")


def targets(
    pages: list[Page], results: dict[str, tuple[Measured, Measured]]
) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for every target of the issue."""
    checks = []
    failing = [
        f"{p.label} ({results[p.label][0].status}/{results[p.label][1].status})"
        for p in pages
        if results[p.label][0].status != "200" or results[p.label][1].status != "200"
    ]
    checks.append(("every page answers 200", "; ".join(failing) or "all 200", not failing))
    for page in pages:
        ours, theirs = results[page.label]
        works = ours.status == "200" and theirs.status == "200"
        if page.kind == "portfolio":
            checks.append(
                (
                    f"{page.label}: p50 <= {TARGET_P50_MS:g} ms",
                    f"{ours.p50:.1f} ms" if works else f"status {ours.status}",
                    works and ours.p50 <= TARGET_P50_MS,
                )
            )
            within = ratio(ours.p50, theirs.p50)
            checks.append(
                (
                    f"{page.label}: <= {TARGET_RATIO:g}x three clients",
                    f"{within:.2f}x" if works else f"status {ours.status}/{theirs.status}",
                    works and within <= TARGET_RATIO,
                )
            )
        if page.kind == "api":
            checks.append(
                (
                    f"{page.label}: p50 <= {TARGET_API_MS:g} ms",
                    f"{ours.p50:.1f} ms" if works else f"status {ours.status}",
                    works and ours.p50 <= TARGET_API_MS,
                )
            )
    html = [p for p in pages if p.kind != "api"]
    largest = max(html, key=lambda p: results[p.label][0].size)
    largest_kb = kilobytes(results[largest.label][0].size)
    checks.append(
        (
            f"every HTML page <= {TARGET_KB:g} KB",
            f"largest {largest_kb:.1f} KB ({largest.label})",
            largest_kb <= TARGET_KB,
        )
    )
    ours, theirs = results[pages[0].label]
    memory = ratio(ours.peak, theirs.peak)
    checks.append(
        (
            f"{pages[0].label}: peak memory <= {TARGET_MEMORY_RATIO:g}x three clients",
            f"{kilobytes(ours.peak):.0f} KB / {kilobytes(theirs.peak):.0f} KB = {memory:.2f}x",
            memory <= TARGET_MEMORY_RATIO,
        )
    )
    return checks


def pages_for(seeded: Seeded, count: int) -> list[Page]:
    """The pages measured, each with its three-client counterpart."""
    by_id = {o["id"]: o for o in seeded.organisations}
    theirs = by_id[seeded.three_ids[0]]
    # An assessed organisation of the same industry and size band as the three-client
    # example: the same cohort of peers on both organisation pages.
    ours = next(
        (
            o
            for o in seeded.organisations
            if o["id"] in seeded.many_ids
            and o["id"] in seeded.assessed
            and (o["industry"], o["size_band"]) == (theirs["industry"], theirs["size_band"])
        ),
        seeded.organisations[0],
    )
    industry = theirs["industry"]
    term = next(t for t in TRADE_NAMES if t in theirs["name"])
    last_page = max(1, math.ceil(count / PER_PAGE))
    later = min(100, last_page)
    portfolio = "/portfolio"
    return [
        Page("portfolio, first page", portfolio, portfolio, "portfolio"),
        Page(
            f"portfolio, page {later}",
            f"{portfolio}?page={later}",
            portfolio if later > 1 else f"{portfolio}?page=1",
            "portfolio",
        ),
        *(
            Page(label, f"{portfolio}?{query}", f"{portfolio}?{query}", "portfolio")
            for label, query in (
                ("portfolio, industry + submitted", f"industry={industry}&status=submitted"),
                ("portfolio, level 3", "level=3"),
                ("portfolio, name search", f"q={quote(term)}"),
                ("portfolio, sorted by index", "sort=index"),
            )
        ),
        Page("organisations", "/organisations", "/organisations", "html"),
        Page(
            "organisation (history, peers)",
            f"/organisations/{ours['id']}",
            f"/organisations/{theirs['id']}",
            "html",
        ),
        Page(
            "API organisations, limit 50",
            "/api/v1/organisations?limit=50",
            "/api/v1/organisations?limit=50",
            "api",
        ),
    ]


# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    sys.path.insert(0, str(ROOT))
    problem = refusal(arguments.database, arguments.allow_sqlite)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from assessment.extensions import db

    shown_url = make_url(arguments.database).render_as_string(hide_password=True)
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(arguments.database, folder)
        with app.app_context():
            print(f"scale: dropping and creating every table of {shown_url}")
            try:
                recreate_tables()
            except OperationalError as error:
                print(f"cannot use the database: {error.orig}", file=sys.stderr)
                return 2
            seeded = seed(arguments.organisations, arguments.seed)
            print(
                f"  seeded {len(seeded.organisations):,} organisations, {seeded.assessments:,}"
                f" assessments, {seeded.index_rows:,} index rows in {seeded.seconds:.1f} s"
            )
            secrets_by_email = {email: api_secret(email) for email in (MANY_EMAIL, THREE_EMAIL)}
            db.session.remove()
        consultants = {
            email: Consultant(log_in(app, email), secrets_by_email[email])
            for email in (MANY_EMAIL, THREE_EMAIL)
        }
        pages = pages_for(seeded, arguments.organisations)
        with app.app_context():
            log = StatementLog(db.engine)
        results = measure(
            pages, consultants[MANY_EMAIL], consultants[THREE_EMAIL], arguments.repeat, log
        )
        with app.app_context():
            db.engine.dispose()

    print(
        f"\n{arguments.organisations:,} client organisations against 3 ({db_kind(shown_url)};"
        f" Flask's test client in this process; {arguments.repeat} timed requests per page and"
        " consultant after one to warm up; then one request each for its SQL statements and"
        " one under tracemalloc for its peak)"
    )
    print_table(pages, results)
    if arguments.queries:
        print_statements(pages, results)
    checks = targets(pages, results)
    print("\ntargets")
    for target, measured, met in checks:
        print(f"  {target:<58} {measured:<34} {'PASS' if met else 'FAIL'}")
    failed = sum(1 for _, _, met in checks if not met)
    print(f"  {failed} of {len(checks)} targets failed" if failed else "  every target met")
    return 1 if failed and not arguments.no_fail else 0


def db_kind(url: str) -> str:
    return "SQLite" if url.startswith("sqlite") else "PostgreSQL"


if __name__ == "__main__":
    sys.exit(main())
