"""Reading questionnaire files: YAML with line numbers, validated, every problem reported.

A problem names the file, the line, the location inside the document (like
``dimensions[2].questions[4].levels[3].en``) and the reason. Published versions are
pinned by a hash of their parsed content in ``published.lock`` beside the files.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from assessment.core import comparison, merging
from assessment.core.content import rules
from assessment.core.content.rules import Location, format_location
from assessment.core.content.schema import OrganisationOptions, Questionnaire
from assessment.core.errors import ContentError, ContentProblem
from assessment.core.messages import lazy_gettext as _l

log = logging.getLogger(__name__)

LOCK_FILE_NAME = "published.lock"
ORGANISATION_OPTIONS_FILE = Path("reference") / "organisation.yaml"
CONTENT_SUFFIXES = (".yaml", ".yml")


@dataclass
class ParsedFile:
    path: Path
    data: object
    lines: dict[Location, int]
    problems: list[ContentProblem] = field(default_factory=list)

    def line_of(self, location: Location) -> int | None:
        """The line of ``location``, or of its nearest ancestor present in the file."""
        for end in range(len(location), -1, -1):
            line = self.lines.get(location[:end])
            if line is not None:
                return line
        return None

    def problem(self, location: Location, message: str) -> ContentProblem:
        return ContentProblem(
            file=str(self.path),
            line=self.line_of(location),
            location=format_location(location) + self._owner_id(location),
            message=message,
        )

    def _owner_id(self, location: Location) -> str:
        """`` (question model_c2m)`` for a location inside a question with an id."""
        if len(location) < 4 or location[0] != "dimensions" or location[2] != "questions":
            return ""
        try:
            question_id = self.data["dimensions"][location[1]]["questions"][location[3]]["id"]
        except (KeyError, IndexError, TypeError):
            return ""
        return f" ({question_id})" if isinstance(question_id, str) else ""


# ---------------------------------------------------------------------------
# YAML


def _walk_nodes(node: yaml.Node, location: Location, parsed: ParsedFile) -> None:
    parsed.lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                parsed.problems.append(
                    ContentProblem(
                        file=str(parsed.path),
                        line=key_node.start_mark.line + 1,
                        location=format_location((*location, key)),
                        message=_l("this key appears twice in the same block"),
                    )
                )
            seen.add(key)
            _walk_nodes(value_node, (*location, key), parsed)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _walk_nodes(item, (*location, position), parsed)


def parse_yaml(path: Path) -> ParsedFile:
    """Read a YAML file, keeping each node's line; syntax errors become problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        message = _l("the file is not UTF-8 text")
    except OSError as error:
        message = _l("cannot read the file: %(reason)s", reason=error.strerror)
    else:
        return parse_yaml_text(text, path)
    parsed = ParsedFile(path=path, data=None, lines={})
    parsed.problems.append(ContentProblem(str(path), None, "", message))
    return parsed


def parse_yaml_text(text: str, path: Path) -> ParsedFile:
    parsed = ParsedFile(path=path, data=None, lines={})
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _walk_nodes(node, (), parsed)
            parsed.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        parsed.problems.append(
            ContentProblem(
                str(path),
                mark.line + 1 if mark else None,
                "",
                _l("not valid YAML: %(reason)s", reason=error.problem or str(error)),
            )
        )
    except yaml.YAMLError as error:
        parsed.problems.append(
            ContentProblem(str(path), None, "", _l("not valid YAML: %(reason)s", reason=error))
        )
    finally:
        loader.dispose()
    return parsed


# ---------------------------------------------------------------------------
# Validation messages


def _pydantic_message(error: ErrorDetails) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    location = error["loc"]
    if kind == "missing":
        if location and location[-1] in ("zh-CN", "en"):
            return _l("the %(language)s text is missing", language=location[-1])
        return _l("a required key is missing")
    if kind == "extra_forbidden":
        return _l("unknown key (check its spelling against docs/content-format.md)")
    if kind == "string_too_short":
        return _l("the text is empty")
    if kind in ("too_short", "too_long"):
        expected = context.get("min_length") if kind == "too_short" else context.get("max_length")
        return _l(
            "needs %(expected)s entries, found %(found)s",
            expected=expected,
            found=context.get("actual_length"),
        )
    if kind in ("greater_than", "greater_than_equal"):
        limit = context.get("gt", context.get("ge"))
        if kind == "greater_than":
            return _l("must be greater than %(limit)s", limit=limit)
        return _l("must be at least %(limit)s", limit=limit)
    if kind in ("less_than_equal", "less_than"):
        return _l("must be at most %(limit)s", limit=context.get("le", context.get("lt")))
    if kind == "string_pattern_mismatch":
        return _l(
            "not a valid id: use lowercase letters, digits and underscores, starting with a letter"
        )
    if kind == "literal_error":
        return _l("must be one of: %(expected)s", expected=context.get("expected"))
    if kind in ("string_type",):
        return _l("must be text")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _l("must be a whole number")
    if kind in ("decimal_type", "decimal_parsing", "finite_number"):
        return _l("must be a number")
    if kind in ("bool_type", "bool_parsing"):
        return _l("must be true or false")
    if kind in ("list_type", "tuple_type"):
        return _l("must be a list")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _l("must be a block of keys and values")
    if kind == "value_error" and "thresholds_order" in error["msg"]:
        return _l("thresholds must increase strictly, one for each of levels 2 to 5")
    if kind == "value_error" and "merge_rule_unknown" in error["msg"]:
        return _l("unknown merge rule; one of: %(rules)s", rules=", ".join(merging.MERGE_RULES))
    if kind == "value_error" and "method_placeholder" in error["msg"]:
        return _l(
            "unknown placeholder in braces; the method text may use {min_answered_share} "
            "and {level_bands}"
        )
    if kind == "value_error" and "cjk_space" in error["msg"]:
        return _l(
            "white space between Chinese characters; write Chinese on one line "
            "(a folded '>-' block joins lines with spaces)"
        )
    if kind == "value_error" and "method_braces" in error["msg"]:
        return _l("unbalanced braces; write {{ and }} for literal braces")
    return error["msg"]


