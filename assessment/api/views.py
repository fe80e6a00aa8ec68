"""The JSON API, ``/api/v1``: bearer tokens, the rules of ``policy``, JSON errors.

Authentication is by ``Authorization: Bearer <token>`` only; the session cookie is never
read here, so the API needs no CSRF protection. An organisation or assessment the token's
owner may not see is a 404 (its name never shows); one they may see but not change is a
403. Reading an assessment by id needs the right to see its organisation; answering and
submitting need the right to manage it (admins, its consultants, its owner), as starting
an assessment does on the pages. Respondents' own sheets are not reachable by id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from pydantic import BaseModel

from assessment import policy
from assessment.api import schemas, tokens
from assessment.api.openapi import openapi_document
from assessment.content.registry import current_library
from assessment.core import comparison, scoring
from assessment.core.answer_documents import describe_answer_problem
from assessment.core.content.schema import Questionnaire
from assessment.core.errors import AssessmentError
from assessment.core.numbers import display_delta, signed
from assessment.extensions import csrf, db, limiter
from assessment.history import service as history
from assessment.models import COMMENT_MAX_LENGTH, Assessment, Organisation
from assessment.questionnaire import service
from assessment.reports.service import report_filename, report_pdf
from assessment.web.errors import http_error_message

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens only: no cookie is ever accepted here

LARGEST_ID = 2**31 - 1  # ids beyond a database integer name nothing


class ApiError(AssessmentError):
    def __init__(
        self, status: int, message: str, problems: list[schemas.Problem] | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status
        self.problems = problems


def _unauthorised(message: str) -> ApiError:
    return ApiError(401, message)


@bp.errorhandler(AssessmentError)
def handle_api_error(error: AssessmentError) -> Response:
    message = error.message if error.message else http_error_message(error.status_code)
    problems = getattr(error, "problems", None) if isinstance(error, ApiError) else None
    body = schemas.Error(error=str(message), problems=problems or None)
    response = jsonify(body.model_dump(mode="json", exclude={"problems"} if not problems else None))
    response.status_code = error.status_code
    if error.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _bearer_secret() -> str | None:
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def _rate_key() -> str:
    """Each token has its own allowance; requests without one share their address's."""
    secret = _bearer_secret()
    if secret is None:
        return f"address:{get_remote_address()}"
    return "token:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


rate_limited = limiter.shared_limit(_rate_limit, scope="api", key_func=_rate_key)


@bp.before_request
def authenticate() -> None:
    """Every route but the OpenAPI document needs a working token of a person who may
    hold one; the token's owner is the current user for this request only."""
    limit = current_app.config["API_MAX_BODY_BYTES"]
    if request.content_length and request.content_length > limit:
        raise ApiError(413, _("The request body is larger than %(limit)s bytes.", limit=limit))
    request.max_content_length = limit
    if request.endpoint == "api.openapi":
        return
    secret = _bearer_secret()
    if secret is None:
        raise _unauthorised(
            _(
                'Send an API token in the header "Authorization: Bearer <token>". '
                "Create one on your account page."
            )
        )
    user = tokens.user_for_secret(secret)
    if user is None:
        raise _unauthorised(
            _("This API token does not work: it is unknown or revoked, or its account is off.")
        )
    if not policy.can_hold_api_tokens(user):
        raise tokens.TokenNotAllowedError()
    g._login_user = user  # Flask-Login's current user, from the token, never the session


def _dump(model: BaseModel) -> Response:
    return jsonify(model.model_dump(mode="json"))


