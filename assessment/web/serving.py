"""How the app is served: behind proxies, with a request id and an access line per request.

In production (or with ``LOG_FORMAT=json``) every log record is one JSON line on standard
error; with ``LOG_FORMAT=text`` one text line. Either way each record written during a
request carries that request's id: the caller's ``X-Request-ID`` when it is well formed,
else a new one, sent back in the response's ``X-Request-ID``. Without ``LOG_FORMAT``
outside production, logging stays as Flask sets it up (the development default).

Paths under ``/a/<token>``, ``/invitations/<token>``, ``/password/reset/<token>`` and
``/signup/finish/<token>`` hold capabilities: whoever has the path may use it, so logs
show them masked.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter
from werkzeug.middleware.proxy_fix import ProxyFix

REQUEST_ID_HEADER = "X-Request-ID"
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
CAPABILITY_PATH = re.compile(r"^/(a|invitations|password/reset|signup/finish)/[^/]+")
MASKED = "***"
# The name of the one handler that writes the app's (and gunicorn's) logs; gunicorn's
# configuration sets it up under this name before the app is loaded.
HANDLER_NAME = "assessment"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = ["levelname", "name", "message", "request_id"]
# Libraries that log every step at INFO: only their warnings, unless LOG_LEVEL=DEBUG.
CHATTY_LOGGERS = ("weasyprint.progress", "fontTools")
# Load-balancer probes come every few seconds: when they succeed they are logged at DEBUG.
PROBE_PATHS = frozenset({"/healthz", "/readyz"})

access_log = logging.getLogger("assessment.access")


def loggable_path(path: str) -> str:
    """``path`` with its capability token, if it has one, masked."""
    return CAPABILITY_PATH.sub(lambda match: f"/{match[1]}/{MASKED}", path)


def request_id() -> str:
    """The current request's id: the caller's, when well formed, else a new one."""
    if "request_id" not in g:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if WELL_FORMED_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record: the request's id, or "-" outside requests."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id() if has_request_context() else "-"
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        JSON_FIELDS,
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
        json_ensure_ascii=False,
    )


def text_formatter() -> logging.Formatter:
    return logging.Formatter(TEXT_FORMAT)


def log_handler(log_format: str) -> logging.Handler:
    """The handler on standard error that every record goes through."""
    handler = logging.StreamHandler(sys.stderr)
    handler.name = HANDLER_NAME
    handler.setFormatter(json_formatter() if log_format == "json" else text_formatter())
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(log_format: str, level: str) -> None:
    """Send every record through one handler on the root logger, once per process."""
    root = logging.getLogger()
    if not any(handler.name == HANDLER_NAME for handler in root.handlers):
        root.addHandler(log_handler(log_format))
    root.setLevel(level.upper())
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(
            logging.DEBUG if root.level == logging.DEBUG else logging.WARNING
        )


def init_serving(app: Flask) -> None:
    """Trust the configured proxies, set up logging, and log every request once."""
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    log_format = app.config.get("LOG_FORMAT")
    if log_format:
        configure_logging(log_format, app.config.get("LOG_LEVEL") or "INFO")
        app.logger.removeHandler(default_handler)

    @app.before_request
    def start_request() -> None:
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def finish_request(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        path = loggable_path(request.path)
        quiet = request.path in PROBE_PATHS and response.status_code == 200
        access_log.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s %s %s %s ms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response
