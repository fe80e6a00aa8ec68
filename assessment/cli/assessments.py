"""``flask assessments list``, ``export`` and ``import``: one assessment at a time."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from assessment.cli.terminal import (
    EXIT_BAD_INPUT,
    assessment_or_exit,
    echo_rows,
    fail,
    library_or_exit,
    localized_command,
)
from assessment.core.errors import AssessmentError

assessments_cli = AppGroup("assessments", help="List and inspect assessments.")


@assessments_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--links", is_flag=True, help="Add each assessment's private link.")
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Where the app is served, for --links.",
)
@localized_command
def list_assessments_command(as_json: bool, links: bool, base_url: str) -> None:
    """Every assessment: id, organisation, questionnaire version, status, dates, index."""
    from assessment.questionnaire.listing import assessment_rows

    headers = [
        _("ID"),
        _("Organisation"),
        _("Questionnaire"),
        _("Status"),
        _("Created"),
        _("Submitted on"),
        _("Index"),
    ] + ([_("Link")] if links else [])
    echo_rows(
        assessment_rows(),
        as_json,
        _("No assessments yet."),
        headers,
        lambda row: (
            [
                str(row["id"]),
                row["organisation"] or "—",
                f"{row['questionnaire']['id']} v{row['questionnaire']['version']}",
                row["status"],
                row["created_at"][:10],
                (row["submitted_at"] or "—")[:10],
                row["overall_index_display"] or "—",
            ]
            + ([base_url.rstrip("/") + row["resume_path"]] if links else [])
        ),
    )


@assessments_cli.command("export")
@click.argument("assessment_id", type=int)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["json", "csv", "xlsx"]),
    default="xlsx",
    show_default=True,
    help="JSON (all data, language-free), CSV (one row per answer) or XLSX (scores, answers).",
)
@click.option(
    "--lang",
    "language",
    default="zh-CN",
    show_default=True,
    help="Language of the headers and questionnaire text: zh-CN or en.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Where to write it, '-' for standard output (default: assessment-ID-LANG.FORMAT).",
)
@localized_command
def export_assessment_command(
    assessment_id: int, file_format: str, language: str, output: Path | None
) -> None:
    """Export one assessment: its stored score if submitted, and every answer."""
    from assessment.exports.service import export_assessment

    library = library_or_exit()
    assessment = assessment_or_exit(assessment_id)
    try:
        exported = export_assessment(assessment, file_format, language, library)
    except AssessmentError as error:
        fail([str(error.message)], EXIT_BAD_INPUT)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(exported.content)
        sys.stdout.buffer.flush()
        return
    target = output or Path(exported.ascii_filename)
    try:
        target.write_bytes(exported.content)
    except OSError as error:
        fail(
            [_("Cannot write %(path)s: %(reason)s", path=target, reason=error.strerror)],
            EXIT_BAD_INPUT,
        )
    click.echo(_("Wrote %(path)s (%(size)s KB).", path=target, size=len(exported.content) // 1024))


@assessments_cli.command("import")
@click.argument("assessment_id", type=int)
@click.argument("file", type=click.File("rb"))
@localized_command
def import_answers_command(assessment_id: int, file: click.utils.LazyFile) -> None:
    """Import answers from a JSON FILE ('-' for standard input) into a draft assessment.

    The file has the format of 'flask score'. Nothing is saved if it has any problem;
    each problem is printed on its own line, and the exit code is 2.
    """
    from assessment.exports.imports import IMPORT_MAX_BYTES, ImportRefusedError, import_answers
    from assessment.questionnaire.service import AssessmentLockedError, questionnaire_of

    library = library_or_exit()
    assessment = assessment_or_exit(assessment_id)
    try:
        count = import_answers(
            assessment,
            questionnaire_of(assessment, library),
            file.read(IMPORT_MAX_BYTES + 1),
            library,
        )
    except ImportRefusedError as error:
        fail(error.problems, EXIT_BAD_INPUT)
    except AssessmentLockedError as error:
        fail([str(error.message)], EXIT_BAD_INPUT)
    click.echo(
        _(
            "Imported %(count)s answer(s) into assessment %(id)s.",
            count=count,
            id=assessment_id,
        )
    )
