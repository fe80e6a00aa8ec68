"""Assessments as plain rows, for the command line and exports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessment.extensions import db
from assessment.models import Assessment
from assessment.numbers import display_index


def assessment_rows() -> list[dict[str, Any]]:
    assessments = db.session.execute(
        select(Assessment)
        .where(Assessment.of_organisation_level())
        .options(selectinload(Assessment.organisation))
        .order_by(Assessment.id)
    ).scalars()
    rows = []
    for assessment in assessments:
        overall = (assessment.result or {}).get("overall", {})
        index = overall.get("index")
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
                "overall_index": index,
                "overall_index_display": display_index(index) if index is not None else None,
                "overall_level": overall.get("level"),
                "resume_path": f"/a/{assessment.resume_token}",
            }
        )
    return rows
