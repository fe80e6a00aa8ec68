"""``flask batches purge``: remove old batches of reports."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from assessment.cli.terminal import localized_command

batches_cli = AppGroup(
    "batches", help="Keep batches of reports and stored reports for a limited time."
)


@batches_cli.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=0),
    default=None,
    metavar="DAYS",
    help=(
        "Remove batches asked for, and stored reports made, more than DAYS days ago "
        "(default: BATCH_KEEP_DAYS, 30)."
    ),
)
@localized_command
def purge_batches_command(days: int | None) -> None:
    """Remove old batches of reports (their pages, PDFs and zips) and old stored reports.
    Run it daily (cron)."""
    from assessment.batches.retention import purge_batches

    days = current_app.config["BATCH_KEEP_DAYS"] if days is None else days
    purged = purge_batches(days)
    click.echo(
        _(
            "Removed %(batches)s batch(es) of reports asked for, and %(reports)s stored "
            "report(s) made, more than %(days)s day(s) ago: %(files)s file(s), %(size)s.",
            batches=purged.batches,
            reports=purged.reports,
            days=days,
            files=purged.files,
            size=f"{purged.bytes / 1024 / 1024:.1f} MB",
        )
    )
