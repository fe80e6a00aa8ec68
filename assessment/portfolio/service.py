"""A consultant's portfolio: their client organisations, each with its latest result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import select

from assessment import policy
from assessment.core.content.library import ContentLibrary
from assessment.core.numbers import display_index
from assessment.core.scoring import Level
from assessment.extensions import db
from assessment.models import Assessment, AssessmentStatus, Organisation

SORT_KEYS = ("name", "index", "date")
STATUS_FILTERS = ("draft", "submitted", "none")


@dataclass(frozen=True)
class PortfolioRow:
    organisation_id: int
    name: str
    industry_id: str
    industry: str  # its name in the reader's language
    latest_index: Fraction | None
    latest_index_text: str | None
    latest_level: Level | None
    latest_date: datetime | None
    latest_token: str | None
    newest_status: str | None  # draft | submitted | None (no assessment yet)
    newest_date: datetime | None
    newest_token: str | None


def portfolio(
    user: object,
    library: ContentLibrary,
    locale: str,
    industry: str | None = None,
    status: str | None = None,
    sort: str = "name",
) -> list[PortfolioRow]:
    organisations = db.session.execute(policy.visible_organisations(user)).scalars().all()
    assessments = db.session.execute(
        select(Assessment)
        .where(
            Assessment.organisation_id.in_([o.id for o in organisations]),
            Assessment.of_organisation_level(),
        )
        .order_by(Assessment.created_at)
    ).scalars()
    by_organisation: dict[int, list[Assessment]] = {}
    for assessment in assessments:
        by_organisation.setdefault(assessment.organisation_id, []).append(assessment)

    rows = []
    for organisation in organisations:
        history = by_organisation.get(organisation.id, [])
        submitted = [a for a in history if a.status == AssessmentStatus.SUBMITTED]
        latest = max(submitted, key=lambda a: a.submitted_at, default=None)
        newest = history[-1] if history else None
        latest_overall = latest.stored_result.overall if latest else None
        index = latest_overall.index if latest_overall else None
        option = library.organisation_options.industry(organisation.industry)
        rows.append(
            PortfolioRow(
                organisation_id=organisation.id,
                name=organisation.name,
                industry_id=organisation.industry,
                industry=option.name.get(locale) if option else organisation.industry,
                latest_index=index,
                latest_index_text=display_index(index) if index is not None else None,
                latest_level=latest_overall.level if latest_overall else None,
                latest_date=latest.submitted_at if latest else None,
                latest_token=latest.resume_token if latest else None,
                newest_status=newest.status if newest else None,
                newest_date=newest.created_at if newest else None,
                newest_token=newest.resume_token if newest else None,
            )
        )
    if industry:
        rows = [r for r in rows if r.industry_id == industry]
    if status in STATUS_FILTERS:
        rows = [r for r in rows if (r.newest_status or "none") == status]
    if sort == "index":
        rows.sort(key=lambda r: (r.latest_index is None, -(r.latest_index or 0), r.name))
    elif sort == "date":
        rows.sort(
            key=lambda r: (
                r.latest_date is None,
                -(r.latest_date.timestamp() if r.latest_date else 0),
                r.name,
            )
        )
    else:
        rows.sort(key=lambda r: r.name)
    return rows


def organisation_for(user: object, organisation_id: int) -> Organisation | None:
    """The organisation if ``user`` may manage it; None otherwise (answered as 404)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not policy.can_manage_organisation(user, organisation):
        return None
    return organisation


@dataclass(frozen=True)
class OrganisationPage:
    organisation: Organisation
    may_manage: bool
    assessments: tuple[Assessment, ...]  # newest first


def organisation_pages(user: object) -> list[OrganisationPage]:
    """Each organisation ``user`` may see, with its assessments, newest first."""
    organisations = (
        db.session.execute(policy.visible_organisations(user).order_by(Organisation.name))
        .scalars()
        .all()
    )
    return [
        OrganisationPage(
            organisation=organisation,
            may_manage=policy.can_manage_organisation(user, organisation),
            assessments=tuple(
                sorted(
                    (a for a in organisation.assessments if not a.is_sheet),
                    key=lambda a: a.created_at,
                    reverse=True,
                )
            ),
        )
        for organisation in organisations
    ]
