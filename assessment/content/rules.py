"""Rules across the entries of questionnaire files: unique ids, references, versions.

``cross_problems`` reads the raw document defensively, so that these problems are
reported together with any problems of shape that pydantic finds in the same file.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from assessment.content.schema import Questionnaire

Location = tuple[str | int, ...]
Problem = tuple[Location, str]


def _entries(data: object, key: str) -> list[tuple[int, dict]]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(position, entry) for position, entry in enumerate(value) if isinstance(entry, dict)]


def _duplicate_message(what: str, value: str, first: str) -> str:
    if what == "option":
        return _l("duplicate choice id '%(id)s' (first used at %(first)s)", id=value, first=first)
    if what == "part":
        return _l("duplicate part id '%(id)s' (first used at %(first)s)", id=value, first=first)
    if what == "dimension":
        return _l(
            "duplicate dimension id '%(id)s' (first used at %(first)s)", id=value, first=first
        )
    return _l("duplicate question id '%(id)s' (first used at %(first)s)", id=value, first=first)


def _duplicates(entries: list[tuple[Location, object]], what: str) -> Iterator[Problem]:
    first_seen: dict[object, Location] = {}
    for location, value in entries:
        if not isinstance(value, str):
            continue
        if value in first_seen:
            first = format_location(first_seen[value])
            yield (location, _duplicate_message(what, value, first))
        else:
            first_seen[value] = location


def format_location(location: Location) -> str:
    """``("dimensions", 2, "questions", 4, "id")`` -> ``dimensions[2].questions[4].id``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def cross_problems(data: object) -> list[Problem]:
    parts = _entries(data, "parts")
    dimensions = _entries(data, "dimensions")
    problems = list(
        _duplicates([(("parts", i, "id"), part.get("id")) for i, part in parts], "part")
    )
    problems += _duplicates(
        [(("dimensions", i, "id"), dimension.get("id")) for i, dimension in dimensions],
        "dimension",
    )
    problems += _duplicates(
        [
            (("dimensions", i, "questions", j, "id"), question.get("id"))
            for i, dimension in dimensions
            for j, question in _entries(dimension, "questions")
        ],
        "question",
    )
    part_ids = {part.get("id") for _, part in parts}
    for i, dimension in dimensions:
        part = dimension.get("part")
        if part is not None and part not in part_ids:
            problems.append(
                (
                    ("dimensions", i, "part"),
                    _l(
                        "part '%(part)s' is not one of the parts declared under 'parts'",
                        part=part,
                    ),
                )
            )
    return problems


def option_problems(data: object) -> list[Problem]:
    problems: list[Problem] = []
    for key in ("industries", "size_bands"):
        problems += _duplicates(
            [((key, i, "id"), option.get("id")) for i, option in _entries(data, key)], "option"
        )
    return problems


def version_problems(questionnaire: Questionnaire, others: list[Questionnaire]) -> list[Problem]:
    """Problems of a valid questionnaire against the other files of the same id."""
    same_id = [other for other in others if other.id == questionnaire.id]
    problems: list[Problem] = []
    if any(other.version == questionnaire.version for other in same_id):
        problems.append(
            (
                ("version",),
                _l(
                    "another file is also %(id)s version %(version)s",
                    id=questionnaire.id,
                    version=questionnaire.version,
                ),
            )
        )
    latest_published = max((o.version for o in same_id if o.is_published), default=0)
    if not questionnaire.is_published and questionnaire.version < latest_published:
        problems.append(
            (
                ("version",),
                _l(
                    "a draft must have a higher version than the latest published one (%(v)s)",
                    v=latest_published,
                ),
            )
        )
    return problems
