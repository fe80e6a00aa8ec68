"""The query string values that choose a list's page, sort and filters, read strictly.

A value a list does not have (page 0, a sort or a filter that does not exist) raises a
``ListArgumentError`` whose message says what the list does have; the web answers it with
a 400 page, never a server error. Pure: it reads a mapping of strings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assessment.core.errors import AssessmentError
from assessment.core.messages import lazy_gettext as _l

SEARCH_MAX_LENGTH = 100


class ListArgumentError(AssessmentError):
    """A query string value a list does not have: answered 400, saying what it does have."""

    status_code = 400


def page_number(args: Mapping[str, str]) -> int:
    """The page asked for by ``?page=``; 1 when none is given."""
    text = (args.get("page") or "1").strip()
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise ListArgumentError(
            _l('The page number must be a whole number from 1, not "%(value)s".', value=text[:20])
        )
    return int(text)


def choice(args: Mapping[str, str], name: str, allowed: Sequence[str], default: str = "") -> str:
    """A query string value that must be one of ``allowed`` (or absent: ``default``)."""
    value = args.get(name) or default
    if value and value not in allowed:
        raise ListArgumentError(
            _l(
                'This list cannot use %(name)s="%(value)s". Choose one of: %(allowed)s.',
                name=name,
                value=value[:40],
                allowed=", ".join(allowed),
            )
        )
    return value


def search_text(args: Mapping[str, str], name: str = "q") -> str:
    """A text to look for, its spaces tidied and cut to a reasonable length."""
    return " ".join((args.get(name) or "").split())[:SEARCH_MAX_LENGTH]
