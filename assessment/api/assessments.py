"""The API's assessments: one by id, its answers (read and saved), submitting it, its
result and its PDF report.

An assessment the token's owner may not see is a 404; one they may see but not change is a
403. Reading an assessment by id needs the right to see its organisation; answering and
submitting need the right to manage it (admins, its consultants, its owner), as starting
an assessment does on the pages. Respondents' own sheets are not reachable by id.
"""

from __future__ import annotations

from flask import Response, request
from flask_babel import gettext as _
from flask_login import current_user

from assessment import policy
from assessment.api import schemas
from assessment.api.blueprint import ApiError, api_get, bp, dump, rate_limited
from assessment.api.request_data import json_body, posted_answers
from assessment.api.shapes import (
    answers_json,
    assessment_json,
    crosswalk_json,
    evidence_json,
    questionnaire_of,
)
from assessment.content.registry import current_library
from assessment.core.content.schema import Questionnaire
from assessment.core.crosswalk import read
from assessment.core.stored_result import StoredResult
from assessment.evidence import service as evidence
from assessment.extensions import db
from assessment.models import Assessment
from assessment.questionnaire import service
from assessment.reports import store
from assessment.reports.formats import DOCX, PDF, ReportFormat
from assessment.reports.sending import report_response
from assessment.reports.service import record_download, report_filename


def _assessment(assessment_id: int) -> Assessment:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or not policy.can_view_assessment_by_id(current_user, assessment):
        raise ApiError(404, _("No assessment with this id is visible to you."))
    return assessment


def _assessment_to_answer(assessment_id: int) -> Assessment:
    assessment = _assessment(assessment_id)
    if not policy.can_answer_assessment_by_id(current_user, assessment):
        raise ApiError(
            403,
            _(
                "You may see this assessment but not change it: answering and submitting "
                "are for its organisation's owner, consultants and administrators."
            ),
        )
    return assessment


@api_get("/assessments/<int:assessment_id>")
def assessment(assessment_id: int) -> Response:
    return dump(assessment_json(_assessment(assessment_id)))


@api_get("/assessments/<int:assessment_id>/answers")
def answers(assessment_id: int) -> Response:
    return dump(answers_json(_assessment(assessment_id)))


@bp.put("/assessments/<int:assessment_id>/answers")
@rate_limited
def save_answers(assessment_id: int) -> Response:
    """Save answers of a draft: all of them, or none when anything is wrong."""
    assessment = _assessment_to_answer(assessment_id)
    if assessment.is_submitted:
        raise service.AssessmentLockedError()
    questionnaire = questionnaire_of(assessment)
    posted = posted_answers(json_body(), assessment, questionnaire)
    service.save_answers(assessment, questionnaire, posted)
    return dump(answers_json(assessment))


@bp.post("/assessments/<int:assessment_id>/submit")
@rate_limited
def submit(assessment_id: int) -> Response:
    assessment = _assessment_to_answer(assessment_id)
    questionnaire = questionnaire_of(assessment)
    try:
        score = service.submit(assessment, questionnaire)
    except service.IncompleteAssessmentError as error:
        raise ApiError(
            409,
            str(error.message),
            [
                schemas.Problem(
                    question_id=question_id,
                    message=_("%(id)s: no answer yet", id=question_id),
                )
                for question_id in error.unanswered
            ],
        ) from None
    return dump(_result(assessment, questionnaire, score))


@api_get("/assessments/<int:assessment_id>/result")
def result(assessment_id: int) -> Response:
    """The score stored at submission; for a draft, the score of its answers so far."""
    assessment = _assessment(assessment_id)
    questionnaire = questionnaire_of(assessment)
    return dump(_result(assessment, questionnaire, service.result_of(assessment, questionnaire)))


def _result(
    assessment: Assessment, questionnaire: Questionnaire, score: StoredResult
) -> schemas.Result:
    """The score, how far its answers are backed, and its readings on other frameworks."""
    answers = service.scoring_answers(assessment)
    return schemas.Result(
        assessment_id=assessment.id,
        final=assessment.is_submitted,
        score=schemas.Score.model_validate(score.to_dict()),
        evidence=evidence_json(evidence.reading_of(assessment, questionnaire)),
        crosswalks=[
            crosswalk_json(crosswalk.id, read(crosswalk.rule, questionnaire.scoring_rules, answers))
            for crosswalk in current_library().crosswalks_for(questionnaire)
        ],
    )


@api_get("/assessments/<int:assessment_id>/report.pdf")
def report(assessment_id: int) -> Response:
    return _report(assessment_id, PDF)


@api_get("/assessments/<int:assessment_id>/report.docx")
def report_docx(assessment_id: int) -> Response:
    return _report(assessment_id, DOCX)


def _report(assessment_id: int, report_format: ReportFormat) -> Response:
    assessment = _assessment(assessment_id)
    language = request.args.get("lang", "zh-CN")
    report = store.ready_report(assessment, language, report_format)
    record_download(assessment, language, report_format)
    filename = report_filename(assessment, language, report_format)
    return report_response(report, report_format, filename, as_attachment=False)
