"""``/healthz`` (alive: the process answers and reaches its database) and ``/readyz``
(ready for traffic: database, schema, Redis when configured, content).

Both are public, JSON, never rate-limited and never set a cookie; they say nothing about
anyone's data. A failing probe answers 503 with the reason.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from assessment.extensions import limiter
from assessment.health import checks

bp = Blueprint("health", __name__)

NOT_CONFIGURED = "not configured"
SKIPPED = "not checked"


def _probe_response(payload: dict[str, object], status: int) -> tuple[Response, int]:
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"
    return response, status


@bp.get("/healthz")
@limiter.exempt
def liveness() -> tuple[Response, int]:
    problem = checks.database_problem()
    if problem:
        return _probe_response({"status": "unavailable", "reason": problem}, 503)
    return _probe_response({"status": "ok"}, 200)


@bp.get("/readyz")
@limiter.exempt
def readiness() -> tuple[Response, int]:
    database = checks.database_problem()
    results = {
        "database": database,
        # Without a database the schema cannot be read; the database is the reason.
        "migrations": checks.migration_problem() if database is None else None,
        "redis": checks.redis_problem(),
        "content": checks.content_problem(),
    }
    shown = {name: reason or "ok" for name, reason in results.items()}
    if database is not None:
        shown["migrations"] = SKIPPED
    if not current_app.config.get("REDIS_URL"):
        shown["redis"] = NOT_CONFIGURED
    failures = [reason for reason in results.values() if reason]
    if failures:
        return _probe_response(
            {"status": "not ready", "reason": "; ".join(failures), "checks": shown}, 503
        )
    return _probe_response({"status": "ready", "checks": shown}, 200)
