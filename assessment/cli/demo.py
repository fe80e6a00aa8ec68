"""``flask demo``: load the demo organisations and their assessments."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from assessment.cli.terminal import EXIT_CONTENT, fail, library_or_exit, localized_command


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only into a database with no assessments.")
@with_appcontext
@localized_command
def demo_command(if_empty: bool) -> None:
    """Load three demo organisations with two years of assessments and a draft."""
    from assessment.demo.service import database_is_empty, load_demo, read_demo

    if if_empty and not database_is_empty():
        click.echo(_("The database already has assessments; no demo data loaded."))
        return
    library = library_or_exit()
    questionnaire = library.latest_published()
    if questionnaire is None:
        fail([_("No published questionnaire to load demo data for.")], EXIT_CONTENT)
    demo = read_demo(Path(current_app.config["CONTENT_DIR"]))
    created = load_demo(questionnaire, demo)
    click.echo(_("Loaded %(count)s demo assessments.", count=len(created)))
    click.echo(
        _(
            "Demo consultant: log in as %(email)s with the password %(password)s.",
            email=demo.firm.consultant.email,
            password=demo.firm.consultant.password,
        )
    )
