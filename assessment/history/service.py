"""An organisation's assessments over time: which were submitted, what changed between
two of them, question by question, and where it stands among its peers (the trend chart
is drawn by ``history/trend.py``).

Submitted assessments are shown with the scores stored at submission; a comparison
re-scores both sides from their answers with their own questionnaire version (published
versions never change, so the numbers are the same) to explain the change exactly.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from assessment.audit import service as audit
from assessment.core import benchmark, comparison
from assessment.core.content.library import ContentLibrary
from assessment.core.content.schema import Questionnaire
from assessment.core.errors import NotFoundError
from assessment.extensions import db
from assessment.models import Assessment, AssessmentIndex, AssessmentStatus, Organisation
from assessment.questionnaire import service


def assessments_of(organisation: Organisation) -> list[Assessment]:
    """Every assessment of the organisation, newest first."""
    return list(
        db.session.execute(
            select(Assessment)
            .where(
                Assessment.organisation_id == organisation.id, Assessment.of_organisation_level()
            )
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
                Assessment.of_organisation_level(),
            )
            .order_by(Assessment.submitted_at, Assessment.id)
        ).scalars()
    )


def submitted_up_to(assessment: Assessment) -> list[Assessment]:
    """The organisation's submitted assessments up to and including this one, oldest
    first; empty for a draft or a respondent's sheet."""
    if assessment.submitted_at is None or assessment.organisation is None or assessment.is_sheet:
        return []
    return [
        a
        for a in submitted_of(assessment.organisation)
        if a.submitted_at <= assessment.submitted_at
    ]


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
        library.question_mapping(old_questionnaire, new_questionnaire),
    )
    return result, old_questionnaire, new_questionnaire


def peer_standings(organisation: Organisation, min_cohort: int) -> dict[str, benchmark.Standing]:
    """Where the indices of the organisation's latest submitted assessment stand among its
    consenting peers (same industry and size band, the latest submitted assessment of
    each); empty without a submitted assessment of its own.

    The database counts, in one query, for each of its own metrics the peers that have a
    value and twice those below plus those equal; no peer's index leaves it."""
    if organisation.latest_submitted_id is None:
        return {}
    peer = aliased(Organisation)
    peer_value = aliased(AssessmentIndex)
    own_value = aliased(AssessmentIndex)
    peer_values = (
        select(peer_value.metric, peer_value.value)
        .join(peer, peer.latest_submitted_id == peer_value.assessment_id)
        .where(
            peer.id != organisation.id,
            peer.industry == organisation.industry,
            peer.size_band == organisation.size_band,
            peer.benchmark_consent.is_(True),
            peer_value.value.is_not(None),
        )
        .subquery()
    )
    twice_below_plus_equal = func.coalesce(
        func.sum(
            case(
                (peer_values.c.value < own_value.value, 2),
                (peer_values.c.value == own_value.value, 1),
                else_=0,
            )
        ),
        0,
    )
    rows = db.session.execute(
        select(
            own_value.metric,
            own_value.value.is_(None),
            func.count(peer_values.c.value),
            twice_below_plus_equal,
        )
        .outerjoin(peer_values, peer_values.c.metric == own_value.metric)
        .where(own_value.assessment_id == organisation.latest_submitted_id)
        .group_by(own_value.id, own_value.metric, own_value.value)
        .order_by(own_value.id)  # as stored: overall, then the dimensions in order
    ).all()
    return {
        metric: benchmark.standing_from_counts(
            cohort_size, None if own_missing else int(counted), min_cohort
        )
        for metric, own_missing, cohort_size, counted in rows
    }


def set_benchmark_consent(organisation: Organisation, consent: bool) -> None:
    organisation.benchmark_consent = consent
    audit.record_for_organisation("benchmark.consent", organisation.id, consent=consent)
    db.session.commit()
