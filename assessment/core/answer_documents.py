"""Answers as a JSON document: the format of ``flask score`` and of answer imports.

::

    {"questionnaire": {"id": "iiai-maturity", "version": 1},
     "answers": {"<question id>": 1-5 | "na" | "unknown"}}

Every problem is reported at once, one line each, naming the question id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from assessment.core import scoring
from assessment.core.content.library import ContentLibrary
from assessment.core.content.schema import Questionnaire
from assessment.core.messages import gettext as _


class AnswerDocumentError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class AnswerDocument:
    questionnaire: Questionnaire
    answers: dict[str, scoring.Answer]


def describe_answer_problem(problem: scoring.AnswerProblem) -> str:
    value = json.dumps(problem.value, ensure_ascii=False)
    code = scoring.ProblemCode
    if problem.code is code.UNKNOWN_QUESTION:
        return _("%(id)s: no such question in this questionnaire", id=problem.question_id)
    if problem.code is code.LEVEL_OUT_OF_RANGE:
        return _(
            "%(id)s: level %(value)s is out of range (1 to 5)", id=problem.question_id, value=value
        )
    if problem.code is code.NA_NOT_ALLOWED:
        return _('%(id)s: "na" is not allowed for this question', id=problem.question_id)
    return _(
        '%(id)s: %(value)s is not an answer; use a level 1 to 5, "na" or "unknown"',
        id=problem.question_id,
        value=value,
    )


def parse_document_text(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise AnswerDocumentError(
            [
                _(
                    "not valid JSON: %(reason)s (line %(line)s, column %(column)s)",
                    reason=error.msg,
                    line=error.lineno,
                    column=error.colno,
                )
            ]
        ) from None
    except (RecursionError, ValueError):  # nested too deeply, or an integer too long to read
        raise AnswerDocumentError(
            [_("the file cannot be read as JSON: it is nested too deeply or has too long a number")]
        ) from None


def read_answer_document(document: object, library: ContentLibrary) -> AnswerDocument:
    """Check a decoded JSON document against the content; raise with every problem."""
    if not isinstance(document, dict):
        raise AnswerDocumentError(
            [_('the document must be a JSON object with "questionnaire" and "answers"')]
        )
    problems = [
        _('unknown key "%(key)s" at the top level', key=key)
        for key in document
        if key not in ("questionnaire", "answers")
    ]
    reference = document.get("questionnaire")
    raw_answers = document.get("answers")
    if not isinstance(reference, dict):
        problems.append(_('"questionnaire" must be an object with "id" and "version"'))
    if not isinstance(raw_answers, dict):
        problems.append(_('"answers" must be an object mapping question ids to answers'))
    if problems:
        raise AnswerDocumentError(problems)

    questionnaire_id = reference.get("id")
    version = reference.get("version")
    if not isinstance(questionnaire_id, str):
        problems.append(_('"questionnaire.id" must be a string'))
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(_('"questionnaire.version" must be a whole number'))
    if problems:
        raise AnswerDocumentError(problems)

    questionnaire = library.get(questionnaire_id, version)
    if questionnaire is None:
        known = ", ".join(
            f"{q.id} v{q.version}"
            for q in sorted(library.questionnaires.values(), key=lambda q: q.key)
        )
        raise AnswerDocumentError(
            [
                _(
                    "unknown questionnaire %(id)s version %(version)s (known: %(known)s)",
                    id=questionnaire_id,
                    version=version,
                    known=known,
                )
            ]
        )
    try:
        answers = scoring.parse_answers(raw_answers, questionnaire.scoring_rules)
    except scoring.InvalidAnswersError as error:
        raise AnswerDocumentError([describe_answer_problem(p) for p in error.problems]) from None
    return AnswerDocument(questionnaire, answers)
