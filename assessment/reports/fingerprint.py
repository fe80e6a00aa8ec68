"""What a report is made from, as one digest: its fingerprint.

A submitted assessment's scores never change, so its report changes only when something
it is made from does: the organisation's details and target levels (and, for its latest
submitted assessment, its roadmap), the evidence and marks behind its answers, the
consultant's commentary and logo, the earlier
assessments its history shows, the content of the questionnaire versions it explains and
the reference content, or the way reports are made (the templates, the print stylesheet,
the message catalogues, the code, WeasyPrint) and the language. The
fingerprint is a digest of all of them; a stored report is served only while its
fingerprint is the current one.

Computing it reads a few short rows and, for files, only what changed since the last
time: much less than building the report's HTML.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import weasyprint
from flask import current_app
from jinja2 import Environment, meta
from sqlalchemy import select

from assessment.content.registry import current_library
from assessment.evidence import service as evidence
from assessment.extensions import db
from assessment.models import Assessment, AssessmentStatus
from assessment.plans import roadmap
from assessment.plans import service as plans

REPORT_TEMPLATE = "reports/report.html"
PACKAGE = Path(__file__).resolve().parent.parent
_STYLESHEET_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


def report_fingerprint(
    assessment: Assessment, locale: str, stylesheet: Path, output: str = "pdf"
) -> str:
    """The digest of everything the report of ``assessment`` in ``locale`` is made from, as
    a PDF or (``output`` docx) a Word document."""
    organisation = assessment.organisation
    commentary = assessment.commentary
    history = _history(assessment)
    library = current_library()
    versions = sorted({(q_id, version) for _id, q_id, version in history})
    inputs = {
        "locale": locale,
        "format": format_digest(current_app.jinja_env, stylesheet),
        "output": [output, *(_word_versions() if output == "docx" else ())],
        "assessment": [
            assessment.id,
            assessment.questionnaire_id,
            assessment.questionnaire_version,
            assessment.respondent_name,
            assessment.submitted_at,
            assessment.updated_at,
        ],
        "organisation": [
            organisation.name,
            organisation.industry,
            organisation.size_band,
            organisation.region,
        ],
        "commentary": None
        if commentary is None
        else [
            commentary.executive_summary,
            commentary.dimension_notes,
            commentary.prepared_by,
            commentary.firm_name,
            commentary.logo_file,  # a new upload always has a new (random) name
        ],
        "history": history,
        "targets": [
            [dimension_id, int(target.level), target.due_on]
            for dimension_id, target in sorted(
                plans.targets_by_dimension(assessment.organisation_id).items()
            )
        ],
        "roadmap": roadmap.plan_fingerprint(assessment),
        "evidence": evidence.fingerprint_of(assessment),
        "content": [library.digest(key) for key in versions if library.get(*key)]
        + [library.digest()],
    }
    return _digest(json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str))


def _history(assessment: Assessment) -> list[tuple[int, str, int]]:
    """The assessments the report's history shows (see ``history.submitted_up_to``), and
    the report's own: ids and questionnaire versions (their stored scores never change)."""
    own = (assessment.id, assessment.questionnaire_id, assessment.questionnaire_version)
    if assessment.submitted_at is None or assessment.organisation is None or assessment.is_sheet:
        return [own]
    rows = db.session.execute(
        select(Assessment.id, Assessment.questionnaire_id, Assessment.questionnaire_version)
        .where(
            Assessment.organisation_id == assessment.organisation_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
            Assessment.of_organisation_level(),
            Assessment.submitted_at <= assessment.submitted_at,
        )
        .order_by(Assessment.submitted_at, Assessment.id)
    )
    return sorted({own, *(tuple(row) for row in rows)})


@functools.cache
def _word_versions() -> tuple[str, ...]:
    """The versions of what turns a report into a Word document."""
    return tuple(f"{name} {metadata.version(name)}" for name in ("python-docx", "CairoSVG"))


def format_digest(environment: Environment, stylesheet: Path) -> str:
    """The digest of how reports are made: the report template and every template it
    imports (as the app's loader finds them), the stylesheet and the images it refers to,
    the message catalogues, the app's code and WeasyPrint's version."""
    parts = [weasyprint.__version__, _code_digest(), _file_digest(stylesheet)]
    parts += [_file_digest(path) for path in _stylesheet_files(stylesheet) if path.is_file()]
    parts += [_file_digest(path) for path in _catalogues()]
    parts += [_digest(source) for source in _template_sources(environment, REPORT_TEMPLATE)]
    return _digest("\n".join(parts))


def _template_sources(environment: Environment, name: str) -> list[str]:
    """The source of template ``name`` and of every template it refers to, in turn."""
    sources, pending, seen = [], [name], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        source, _filename, _uptodate = environment.loader.get_source(environment, current)
        sources.append(f"{current}\n{source}")
        pending += _referenced_templates(environment, source)
    return sources


@functools.lru_cache(maxsize=64)
def _referenced_templates(environment: Environment, source: str) -> tuple[str, ...]:
    return tuple(
        name
        for name in meta.find_referenced_templates(environment.parse(source))
        if name is not None
    )


def _stylesheet_files(stylesheet: Path) -> tuple[Path, ...]:
    """The files a stylesheet refers to with ``url(...)`` (data: URLs are in its text)."""
    stat = stylesheet.stat()
    return _files_referred_to(stylesheet, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _files_referred_to(stylesheet: Path, modified_ns: int, size: int) -> tuple[Path, ...]:
    names = _STYLESHEET_URL.findall(stylesheet.read_text(encoding="utf-8"))
    return tuple(sorted({(stylesheet.parent / n).resolve() for n in names if ":" not in n}))


def _catalogues() -> Iterable[Path]:
    for directory in current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";"):
        yield from sorted(Path(directory).glob("*/LC_MESSAGES/*.mo"))


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return _digest_of_file(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _digest_of_file(path: Path, modified_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.cache
def _code_digest() -> str:
    """The app's Python code as it was loaded: it changes only when the app restarts."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            digest.update(os.fsencode(path.relative_to(PACKAGE)))
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
