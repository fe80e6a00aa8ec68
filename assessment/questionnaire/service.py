"""Starting, answering and submitting assessments: every change goes through here.

Each function that changes state validates everything first, then writes and commits,
so a rejected request changes nothing already saved.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, literal, select, text, update

from assessment import events
from assessment.audit import service as audit
from assessment.core import scoring
from assessment.core.content.library import ContentLibrary
from assessment.core.content.schema import Questionnaire
from assessment.core.errors import AssessmentError, NotFoundError
from assessment.core.stored_result import StoredResult, as_float
from assessment.core.text import clean_text
from assessment.extensions import db
from assessment.models import (
    ANSWER_VALUES,
    COMMENT_MAX_LENGTH,
    Answer,
    Assessment,
    AssessmentStatus,
    Organisation,
    UTCDateTime,
    level_of,
    utc_now,
)

log = logging.getLogger(__name__)


class AssessmentLockedError(AssessmentError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            _l(
                "This assessment has been submitted and can no longer be changed. "
                "Start a new assessment to record changes."
            )
        )


class InvalidAnswerError(AssessmentError):
    """Posted answers that no page offers; nothing was saved."""

    status_code = 400

    def __init__(self, problems: list[str]) -> None:
        super().__init__(_l("Nothing was saved: %(problems)s", problems="; ".join(problems)))
        self.problems = problems


class NotReadyToSubmitError(AssessmentError):
    status_code = 409


class OrganisationMissingError(NotReadyToSubmitError):
    def __init__(self) -> None:
        super().__init__(_l("Add your organisation's details before submitting."))


class IncompleteAssessmentError(NotReadyToSubmitError):
    def __init__(self, unanswered: list[str]) -> None:
        super().__init__(
            _l(
                "%(count)s question(s) still need an answer before you can submit. "
                'Choose a level, "not applicable" or "don\'t know" for each.',
                count=len(unanswered),
            )
        )
        self.unanswered = unanswered


@dataclass(frozen=True)
class PostedAnswer:
    """One question as posted: a value ("1".."5", "na", "unknown", or "" for none)."""

    value: str
    comment: str


@dataclass(frozen=True)
class DimensionProgress:
    dimension_id: str
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class Progress:
    dimensions: tuple[DimensionProgress, ...]

    @property
    def answered(self) -> int:
        return sum(d.answered for d in self.dimensions)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.dimensions)


# ---------------------------------------------------------------------------
# Finding


def questionnaire_of(assessment: Assessment, library: ContentLibrary) -> Questionnaire:
    questionnaire = library.get(assessment.questionnaire_id, assessment.questionnaire_version)
    if questionnaire is None:
        raise NotFoundError(_l("The questionnaire version of this assessment is not available."))
    return questionnaire


RESUME_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def find_by_token(token: str) -> Assessment:
    assessment = None
    if RESUME_TOKEN_SHAPE.match(token):
        assessment = db.session.execute(
            select(Assessment).where(Assessment.resume_token == token)
        ).scalar_one_or_none()
    if assessment is None:
        raise NotFoundError(
            _l(
                "No assessment belongs to this link. Check that the whole link was copied, "
                "or start a new assessment."
            )
        )
    return assessment


def answers_by_question(assessment: Assessment) -> dict[str, Answer]:
    return {answer.question_id: answer for answer in assessment.answers}


def to_scoring_answer(value: str) -> scoring.Answer:
    """A stored value ("1".."5", "na", "unknown") in the scoring module's terms."""
    level = level_of(value)
    return scoring.Level(level) if level is not None else scoring.Abstention(value)


def scoring_answers(assessment: Assessment) -> dict[str, scoring.Answer]:
    return {
        answer.question_id: to_scoring_answer(answer.value)
        for answer in assessment.answers
        if answer.value is not None
    }


def answered_question_ids(assessment: Assessment) -> set[str]:
    """Questions with an answer: a level, "not applicable" or "don't know"."""
    return {a.question_id for a in assessment.answers if a.value is not None}


def progress(assessment: Assessment, questionnaire: Questionnaire) -> Progress:
    return progress_from(answered_question_ids(assessment), questionnaire)


