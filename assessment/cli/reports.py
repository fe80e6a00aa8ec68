"""``flask report``: write the PDF or Word report of a submitted assessment."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from assessment.cli.terminal import (
    EXIT_BAD_INPUT,
    assessment_or_exit,
    fail,
    library_or_exit,
    localized_command,
)
from assessment.core.errors import AssessmentError


@click.command("report")
@click.argument("assessment_id", type=int)
@click.option(
    "--lang", "language", default="zh-CN", show_default=True, help="Report language: zh-CN or en."
)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["pdf", "docx"]),
    default="pdf",
    show_default=True,
    help="pdf, or docx for a Word document to edit.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the report (default: assessment-ID-LANG.pdf or .docx here).",
)
@with_appcontext
@localized_command
def report_command(
    assessment_id: int, language: str, format_name: str, output: Path | None
) -> None:
    """Write the PDF or Word report of a submitted assessment."""
    from assessment.reports import store
    from assessment.reports.formats import report_format
    from assessment.reports.service import record_download, report_filename

    chosen = report_format(format_name)
    library_or_exit()
    assessment = assessment_or_exit(assessment_id)
    try:
        report = store.ready_report(assessment, language, chosen)
    except AssessmentError as error:
        fail([str(error.message)], EXIT_BAD_INPUT)
    content = report.read()
    record_download(assessment, language, chosen)
    target = output or Path(report_filename(assessment, language, chosen))
    try:
        target.write_bytes(content)
    except OSError as error:
        fail(
            [_("Cannot write %(path)s: %(reason)s", path=target, reason=error.strerror)],
            EXIT_BAD_INPUT,
        )
    click.echo(_("Wrote %(path)s (%(size)s KB).", path=target, size=len(content) // 1024))
