"""Checking questionnaire files against each other and against the published lock.

Published versions are pinned by a hash of their parsed content in ``published.lock``
beside the files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assessment.core.content import rules
from assessment.core.content.schema import (
    Crosswalk,
    OrganisationOptions,
    Questionnaire,
    RoadmapRules,
)
from assessment.core.content.writing import writing_warnings
from assessment.core.content.yaml_source import ParsedFile, parse_yaml, validate
from assessment.core.errors import ContentProblem
from assessment.core.messages import lazy_gettext as _l

LOCK_FILE_NAME = "published.lock"
ORGANISATION_OPTIONS_FILE = Path("reference") / "organisation.yaml"
ROADMAP_FILE = Path("reference") / "roadmap.yaml"
CROSSWALK_FOLDER = "crosswalks"
CONTENT_SUFFIXES = (".yaml", ".yml")


# ---------------------------------------------------------------------------
# Published versions


def content_hash(data: object) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def lock_key(questionnaire_id: str, version: int) -> str:
    return f"{questionnaire_id}@{version}"


def read_lock(directory: Path) -> tuple[dict[str, str], list[ContentProblem]]:
    path = directory / LOCK_FILE_NAME
    if not path.exists():
        return {}, []
    try:
        lock = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return {}, [ContentProblem(str(path), None, "", _l("unreadable: %(reason)s", reason=error))]
    if not isinstance(lock, dict) or not all(isinstance(v, str) for v in lock.values()):
        return {}, [
            ContentProblem(str(path), None, "", _l("must map 'id@version' to a content hash"))
        ]
    return lock, []


def write_lock(directory: Path, lock: dict[str, str]) -> None:
    path = directory / LOCK_FILE_NAME
    path.write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# A set of files


@dataclass(frozen=True)
class CheckedFile:
    parsed: ParsedFile
    questionnaire: Questionnaire | None


def content_files(directory: Path) -> list[Path]:
    return sorted(
        path
        for path in directory.iterdir()
        if path.suffix in CONTENT_SUFFIXES and path.is_file() and not path.name.startswith(".")
    )


def check_files(paths: Iterable[Path], lock: dict[str, str]) -> list[CheckedFile]:
    """Parse and validate files, then check them against each other and the lock.

    The other questionnaire files in the same folders are read too, but only as the
    earlier versions that a file's ``maps_from`` refers to; their own problems are not
    reported here.
    """
    paths = list(paths)
    chosen = {path.resolve() for path in paths}
    neighbours = [
        parse_yaml(other)
        for folder in sorted({path.parent for path in paths})
        if folder.is_dir()
        for other in content_files(folder)
        if other.resolve() not in chosen
    ]
    return check_parsed([parse_yaml(path) for path in paths], lock, neighbours)


def _published_key(parsed: ParsedFile) -> tuple[str, int] | None:
    """``(id, version)`` of a file that says it is published, even if it is invalid."""
    data = parsed.data
    if not isinstance(data, dict) or data.get("status") != "published":
        return None
    questionnaire_id, version = data.get("id"), data.get("version")
    if not isinstance(questionnaire_id, str) or type(version) is not int:
        return None
    return (questionnaire_id, version)


def _mapping_problems(entry: CheckedFile, candidates: list[CheckedFile]) -> list[rules.Problem]:
    """Problems of ``maps_from`` in ``entry`` against the previous published version; none
    when that version's own file is invalid (its problems are reported on their own)."""
    questionnaire = entry.questionnaire
    if questionnaire is None:
        return []
    published = {key: c for c in candidates if (key := _published_key(c.parsed)) is not None}
    version = rules.previous_published_version(*questionnaire.key, published)
    previous = None
    if version is not None:
        previous = published[(questionnaire.id, version)].questionnaire
        if previous is None:
            return []
    return rules.mapping_problems(questionnaire, previous)


def check_parsed(
    parsed_files: Iterable[ParsedFile],
    lock: dict[str, str],
    neighbours: Iterable[ParsedFile] = (),
) -> list[CheckedFile]:
    """Validate parsed files, then check them against each other and the lock;
    ``neighbours`` only serve as earlier versions for ``maps_from``."""
    checked = [CheckedFile(parsed, validate(parsed)) for parsed in parsed_files]
    candidates = checked + [CheckedFile(parsed, validate(parsed)) for parsed in neighbours]
    valid = [c for c in checked if c.questionnaire is not None]
    for entry in checked:
        questionnaire = entry.questionnaire
        if questionnaire is None:
            continue
        for location, message in rules.version_problems(
            questionnaire, [c.questionnaire for c in valid if c is not entry]
        ) + _mapping_problems(entry, candidates):
            entry.parsed.problems.append(entry.parsed.problem(location, message))
        pinned = lock.get(lock_key(*questionnaire.key))
        if questionnaire.is_published:
            if pinned is None:
                entry.parsed.problems.append(
                    entry.parsed.problem(
                        ("status",),
                        _l(
                            "published, but not recorded in %(lock)s: "
                            "publish with 'flask content publish FILE'",
                            lock=LOCK_FILE_NAME,
                        ),
                    )
                )
            elif pinned != content_hash(entry.parsed.data):
                entry.parsed.problems.append(
                    entry.parsed.problem(
                        (),
                        _l(
                            "this published version has changed since it was published; "
                            "restore it and put the changes in a new draft version"
                        ),
                    )
                )
        elif pinned is not None:
            entry.parsed.problems.append(
                entry.parsed.problem(
                    ("status",),
                    _l(
                        "this version was published (it is recorded in %(lock)s) and cannot "
                        "become a draft again; restore it and put the changes in a new draft "
                        "version",
                        lock=LOCK_FILE_NAME,
                    ),
                )
            )
    return checked