def progress_from(given: set[str], questionnaire: Questionnaire) -> Progress:
    """The progress of an assessment whose answered questions are ``given``."""
    return Progress(
        tuple(
            DimensionProgress(
                dimension.id,
                sum(1 for q in dimension.questions if q.id in given),
                len(dimension.questions),
            )
            for dimension in questionnaire.dimensions
        )
    )


def unanswered_questions(assessment: Assessment, questionnaire: Questionnaire) -> list[str]:
    given = answered_question_ids(assessment)
    return [q.id for q in questionnaire.questions if q.id not in given]


# ---------------------------------------------------------------------------
# Changing


def start(
    questionnaire: Questionnaire, locale: str, organisation: Organisation | None = None
) -> Assessment:
    assessment = Assessment(
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        locale=locale,
        organisation=organisation,
    )
    db.session.add(assessment)
    db.session.flush()
    audit.record("assessment.started", assessment)
    db.session.commit()
    log.info("assessment %s started on %s v%s", assessment.id, *questionnaire.key)
    return assessment


def save_organisation(
    assessment: Assessment,
    *,
    name: str,
    industry: str,
    size_band: str,
    region: str,
    respondent_name: str,
) -> Organisation:
    if assessment.is_submitted:
        raise AssessmentLockedError()
    organisation = assessment.organisation or Organisation()
    organisation.name = clean_text(name)
    organisation.industry = industry
    organisation.size_band = size_band
    organisation.region = clean_text(region)
    assessment.organisation = organisation
    assessment.respondent_name = clean_text(respondent_name)
    assessment.updated_at = utc_now()
    db.session.add(organisation)
    db.session.flush()
    audit.record("organisation.saved", assessment)
    db.session.commit()
    return organisation


def save_respondent_name(assessment: Assessment, respondent_name: str) -> None:
    if assessment.is_submitted:
        raise AssessmentLockedError()
    assessment.respondent_name = clean_text(respondent_name)
    assessment.updated_at = utc_now()
    db.session.commit()


def validate_posted(
    posted: Mapping[str, PostedAnswer],
    questionnaire: Questionnaire,
    dimension_id: str | None = None,
) -> list[str]:
    """Every problem of posted answers, each naming its question id; empty if all valid.

    With ``dimension_id``, only that dimension's questions may be posted (one page).
    """
    questions = {
        q.id: q
        for d in questionnaire.dimensions
        if dimension_id in (None, d.id)
        for q in d.questions
    }
    problems = []
    for question_id, answer in posted.items():
        question = questions.get(question_id)
        if question is None:
            problems.append(str(_l("%(id)s: no such question on this page", id=question_id)))
        elif answer.value not in ("", *ANSWER_VALUES):
            problems.append(
                str(
                    _l(
                        "%(id)s: %(value)s is not one of the choices",
                        id=question_id,
                        value=answer.value[:20],
                    )
                )
            )
        elif answer.value == "na" and not question.allow_na:
            problems.append(
                str(_l('%(id)s: "not applicable" is not a choice here', id=question_id))
            )
        elif len(answer.comment) > COMMENT_MAX_LENGTH:
            problems.append(
                str(
                    _l(
                        "%(id)s: the comment is longer than %(limit)s characters",
                        id=question_id,
                        limit=COMMENT_MAX_LENGTH,
                    )
                )
            )
    return problems


