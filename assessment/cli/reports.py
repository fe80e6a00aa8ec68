"""``flask report``: write the PDF report of a submitted assessment."""

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
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the PDF (default: assessment-ID-LANG.pdf here).",
)
@with_appcontext
@localized_command
def report_command(assessment_id: int, language: str, output: Path | None) -> None:
    """Write the PDF report of a submitted assessment."""
    from assessment.reports import store
    from assessment.reports.service import record_download, report_filename

    library_or_exit()
    assessment = assessment_or_exit(assessment_id)
    try:
        report = store.ready_report(assessment, language)
    except AssessmentError as error:
        fail([str(error.message)], EXIT_BAD_INPUT)
    pdf = report.read()
    record_download(assessment, language)
    target = output or Path(report_filename(assessment, language))
    try:
        target.write_bytes(pdf)
    except OSError as error:
        fail(
            [_("Cannot write %(path)s: %(reason)s", path=target, reason=error.strerror)],
            EXIT_BAD_INPUT,
        )
    click.echo(_("Wrote %(path)s (%(size)s KB).", path=target, size=len(pdf) // 1024))