Model = TypeVar("Model", bound=BaseModel)


def validate(
    parsed: ParsedFile,
    model: type[Model] = Questionnaire,
    cross_problems: Callable[[object], list[tuple[Location, str]]] = rules.cross_problems,
) -> Model | None:
    """Validate a parsed file as ``model``; problems are added to ``parsed.problems``."""
    if parsed.problems and parsed.data is None:
        return None
    if not isinstance(parsed.data, dict):
        parsed.problems.append(
            parsed.problem((), _l("the file must be a block of keys and values"))
        )
        return None
    parsed.problems.extend(
        parsed.problem(location, message) for location, message in cross_problems(parsed.data)
    )
    try:
        validated = model.model_validate(parsed.data)
    except ValidationError as error:
        parsed.problems.extend(
            parsed.problem(tuple(detail["loc"]), _pydantic_message(detail))
            for detail in error.errors(include_url=False)
        )
        return None
    return validated if not parsed.problems else None


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


# ---------------------------------------------------------------------------
# The library the app serves from


@dataclass(frozen=True)
class ContentLibrary:
    questionnaires: dict[tuple[str, int], Questionnaire]
    organisation_options: OrganisationOptions

    def get(self, questionnaire_id: str, version: int) -> Questionnaire | None:
        return self.questionnaires.get((questionnaire_id, version))

    def versions(self, questionnaire_id: str) -> list[Questionnaire]:
        return sorted(
            (q for q in self.questionnaires.values() if q.id == questionnaire_id),
            key=lambda q: q.version,
        )

    def latest_published(self, questionnaire_id: str | None = None) -> Questionnaire | None:
        published = [
            q
            for q in self.questionnaires.values()
            if q.is_published and (questionnaire_id is None or q.id == questionnaire_id)
        ]
        return max(published, key=lambda q: (q.version, q.id), default=None)

    def previous_published(self, questionnaire: Questionnaire) -> Questionnaire | None:
        """The version ``questionnaire``'s ``maps_from`` refers to: the highest published
        version of the same id below it, or None."""
        version = rules.previous_published_version(
            *questionnaire.key, (q.key for q in self.questionnaires.values() if q.is_published)
        )
        return None if version is None else self.questionnaires[(questionnaire.id, version)]

    def question_mapping(
        self, old: Questionnaire, new: Questionnaire
    ) -> dict[str, tuple[str, ...]]:
        """Which questions of ``old`` each question of ``new`` continues, for every question
        of ``new``: the ``maps_from`` that ``comparison.compare`` takes.

        Versions more than one step apart compose each step's mapping (a question that
        was new in between has no counterpart); an older ``new`` gets the inverse (each
        question of ``new`` is continued by those of ``old`` that map to it). The same
        version maps each question to itself. Different questionnaire ids have no
        counterparts at all. ``new`` must be reachable from ``old`` through published
        versions (a draft may be ``new``, not skipped over); else ValueError.
        """
        if old.id != new.id:
            return {question.id: () for question in new.questions}
        if old.version > new.version:
            forward = self.question_mapping(new, old)
            return {
                question.id: tuple(
                    later for later, earlier in forward.items() if question.id in earlier
                )
                for question in new.questions
            }
        mapping = comparison.resolve_mapping(new.scoring_rules, new.scoring_rules)
        current = new
        while current.version > old.version:
            previous = self.previous_published(current)
            if previous is None or previous.version < old.version:
                raise ValueError(
                    f"{old.id} v{old.version} is not an earlier published version of v{new.version}"
                )
            step = comparison.resolve_mapping(
                previous.scoring_rules, current.scoring_rules, current.maps_from
            )
            mapping = {
                question_id: tuple(
                    dict.fromkeys(earlier for middle in through for earlier in step[middle])
                )
                for question_id, through in mapping.items()
            }
            current = previous
        return mapping


@dataclass(frozen=True)
class CheckedDirectory:
    files: list[CheckedFile]
    organisation_options: OrganisationOptions | None
    problems: list[ContentProblem]


def check_directory(directory: Path) -> CheckedDirectory:
    """Every check the app runs on a content folder: files, lock and reference data."""
    lock, problems = read_lock(directory)
    checked = check_files(content_files(directory), lock)
    problems += list(all_problems(checked)) + missing_published(checked, lock, directory)
    options_file = parse_yaml(directory / ORGANISATION_OPTIONS_FILE)
    options = validate(options_file, OrganisationOptions, rules.option_problems)
    problems += options_file.problems
    return CheckedDirectory(checked, options, problems)


def load_library(directory: Path) -> ContentLibrary:
    """Load every questionnaire file in ``directory``; raise ContentError on any problem."""
    if not directory.is_dir():
        raise ContentError(
            [ContentProblem(str(directory), None, "", _l("the content folder does not exist"))]
        )
    result = check_directory(directory)
    if result.problems or result.organisation_options is None:
        raise ContentError(result.problems)
    library = ContentLibrary(
        {c.questionnaire.key: c.questionnaire for c in result.files if c.questionnaire},
        result.organisation_options,
    )
    log.info("loaded %d questionnaire version(s) from %s", len(library.questionnaires), directory)
    return library