def save_answers(
    assessment: Assessment,
    questionnaire: Questionnaire,
    posted: Mapping[str, PostedAnswer],
    dimension_id: str | None = None,
) -> set[str]:
    """Save posted answers all together, or none of them if any is invalid; return the
    questions answered once they are saved (read under the same lock, so exact).

    An empty value with an empty comment leaves a question as it was: a page posts
    every question it shows, and an untouched question must not erase an answer saved
    by the autosave of another tab.
    """
    if assessment.is_submitted:
        raise AssessmentLockedError()
    problems = validate_posted(posted, questionnaire, dimension_id)
    if problems:
        raise InvalidAnswerError(problems)
    now = utc_now()
    _lock(assessment, touched_at=now)
    rows = [
        {
            "assessment_id": assessment.id,
            "question_id": question_id,
            "value": answer.value or None,
            "comment": clean_text(answer.comment),
            "updated_at": now,
        }
        for question_id, answer in posted.items()
        if answer.value or clean_text(answer.comment)
    ]
    if rows:
        _upsert_answers(rows)
        audit.record("answers.saved", assessment, questions=[row["question_id"] for row in rows])
    answered = set(
        db.session.execute(
            select(Answer.question_id).where(
                Answer.assessment_id == assessment.id, Answer.value.is_not(None)
            )
        ).scalars()
    )
    db.session.commit()
    db.session.expire(assessment, ["answers"])
    return answered


def _lock(assessment: Assessment, touched_at: datetime | None = None) -> None:
    """Lock the assessment row for this transaction and refuse if it has been submitted;
    with ``touched_at``, also move its ``updated_at`` there in the same statement (never
    back: a save that waited for the lock may carry an earlier time than one before it).

    Saves and a submission of the same assessment are serialised by this lock, so no
    answer is written to an assessment after its score was fixed.
    """
    table = Assessment.__table__
    if touched_at is None:
        statement = select(table.c.status).where(table.c.id == assessment.id).with_for_update()
    else:  # an UPDATE takes the same row lock
        newest = func.greatest if db.session.get_bind().dialect.name == "postgresql" else func.max
        statement = (
            update(table)
            .where(table.c.id == assessment.id)
            .values(updated_at=newest(table.c.updated_at, literal(touched_at, UTCDateTime())))
            .returning(table.c.status)
        )
    status = db.session.execute(statement).scalar_one()
    if status == AssessmentStatus.SUBMITTED:
        db.session.rollback()
        raise AssessmentLockedError()


# Insert or update in one statement, so two saves of one question never collide. Written
# out because SQLAlchemy never caches the compiled form of its dialect inserts with ON
# CONFLICT (they have no cache key), and compiling one cost a sixth of an autosave; the
# same text runs on PostgreSQL and SQLite.
ANSWER_UPSERT = text(
    "INSERT INTO answer (assessment_id, question_id, value, comment, updated_at)"
    " VALUES (:assessment_id, :question_id, :value, :comment, :updated_at)"
    " ON CONFLICT (assessment_id, question_id) DO UPDATE SET value = excluded.value,"
    " comment = excluded.comment, updated_at = excluded.updated_at"
).bindparams(bindparam("updated_at", type_=UTCDateTime()))


def _upsert_answers(rows: list[dict[str, object]]) -> None:
    db.session.execute(ANSWER_UPSERT, rows)


def submit(assessment: Assessment, questionnaire: Questionnaire) -> StoredResult:
    """Fix the assessment and store its score; every question needs an answer first."""
    _lock(assessment)
    db.session.refresh(assessment, ["answers"])
    missing = unanswered_questions(assessment, questionnaire)
    if missing:
        raise IncompleteAssessmentError(missing)
    if assessment.organisation is None:
        raise OrganisationMissingError()
    result = current_result(assessment, questionnaire)
    now = utc_now()
    assessment.record_result(result)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now
    assessment.updated_at = now
    audit.record(
        "assessment.submitted",
        assessment,
        overall_index=as_float(result.overall.index),
    )
    db.session.commit()
    log.info("assessment %s submitted", assessment.id)
    app = current_app._get_current_object()
    events.report_inputs_changed.send(app, assessment=assessment)
    if not assessment.is_sheet:
        events.assessment_submitted.send(app, assessment=assessment)
    return result


def result_of(assessment: Assessment, questionnaire: Questionnaire) -> StoredResult:
    """The stored score of a submitted assessment; the current one of a draft."""
    return assessment.stored_result or current_result(assessment, questionnaire)


def current_result(assessment: Assessment, questionnaire: Questionnaire) -> StoredResult:
    """The score of the answers as they stand now, as it would be stored."""
    return StoredResult.of(scoring.score(scoring_answers(assessment), questionnaire.scoring_rules))
