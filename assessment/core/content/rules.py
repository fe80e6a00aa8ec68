"""Rules across the entries of questionnaire files: unique ids, references, versions,
and the question mapping between versions (``maps_from``).

``cross_problems`` reads the raw document defensively, so that these problems are
reported together with any problems of shape that pydantic finds in the same file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import pairwise

from assessment.core import comparison
from assessment.core.comparison import MappingProblemCode
from assessment.core.content.schema import Crosswalk, Questionnaire
from assessment.core.messages import lazy_gettext as _l

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


def previous_published_version(
    questionnaire_id: str, version: int, published: Iterable[tuple[str, int]]
) -> int | None:
    """The version a questionnaire version's ``maps_from`` refers to: the highest
    published version of the same id below it, among the ``(id, version)`` pairs."""
    return max(
        (v for i, v in published if i == questionnaire_id and v < version),
        default=None,
    )


def _mapping_message(
    code: MappingProblemCode,
    old_id: str,
    previous: Questionnaire,
    dimension_id: str,
) -> str:
    if code is MappingProblemCode.REPEATED_OLD_QUESTION:
        return _l("'%(old)s' is listed more than once", old=old_id)
    if code is MappingProblemCode.OTHER_DIMENSION:
        old_dimension = next(
            d.id for d in previous.dimensions if any(q.id == old_id for q in d.questions)
        )
        return _l(
            "'%(old)s' is in dimension '%(old_dimension)s' in version %(version)s; a question "
            "can only continue questions of its own dimension ('%(dimension)s')",
            old=old_id,
            old_dimension=old_dimension,
            version=previous.version,
            dimension=dimension_id,
        )
    return _l(
        "'%(old)s' is not a question of %(id)s version %(version)s",
        old=old_id,
        id=previous.id,
        version=previous.version,
    )


def mapping_problems(questionnaire: Questionnaire, previous: Questionnaire | None) -> list[Problem]:
    """Problems of a valid questionnaire's ``maps_from`` against ``previous``, the previous
    published version of the same id (None: there is none).

    Each listed id is checked by ``comparison.mapping_problems``, the rule comparisons
    apply, and reported at its own place in the list. A question without ``maps_from``
    whose id the previous version has in another dimension is reported too: by the
    default it would silently count as new, which is rarely what the author meant.
    An old question that no question continues is not a problem: it was removed.
    """
    problems: list[Problem] = []
    old_dimension_of = (
        {q.id: d.id for d in previous.dimensions for q in d.questions} if previous else {}
    )
    for i, dimension in enumerate(questionnaire.dimensions):
        for j, question in enumerate(dimension.questions):
            at = ("dimensions", i, "questions", j)
            if question.maps_from is None:
                old_dimension = old_dimension_of.get(question.id, dimension.id)
                if old_dimension != dimension.id:
                    problems.append(
                        (
                            (*at, "id"),
                            _l(
                                "'%(id)s' is in dimension '%(old_dimension)s' in version "
                                "%(version)s; a question can only continue questions of its "
                                "own dimension: give it a new id, or declare 'maps_from: []'",
                                id=question.id,
                                old_dimension=old_dimension,
                                version=previous.version if previous else "",
                            ),
                        )
                    )
                continue
            if previous is None:
                if question.maps_from:
                    problems.append(
                        (
                            (*at, "maps_from"),
                            _l(
                                "maps_from refers to the previous published version of "
                                "%(id)s, and there is none",
                                id=questionnaire.id,
                            ),
                        )
                    )
                continue
            # Each entry's problem, if any, is the one that appears when it is added.
            reported = 0
            for k in range(len(question.maps_from)):
                found = comparison.mapping_problems(
                    previous.scoring_rules,
                    questionnaire.scoring_rules,
                    {question.id: question.maps_from[: k + 1]},
                )
                for problem in found[reported:]:
                    message = _mapping_message(
                        problem.code, str(problem.old_question_id), previous, dimension.id
                    )
                    problems.append(((*at, "maps_from", k), message))
                reported = len(found)
    return problems


def crosswalk_problems(
    crosswalk: Crosswalk, questionnaires: Iterable[Questionnaire]
) -> list[Problem]:
    """Problems of a valid crosswalk: levels and areas named twice, a level map naming a
    level it does not declare or going down, and versions or questions that do not exist."""
    problems: list[Problem] = []
    seen_levels: set[int] = set()
    for i, level in enumerate(crosswalk.levels):
        if level.id in seen_levels:
            problems.append(
                (("levels", i, "id"), _l("level %(id)s is declared twice", id=level.id))
            )
        seen_levels.add(level.id)
    for i, level_id in enumerate(crosswalk.level_map):
        if level_id is not None and level_id not in seen_levels:
            problems.append(
                (("level_map", i), _l("names level %(id)s, which is not declared", id=level_id))
            )
    mapped = [-1 if level is None else level for level in crosswalk.level_map]
    if any(later < earlier for earlier, later in pairwise(mapped)):
        problems.append(
            (("level_map",), _l("must not go down: a higher level of ours never reads lower"))
        )
    area_of: dict[str, str] = {}
    seen_areas: set[str] = set()
    for i, area in enumerate(crosswalk.areas):
        if area.id in seen_areas:
            problems.append((("areas", i, "id"), _l("area %(id)s is declared twice", id=area.id)))
        seen_areas.add(area.id)
        for j, question_id in enumerate(area.questions):
            if question_id in area_of:
                problems.append(
                    (
                        ("areas", i, "questions", j),
                        _l(
                            "question %(question)s is also in area %(area)s",
                            question=question_id,
                            area=area_of[question_id],
                        ),
                    )
                )
            area_of.setdefault(question_id, area.id)
    known = {q.key: q for q in questionnaires}
    for i, version in enumerate(crosswalk.versions):
        questionnaire = known.get((crosswalk.questionnaire, version))
        if questionnaire is None:
            problems.append(
                (
                    ("versions", i),
                    _l(
                        "there is no questionnaire %(id)s version %(version)s",
                        id=crosswalk.questionnaire,
                        version=version,
                    ),
                )
            )
            continue
        asked = {q.id for q in questionnaire.questions}
        for a, area in enumerate(crosswalk.areas):
            for j, question_id in enumerate(area.questions):
                if question_id not in asked:
                    problems.append(
                        (
                            ("areas", a, "questions", j),
                            _l(
                                "names question %(question)s, which %(id)s version "
                                "%(version)s does not have",
                                question=question_id,
                                id=questionnaire.id,
                                version=version,
                            ),
                        )
                    )
    return problems
