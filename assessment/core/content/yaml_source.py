"""Reading questionnaire files: YAML with line numbers, validated, every problem reported.

A problem names the file, the line, the location inside the document (like
``dimensions[2].questions[4].levels[3].en``) and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from assessment.core import merging
from assessment.core.content import rules
from assessment.core.content.rules import Location, format_location
from assessment.core.content.schema import Questionnaire
from assessment.core.errors import ContentProblem
from assessment.core.messages import lazy_gettext as _l


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
    if kind == "value_error" and "recommendations_or_next_steps" in error["msg"]:
        return _l(
            "give each dimension either 'recommendations' (a text per level) or 'next_steps' "
            "(three or four actions per level), not both or neither"
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
