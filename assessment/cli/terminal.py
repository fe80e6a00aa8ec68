"""What every command shares: messages in the terminal's language, the exit codes, one clear
line for a database that is not ready, the content library or exit, and aligned tables."""

from __future__ import annotations

import functools
import json
import sys
import unicodedata
from collections.abc import Callable
from typing import Any

import click
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError, ProgrammingError

from assessment.content.registry import current_library
from assessment.core import locales
from assessment.core.content.library import ContentLibrary
from assessment.core.errors import ContentError
from assessment.extensions import database_error_summary

EXIT_CONTENT = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_DONE = 3
EXIT_DATABASE = 4


def localized_command(function: Callable[..., Any]) -> Callable[..., Any]:
    """Messages in the terminal's language, and a database that is not ready (not
    reachable, or without its tables) as one clear line instead of a traceback."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with force_locale(locales.terminal_locale()):
            try:
                return function(*args, **kwargs)
            except (OperationalError, ProgrammingError) as error:
                fail([database_not_ready(error)], EXIT_DATABASE)
                raise  # unreachable: fail() exits

    return wrapper


def database_not_ready(error: OperationalError | ProgrammingError) -> str:
    reason = database_error_summary(error)
    if "no such table" in reason or ("relation" in reason and "does not exist" in reason):
        return _("The database has no tables yet: run 'flask db upgrade' first.")
    return _("The database cannot be used: %(reason)s", reason=reason)


def fail(lines: list[str], code: int) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


def library_or_exit() -> ContentLibrary:
    try:
        return current_library()
    except ContentError as error:
        fail(
            [str(problem) for problem in error.problems]
            + [_("The content has problems: run 'flask content check'.")],
            EXIT_CONTENT,
        )
        raise  # unreachable: fail() exits


def echo_rows(
    rows: list[dict[str, Any]],
    as_json: bool,
    empty_message: str,
    headers: list[str],
    cells: Callable[[dict[str, Any]], list[str]],
) -> None:
    """Print rows as JSON, or as an aligned table, or say that there are none."""
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        click.echo(empty_message)
    else:
        click.echo(format_table(headers, [cells(row) for row in rows]))


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(display_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "  ".join(
            cell + " " * (width - display_width(cell))
            for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in [headers, *rows]
    ]
    return "\n".join(lines)


def assessment_or_exit(assessment_id: int) -> Any:
    from assessment.extensions import db
    from assessment.models import Assessment

    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        fail(
            [_("No assessment with id %(id)s (see 'flask assessments list').", id=assessment_id)],
            EXIT_BAD_INPUT,
        )
    return assessment
