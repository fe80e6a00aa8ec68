"""A consultant's portfolio: their client organisations, each with its latest result.

The database does the work: every organisation keeps what the list shows of its latest
submitted and its newest assessment (kept by ``models.keep_latest_assessments``), and the
list is filtered, sorted, counted and paged in SQL on the organisation table alone, so a
portfolio of 10,000 clients reads one page of rows, never the whole table, and no
assessment but the page's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from fractions import Fraction

from sqlalchemy import ColumnElement, Select, case, func, or_, select

from assessment import policy
from assessment.core.content.library import ContentLibrary
from assessment.core.list_arguments import choice, search_text
from assessment.core.numbers import display_index
from assessment.core.paging import Page
from assessment.core.scoring import Level
from assessment.extensions import db
from assessment.models import Assessment, AssessmentStatus, Organisation

SORT_KEYS = ("name", "index", "date")
STATUS_FILTERS = ("draft", "submitted", "none")
LEVEL_FILTERS = (*(str(level.value) for level in Level), "none")


@dataclass(frozen=True)
class PortfolioFilters:
    """What the reader chose to see: each field empty for "any"."""

    industry: str = ""
    status: str = ""  # of the newest assessment: draft | submitted | none
    level: str = ""  # of the latest submitted assessment: "1".."5" | none
    search: str = ""  # part of the organisation's name
    sort: str = "name"

    @classmethod
    def from_args(cls, args: Mapping[str, str], library: ContentLibrary) -> PortfolioFilters:
        """The filters a query string gives; a value the list does not have raises a
        ``ListArgumentError`` that says which it has."""
        industries = [option.id for option in library.organisation_options.industries]
        return cls(
            industry=choice(args, "industry", industries),
            status=choice(args, "status", STATUS_FILTERS),
            level=choice(args, "level", LEVEL_FILTERS),
            search=search_text(args),
            sort=choice(args, "sort", SORT_KEYS, default="name"),
        )

    def as_args(self) -> dict[str, str]:
        """As a query string (filters only; the defaults left out)."""
        args = {
            "industry": self.industry,
            "status": self.status,
            "level": self.level,
            "q": self.search,
        }
        return {key: value for key, value in args.items() if value}


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


def _conditions(user: object, filters: PortfolioFilters) -> list[ColumnElement[bool]]:
    conditions = [policy.visible_organisation(user)]
    if filters.industry:
        conditions.append(Organisation.industry == filters.industry)
    if filters.status == "none":
        conditions.append(Organisation.newest_status.is_(None))
    elif filters.status:
        conditions.append(Organisation.newest_status == filters.status)
    if filters.level == "none":
        conditions.append(Organisation.latest_level.is_(None))
    elif filters.level:
        conditions.append(Organisation.latest_level == int(filters.level))
    if filters.search:
        conditions.append(Organisation.name.icontains(filters.search, autoescape=True))
    return conditions


def _order(sort: str) -> tuple[ColumnElement, ...]:
    by_name = (Organisation.name, Organisation.id)
    if sort == "index":
        return (Organisation.latest_index.is_(None), Organisation.latest_index.desc(), *by_name)
    if sort == "date":
        return (
            Organisation.latest_submitted_at.is_(None),
            Organisation.latest_submitted_at.desc(),
            *by_name,
        )
    return by_name


def portfolio_query(user: object, filters: PortfolioFilters) -> Select:
    """The organisations of the portfolio ``user`` sees, filtered and sorted."""
    return select(Organisation).where(*_conditions(user, filters)).order_by(*_order(filters.sort))


def matching_organisations(user: object, filters: PortfolioFilters) -> Select:
    """The ids of the organisations of the portfolio that match ``filters``."""
    return select(Organisation.id).where(*_conditions(user, filters))


def rows_of(page: Page[Organisation], library: ContentLibrary, locale: str) -> Page[PortfolioRow]:
    """A page of ``portfolio_query`` as rows a template lays out, with the links to the
    page's assessments read in one query."""
    pointed = {o.latest_submitted_id for o in page.items} | {
        o.newest_assessment_id for o in page.items
    }
    tokens = dict(
        db.session.execute(
            select(Assessment.id, Assessment.resume_token).where(
                Assessment.id.in_(pointed - {None})
            )
        ).all()
    )
    rows = []
    for organisation in page.items:
        option = library.organisation_options.industry(organisation.industry)
        index = organisation.latest_index
        exact_index = None if index is None else Fraction(index)
        rows.append(
            PortfolioRow(
                organisation_id=organisation.id,
                name=organisation.name,
                industry_id=organisation.industry,
                industry=option.name.get(locale) if option else organisation.industry,
                latest_index=exact_index,
                latest_index_text=None if exact_index is None else display_index(exact_index),
                latest_level=None
                if organisation.latest_level is None
                else Level(organisation.latest_level),
                latest_date=organisation.latest_submitted_at,
                latest_token=tokens.get(organisation.latest_submitted_id),
                newest_status=organisation.newest_status,
                newest_date=organisation.newest_created_at,
                newest_token=tokens.get(organisation.newest_assessment_id),
            )
        )
    return replace(page, items=rows)


