"""``flask content check``, ``export`` and ``publish``: questionnaire content."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from assessment.cli.terminal import (
    EXIT_BAD_INPUT,
    EXIT_CONTENT,
    fail,
    library_or_exit,
    localized_command,
)
from assessment.core.content import checks
from assessment.core.content.export import export_questionnaire

content_cli = AppGroup("content", help="Check, export and publish questionnaire content.")


@content_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@localized_command
def check_command(paths: tuple[Path, ...]) -> None:
    """Check questionnaire files (default: the content folder); exit 1 on any problem."""
    targets = list(paths) or [Path(current_app.config["CONTENT_DIR"])]
    problems: list[object] = []
    warnings: list[object] = []
    checked: list[checks.CheckedFile] = []
    crosswalks = []
    for target in targets:
        if target.is_dir():
            result = checks.check_directory(target)
            checked += result.files
            crosswalks += result.crosswalks
            problems += result.problems
            warnings += result.warnings
        elif target.is_file():
            lock, lock_problems = checks.read_lock(target.parent)
            files = checks.check_files([target], lock)
            checked += files
            problems += lock_problems + list(checks.all_problems(files))
            warnings += checks.all_warnings(files)
        else:
            problems.append(f"{target}: {_('no such file or folder')}")
    for problem in problems:
        click.echo(problem)
    for warning in warnings:
        click.echo(_("warning: %(warning)s", warning=warning))
    if problems:
        fail([_("%(count)s problem(s) found.", count=len(problems))], EXIT_CONTENT)
    valid = [c.questionnaire for c in checked if c.questionnaire is not None]
    if not valid:
        fail([_("No questionnaire files found.")], EXIT_CONTENT)
    summary = "; ".join(
        _(
            "%(id)s v%(version)s (%(status)s): %(dimensions)s dimensions, %(questions)s questions",
            id=q.id,
            version=q.version,
            status=q.status,
            dimensions=len(q.dimensions),
            questions=len(q.questions),
        )
        for q in valid
    )
    click.echo(_("Content OK, %(count)s file(s): %(summary)s", count=len(valid), summary=summary))
    if warnings:
        click.echo(
            _(
                "%(count)s warning(s) about how the drafts are written: see "
                'docs/content-format.md, "Writing a level descriptor".',
                count=len(warnings),
            )
        )
    for crosswalk in crosswalks:
        click.echo(
            _(
                "Crosswalk %(id)s: %(areas)s areas, %(questions)s questions, for %(questionnaire)s "
                "v%(versions)s",
                id=crosswalk.id,
                areas=len(crosswalk.areas),
                questions=sum(len(area.questions) for area in crosswalk.areas),
                questionnaire=crosswalk.questionnaire,
                versions=", v".join(str(v) for v in crosswalk.versions),
            )
        )


@content_cli.command("export")
@click.option("--id", "questionnaire_id", help="Questionnaire id (default: the latest published).")
@click.option("--version", type=int, help="Version (default: the latest published).")
@localized_command
def export_command(questionnaire_id: str | None, version: int | None) -> None:
    """Print a questionnaire as JSON, in both languages."""
    library = library_or_exit()
    if version is None:
        questionnaire = library.latest_published(questionnaire_id)
    else:
        candidates = [
            q
            for q in library.questionnaires.values()
            if q.version == version and questionnaire_id in (None, q.id)
        ]
        questionnaire = candidates[0] if len(candidates) == 1 else None
    if questionnaire is None:
        known = ", ".join(
            f"{q.id} v{q.version} ({q.status})" for q in library.questionnaires.values()
        )
        fail([_("No such questionnaire version. Known: %(known)s", known=known)], EXIT_BAD_INPUT)
    click.echo(json.dumps(export_questionnaire(questionnaire), ensure_ascii=False, indent=2))


@content_cli.command("publish")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@localized_command
def publish_command(path: Path) -> None:
    """Mark a draft questionnaire file as published and record its content hash."""
    from assessment.core.content.publishing import PublishError, publish

    try:
        questionnaire = publish(path)
    except PublishError as error:
        fail([str(line) for line in error.lines], EXIT_BAD_INPUT)
    click.echo(
        _(
            "Published %(id)s version %(version)s.",
            id=questionnaire.id,
            version=questionnaire.version,
        )
    )
