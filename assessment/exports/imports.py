"""Importing answers from a JSON file (the format of ``flask score``) into a draft.

The file is checked whole by the rules of ``answer_documents``, plus one: it must be
for the assessment's own questionnaire version. Every problem is reported at once, each
naming its question; nothing is saved unless the whole file is valid. The questions in
the file get its answers (their comments are kept); the other questions keep theirs.
"""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assessment.audit import service as audit
from assessment.core import scoring
from assessment.core.answer_documents import (
    AnswerDocumentError,
    parse_document_text,
    read_answer_document,
)
from assessment.core.content.library import ContentLibrary
from assessment.core.content.schema import Questionnaire
from assessment.core.errors import AssessmentError
from assessment.extensions import db
from assessment.models import Assessment
from assessment.questionnaire import service

log = logging.getLogger(__name__)

IMPORT_MAX_BYTES = 256 * 1024  # an answers file of a whole questionnaire is a few KB


class ImportRefusedError(AssessmentError):
    """The file cannot be imported; ``problems`` says why, one line each."""

    status_code = 400

    def __init__(self, problems: list[str], status_code: int = 400) -> None:
        super().__init__(_l("Nothing was imported: %(problems)s", problems="; ".join(problems)))
        self.problems = problems
        self.status_code = status_code


def stored_value(answer: scoring.Answer) -> str:
    """An answer as stored: "1".."5", "na" or "unknown"."""
    return str(int(answer)) if isinstance(answer, scoring.Level) else answer.value


def _questionnaire_mismatch(document: object, assessment: Assessment) -> str | None:
    """A problem when the file names another questionnaire version than the assessment's."""
    reference = document.get("questionnaire") if isinstance(document, dict) else None
    if not isinstance(reference, dict):
        return None
    questionnaire_id, version = reference.get("id"), reference.get("version")
    if not isinstance(questionnaire_id, str) or type(version) is not int:
        return None  # a malformed reference: answer_documents names the problem
    if (questionnaire_id, version) == (
        assessment.questionnaire_id,
        assessment.questionnaire_version,
    ):
        return None
    return _(
        "the file is for questionnaire %(file_id)s version %(file_version)s, but this "
        "assessment uses %(id)s version %(version)s",
        file_id=questionnaire_id,
        file_version=version,
        id=assessment.questionnaire_id,
        version=assessment.questionnaire_version,
    )


def read_import(
    content: bytes, assessment: Assessment, library: ContentLibrary
) -> dict[str, scoring.Answer]:
    """The answers of an uploaded file; raise ImportRefusedError with every problem."""
    if len(content) > IMPORT_MAX_BYTES:
        raise ImportRefusedError(
            [_("the file is larger than %(size)s KB", size=IMPORT_MAX_BYTES // 1024)],
            status_code=413,
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefusedError([_("the input is not UTF-8 text")]) from None
    try:
        document = parse_document_text(text)
        mismatch = _questionnaire_mismatch(document, assessment)
        if mismatch:
            raise ImportRefusedError([mismatch])
        answers = read_answer_document(document, library).answers
    except AnswerDocumentError as error:
        raise ImportRefusedError(error.problems) from None
    if not answers:
        raise ImportRefusedError([_('the file has no answers: "answers" is empty')])
    return answers


def import_answers(
    assessment: Assessment,
    questionnaire: Questionnaire,
    content: bytes,
    library: ContentLibrary,
) -> int:
    """Save the answers of a file into a draft, all or none; the number saved."""
    if assessment.is_submitted:
        raise service.AssessmentLockedError()
    answers = read_import(content, assessment, library)
    kept_comments = {a.question_id: a.comment for a in assessment.answers}
    posted = {
        question_id: service.PostedAnswer(
            value=stored_value(answer), comment=kept_comments.get(question_id, "")
        )
        for question_id, answer in answers.items()
    }
    audit.record("answers.imported", assessment, questions=sorted(posted))
    try:
        service.save_answers(assessment, questionnaire, posted)  # commits the event too
    except AssessmentError:
        db.session.rollback()
        raise
    log.info("%d answers imported into assessment %s", len(posted), assessment.id)
    return len(posted)