@dataclass(frozen=True)
class PortfolioSummary:
    """The whole portfolio at a glance, whatever the filters."""

    clients: int
    by_level: dict[int, int]  # latest level -> clients (levels with none left out)
    not_scored: int  # no submitted assessment with an overall level
    in_progress: int  # newest assessment is a draft
    not_assessed_this_year: int  # nothing submitted since 1 January
    year: int


def summary(user: object, now: datetime | None = None) -> PortfolioSummary:
    """Counts over every client ``user`` sees, by aggregate queries."""
    year = (now or datetime.now(UTC)).year
    start_of_year = datetime(year, 1, 1, tzinfo=UTC)
    visible = policy.visible_organisation(user)
    counted = db.session.execute(
        select(
            Organisation.latest_level,
            func.count(),
            func.sum(case((Organisation.newest_status == AssessmentStatus.DRAFT, 1), else_=0)),
            func.sum(
                case(
                    (
                        or_(
                            Organisation.latest_submitted_at.is_(None),
                            Organisation.latest_submitted_at < start_of_year,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
        )
        .where(visible)
        .group_by(Organisation.latest_level)
    ).all()
    by_level = {level: count for level, count, _, _ in counted if level is not None}
    return PortfolioSummary(
        clients=sum(count for _, count, _, _ in counted),
        by_level=by_level,
        not_scored=sum(count for level, count, _, _ in counted if level is None),
        in_progress=sum(drafts or 0 for _, _, drafts, _ in counted),
        not_assessed_this_year=sum(stale or 0 for _, _, _, stale in counted),
        year=year,
    )


def organisation_for(user: object, organisation_id: int) -> Organisation | None:
    """The organisation if ``user`` may manage it; None otherwise (answered as 404)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not policy.can_manage_organisation(user, organisation):
        return None
    return organisation


@dataclass(frozen=True)
class OrganisationEntry:
    organisation: Organisation
    may_manage: bool
    assessments: tuple[Assessment, ...]  # newest first


def organisations_query(user: object, search: str = "") -> Select:
    """The organisations ``user`` may see, by name, optionally by part of the name."""
    query = select(Organisation).where(policy.visible_organisation(user))
    if search:
        query = query.where(Organisation.name.icontains(search, autoescape=True))
    return query.order_by(Organisation.name, Organisation.id)


def organisation_entries(user: object, page: Page[Organisation]) -> Page[OrganisationEntry]:
    """A page of organisations, each with its assessments (newest first), read in one
    query for the whole page."""
    ids = [organisation.id for organisation in page.items]
    by_organisation: dict[int, list[Assessment]] = {}
    for assessment in db.session.execute(
        select(Assessment)
        .where(Assessment.organisation_id.in_(ids), Assessment.of_organisation_level())
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
    ).scalars():
        by_organisation.setdefault(assessment.organisation_id, []).append(assessment)
    managed = _managed_among(user, ids)
    return replace(
        page,
        items=[
            OrganisationEntry(
                organisation=organisation,
                may_manage=organisation.id in managed,
                assessments=tuple(by_organisation.get(organisation.id, ())),
            )
            for organisation in page.items
        ],
    )


def _managed_among(user: object, organisation_ids: list[int]) -> set[int]:
    return set(
        db.session.execute(
            select(Organisation.id).where(
                Organisation.id.in_(organisation_ids), policy.manageable_organisation(user)
            )
        ).scalars()
    )
