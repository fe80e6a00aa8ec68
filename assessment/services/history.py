"""An organisation's assessments over time: the trend of its indices, and what changed
between two assessments, question by question.

Submitted assessments are shown with the scores stored at submission; a comparison
re-scores both sides from their answers with their own questionnaire version (published
versions never change, so the numbers are the same) to explain the change exactly.
"""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from assessment import comparison
from assessment.charts import TrendChart, trend
from assessment.content.loader import ContentLibrary
from assessment.content.presentation import band_bounds
from assessment.content.schema import Questionnaire
from assessment.errors import NotFoundError
from assessment.extensions import db
from assessment.models import Assessment, AssessmentStatus, Organisation
from assessment.services import assessments as service


def assessments_of(organisation: Organisation) -> list[Assessment]:
    """Every assessment of the organisation, newest first."""
    return list(
        db.session.execute(
            select(Assessment)
            .where(Assessment.organisation_id == organisation.id)
            .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        ).scalars()
    )


def submitted_of(organisation: Organisation) -> list[Assessment]:
    """The submitted assessments, oldest first."""
    return list(
        db.session.execute(
            select(Assessment)
            .where(
                Assessment.organisation_id == organisation.id,
                Assessment.status == AssessmentStatus.SUBMITTED,
            )
            .order_by(Assessment.submitted_at, Assessment.id)
        ).scalars()
    )


def trend_chart(
    submitted: list[Assessment], questionnaire: Questionnaire, locale: str, overall_label: str
) -> TrendChart | None:
    """The overall index and each dimension's over the submitted assessments (oldest
    first), with the level bands of ``questionnaire`` behind; None without any."""
    if not submitted:
        return None
    dates = [format_date(a.submitted_at, "medium") for a in submitted]
    return trend(
        moments=[
            (a.submitted_at.timestamp(), label) for a, label in zip(submitted, dates, strict=True)
        ],
        overall=(overall_label, [a.result["overall"]["index"] for a in submitted]),
        dimensions=[
            (
                dimension.name.get(locale),
                [a.result["dimensions"].get(dimension.id, {}).get("index") for a in submitted],
            )
            for dimension in questionnaire.dimensions
        ],
        bands=[
            (float(low), float(high), level.name.get(locale))
            for low, high, level in band_bounds(questionnaire)
        ],
    )


class NotComparableError(NotFoundError):
    def __init__(self) -> None:
        super().__init__(_l("Choose two submitted assessments of this organisation to compare."))


def pick_pair(
    submitted: list[Assessment], old_id: str | None, new_id: str | None
) -> tuple[Assessment, Assessment]:
    """The two assessments to compare, by the ids asked for (as typed in a URL), else the
    two newest; the older one is always "old"."""
    by_id = {str(a.id): a for a in submitted}
    if old_id is None and new_id is None:
        if len(submitted) < 2:
            raise NotComparableError()
        return submitted[-2], submitted[-1]
    old, new = by_id.get(old_id or ""), by_id.get(new_id or "")
    if old is None or new is None or old.id == new.id:
        raise NotComparableError()
    return (old, new) if (old.submitted_at, old.id) < (new.submitted_at, new.id) else (new, old)


def compare(
    old: Assessment, new: Assessment, library: ContentLibrary
) -> tuple[comparison.AssessmentComparison, Questionnaire, Questionnaire]:
    """The exact comparison of two assessments, with the questionnaire of each side."""
    old_questionnaire = service.questionnaire_of(old, library)
    new_questionnaire = service.questionnaire_of(new, library)
    result = comparison.compare(
        old_questionnaire.scoring_rules,
        service.scoring_answers(old),
        new_questionnaire.scoring_rules,
        service.scoring_answers(new),
        library.question_mapping(old_questionnaire, new_questionnaire)
        if hasattr(library, "question_mapping")
        else None,
    )
    return result, old_questionnaire, new_questionnaire
