"""Several respondents, one assessment.

Each invited person answers alone, on their own *sheet*: an assessment row whose parent
is the organisation's assessment. The sheets are merged, question by question, by the
rule in ``merging`` (the lower median by default), a consultant's settled answers win,
and the merge is written as the organisation's answers, which are then reviewed and
submitted as any assessment. Each sheet stays as its respondent left it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from assessment.audit import service as audit
from assessment.core import merging, scoring
from assessment.core.content.schema import Question, Questionnaire
from assessment.core.errors import AssessmentError
from assessment.core.text import clean_text
from assessment.extensions import db
from assessment.models import (
    COMMENT_MAX_LENGTH,
    Answer,
    Assessment,
    Invitation,
    Settlement,
    User,
    utc_now,
)
from assessment.questionnaire import service


class MergeError(AssessmentError):
    status_code = 409


def merge_settings(questionnaire: Questionnaire) -> tuple[str, int]:
    """The merge rule and the disagreement threshold (in levels) of a questionnaire."""
    return questionnaire.scoring.merge_rule, questionnaire.scoring.disagreement_spread


def start_sheet(parent: Assessment, respondent_name: str = "", **detail: str) -> Assessment:
    """A new, empty sheet of ``parent`` for one respondent."""
    if parent.is_sheet:
        raise MergeError(_l("A respondent's sheet has no sheets of its own."))
    if parent.is_submitted:
        raise MergeError(_l("This assessment is submitted; nobody can answer it now."))
    sheet = Assessment(
        questionnaire_id=parent.questionnaire_id,
        questionnaire_version=parent.questionnaire_version,
        locale=parent.locale,
        organisation_id=parent.organisation_id,
        parent=parent,
        respondent_name=clean_text(respondent_name),
    )
    db.session.add(sheet)
    db.session.flush()
    audit.record("sheet.started", parent, sheet=sheet.id, **detail)
    db.session.commit()
    return sheet


def sheet_for_invitation(invitation: Invitation) -> Assessment:
    """The invitee's own sheet, made the first time the link is used."""
    if invitation.sheet is None:
        invitation.sheet = start_sheet(invitation.assessment, email=invitation.email)
        db.session.commit()
    return invitation.sheet


@dataclass(frozen=True)
class Respondent:
    sheet: Assessment
    name: str
    answered: int
    submitted: bool


def respondents_of(parent: Assessment) -> list[Respondent]:
    emails = dict(
        db.session.execute(
            select(Invitation.sheet_id, Invitation.email).where(
                Invitation.assessment_id == parent.id, Invitation.sheet_id.is_not(None)
            )
        ).all()
    )
    return [
        Respondent(
            sheet=sheet,
            name=sheet.respondent_name or emails.get(sheet.id) or f"#{number}",
            answered=len(service.answered_question_ids(sheet)),
            submitted=sheet.is_submitted,
        )
        for number, sheet in enumerate(parent.sheets, start=1)
    ]


def _submitted(respondents: list[Respondent]) -> list[Respondent]:
    return [r for r in respondents if r.submitted]


def settled_answers(parent: Assessment) -> dict[str, Settlement]:
    return {s.question_id: s for s in parent.settlements}


@dataclass(frozen=True)
class DisagreementView:
    question: Question
    spread: int
    not_applicable_conflict: bool
    answers: tuple[tuple[str, str | None, str], ...]  # (respondent, stored value, comment)
    settlement: Settlement | None
    organisation_answer: str | None  # the assessment's own answer now (after a merge)


