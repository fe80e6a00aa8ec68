"""``flask users create`` and ``list``: user accounts."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from assessment.cli.terminal import EXIT_BAD_INPUT, echo_rows, fail, localized_command

users_cli = AppGroup("users", help="Create and list user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["admin", "consultant", "member"]),
    default="member",
    show_default=True,
)
@click.option("--name", default="", help="The person's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@localized_command
def create_user_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account; the password is asked for, or read from standard input."""
    from assessment.accounts import service as accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email, password, role=role, name=name)
    except accounts.AccountError as error:
        fail([str(error.message)], EXIT_BAD_INPUT)
    click.echo(_("Created %(role)s account %(email)s.", role=user.role, email=user.email))


@users_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@localized_command
def list_users_command(as_json: bool) -> None:
    """Every account: id, e-mail, name, role, whether active, last log-in."""
    from sqlalchemy import select

    from assessment.extensions import db
    from assessment.models import User

    rows = [
        {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "active": user.active,
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        }
        for user in db.session.execute(select(User).order_by(User.id)).scalars()
    ]
    echo_rows(
        rows,
        as_json,
        _("No accounts yet."),
        [_("ID"), _("E-mail"), _("Name"), _("Role"), _("Active"), _("Last log-in")],
        lambda r: [
            str(r["id"]),
            r["email"],
            r["name"] or "—",
            r["role"],
            _("yes") if r["active"] else _("no"),
            (r["last_login_at"] or "—")[:16],
        ],
    )


@users_cli.command("check-sso")
@localized_command
def check_single_sign_on_command() -> None:
    """Check that every firm single sign-on's account map names exists; exit 2 if not."""
    from assessment.accounts import sso

    sign_on = sso.single_sign_on()
    if sign_on is None:
        click.echo(_("Single sign-on is off: OIDC_ISSUER is not set."))
        return
    missing = sso.rules_without_their_firm(sign_on)
    if missing:
        fail(
            [
                _(
                    "OIDC_ACCOUNT_MAP's '%(key)s' names the firm '%(firm)s', which does not "
                    "exist: create it at /admin/firms, or correct the map.",
                    key=rule.key,
                    firm=rule.firm,
                )
                for rule in missing
            ],
            EXIT_BAD_INPUT,
        )
    click.echo(_("Every firm that single sign-on's account map names exists."))
