"""Reading a request: its JSON body, the answers it posts, ids in its query string."""

from __future__ import annotations

import json

from flask import request
from flask_babel import gettext as _

from assessment.api import schemas
from assessment.api.blueprint import ApiError
from assessment.api.shapes import answer_value
from assessment.core import scoring
from assessment.core.answer_documents import describe_answer_problem
from assessment.core.content.schema import Questionnaire
from assessment.models import COMMENT_MAX_LENGTH, LARGEST_ID, Assessment
from assessment.questionnaire import service


def json_body() -> object:
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


def posted_answers(
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
        value = answer_value(parsed[question_id]) if question_id in parsed else None
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


def optional_id(name: str) -> str | None:
    """A query parameter that must be a whole number when given, as a string."""
    value = request.args.get(name)
    if value is None:
        return None
    if not value.isdigit() or int(value) > LARGEST_ID:
        raise ApiError(400, _("%(name)s must be an assessment id, a whole number.", name=name))
    return str(int(value))
