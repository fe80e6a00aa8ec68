"""The API's collections a page at a time: ``?limit=`` rows after an opaque ``?cursor=``.

Keyset pagination: a list is sorted by a key that ends in the id, and the next page is
the rows whose key comes after the last row's, ``WHERE (key, id) > (last)`` written with
``or_``/``and_`` so that SQLite and PostgreSQL read it alike. Rows added or deleted while a
client walks the pages neither repeat nor skip the others, and page 200 costs what page 1
does. The cursor is the last row's key and the path of the list, signed (itsdangerous,
salt ``api-cursor``): it cannot be forged, nor used on another list. It is readable, like
the page it came from; it carries nothing that page did not show. Who may see what is the
query's own condition, so a cursor never widens it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Response, current_app, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, TypeDecorator, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from assessment.api.blueprint import ApiError, dump
from assessment.api.schemas import DEFAULT_LIMIT, MAX_LIMIT
from assessment.extensions import db
from assessment.models import LARGEST_ID

CURSOR_SALT = "api-cursor"
LARGEST_TEXT_KEY = 1000  # longer than any name a sort key holds

KeyValue = int | str | datetime


@dataclass(frozen=True)
class Order:
    """How a collection is sorted: by ``columns`` of one model, the last of them unique
    (its id), all ascending or all descending."""

    columns: tuple[InstrumentedAttribute[Any], ...]
    descending: bool = False

    def clauses(self) -> list[ColumnElement[Any]]:
        return [column.desc() if self.descending else column.asc() for column in self.columns]

    def after(self, key: Sequence[KeyValue]) -> ColumnElement[bool]:
        """The rows that come after ``key``: ``(a, b) > (x, y)`` as
        ``a > x OR (a = x AND b > y)`` (``<`` when descending)."""
        ways = []
        for position, column in enumerate(self.columns):
            beyond = column < key[position] if self.descending else column > key[position]
            equal = [c == k for c, k in zip(self.columns[:position], key, strict=False)]
            ways.append(and_(*equal, beyond))
        return or_(*ways)

    def key_of(self, instance: object) -> tuple[KeyValue, ...]:
        return tuple(getattr(instance, column.key) for column in self.columns)

    def encode(self, key: Sequence[KeyValue]) -> list[int | str]:
        return [value.isoformat() if isinstance(value, datetime) else value for value in key]

    def decode(self, raw: object) -> tuple[KeyValue, ...] | None:
        """The key a cursor carries, each value of its column's type; None if it is not."""
        if not isinstance(raw, list) or len(raw) != len(self.columns):
            return None
        key = []
        for column, value in zip(self.columns, raw, strict=True):
            decoded = _decoded(_python_type(column), value)
            if decoded is None:
                return None
            key.append(decoded)
        return tuple(key)


def _python_type(column: InstrumentedAttribute[Any]) -> type:
    sql_type = column.type
    if isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    return sql_type.python_type


def _decoded(kind: type, value: object) -> KeyValue | None:
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= LARGEST_ID
        return value if ok else None
    if not isinstance(value, str) or len(value) > LARGEST_TEXT_KEY:
        return None
    if kind is str:
        return value
    if kind is datetime:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        return moment if moment.tzinfo is not None else None
    return None


@dataclass(frozen=True)
class KeysetPage:
    """The rows of one page, as the statement selects them, and the next page's URL."""

    rows: list[Any]
    next_url: str | None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=CURSOR_SALT)


def limit_argument() -> int:
    text = request.args.get("limit")
    if text is None:
        return DEFAULT_LIMIT
    stripped = text.strip()
    if stripped.isascii() and stripped.isdigit() and 1 <= int(stripped) <= MAX_LIMIT:
        return int(stripped)
    raise ApiError(
        400,
        _(
            "limit must be a whole number from 1 to %(largest)s, not “%(value)s”.",
            largest=MAX_LIMIT,
            value=text[:20],
        ),
    )


def cursor_argument(order: Order) -> tuple[KeyValue, ...] | None:
    """The key after which the page starts; None for the first page. A cursor that was
    not made here for this list is a 400."""
    text = request.args.get("cursor")
    if text is None:
        return None
    try:
        payload = _serializer().loads(text)
    except (BadData, ValueError, TypeError, RecursionError):
        payload = None
    key = None
    if isinstance(payload, dict) and payload.get("list") == request.path:
        key = order.decode(payload.get("after"))
    if key is None:
        raise ApiError(400, _("This cursor is not valid; start again from the first page."))
    return key


def _next_url(order: Order, key: Sequence[KeyValue]) -> str:
    cursor = _serializer().dumps({"list": request.path, "after": order.encode(key)})
    arguments: dict[str, Any] = dict(request.view_args or {})
    if "limit" in request.args:
        arguments["limit"] = limit_argument()
    return url_for(request.endpoint or "", **arguments, cursor=cursor, _external=True)


def keyset_page(statement: Select[Any], order: Order) -> KeysetPage:
    """One page of ``statement`` (which selects ``order``'s model first and has no
    ORDER BY), as the request's ``limit`` and ``cursor`` ask."""
    limit = limit_argument()
    after = cursor_argument(order)
    if after is not None:
        statement = statement.where(order.after(after))
    result = db.session.execute(statement.order_by(*order.clauses()).limit(limit + 1))
    rows = list(result.scalars() if len(statement.column_descriptions) == 1 else result)
    if len(rows) <= limit:
        return KeysetPage(rows=rows, next_url=None)
    rows = rows[:limit]
    last = rows[-1] if len(statement.column_descriptions) == 1 else rows[-1][0]
    return KeysetPage(rows=rows, next_url=_next_url(order, order.key_of(last)))


def page_response(body: BaseModel, next_url: str | None) -> Response:
    response = dump(body)
    if next_url is not None:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response
