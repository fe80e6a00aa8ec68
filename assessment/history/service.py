"""An organisation's assessments over time: which were submitted, what changed between
two of them, question by question, and where it stands among its peers (the trend chart
is drawn by ``history/trend.py``).

Submitted assessments are shown with the scores stored at submission; a comparison
re-scores both sides from their answers with their own questionnaire version (published
versions never change, so the numbers are the same) to explain the change exactly.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from assessment.audit import service as audit
from assessment.core import benchmark, comparison
from assessment.core.content.library import ContentLibrary
from assessment.core.content.schema import Questionnaire
from assessment.core.errors import NotFoundError
from assessment.core.stored_result import StoredResult
from assessment.extensions import db
from assessment.models import Assessment, AssessmentStatus, Organisation
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
    """Where the organisation's latest submitted indices stand among its consenting peers
    (same industry and size band, latest submitted assessment each); empty without a
    submitted assessment of its own."""
    own = submitted_of(organisation)
    if not own:
        return {}
    peers_submitted = db.session.execute(
        select(Assessment.organisation_id, Assessment.result)
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .where(
            Organisation.id != organisation.id,
            Organisation.industry == organisation.industry,
            Organisation.size_band == organisation.size_band,
            Organisation.benchmark_consent.is_(True),
            Assessment.status == AssessmentStatus.SUBMITTED,
            Assessment.of_organisation_level(),
        )
        .order_by(Assessment.submitted_at, Assessment.id)  # as submitted_of: the last is latest
    ).all()
    latest_of_peer = dict(peers_submitted)  # each peer keeps its last (latest) result
    return benchmark.standings(
        own[-1].stored_result.indices(),
        [StoredResult.from_dict(result).indices() for result in latest_of_peer.values()],
        min_cohort,
    )


def set_benchmark_consent(organisation: Organisation, consent: bool) -> None:
    organisation.benchmark_consent = consent
    audit.record_for_organisation("benchmark.consent", organisation.id, consent=consent)
    db.session.commit()