def missing_published(
    checked: list[CheckedFile], lock: dict[str, str], directory: Path
) -> list[ContentProblem]:
    """Pinned versions that no file claims, even an invalid one, any more."""
    if any(c.parsed.data is None for c in checked):
        return []  # a file that cannot be read may be the one; its own problem is reported
    present = {
        lock_key(str(c.parsed.data.get("id")), c.parsed.data.get("version"))
        for c in checked
        if isinstance(c.parsed.data, dict)
    }
    return [
        ContentProblem(
            str(directory / LOCK_FILE_NAME),
            None,
            key,
            _l("this published version has no file any more; assessments may refer to it"),
        )
        for key in sorted(set(lock) - present)
    ]


def all_problems(checked: Iterable[CheckedFile]) -> Iterator[ContentProblem]:
    for entry in checked:
        yield from entry.parsed.problems


@dataclass(frozen=True)
class CheckedDirectory:
    files: list[CheckedFile]
    organisation_options: OrganisationOptions | None
    roadmap: RoadmapRules | None
    crosswalks: list[Crosswalk]
    problems: list[ContentProblem]
    warnings: list[ContentProblem] = field(default_factory=list)


def all_warnings(checked: Iterable[CheckedFile]) -> list[ContentProblem]:
    """How the valid drafts are written (``writing``): warnings, never problems. Published
    versions get none: they can no longer change."""
    return [
        entry.parsed.problem(location, message)
        for entry in checked
        if entry.questionnaire is not None and not entry.questionnaire.is_published
        for location, message in writing_warnings(entry.questionnaire)
    ]


def check_crosswalks(
    folder: Path, questionnaires: list[Questionnaire]
) -> tuple[list[Crosswalk], list[ContentProblem]]:
    """Every crosswalk file in ``folder``, checked on its own and against the
    questionnaires; the valid ones, and the problems of the others."""
    if not folder.is_dir():
        return [], []
    valid, problems, seen = [], [], {}
    for path in content_files(folder):
        parsed = parse_yaml(path)
        found = validate(parsed, Crosswalk, lambda _data: [])
        if found is not None:
            for location, message in rules.crosswalk_problems(found, questionnaires):
                parsed.problems.append(parsed.problem(location, message))
            if found.id in seen:
                parsed.problems.append(
                    parsed.problem(
                        ("id",),
                        _l(
                            "another crosswalk is also %(id)s (%(file)s)",
                            id=found.id,
                            file=seen[found.id],
                        ),
                    )
                )
            seen.setdefault(found.id, path.name)
        if parsed.problems:
            problems += parsed.problems
        elif found is not None:
            valid.append(found)
    return valid, problems


def check_roadmap(path: Path, questionnaires: Iterable[Questionnaire]) -> ParsedFile:
    """The roadmap's ranking rule, checked on its own and against the questionnaires."""
    parsed = parse_yaml(path)
    roadmap = validate(parsed, RoadmapRules, lambda _data: [])
    if roadmap is None:
        return parsed
    for questionnaire in questionnaires:
        known = {part.id for part in questionnaire.parts}
        for i, part_id in enumerate(roadmap.barriers_first):
            if part_id not in known:
                parsed.problems.append(
                    parsed.problem(
                        ("barriers_first", i),
                        _l(
                            "names part %(part)s, which %(id)s version %(version)s does not have",
                            part=part_id,
                            id=questionnaire.id,
                            version=questionnaire.version,
                        ),
                    )
                )
    return parsed


def check_directory(directory: Path) -> CheckedDirectory:
    """Every check the app runs on a content folder: files, lock and reference data."""
    lock, problems = read_lock(directory)
    checked = check_files(content_files(directory), lock)
    problems += list(all_problems(checked)) + missing_published(checked, lock, directory)
    options_file = parse_yaml(directory / ORGANISATION_OPTIONS_FILE)
    options = validate(options_file, OrganisationOptions, rules.option_problems)
    problems += options_file.problems
    roadmap_file = check_roadmap(
        directory / ROADMAP_FILE, (c.questionnaire for c in checked if c.questionnaire)
    )
    problems += roadmap_file.problems
    roadmap = None if roadmap_file.problems else RoadmapRules.model_validate(roadmap_file.data)
    crosswalks, crosswalk_problems = check_crosswalks(
        directory / CROSSWALK_FOLDER, [c.questionnaire for c in checked if c.questionnaire]
    )
    problems += crosswalk_problems
    return CheckedDirectory(checked, options, roadmap, crosswalks, problems, all_warnings(checked))
