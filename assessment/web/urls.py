"""Addresses: where a redirect may go (only to a path on this site), and the ids a URL
may carry."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter, Map

from assessment.models import LARGEST_ID


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number larger than any id column holds does not
    match, so it is a 404 like any other id that names nothing (PostgreSQL would refuse
    to compare it with an integer column)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a local path ("/..."), else ``fallback``: no open redirects."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(c in target for c in "\r\n\\"):
        return fallback
    return target
