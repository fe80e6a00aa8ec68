"""Assessments and organisations as plain rows, for the command line and exports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from assessment.core.numbers import display_index
from assessment.core.stored_result import as_float
from assessment.extensions import db
from assessment.models import Assessment, Organisation


def assessment_rows() -> list[dict[str, Any]]:
    assessments = db.session.execute(
        select(Assessment)
        .where(Assessment.of_organisation_level())
        .options(selectinload(Assessment.organisation))
        .order_by(Assessment.id)
    ).scalars()
    rows = []
    for assessment in assessments:
        result = assessment.stored_result
        index = result.overall.index if result else None
        level = result.overall.level if result else None
        rows.append(
            {
                "id": assessment.id,
                "organisation": assessment.organisation.name if assessment.organisation else None,
                "questionnaire": {
                    "id": assessment.questionnaire_id,
                    "version": assessment.questionnaire_version,
                },
                "status": assessment.status,
                "created_at": assessment.created_at.isoformat(),
                "submitted_at": assessment.submitted_at.isoformat()
                if assessment.submitted_at
                else None,
                "overall_index": as_float(index),
                "overall_index_display": display_index(index) if index is not None else None,
                "overall_level": int(level) if level is not None else None,
                "resume_path": f"/a/{assessment.resume_token}",
            }
        )
    return rows


def organisation_rows() -> list[dict[str, Any]]:
    """Every organisation with how many assessments it has (respondents' sheets apart)."""
    counts = (
        select(Assessment.organisation_id, func.count(Assessment.id).label("assessments"))
        .where(Assessment.of_organisation_level())
        .group_by(Assessment.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Organisation, func.coalesce(counts.c.assessments, 0))
        .outerjoin(counts, counts.c.organisation_id == Organisation.id)
        .order_by(Organisation.id)
    )
    return [
        {
            "id": organisation.id,
            "name": organisation.name,
            "industry": organisation.industry,
            "size_band": organisation.size_band,
            "assessments": assessments,
            "created_at": organisation.created_at.isoformat(),
        }
        for organisation, assessments in rows
    ]
