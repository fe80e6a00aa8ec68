"""Demo data: organisations with a history of assessments, from content/demo/."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from assessment.content.registry import current_library
from assessment.core.content.library import ContentLibrary
from assessment.core.content.schema import Questionnaire
from assessment.extensions import db
from assessment.models import (
    Assessment,
    Engagement,
    Firm,
    Organisation,
    UserRole,
    utc_now,
)
from assessment.questionnaire import service
from assessment.respondents import service as respondents

log = logging.getLogger(__name__)

DEMO_FILE = Path("demo") / "organisations.yaml"
ASSESSMENT_AGES_DAYS = (730, 365, 30)  # three assessments over two years, oldest first
SEED = 20261125


class DemoOrganisation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    industry: str
    size_band: str
    region: str
    respondent: str
    # People who answered the newest submitted assessment each on their own sheet, merged.
    respondents: list[str] = []
    draft_in_progress: bool = False
    levels: dict[str, Annotated[list[Annotated[int, Field(ge=1, le=5)]], Field(min_length=3)]]


class DemoPeer(BaseModel):
    """A company of the first organisation's industry and size band that assessed itself
    once and agreed to be counted among peers."""

    model_config = ConfigDict(extra="forbid")

    name: str
    region: str
    respondent: str
    age_days: Annotated[int, Field(ge=1, le=365)]
    levels: dict[str, Annotated[int, Field(ge=1, le=5)]]


class DemoConsultant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    name: str
    password: str


class DemoFirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    consultant: DemoConsultant


class DemoData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firm: DemoFirm
    organisations: list[DemoOrganisation]
    peers: list[DemoPeer] = []


def read_demo(content_dir: Path) -> DemoData:
    return DemoData.model_validate(
        yaml.safe_load((content_dir / DEMO_FILE).read_text(encoding="utf-8"))
    )


def database_is_empty() -> bool:
    return db.session.execute(select(func.count(Assessment.id))).scalar_one() == 0


def _answers(
    questionnaire: Questionnaire, typical: dict[str, int], rng: random.Random, share: float = 1.0
) -> dict[str, service.PostedAnswer]:
    posted = {}
    for dimension in questionnaire.dimensions:
        for question in dimension.questions:
            if rng.random() > share:
                continue
            roll = rng.random()
            if question.allow_na and roll < 0.15:
                value = "na"
            elif roll > 0.96:
                value = "unknown"
            else:
                level = typical[dimension.id] + rng.choice((-1, 0, 0, 0, 1))
                value = str(min(5, max(1, level)))
            posted[question.id] = service.PostedAnswer(value=value, comment="")
    return posted


def load_demo(
    questionnaire: Questionnaire, demo: DemoData, library: ContentLibrary | None = None
) -> list[Assessment]:
    """Create the demo organisations and their assessments; returns the assessments.

    Each organisation's newest submitted assessment and its draft use ``questionnaire``
    (the latest version), the one before it the version published before that in
    ``library`` (default: the app's), and so on back to the first version, so that an
    organisation's history runs across versions.
    """
    library = library or current_library()
    rng = random.Random(SEED)  # noqa: S311 - repeatable demo answers, not secrets
    created = []
    now = utc_now()
    for entry in demo.organisations:
        history = [
            dict(zip(entry.levels, levels, strict=True))
            for levels in zip(*entry.levels.values(), strict=True)
        ]
        newest = min(len(ASSESSMENT_AGES_DAYS), len(history)) - 1
        organisation = None
        for position, (age_days, typical) in enumerate(
            zip(ASSESSMENT_AGES_DAYS, history, strict=False)
        ):
            version = _published_back(library, questionnaire, newest - position)
            assessment = _create(version, entry, organisation, typical, rng)
            organisation = assessment.organisation
            if position == newest and entry.respondents:
                _answer_by_several(assessment, version, entry.respondents, typical, rng)
            service.submit(assessment, version)
            when = now - timedelta(days=age_days)
            assessment.created_at = when - timedelta(days=6)
            assessment.updated_at = assessment.submitted_at = when
            created.append(assessment)
        if entry.draft_in_progress:
            created.append(_create(questionnaire, entry, organisation, history[-1], rng, share=0.5))
    _engage_demo_firm(demo.firm, {a.organisation_id for a in created})
    if demo.organisations:
        created.extend(_peers(questionnaire, demo.organisations[0], demo.peers, rng, now))
    db.session.commit()
    log.info("loaded %d demo assessments", len(created))
    return created


def _published_back(
    library: ContentLibrary, questionnaire: Questionnaire, steps: int
) -> Questionnaire:
    """The version published ``steps`` before ``questionnaire``, or the first one."""
    for _ in range(steps):
        questionnaire = library.previous_published(questionnaire) or questionnaire
    return questionnaire


def _peers(
    questionnaire: Questionnaire,
    like: DemoOrganisation,
    peers: list[DemoPeer],
    rng: random.Random,
    now: datetime,
) -> list[Assessment]:
    """One submitted assessment for each peer, in the industry and size band of ``like``,
    consenting to the benchmark."""
    created = []
    for peer in peers:
        entry = like.model_copy(
            update={
                "name": peer.name,
                "region": peer.region,
                "respondent": peer.respondent,
                "respondents": [],
                "draft_in_progress": False,
            }
        )
        assessment = _create(questionnaire, entry, None, peer.levels, rng)
        assessment.organisation.benchmark_consent = True
        service.submit(assessment, questionnaire)
        when = now - timedelta(days=peer.age_days)
        assessment.created_at = when - timedelta(days=3)
        assessment.updated_at = assessment.submitted_at = when
        created.append(assessment)
    return created


def _answer_by_several(
    assessment: Assessment,
    questionnaire: Questionnaire,
    names: list[str],
    typical: dict[str, int],
    rng: random.Random,
) -> None:
    """Each person answers on their own sheet (around the typical levels, so that some
    disagree); their merged answers become the assessment's."""
    for name in names:
        sheet = respondents.start_sheet(assessment, name)
        service.save_answers(sheet, questionnaire, _answers(questionnaire, typical, rng))
        service.submit(sheet, questionnaire)
    respondents.merge_into(assessment, questionnaire)


def _engage_demo_firm(entry: DemoFirm, organisation_ids: set[int | None]) -> None:
    from assessment.accounts import service as accounts

    firm = Firm(name=entry.name)
    db.session.add(firm)
    consultant = accounts.find_by_email(entry.consultant.email) or accounts.create_user(
        entry.consultant.email,
        entry.consultant.password,
        role=UserRole.CONSULTANT,
        name=entry.consultant.name,
    )
    consultant.firm = firm
    db.session.add_all(
        Engagement(firm=firm, organisation_id=organisation_id)
        for organisation_id in sorted(i for i in organisation_ids if i is not None)
    )


def _create(
    questionnaire: Questionnaire,
    entry: DemoOrganisation,
    organisation: Organisation | None,
    typical: dict[str, int],
    rng: random.Random,
    share: float = 1.0,
) -> Assessment:
    assessment = service.start(questionnaire, "zh_CN")
    if organisation is None:
        service.save_organisation(
            assessment,
            name=entry.name,
            industry=entry.industry,
            size_band=entry.size_band,
            region=entry.region,
            respondent_name=entry.respondent,
        )
    else:
        assessment.organisation = organisation
        assessment.respondent_name = entry.respondent
    service.save_answers(assessment, questionnaire, _answers(questionnaire, typical, rng, share))
    return assessment