def api_get(rule: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        return bp.get(rule)(rate_limited(view))

    return register


# ---------------------------------------------------------------------------
# Finding, by the rules of ``policy``


def _organisation(organisation_id: int) -> Organisation:
    organisation = (
        db.session.get(Organisation, organisation_id) if organisation_id <= LARGEST_ID else None
    )
    if organisation is None or not policy.can_view_organisation(current_user, organisation):
        raise ApiError(404, _("No organisation with this id is visible to you."))
    return organisation


def _assessment(assessment_id: int) -> Assessment:
    assessment = db.session.get(Assessment, assessment_id) if assessment_id <= LARGEST_ID else None
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


def _questionnaire(assessment: Assessment) -> Questionnaire:
    return service.questionnaire_of(assessment, current_library())


# ---------------------------------------------------------------------------
# Shapes


def _organisation_json(organisation: Organisation) -> schemas.Organisation:
    return schemas.Organisation(
        id=organisation.id,
        name=organisation.name,
        industry=organisation.industry,
        size_band=organisation.size_band,
        region=organisation.region,
        created_at=organisation.created_at,
        may_manage=policy.can_manage_organisation(current_user, organisation),
    )


def _reference(assessment: Assessment) -> schemas.QuestionnaireRef:
    return schemas.QuestionnaireRef(
        id=assessment.questionnaire_id, version=assessment.questionnaire_version
    )


def _assessment_json(assessment: Assessment) -> schemas.Assessment:
    progress = service.progress(assessment, _questionnaire(assessment))
    return schemas.Assessment(
        id=assessment.id,
        organisation_id=assessment.organisation_id,
        questionnaire=_reference(assessment),
        status=assessment.status,
        respondent_name=assessment.respondent_name,
        locale=assessment.locale,
        created_at=assessment.created_at,
        updated_at=assessment.updated_at,
        submitted_at=assessment.submitted_at,
        progress=schemas.Progress(answered=progress.answered, total=progress.total),
    )


def _stored_value(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def _answers_json(assessment: Assessment) -> schemas.Answers:
    stored = service.answers_by_question(assessment)
    return schemas.Answers(
        questionnaire=_reference(assessment),
        answers={
            question_id: _stored_value(answer.value)
            for question_id, answer in stored.items()
            if answer.value is not None
        },
        comments={
            question_id: answer.comment for question_id, answer in stored.items() if answer.comment
        },
    )


def _answer(answer: scoring.Answer | None) -> int | str | None:
    if answer is None:
        return None
    if isinstance(answer, scoring.Abstention):
        return answer.value
    return int(answer)


def _exact(value: Fraction | None) -> schemas.Exact | None:
    return None if value is None else schemas.Exact(exact=str(value), value=float(value))


def _level(level: scoring.Level | None) -> int | None:
    return None if level is None else int(level)


def _index(index: Fraction | None) -> float | None:
    return None if index is None else float(index)


def _delta(
    compared: comparison.AggregateComparison | comparison.DimensionComparison,
) -> schemas.Delta | None:
    """The exact change, and as the comparison page shows it (``numbers.display_delta``)."""
    if compared.delta is None or compared.status == comparison.Comparability.NOT_COMPARABLE:
        return None
    shown = (
        display_delta(compared.old_index, compared.new_index)
        if compared.old_index is not None and compared.new_index is not None
        else signed(compared.delta)
    )
    return schemas.Delta(exact=str(compared.delta), value=float(compared.delta), shown=shown)


def _aggregate_change(compared: comparison.AggregateComparison) -> schemas.AggregateChange:
    return schemas.AggregateChange(
        status=compared.status.value,
        reasons=[reason.value for reason in compared.reasons],
        old_index=_index(compared.old_index),
        new_index=_index(compared.new_index),
        old_level=_level(compared.old_level),
        new_level=_level(compared.new_level),
        delta=_delta(compared),
        contributions={
            dimension_id: _exact(share) for dimension_id, share in compared.contributions.items()
        },
        not_comparable_dimensions=list(compared.not_comparable_dimensions),
    )


def _dimension_change(compared: comparison.DimensionComparison) -> schemas.DimensionChange:
    return schemas.DimensionChange(
        id=compared.id,
        part=compared.part,
        status=compared.status.value,
        reasons=[reason.value for reason in compared.reasons],
        old_index=_index(compared.old_index),
        new_index=_index(compared.new_index),
        old_level=_level(compared.old_level),
        new_level=_level(compared.new_level),
        delta=_delta(compared),
        questions=[
            schemas.QuestionMovement(
                question_id=question.question_id,
                old_question_ids=list(question.old_question_ids),
                old_answers=[_answer(a) for a in question.old_answers],
                new_answer=_answer(question.new_answer),
                old_level=_exact(question.old_level),
                new_level=_level(question.new_level),
                level_change=_exact(question.level_change),
                movement=question.movement.value,
                contribution=_exact(question.contribution),
            )
            for question in compared.questions
        ],
    )


# ---------------------------------------------------------------------------
# Reading a request


def _json_body() -> object:
    if not request.is_json:
        raise ApiError(415, _("Send the body as JSON, with Content-Type: application/json."))
    raw = request.get_data(cache=False)
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ApiError(
            400,
            _(
                "The body is not valid JSON: %(reason)s (line %(line)s, column %(column)s).",
                reason=error.msg,
                line=error.lineno,
                column=error.colno,
            ),
        ) from None
    except (ValueError, RecursionError):
        raise ApiError(400, _("The body is not valid JSON.")) from None


def _whole_body_problem(message: str) -> schemas.Problem:
    return schemas.Problem(question_id=None, message=message)


def _posted_answers(
    body: object, assessment: Assessment, questionnaire: Questionnaire
) -> dict[str, service.PostedAnswer]:
    """The body of PUT answers as the service's posted answers; every problem at once."""
    if not isinstance(body, dict):
        raise ApiError(
            400,
            _('The body must be a JSON object with "answers" and, optionally, "comments".'),
        )
    problems = [
        _whole_body_problem(_('unknown key "%(key)s" at the top level', key=str(key)[:40]))
        for key in body
        if key not in ("answers", "comments")
    ]
    raw_answers = body.get("answers", {})
    comments = body.get("comments", {})
    if not isinstance(raw_answers, dict):
        problems.append(
            _whole_body_problem(_('"answers" must be an object mapping question ids to answers'))
        )
    if not isinstance(comments, dict):
        problems.append(
            _whole_body_problem(_('"comments" must be an object mapping question ids to text'))
        )
    if problems:
        raise _invalid(problems)

    rules = questionnaire.scoring_rules
    parsed: dict[str, scoring.Answer] = {}
    try:
        parsed = scoring.parse_answers(raw_answers, rules)
    except scoring.InvalidAnswersError as error:
        problems += [
            schemas.Problem(question_id=p.question_id, message=describe_answer_problem(p))
            for p in error.problems
        ]
    for question_id, comment in comments.items():
        if rules.question(question_id) is None:
            if question_id not in raw_answers:
                problems.append(
                    schemas.Problem(
                        question_id=question_id,
                        message=_("%(id)s: no such question in this questionnaire", id=question_id),
                    )
                )
        elif not isinstance(comment, str):
            problems.append(
                schemas.Problem(
                    question_id=question_id,
                    message=_("%(id)s: a comment must be text", id=question_id),
                )
            )
        elif len(comment) > COMMENT_MAX_LENGTH:
            problems.append(
                schemas.Problem(
                    question_id=question_id,
                    message=_(
                        "%(id)s: the comment is longer than %(limit)s characters",
                        id=question_id,
                        limit=COMMENT_MAX_LENGTH,
                    ),
                )
            )
    if problems:
        raise _invalid(problems)

    saved = service.answers_by_question(assessment)
    posted = {}
    for question_id in {**parsed, **comments}:
        before = saved.get(question_id)
        value = _answer(parsed[question_id]) if question_id in parsed else None
        if value is None:
            value = before.value if before and before.value else ""
        comment = comments.get(question_id)
        if comment is None:
            comment = before.comment if before else ""
        posted[question_id] = service.PostedAnswer(value=str(value), comment=comment)
    return posted


def _invalid(problems: list[schemas.Problem]) -> ApiError:
    return ApiError(
        400,
        _("Nothing was saved: %(count)s problem(s), listed by question.", count=len(problems)),
        problems,
    )


def _optional_id(name: str) -> str | None:
    """A query parameter that must be a whole number when given, as a string."""
    value = request.args.get(name)
    if value is None:
        return None
    if not value.isdigit() or int(value) > LARGEST_ID:
        raise ApiError(400, _("%(name)s must be an assessment id, a whole number.", name=name))
    return str(int(value))


# ---------------------------------------------------------------------------
# Routes


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API; no token needed."""
    return jsonify(openapi_document())


@api_get("/organisations")
def organisations() -> Response:
    visible = db.session.execute(
        policy.visible_organisations(current_user).order_by(Organisation.name, Organisation.id)
    ).scalars()
    return jsonify([_organisation_json(o).model_dump(mode="json") for o in visible])


@api_get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int) -> Response:
    return _dump(_organisation_json(_organisation(organisation_id)))


@api_get("/organisations/<int:organisation_id>/assessments")
def organisation_assessments(organisation_id: int) -> Response:
    """The organisation's assessments, newest first; respondents' sheets left out."""
    organisation = _organisation(organisation_id)
    return jsonify(
        [_assessment_json(a).model_dump(mode="json") for a in history.assessments_of(organisation)]
    )


@api_get("/organisations/<int:organisation_id>/history")
def organisation_history(organisation_id: int) -> Response:
    organisation = _organisation(organisation_id)
    entries = []
    for assessment in history.submitted_of(organisation):
        result = assessment.stored_result
        entries.append(
            schemas.HistoryEntry(
                assessment_id=assessment.id,
                submitted_at=assessment.submitted_at,
                questionnaire=_reference(assessment),
                overall=schemas.IndexPoint.of(result.overall),
                dimensions={
                    dimension_id: schemas.IndexPoint.of(dimension)
                    for dimension_id, dimension in result.dimensions.items()
                },
            )
        )
    return _dump(schemas.History(organisation_id=organisation.id, submitted=entries))


@api_get("/organisations/<int:organisation_id>/compare")
def organisation_compare(organisation_id: int) -> Response:
    organisation = _organisation(organisation_id)
    old_id, new_id = _optional_id("old"), _optional_id("new")
    old, new = history.pick_pair(history.submitted_of(organisation), old_id, new_id)
    compared, _old_questionnaire, _new_questionnaire = history.compare(old, new, current_library())
    return _dump(
        schemas.Comparison(
            organisation_id=organisation.id,
            old_assessment_id=old.id,
            new_assessment_id=new.id,
            overall=_aggregate_change(compared.overall),
            parts={part_id: _aggregate_change(p) for part_id, p in compared.parts.items()},
            dimensions={
                dimension_id: _dimension_change(d)
                for dimension_id, d in compared.dimensions.items()
            },
        )
    )


@api_get("/assessments/<int:assessment_id>")
def assessment(assessment_id: int) -> Response:
    return _dump(_assessment_json(_assessment(assessment_id)))


@api_get("/assessments/<int:assessment_id>/answers")
def answers(assessment_id: int) -> Response:
    return _dump(_answers_json(_assessment(assessment_id)))


@bp.put("/assessments/<int:assessment_id>/answers")
@rate_limited
def save_answers(assessment_id: int) -> Response:
    """Save answers of a draft: all of them, or none when anything is wrong."""
    assessment = _assessment_to_answer(assessment_id)
    if assessment.is_submitted:
        raise service.AssessmentLockedError()
    questionnaire = _questionnaire(assessment)
    posted = _posted_answers(_json_body(), assessment, questionnaire)
    service.save_answers(assessment, questionnaire, posted)
    return _dump(_answers_json(assessment))


@bp.post("/assessments/<int:assessment_id>/submit")
@rate_limited
def submit(assessment_id: int) -> Response:
    assessment = _assessment_to_answer(assessment_id)
    questionnaire = _questionnaire(assessment)
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
    return _dump(
        schemas.Result(
            assessment_id=assessment.id,
            final=True,
            score=schemas.Score.model_validate(score.to_dict()),
        )
    )


@api_get("/assessments/<int:assessment_id>/result")
def result(assessment_id: int) -> Response:
    """The score stored at submission; for a draft, the score of its answers so far."""
    assessment = _assessment(assessment_id)
    score = service.result_of(assessment, _questionnaire(assessment))
    return _dump(
        schemas.Result(
            assessment_id=assessment.id,
            final=assessment.is_submitted,
            score=schemas.Score.model_validate(score.to_dict()),
        )
    )


@api_get("/assessments/<int:assessment_id>/report.pdf")
def report(assessment_id: int) -> Response:
    assessment = _assessment(assessment_id)
    language = request.args.get("lang", "zh-CN")
    pdf = report_pdf(assessment, language)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{report_filename(assessment, language)}"'
        },
    )
