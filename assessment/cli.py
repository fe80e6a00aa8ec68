"""Command-line tools for scripts and consultants: ``flask content ...`` and ``flask score``.

Output follows the terminal's language (``LANG=zh_CN.UTF-8`` gives Chinese). Exit codes:
0 success, 1 broken content, 2 bad input, 3 not done (not confirmed, or refused), 4 the
database is not ready (unreachable, or not migrated).
"""

from __future__ import annotations

import functools
import json
import os
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError, ProgrammingError

from assessment.content.registry import current_library
from assessment.core import scoring
from assessment.core.answer_documents import (
    AnswerDocumentError,
    parse_document_text,
    read_answer_document,
)
from assessment.core.content import loader
from assessment.core.content.export import export_questionnaire
from assessment.core.errors import AssessmentError, ContentError
from assessment.core.stored_result import StoredResult
from assessment.web.errors import database_error_summary

EXIT_CONTENT = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_DONE = 3
EXIT_DATABASE = 4


def cli_locale() -> str:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"


def localized_command(function: Callable[..., Any]) -> Callable[..., Any]:
    """Messages in the terminal's language, and a database that is not ready (not
    reachable, or without its tables) as one clear line instead of a traceback."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with force_locale(cli_locale()):
            try:
                return function(*args, **kwargs)
            except (OperationalError, ProgrammingError) as error:
                fail([database_not_ready(error)], EXIT_DATABASE)
                raise  # unreachable: fail() exits

    return wrapper


def database_not_ready(error: OperationalError | ProgrammingError) -> str:
    reason = database_error_summary(error)
    if "no such table" in reason or ("relation" in reason and "does not exist" in reason):
        return _("The database has no tables yet: run 'flask db upgrade' first.")
    return _("The database cannot be used: %(reason)s", reason=reason)


def fail(lines: list[str], code: int) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


def library_or_exit() -> loader.ContentLibrary:
    try:
        return current_library()
    except ContentError as error:
        fail(
            [str(problem) for problem in error.problems]
            + [_("The content has problems: run 'flask content check'.")],
            EXIT_CONTENT,
        )
        raise  # unreachable: fail() exits


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


content_cli = AppGroup("content", help="Check, export and publish questionnaire content.")


@content_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@localized_command
def check_command(paths: tuple[Path, ...]) -> None:
    """Check questionnaire files (default: the content folder); exit 1 on any problem."""
    targets = list(paths) or [Path(current_app.config["CONTENT_DIR"])]
    problems: list[object] = []
    checked: list[loader.CheckedFile] = []
    for target in targets:
        if target.is_dir():
            result = loader.check_directory(target)
            checked += result.files
            problems += result.problems
        elif target.is_file():
            lock, lock_problems = loader.read_lock(target.parent)
            files = loader.check_files([target], lock)
            checked += files
            problems += lock_problems + list(loader.all_problems(files))
        else:
            problems.append(f"{target}: {_('no such file or folder')}")
    for problem in problems:
        click.echo(problem)
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


@click.command("score")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
@localized_command
def score_command(file: click.utils.LazyFile) -> None:
    """Score answers from a JSON FILE ('-' for standard input) and print the result as JSON."""
    library = library_or_exit()
    try:
        text = file.read()
    except UnicodeDecodeError:
        fail([_("the input is not UTF-8 text")], EXIT_BAD_INPUT)
    try:
        document = read_answer_document(parse_document_text(text), library)
    except AnswerDocumentError as error:
        fail(error.problems, EXIT_BAD_INPUT)
    result = scoring.score(document.answers, document.questionnaire.scoring_rules)
    output = {
        "questionnaire": {
            "id": document.questionnaire.id,
            "version": document.questionnaire.version,
        },
        **StoredResult.of(result).to_dict(),
    }
    click.echo(json.dumps(output, ensure_ascii=False, indent=2))


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


def assessment_or_exit(assessment_id: int) -> Any:
    from assessment.extensions import db
    from assessment.models import Assessment

    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        fail(
            [_("No assessment with id %(id)s (see 'flask assessments list').", id=assessment_id)],
            EXIT_BAD_INPUT,
        )
    return assessment


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


def echo_rows(
    rows: list[dict[str, Any]],
    as_json: bool,
    empty_message: str,
    headers: list[str],
    cells: Callable[[dict[str, Any]], list[str]],
) -> None:
    """Print rows as JSON, or as an aligned table, or say that there are none."""
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        click.echo(empty_message)
    else:
        click.echo(format_table(headers, [cells(row) for row in rows]))


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(display_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "  ".join(
            cell + " " * (width - display_width(cell))
            for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in [headers, *rows]
    ]
    return "\n".join(lines)


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
    from assessment.extensions import db
    from assessment.models import Assessment
    from assessment.reports.service import report_filename, report_pdf

    library_or_exit()
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        fail(
            [_("No assessment with id %(id)s (see 'flask assessments list').", id=assessment_id)],
            EXIT_BAD_INPUT,
        )
    try:
        pdf = report_pdf(assessment, language)
    except AssessmentError as error:
        fail([str(error.message)], EXIT_BAD_INPUT)
    target = output or Path(report_filename(assessment, language))
    try:
        target.write_bytes(pdf)
    except OSError as error:
        fail(
            [_("Cannot write %(path)s: %(reason)s", path=target, reason=error.strerror)],
            EXIT_BAD_INPUT,
        )
    click.echo(_("Wrote %(path)s (%(size)s KB).", path=target, size=len(pdf) // 1024))


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


batches_cli = AppGroup("batches", help="Keep batches of reports for a limited time.")


@batches_cli.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=0),
    default=None,
    metavar="DAYS",
    help="Remove batches asked for more than DAYS days ago (default: BATCH_KEEP_DAYS, 30).",
)
@localized_command
def purge_batches_command(days: int | None) -> None:
    """Remove old batches of reports: their pages, PDFs and zips. Run it daily (cron)."""
    from assessment.batches.retention import purge_batches

    days = current_app.config["BATCH_KEEP_DAYS"] if days is None else days
    purged = purge_batches(days)
    click.echo(
        _(
            "Removed %(batches)s batch(es) of reports asked for more than %(days)s day(s) ago: "
            "%(files)s file(s), %(size)s.",
            batches=purged.batches,
            days=days,
            files=purged.files,
            size=f"{purged.bytes / 1024 / 1024:.1f} MB",
        )
    )


def register_commands(app: Flask) -> None:
    for command in (
        content_cli,
        score_command,
        demo_command,
        assessments_cli,
        report_command,
        users_cli,
        organisations_cli,
        batches_cli,
    ):
        app.cli.add_command(command)
