"""``flask organisations list`` and ``delete``: organisations, and deleting one for good."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from assessment.cli.terminal import (
    EXIT_BAD_INPUT,
    EXIT_NOT_DONE,
    echo_rows,
    fail,
    localized_command,
)

organisations_cli = AppGroup("organisations", help="List organisations; delete one on request.")


@organisations_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@localized_command
def list_organisations_command(as_json: bool) -> None:
    """Every organisation: id, name, industry, number of assessments, when it was created."""
    from assessment.questionnaire.listing import organisation_rows

    echo_rows(
        organisation_rows(),
        as_json,
        _("No organisations yet."),
        [_("ID"), _("Organisation"), _("Industry"), _("Assessments"), _("Created")],
        lambda row: [
            str(row["id"]),
            row["name"],
            row["industry"],
            str(row["assessments"]),
            row["created_at"][:10],
        ],
    )


@organisations_cli.command("delete")
@click.argument("organisation_id", metavar="ORG_ID")
@click.option("--yes", is_flag=True, help="Delete without asking for confirmation.")
@localized_command
def delete_organisation_command(organisation_id: str, yes: bool) -> None:
    """Delete organisation ORG_ID and all its data, for good.

    Its assessments and respondents' sheets, answers, settled answers, report commentary
    and logos, invitations, members' access, firms' engagements, benchmark consent and
    its audit trail. People's accounts are kept. What remains is one audit entry saying
    that organisation #ORG_ID was deleted, without its name.
    """
    from assessment.portfolio.deletion import (
        OrganisationChangedError,
        OrganisationNotFoundError,
        delete_organisation,
        deletion_plan,
    )

    if not organisation_id.isdigit():
        fail(
            [
                _(
                    "ORG_ID must be an organisation's id, a whole number such as 12, "
                    "not '%(value)s' (see 'flask organisations list').",
                    value=organisation_id[:40],
                )
            ],
            EXIT_BAD_INPUT,
        )
    try:
        plan = deletion_plan(int(organisation_id))
    except OrganisationNotFoundError:
        fail(
            [
                _(
                    "No organisation with id %(id)s (see 'flask organisations list').",
                    id=organisation_id,
                )
            ],
            EXIT_BAD_INPUT,
        )
    click.echo(
        _(
            "Organisation #%(id)s (%(name)s): %(assessments)s assessment(s) and respondents' "
            "sheets, %(rows)s database row(s) in all, %(files)s stored file(s).",
            id=plan.organisation_id,
            name=plan.name,
            assessments=plan.assessments,
            rows=sum(plan.rows.values()),
            files=len(plan.files),
        )
    )
    for table, count in sorted(plan.rows.items()):
        click.echo(f"  {table}: {count}")
    if plan.accounts_of_this_organisation_only:
        click.echo(
            _(
                "%(count)s person's account(s) belong to this organisation only; they are kept "
                "(an administrator can deactivate them on the administration page).",
                count=plan.accounts_of_this_organisation_only,
            )
        )
    if not yes:
        try:
            confirmed = click.confirm(_("Delete it all? This cannot be undone."), default=False)
        except click.Abort:
            confirmed = False
        if not confirmed:
            fail([_("Nothing was deleted.")], EXIT_NOT_DONE)
    try:
        deleted = delete_organisation(plan.organisation_id)
    except (OrganisationNotFoundError, OrganisationChangedError) as error:
        fail([str(error.message)], EXIT_NOT_DONE)
    click.echo(
        _(
            "Deleted organisation #%(id)s: %(rows)s database row(s) and %(files)s stored file(s).",
            id=deleted.organisation_id,
            rows=sum(deleted.rows.values()),
            files=len(deleted.files),
        )
    )
