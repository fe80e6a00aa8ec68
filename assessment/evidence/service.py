"""Evidence behind an assessment's answers: files attached to them, the confidence given
to each, and a consultant's mark (verified or challenged). The counts and the verified
reading are ``assessment.core.evidence``'s.

Files are kept in the upload folder under random names (``evidence/<hex>.<ext>``); the
name a file was uploaded with is only shown. Their kind is judged by their bytes.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assessment import events
from assessment.audit import service as audit
from assessment.core import evidence as core
from assessment.core.content.schema import Questionnaire
from assessment.core.errors import AssessmentError
from assessment.core.scoring import AssessmentScore
from assessment.core.uploads import EXTENSIONS, evidence_kind, shown_name
from assessment.extensions import db
from assessment.models import (
    AnswerReview,
    Assessment,
    Confidence,
    EvidenceFile,
    User,
    Verification,
    utc_now,
)
from assessment.questionnaire.service import scoring_answers

log = logging.getLogger(__name__)

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
FILES_PER_ANSWER = 10
FOLDER = "evidence"


class EvidenceRefusedError(AssessmentError):
    status_code = 400


@dataclass(frozen=True)
class ReviewInput:
    confidence: Confidence | None
    verification: Verification | None
    note: str
    verification_given: bool = True  # False: the form had no mark to change; keep it


@dataclass(frozen=True)
class AssessmentEvidence:
    """An assessment's reviews and files, by question, read in two queries."""

    reviews: dict[str, AnswerReview]
    files: dict[str, list[EvidenceFile]]

    def with_evidence(self) -> set[str]:
        return {question_id for question_id, files in self.files.items() if files}

    def marked(self, verification: Verification) -> set[str]:
        return {q for q, review in self.reviews.items() if review.verification == verification}


def evidence_of(assessment: Assessment) -> AssessmentEvidence:
    reviews = db.session.execute(
        select(AnswerReview).where(AnswerReview.assessment_id == assessment.id)
    ).scalars()
    files: dict[str, list[EvidenceFile]] = {}
    for found in db.session.execute(
        select(EvidenceFile)
        .where(EvidenceFile.assessment_id == assessment.id)
        .order_by(EvidenceFile.uploaded_at, EvidenceFile.id)
    ).scalars():
        files.setdefault(found.question_id, []).append(found)
    return AssessmentEvidence({r.question_id: r for r in reviews}, files)


@dataclass(frozen=True)
class Reading:
    """How far an assessment's answers are backed: per dimension, and on verified answers."""

    backing: dict[str, core.Backing]
    verified: AssessmentScore
    any_marked: bool


def reading_of(assessment: Assessment, questionnaire: Questionnaire) -> Reading:
    found = evidence_of(assessment)
    answers = scoring_answers(assessment)
    rules = questionnaire.scoring_rules
    verified = found.marked(Verification.VERIFIED)
    return Reading(
        backing=core.backing(
            rules,
            answers,
            found.with_evidence(),
            verified,
            found.marked(Verification.CHALLENGED),
        ),
        verified=core.verified_score(rules, answers, verified),
        any_marked=bool(found.reviews or found.files),
    )


def results_reading(assessment: Assessment, questionnaire: Questionnaire) -> dict[str, object]:
    """``build_results``' evidence arguments: the backing by dimension and the strict level
    on verified answers, once any evidence or review is recorded; else none."""
    reading = reading_of(assessment, questionnaire)
    if not reading.any_marked:
        return {}
    return {
        "backing": reading.backing,
        "verified_strict_level": reading.verified.overall.strict_level,
    }