def disagreements(parent: Assessment, questionnaire: Questionnaire) -> list[DisagreementView]:
    """The questions where the submitted respondents' levels spread by the threshold or
    more (or a level meets "not applicable"), in questionnaire order."""
    submitted = _submitted(respondents_of(parent))
    _rule, threshold = merge_settings(questionnaire)
    found = merging.find_disagreements(
        [service.scoring_answers(r.sheet) for r in submitted], threshold
    )
    settled = settled_answers(parent)
    own = {a.question_id: a.value for a in parent.answers}
    sheets = [service.answers_by_question(r.sheet) for r in submitted]
    views = []
    for question in questionnaire.questions:
        if question.id not in found:
            continue
        answers = []
        for respondent, stored_answers in zip(submitted, sheets, strict=True):
            stored = stored_answers.get(question.id)
            answers.append(
                (
                    respondent.name,
                    stored.value if stored else None,
                    stored.comment if stored else "",
                )
            )
        views.append(
            DisagreementView(
                question=question,
                spread=found[question.id].spread,
                not_applicable_conflict=found[question.id].not_applicable_conflict,
                answers=tuple(answers),
                settlement=settled.get(question.id),
                organisation_answer=own.get(question.id),
            )
        )
    return views


def settle(
    parent: Assessment,
    questionnaire: Questionnaire,
    question_id: str,
    value: str,
    note: str,
    user: User,
) -> None:
    """A consultant's final answer to one question; it replaces the merged one."""
    if parent.is_submitted:
        raise service.AssessmentLockedError()
    problems = service.validate_posted(
        {question_id: service.PostedAnswer(value=value, comment=note)}, questionnaire
    )
    if problems or not value:
        raise MergeError(problems[0] if problems else _l("Choose the final answer."))
    settlement = settled_answers(parent).get(question_id)
    if settlement is None:
        settlement = Settlement(assessment_id=parent.id, question_id=question_id)
        db.session.add(settlement)
    settlement.value, settlement.note = value, clean_text(note)
    settlement.user_id, settlement.settled_at = user.id, utc_now()
    audit.record("question.settled", parent, question=question_id, value=value)
    db.session.commit()


def _stored(answer: scoring.Answer) -> str:
    return str(int(answer)) if isinstance(answer, scoring.Level) else answer.value


def _merged_comment(
    question_id: str,
    sheets: list[tuple[str, dict[str, Answer]]],
    settlement: Settlement | None,
) -> str:
    """Each respondent's comment, named, then the settlement's note."""
    lines = []
    for name, stored_answers in sheets:
        stored = stored_answers.get(question_id)
        if stored and stored.comment:
            lines.append(f"{name}: {stored.comment}")
    if settlement and settlement.note:
        lines.append(settlement.note)
    comment = "\n".join(lines)
    return (
        comment if len(comment) <= COMMENT_MAX_LENGTH else comment[: COMMENT_MAX_LENGTH - 1] + "…"
    )


def merge_into(parent: Assessment, questionnaire: Questionnaire) -> int:
    """Write the merge of the submitted sheets (and the settled answers) as the
    organisation's answers, replacing its own; returns how many sheets were merged."""
    if parent.is_submitted:
        raise service.AssessmentLockedError()
    submitted = _submitted(respondents_of(parent))
    if not submitted:
        raise MergeError(_l("No respondent has submitted their answers yet."))
    rule, _threshold = merge_settings(questionnaire)
    settlements = settled_answers(parent)
    sheets = [(r.name, service.answers_by_question(r.sheet)) for r in submitted]
    merged: Mapping[str, scoring.Answer] = merging.merge_answers(
        [service.scoring_answers(r.sheet) for r in submitted],
        rule,
        {q: service.to_scoring_answer(s.value) for q, s in settlements.items()},
    )
    posted = {
        question_id: service.PostedAnswer(
            value=_stored(answer),
            comment=_merged_comment(question_id, sheets, settlements.get(question_id)),
        )
        for question_id, answer in merged.items()
    }
    problems = service.validate_posted(posted, questionnaire)
    if problems:
        raise service.InvalidAnswerError(problems)
    db.session.execute(delete(Answer).where(Answer.assessment_id == parent.id))
    audit.record("answers.merged", parent, respondents=len(submitted), rule=rule)
    service.save_answers(parent, questionnaire, posted)
    return len(submitted)
