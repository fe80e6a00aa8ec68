"""Publishing a draft questionnaire file: a one-way step that pins its content."""

from __future__ import annotations

import re
from pathlib import Path

from assessment.core.content import checks, yaml_source
from assessment.core.content.schema import Questionnaire
from assessment.core.messages import lazy_gettext as _l

DRAFT_STATUS_LINE = re.compile(r"^status:[ \t]*draft[ \t]*(#.*)?$", re.MULTILINE)


class PublishError(Exception):
    def __init__(self, lines: list[object]) -> None:
        super().__init__("; ".join(str(line) for line in lines))
        self.lines = lines


def publish(path: Path) -> Questionnaire:
    """Validate ``path`` with its neighbours, set ``status: published``, record its hash.

    Nothing is written unless the published file would be valid.
    """
    directory = path.parent
    lock, lock_problems = checks.read_lock(directory)
    if lock_problems:
        raise PublishError(lock_problems)
    text = path.read_text(encoding="utf-8")
    if len(DRAFT_STATUS_LINE.findall(text)) != 1:
        raise PublishError(
            [
                _l(
                    "%(path)s: only a file with a top-level 'status: draft' line can be published",
                    path=path,
                )
            ]
        )
    published_text = DRAFT_STATUS_LINE.sub("status: published", text, count=1)
    candidate = yaml_source.parse_yaml_text(published_text, path)
    if isinstance(candidate.data, dict):
        key = checks.lock_key(str(candidate.data.get("id")), candidate.data.get("version"))
        lock = {**lock, key: checks.content_hash(candidate.data)}
    others = [
        yaml_source.parse_yaml(other)
        for other in checks.content_files(directory)
        if other.resolve() != path.resolve()
    ]
    checked = checks.check_parsed([candidate, *others], lock)[0]
    if checked.questionnaire is None or checked.parsed.problems:
        raise PublishError(checked.parsed.problems)
    path.write_text(published_text, encoding="utf-8")
    checks.write_lock(directory, lock)
    return checked.questionnaire
