"""``flask score``: score a JSON file of answers and print the result as JSON."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from assessment.cli.terminal import EXIT_BAD_INPUT, fail, library_or_exit, localized_command
from assessment.core import scoring
from assessment.core.answer_documents import (
    AnswerDocumentError,
    parse_document_text,
    read_answer_document,
)
from assessment.core.stored_result import StoredResult


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
