"""The demo data and people with API tokens: the demo firm's consultant, another firm's
consultant (serving only the second organisation), the first organisation's owner."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from assessment.accounts import service as accounts
from assessment.api import tokens
from assessment.extensions import db
from assessment.models import Assessment, Engagement, Firm, Membership, Organisation, User


@dataclass(frozen=True)
class ApiWorld:
    organisation_ids: tuple[int, ...]
    submitted_ids: tuple[int, ...]  # of the first organisation, oldest first
    draft_id: int  # a draft of an organisation the demo consultant serves
    draft_organisation_id: int
    tokens: dict[str, str]  # person -> secret


def bearer(secret):
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}


@pytest.fixture
def api(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        served = select(Organisation).join(Engagement).order_by(Organisation.id)  # demo firm's
        organisation_ids = tuple(o.id for o in db.session.execute(served).scalars())
        first = organisation_ids[0]
        submitted = db.session.execute(
            select(Assessment.id)
            .where(
                Assessment.organisation_id == first,
                Assessment.status == "submitted",
                Assessment.of_organisation_level(),
            )
            .order_by(Assessment.submitted_at, Assessment.id)
        ).scalars()
        draft = (
            db.session.execute(
                select(Assessment)
                .where(Assessment.status == "draft", Assessment.of_organisation_level())
                .order_by(Assessment.id)
            )
            .scalars()
            .first()
        )
        consultant = db.session.execute(
            select(User).where(User.email == "consultant@example.com")
        ).scalar_one()
        other_firm = Firm(name="Other Firm")
        db.session.add(other_firm)
        db.session.flush()
        db.session.add(Engagement(firm_id=other_firm.id, organisation_id=organisation_ids[1]))
        other = accounts.create_user("other@example.com", "a long enough password", "consultant")
        other.firm_id = other_firm.id
        owner = accounts.create_user("owner@example.com", "a long enough password")
        db.session.add(Membership(user_id=owner.id, organisation_id=first, role="owner"))
        respondent = accounts.create_user("respondent@example.com", "a long enough password")
        db.session.add(Membership(user_id=respondent.id, organisation_id=first))
        db.session.commit()
        secrets = {
            name: tokens.create(user, f"{name}'s token").secret
            for name, user in (("consultant", consultant), ("other", other), ("owner", owner))
        }
        return ApiWorld(
            organisation_ids=organisation_ids,
            submitted_ids=tuple(submitted),
            draft_id=draft.id,
            draft_organisation_id=draft.organisation_id,
            tokens=secrets,
        )
