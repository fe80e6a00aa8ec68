"""The portfolio's SQL against a plain-Python model of the same rules.

Hypothesis makes a few hundred organisations (names with Chinese characters, "%" and "_",
industries, firms that serve them, assessments of every status and score with ties in
dates and indices), and filters; walking every page of the list must give exactly the
organisations the model gives, in the model's order, and nobody else's. The summary's
counts must be the model's too. The rows are written as the app's own (an organisation's
latest and newest assessments set by ``latest_assessments_updates``), on whichever database
the suite runs on.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from assessment.accounts import service as accounts
from assessment.extensions import db
from assessment.models import (
    Assessment,
    Engagement,
    Firm,
    Organisation,
    User,
    UserRole,
    latest_assessments_updates,
)
from assessment.portfolio.service import PortfolioFilters, portfolio_query, summary
from assessment.web.paging import paginate

INDUSTRIES = ("discrete_manufacturing", "process_manufacturing", "logistics_supply_chain")
NOW = datetime(2026, 6, 1, tzinfo=UTC)
START_OF_YEAR = datetime(2026, 1, 1, tzinfo=UTC)
PER_PAGE = 7  # small, so that every list spans several pages

names = st.text(alphabet="深圳华拓精密制造有限公司AbZz%_ ", min_size=1, max_size=6).map(
    lambda name: name.strip() or "公司"
)
days = st.integers(min_value=-900, max_value=150)
indices = st.sampled_from([12.5, 30.0, 30.0, 47.25, 61.0, 88.75])


@dataclass
class Sheet:
    """One assessment as the test writes it."""

    submitted: bool
    created_day: int
    submitted_day: int
    index: float | None
    level: int | None
    id: int = 0


@dataclass
class Client:
    name: str
    industry: str
    served_by_a: bool
    assessments: list[Sheet] = field(default_factory=list)
    id: int = 0


sheets = st.builds(
    Sheet,
    submitted=st.booleans(),
    created_day=days,
    submitted_day=days,
    index=st.one_of(st.none(), indices),
    level=st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
)
clients = st.builds(
    Client,
    name=names,
    industry=st.sampled_from(INDUSTRIES),
    served_by_a=st.booleans(),
    assessments=st.lists(sheets, max_size=3),
)
filters = st.builds(
    PortfolioFilters,
    industry=st.sampled_from(("", *INDUSTRIES)),
    status=st.sampled_from(("", "draft", "submitted", "none")),
    level=st.sampled_from(("", "1", "2", "3", "4", "5", "none")),
    search=st.sampled_from(("", "深圳", "有限", "%", "_", "a", "Z", "精密制造")),
    sort=st.sampled_from(("name", "index", "date")),
)


def day(offset: int) -> datetime:
    return NOW + timedelta(days=offset)


def write(portfolio: list[Client], firm_a: int, firm_b: int) -> None:
    """The clients as rows, with ids in the order given (the model's tie-break)."""
    next_assessment = 1
    organisations, engagements, assessments = [], [], []
    for number, client in enumerate(portfolio, start=1):
        client.id = number
        organisations.append(
            {
                "id": number,
                "name": client.name,
                "industry": client.industry,
                "size_band": "small",
                "region": "",
                "created_at": NOW,
                "benchmark_consent": False,
            }
        )
        engagements.append(
            {"firm_id": firm_a if client.served_by_a else firm_b, "organisation_id": number}
        )
        for sheet in client.assessments:
            sheet.id = next_assessment
            next_assessment += 1
            assessments.append(
                {
                    "id": sheet.id,
                    "organisation_id": number,
                    "questionnaire_id": "iiai-maturity",
                    "questionnaire_version": 2,
                    "status": "submitted" if sheet.submitted else "draft",
                    "resume_token": secrets.token_urlsafe(16),
                    "respondent_name": "",
                    "locale": "zh_CN",
                    "created_at": day(sheet.created_day),
                    "updated_at": day(sheet.created_day),
                    "submitted_at": day(sheet.submitted_day) if sheet.submitted else None,
                    "overall_index": sheet.index if sheet.submitted else None,
                    "overall_level": sheet.level if sheet.submitted else None,
                }
            )
    db.session.execute(insert(Organisation), organisations)
    db.session.execute(insert(Engagement), engagements)
    if assessments:
        db.session.execute(insert(Assessment), assessments)
    for statement in latest_assessments_updates():
        db.session.execute(statement)
    db.session.commit()


def erase() -> None:
    db.session.execute(
        update(Organisation).values(latest_submitted_id=None, newest_assessment_id=None)
    )
    db.session.execute(delete(Assessment))
    db.session.execute(delete(Engagement))
    db.session.execute(delete(Organisation))
    db.session.commit()


# The model: the same rules, in plain Python.


def latest(client: Client) -> Sheet | None:
    submitted = [s for s in client.assessments if s.submitted]
    return max(submitted, key=lambda s: (day(s.submitted_day), s.id), default=None)


def newest(client: Client) -> Sheet | None:
    return max(client.assessments, key=lambda s: (day(s.created_day), s.id), default=None)


def matches(client: Client, chosen: PortfolioFilters) -> bool:
    last, new = latest(client), newest(client)
    level = last.level if last else None
    status = ("submitted" if new.submitted else "draft") if new else "none"
    return (
        (not chosen.industry or client.industry == chosen.industry)
        and (not chosen.status or status == chosen.status)
        and (
            not chosen.level
            or (level is None if chosen.level == "none" else str(level) == chosen.level)
        )
        and (chosen.search.lower() in client.name.lower())
    )


def model_order(
    visible: list[Client], chosen: PortfolioFilters, name_rank: dict[int, int]
) -> list[int]:
    """Ids in the list's order. Names are ranked by the database's own collation: how
    names compare is the database's business, the rest of the order is the model's."""

    def key(client: Client):
        last = latest(client)
        by_name = (name_rank[client.id], client.id)
        if chosen.sort == "index":
            index = last.index if last else None
            return (index is None, -(index or 0), *by_name)
        if chosen.sort == "date":
            date = day(last.submitted_day).timestamp() if last else 0
            return (last is None, -date, *by_name)
        return by_name

    return [c.id for c in sorted((c for c in visible if matches(c, chosen)), key=key)]


def listed(user: User, chosen: PortfolioFilters) -> list[int]:
    """Every page of the portfolio, walked in order."""
    ids, number = [], 1
    while True:
        page = paginate(portfolio_query(user, chosen), {"page": str(number)}, per_page=PER_PAGE)
        ids += [organisation.id for organisation in page.items]
        assert len(page.items) <= PER_PAGE
        if not page.has_next:
            assert page.total == len(ids)
            return ids
        number += 1


@pytest.fixture
def people(app):
    with app.app_context():
        firm_a, firm_b = Firm(name="甲咨询"), Firm(name="乙咨询")
        db.session.add_all([firm_a, firm_b])
        db.session.flush()
        consultant = accounts.create_user(
            "a@example.com", "a long enough password", UserRole.CONSULTANT
        )
        consultant.firm_id = firm_a.id
        accounts.create_user("admin@example.com", "a long enough password", UserRole.ADMIN)
        db.session.commit()
        return {"firm_a": firm_a.id, "firm_b": firm_b.id}


@settings(
    max_examples=12,
    # Shrinking a few hundred organisations takes minutes; a failure names its filters.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(
    portfolio=st.lists(clients, min_size=150, max_size=300),
    choices=st.lists(filters, min_size=4, max_size=4),
    as_admin=st.booleans(),
)
def test_every_page_of_the_portfolio_lists_exactly_the_models_organisations(
    app, people, portfolio, choices, as_admin
):
    with app.test_request_context():
        write(portfolio, people["firm_a"], people["firm_b"])
        try:
            email = "admin@example.com" if as_admin else "a@example.com"
            user = db.session.execute(select(User).where(User.email == email)).scalar_one()
            visible = portfolio if as_admin else [c for c in portfolio if c.served_by_a]
            name_rank = {
                organisation_id: rank
                for rank, organisation_id in enumerate(
                    db.session.execute(
                        select(Organisation.id).order_by(Organisation.name, Organisation.id)
                    ).scalars()
                )
            }
            for chosen in choices:
                assert listed(user, chosen) == model_order(visible, chosen, name_rank), chosen

            counted = summary(user, now=NOW)
            lasts = [latest(c) for c in visible]
            assert counted.clients == len(visible)
            assert counted.by_level == {
                level: sum(1 for s in lasts if s and s.level == level)
                for level in range(1, 6)
                if any(s and s.level == level for s in lasts)
            }
            assert counted.not_scored == sum(1 for s in lasts if s is None or s.level is None)
            assert counted.in_progress == sum(
                1 for c in visible if (n := newest(c)) is not None and not n.submitted
            )
            assert counted.not_assessed_this_year == sum(
                1 for s in lasts if s is None or day(s.submitted_day) < START_OF_YEAR
            )
        finally:
            erase()
