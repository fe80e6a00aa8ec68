"""Command-line tools for scripts and consultants: ``flask content ...`` and ``flask score``.

Output follows the terminal's language (``LANG=zh_CN.UTF-8`` gives Chinese). Exit codes:
0 success, 1 broken content, 2 bad input, 3 not done (not confirmed, or refused), 4 the
database is not ready (unreachable, or not migrated).
"""

from __future__ import annotations

from flask import Flask

from assessment.cli.assessments import assessments_cli
from assessment.cli.batches import batches_cli
from assessment.cli.content import content_cli
from assessment.cli.demo import demo_command
from assessment.cli.organisations import organisations_cli
from assessment.cli.reports import report_command
from assessment.cli.scores import score_command
from assessment.cli.users import users_cli


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