def save_review(
    assessment: Assessment,
    question_id: str,
    entry: ReviewInput,
    user: User,
    may_mark: bool,
) -> AnswerReview:
    """Save an answer's confidence and note, and its mark when ``may_mark`` (a
    consultant's) and given; otherwise the mark is kept as it was."""
    review = db.session.execute(
        select(AnswerReview).where(
            AnswerReview.assessment_id == assessment.id, AnswerReview.question_id == question_id
        )
    ).scalar_one_or_none()
    if review is None:
        review = AnswerReview(assessment_id=assessment.id, question_id=question_id)
        db.session.add(review)
    review.confidence = entry.confidence
    review.note = entry.note
    if may_mark and entry.verification_given and review.verification != entry.verification:
        review.verification = entry.verification
        review.marked_by_id = user.id
        review.marked_at = utc_now()
    review.updated_at = utc_now()
    audit.record(
        "evidence.reviewed",
        assessment,
        question=question_id,
        confidence=entry.confidence,
        verification=review.verification,
    )
    try:
        db.session.commit()
    except IntegrityError:  # the same answer reviewed at the same moment: theirs stands
        db.session.rollback()
        raise EvidenceRefusedError(
            _l("Someone else saved this answer's review at the same moment: check it, save again.")
        ) from None
    _changed(assessment)
    return review


def attach(
    assessment: Assessment, question_id: str, data: bytes, uploaded_name: str | None, user: User
) -> EvidenceFile:
    """Keep ``data`` as evidence for the answer, after checking its size, its kind (by its
    bytes), and that the same file is not attached already."""
    if not data:
        raise EvidenceRefusedError(_l("The file is empty."))
    if len(data) > EVIDENCE_MAX_BYTES:
        raise EvidenceRefusedError(
            _l("The file is larger than %(limit)s MB.", limit=EVIDENCE_MAX_BYTES // 1024 // 1024)
        )
    kind = evidence_kind(data)
    if kind is None:
        raise EvidenceRefusedError(
            _l(
                "Evidence must be a PDF, PNG, JPEG or XLSX file, and this file is none of "
                "them (whatever its name says)."
            )
        )
    existing = evidence_of(assessment).files.get(question_id, [])
    if len(existing) >= FILES_PER_ANSWER:
        raise EvidenceRefusedError(
            _l("An answer holds at most %(count)s files.", count=FILES_PER_ANSWER)
        )
    digest = hashlib.sha256(data).hexdigest()
    same = next((f for f in existing if f.sha256 == digest), None)
    if same is not None:
        raise EvidenceRefusedError(
            _l("This file is attached to the answer already, as %(name)s.", name=same.display_name)
        )
    stored = _store(data, kind)
    record = EvidenceFile(
        assessment_id=assessment.id,
        question_id=question_id,
        file_name=stored,
        display_name=shown_name(uploaded_name, kind),
        kind=kind,
        size=len(data),
        sha256=digest,
        uploaded_by_id=user.id,
    )
    db.session.add(record)
    db.session.flush()
    audit.record("evidence.attached", assessment, question=question_id, file=record.id, kind=kind)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        (upload_dir() / stored).unlink(missing_ok=True)
        raise
    log.info("evidence %s attached to assessment %s", record.id, assessment.id)
    _changed(assessment)
    return record


def remove(assessment: Assessment, record: EvidenceFile) -> None:
    stored = record.file_name
    audit.record(
        "evidence.removed", assessment, question=record.question_id, name=record.display_name
    )
    db.session.delete(record)
    db.session.commit()
    (upload_dir() / stored).unlink(missing_ok=True)
    _changed(assessment)


def file_path(record: EvidenceFile) -> Path:
    return upload_dir() / record.file_name


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _store(data: bytes, kind: str) -> str:
    folder = upload_dir() / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{FOLDER}/{secrets.token_hex(16)}.{EXTENSIONS[kind]}"
    temporary = upload_dir() / f"{name}.part"
    temporary.write_bytes(data)
    temporary.replace(upload_dir() / name)
    return name


def _changed(assessment: Assessment) -> None:
    """A submitted assessment's report shows how far its answers are backed."""
    if assessment.is_submitted:
        events.report_inputs_changed.send(current_app._get_current_object(), assessment=assessment)


def fingerprint_of(assessment: Assessment) -> list[list[object]]:
    """What the report shows of the evidence, as plain values for its fingerprint."""
    found = evidence_of(assessment)
    return [
        [question_id, review.confidence, review.verification]
        for question_id, review in sorted(found.reviews.items())
    ] + [[question_id, len(files)] for question_id, files in sorted(found.files.items())]
