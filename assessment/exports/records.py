"""What an export holds, read from the database into plain, language-free records.

Submitted assessments carry the score stored at submission (``Assessment.result``), so an
export shows the numbers of the results page and the report; drafts carry their answers
and no score. Every question of the assessment's questionnaire version has a record, in
the questionnaire's order, answered or not. Resume links are never exported: they let
whoever holds them change an assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from assessment.core.content.library import ContentLibrary
from assessment.core.content.schema import Questionnaire
from assessment.core.stored_result import StoredResult
from assessment.extensions import db
from assessment.models import AnswerReview, Assessment, EvidenceFile, Organisation, level_of
from assessment.questionnaire.service import answers_by_question, questionnaire_of


@dataclass(frozen=True)
class AnswerRecord:
    question_id: str
    dimension_id: str
    value: str | None  # "1".."5", "na", "unknown"; None when not answered
    comment: str
    confidence: str | None = None  # "low", "medium", "high"
    verification: str | None = None  # "verified", "challenged"
    evidence_files: int = 0

    @property
    def level(self) -> int | None:
        return level_of(self.value)


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    organisation_id: int | None
    questionnaire: Questionnaire
    status: str
    respondent_name: str
    locale: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    result: StoredResult | None  # as stored at submission; None for a draft
    answers: tuple[AnswerRecord, ...]


@dataclass(frozen=True)
class OrganisationRecord:
    id: int
    name: str
    industry: str
    size_band: str
    region: str


@dataclass(frozen=True)
class ExportRecords:
    """Organisations in order, and their assessments, oldest first per organisation."""

    organisations: tuple[OrganisationRecord, ...]
    assessments: tuple[AssessmentRecord, ...]

    def organisation(self, organisation_id: int | None) -> OrganisationRecord | None:
        return next((o for o in self.organisations if o.id == organisation_id), None)


def organisation_fields(organisation: Organisation) -> dict[str, Any]:
    """What describes an organisation, in an export and in the API alike."""
    return {
        "id": organisation.id,
        "name": organisation.name,
        "industry": organisation.industry,
        "size_band": organisation.size_band,
        "region": organisation.region,
    }


def assessment_fields(assessment: Assessment) -> dict[str, Any]:
    """What describes an assessment besides its questionnaire, answers and score, in an
    export and in the API alike."""
    return {
        "id": assessment.id,
        "organisation_id": assessment.organisation_id,
        "status": assessment.status,
        "respondent_name": assessment.respondent_name,
        "locale": assessment.locale,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "submitted_at": assessment.submitted_at,
    }


def organisation_record(organisation: Organisation) -> OrganisationRecord:
    return OrganisationRecord(**organisation_fields(organisation))


@dataclass(frozen=True)
class Backing:
    """The reviews and evidence file counts of many assessments, read in two queries."""

    reviews: dict[tuple[int, str], tuple[str | None, str | None]]
    files: dict[tuple[int, str], int]


def backing_of(assessment_ids: list[int]) -> Backing:
    if not assessment_ids:
        return Backing({}, {})
    reviews = db.session.execute(
        select(
            AnswerReview.assessment_id,
            AnswerReview.question_id,
            AnswerReview.confidence,
            AnswerReview.verification,
        ).where(AnswerReview.assessment_id.in_(assessment_ids))
    )
    files = db.session.execute(
        select(EvidenceFile.assessment_id, EvidenceFile.question_id, func.count())
        .where(EvidenceFile.assessment_id.in_(assessment_ids))
        .group_by(EvidenceFile.assessment_id, EvidenceFile.question_id)
    )
    return Backing(
        {(a, q): (confidence, mark) for a, q, confidence, mark in reviews},
        {(a, q): count for a, q, count in files},
    )


def assessment_record(
    assessment: Assessment, library: ContentLibrary, backing: Backing | None = None
) -> AssessmentRecord:
    backing = backing or Backing({}, {})
    questionnaire = questionnaire_of(assessment, library)
    stored = answers_by_question(assessment)
    answers = []
    for dimension in questionnaire.dimensions:
        for question in dimension.questions:
            answer = stored.get(question.id)
            answers.append(
                AnswerRecord(
                    question_id=question.id,
                    dimension_id=dimension.id,
                    value=answer.value if answer else None,
                    comment=answer.comment if answer else "",
                    confidence=backing.reviews.get((assessment.id, question.id), (None, None))[0],
                    verification=backing.reviews.get((assessment.id, question.id), (None, None))[1],
                    evidence_files=backing.files.get((assessment.id, question.id), 0),
                )
            )
    return AssessmentRecord(
        **assessment_fields(assessment),
        questionnaire=questionnaire,
        result=assessment.stored_result if assessment.is_submitted else None,
        answers=tuple(answers),
    )


def export_records(
    organisations: list[Organisation], assessments: list[Assessment], library: ContentLibrary
) -> ExportRecords:
    """Records of ``organisations`` (in the order given) and ``assessments``, grouped by
    organisation in that order, each organisation's oldest first."""
    position = {organisation.id: index for index, organisation in enumerate(organisations)}
    ordered = sorted(
        assessments,
        key=lambda a: (position.get(a.organisation_id, len(position)), a.created_at, a.id),
    )
    backing = backing_of([a.id for a in ordered])
    return ExportRecords(
        organisations=tuple(organisation_record(o) for o in organisations),
        assessments=tuple(assessment_record(a, library, backing) for a in ordered),
    )
