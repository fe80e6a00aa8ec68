"""gunicorn settings for production: ``gunicorn --config gunicorn.conf.py app:app``.

``bin/start-web`` migrates the database and then runs exactly that. Every setting comes
from the environment (see docs/operations.md):

- ``PORT`` (8000) and ``HOST`` (0.0.0.0): where to listen.
- ``WEB_CONCURRENCY``: worker processes; default CPUs + 1, at most 12.
- ``GUNICORN_THREADS`` (2): threads per worker.
- ``GUNICORN_TIMEOUT`` (60): seconds a request may take (a large PDF takes a few).
- ``GUNICORN_GRACEFUL_TIMEOUT`` (30): on SIGTERM, seconds to finish running requests.

Logs go through the app's logging (``assessment.web.serving``): gunicorn's own messages and
the app's records are the same JSON lines (or text lines with ``LOG_FORMAT=text``), and
the access line per request is the app's, with capability tokens masked; gunicorn's own
access log, which would show them, is off.
"""

import gc
import os

from assessment.config import LOG_LEVELS, whole_number_from_env

MAX_DEFAULT_WORKERS = 12


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _log_level() -> str:
    """LOG_LEVEL, or INFO: the app itself refuses to start with an unknown level."""
    level = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
    return level if level in LOG_LEVELS else "INFO"


def _log_format() -> str:
    default = "json" if os.environ.get("APP_ENV", "").strip().lower() == "production" else "text"
    return os.environ.get("LOG_FORMAT") or default


bind = f"{os.environ.get('HOST', '0.0.0.0')}:{whole_number_from_env('PORT', 8000, 1, 65535)}"  # noqa: S104
# CPUs + 1 processes of 2 threads: a request is mostly Python (one thread at a time per
# process) with short waits on PostgreSQL. On 2 cores, bench/load.py measured 3 x 2 at
# about a fifth more autosaves a second than gunicorn's usual 2 x CPUs + 1 (5 x 2), whose
# extra processes only add context switches and database connections.
workers = whole_number_from_env("WEB_CONCURRENCY", min(_cpu_count() + 1, MAX_DEFAULT_WORKERS))
worker_class = "gthread"
threads = whole_number_from_env("GUNICORN_THREADS", 2, 1, 64)
timeout = whole_number_from_env("GUNICORN_TIMEOUT", 60, 5, 3600)
graceful_timeout = whole_number_from_env("GUNICORN_GRACEFUL_TIMEOUT", 30, 1, 3600)
keepalive = 5  # seconds; keep it below the load balancer's idle timeout
# Replace each worker after about a thousand requests, staggered, so that memory a PDF
# rendering left behind is given back.
max_requests = 1000
max_requests_jitter = 100
# The app is loaded once, in the master: a configuration error stops gunicorn at once,
# with its message, instead of every worker failing in turn; workers share its memory.
preload_app = True
# Heartbeat files in memory, not on a container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# No control socket: it would be one path in $HOME shared by every gunicorn of the user.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = None  # the app writes one access line per request, tokens masked
errorlog = "-"
loglevel = _log_level().lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": loglevel.upper(), "handlers": ["assessment"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": [], "propagate": True},
        # Off: gunicorn's access line would show capability tokens in paths.
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
    "handlers": {
        "assessment": {"()": "assessment.web.serving.log_handler", "log_format": _log_format()},
    },
    "formatters": {},
}


def pre_fork(server, worker):
    """Move everything the master has loaded out of the garbage collector's sight: workers
    then share those pages instead of copying them, and exit in a moment instead of
    collecting the whole app (seconds) when they stop."""
    gc.freeze()


def post_fork(server, worker):
    """A worker must not share the master's database connections; it opens its own."""
    from assessment.extensions import db

    application = server.app.wsgi()
    with application.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
