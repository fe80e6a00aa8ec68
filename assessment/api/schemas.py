"""The API's request and response bodies, as pydantic models: the views build their
responses from them, and the OpenAPI document takes its schemas from them, so the two
cannot drift apart.

Numbers: indices are floats (as stored at submission). A comparison's exact changes are
fractions written as strings (``"25/3"``, ``"-7/2"``, ``"0"``), each beside its float and,
for deltas, the figure the comparison page shows (``"+8.3"``, with a true minus sign).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from assessment.core import scoring
from assessment.core.stored_result import StoredAggregate, as_float

Level = Annotated[int, Field(ge=1, le=5)]
AnswerValue = Level | Literal["na", "unknown"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Error(Strict):
    """Every error: a message for a person, in the language of Accept-Language."""

    error: str
    problems: list[Problem] | None = Field(
        default=None, description="Each problem of a request body, by question id."
    )


class Problem(Strict):
    question_id: str | None = Field(description="None for a problem of the whole body.")
    message: str


class LatestSubmitted(Strict):
    """An organisation's latest submitted assessment: its overall index and level."""

    assessment_id: int
    submitted_at: datetime
    index: float | None
    level: int | None


class Organisation(Strict):
    id: int
    name: str
    industry: str
    size_band: str
    region: str
    created_at: datetime
    may_manage: bool = Field(description="Whether this token may start, answer and submit.")
    latest_submitted: LatestSubmitted | None = Field(
        description="Its latest submitted assessment's overall score; null before the first."
    )


DEFAULT_LIMIT = 50  # items a page holds unless ``?limit=`` asks for another number
MAX_LIMIT = 200
NEXT_PAGE = (
    "The absolute URL of the next page, null on the last one; also sent as the header "
    '`Link: <URL>; rel="next"`.'
)


class OrganisationPage(Strict):
    """A page of organisations, by name; follow ``next`` for the rest."""

    items: list[Organisation]
    next: str | None = Field(description=NEXT_PAGE)


class QuestionnaireRef(Strict):
    id: str
    version: int


class Progress(Strict):
    answered: int
    total: int


class Assessment(Strict):
    id: int
    organisation_id: int
    questionnaire: QuestionnaireRef
    status: Literal["draft", "submitted"]
    respondent_name: str
    locale: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    progress: Progress


class AssessmentPage(Strict):
    """A page of an organisation's assessments, newest first; follow ``next`` for the rest."""

    items: list[Assessment]
    next: str | None = Field(description=NEXT_PAGE)


class Answers(Strict):
    """The ``flask score`` document of the assessment, with the comments beside."""

    questionnaire: QuestionnaireRef
    answers: dict[str, AnswerValue]
    comments: dict[str, str]


class AnswersUpdate(Strict):
    """Answers to save in a draft, in the ``flask score`` format (levels 1 to 5, "na",
    "unknown"), and optional comments. Questions left out keep what they have; a question
    answered without a comment keeps its saved comment. Nothing is saved if anything is
    wrong; every problem is reported by question id."""

    answers: dict[str, AnswerValue] = Field(default_factory=dict)
    comments: dict[str, str] = Field(default_factory=dict)


class AggregateScore(Strict):
    index: float | None
    level: int | None
    status: str
    excluded_dimensions: list[str]
    strict_level: int | None = None


class DimensionScore(Strict):
    part: str
    score: float | None
    index: float | None
    level: int | None
    status: str
    questions: int
    answered: int
    na: int
    unknown: int
    unanswered: int


class Score(Strict):
    overall: AggregateScore
    parts: dict[str, AggregateScore]
    dimensions: dict[str, DimensionScore]


class DimensionBacking(Strict):
    answered: int = Field(description="Answers given with a level.")
    with_evidence: int = Field(description="Of them, those with at least one file.")
    verified: int
    challenged: int


class EvidenceSummary(Strict):
    dimensions: dict[str, DimensionBacking]
    verified_strict_level: int | None = Field(
        description="The strict level on verified answers only; None: too few verified."
    )


class CrosswalkArea(Strict):
    id: str
    questions: int
    answered: int
    index: float | None = Field(description="On our 0-100 scale; None: insufficient data.")
    level: int | None = Field(description="Our level.")
    framework_level: int | None = Field(
        description="The framework's level id; 0: below its first level; None: no reading."
    )


class CrosswalkReading(Strict):
    id: str = Field(description='The crosswalk, e.g. "gbt-39116".')
    areas: list[CrosswalkArea]
    overall: int | None = Field(
        description="The lowest area level; None unless every area has a reading."
    )


class Result(Strict):
    assessment_id: int
    final: bool = Field(
        description="True when submitted (the score stored then); false for a draft's "
        "score of its answers so far."
    )
    score: Score
    evidence: EvidenceSummary = Field(
        description="How far the answers are backed by evidence and verified."
    )
    crosswalks: list[CrosswalkReading] = Field(
        description="The answers read on other frameworks (approximations; see the content)."
    )


class IndexPoint(Strict):
    index: float | None
    level: int | None

    @classmethod
    def of(cls, stored: StoredAggregate | scoring.DimensionScore) -> IndexPoint:
        return cls(
            index=as_float(stored.index),
            level=int(stored.level) if stored.level is not None else None,
        )


class HistoryEntry(Strict):
    assessment_id: int
    submitted_at: datetime
    questionnaire: QuestionnaireRef
    overall: IndexPoint
    dimensions: dict[str, IndexPoint]


class History(Strict):
    organisation_id: int
    submitted: list[HistoryEntry] = Field(description="Oldest first.")


class Exact(Strict):
    exact: str = Field(description='An exact fraction, e.g. "25/3" or "-2".')
    value: float


class TargetGap(Strict):
    target_index: Exact = Field(description="The index at which the target level begins.")
    current_index: Exact | None = Field(
        description="The dimension's index in the latest submitted assessment; None without "
        "a score (insufficient data)."
    )
    points: Exact | None = Field(
        description="Index points still to climb, exactly: 0 once reached; None without a score."
    )
    shown: str | None = Field(
        description='As the pages show it, e.g. "12.8"; None without a score.'
    )
    reached: bool | None


class Target(Strict):
    dimension_id: str
    level: int = Field(ge=1, le=5)
    due_on: date | None
    gap: TargetGap | None = Field(
        description="Against the latest submitted assessment; None before the first."
    )


class QuestionTarget(Strict):
    question_id: str
    dimension_id: str
    level: int = Field(ge=1, le=5, description="Reached by its dimension's date.")
    current_level: int | None = Field(
        description="The level answered in the latest submitted assessment; None without one."
    )


class Targets(Strict):
    organisation_id: int
    assessment_id: int | None = Field(
        description="The latest submitted assessment the gaps are counted from."
    )
    targets: list[Target] = Field(description="In the questionnaire's order of dimensions.")
    question_targets: list[QuestionTarget] = Field(
        description="Questions with a target level of their own, in the questionnaire's order."
    )


class ProposedStep(Strict):
    question_id: str
    dimension_id: str
    from_level: int = Field(ge=1, le=5)
    to_level: int = Field(ge=1, le=5)
    levels: int = Field(ge=1, le=4)
    dimension_points: Exact = Field(description="What it adds to its dimension's index.")
    overall_points: Exact = Field(description="What it adds to the overall index.")
    barrier_first: bool = Field(
        description="Ranked first: a dimension of a part the rule names, and limiting."
    )


class PlanAction(Strict):
    id: int
    number: int = Field(ge=1, description="Its place in the plan's order.")
    question_id: str | None = Field(description="None for an action of one's own.")
    dimension_id: str | None
    from_level: int | None = Field(ge=1, le=5)
    to_level: int | None = Field(ge=1, le=5)
    title: str | None = Field(description="An action of one's own: what is to be done.")
    owner: str
    due_on: date | None
    status: Literal["planned", "doing", "done"]
    done_on: date | None
    note: str
    outcome: Literal["reached", "climbed", "unchanged", "fell", "not_levelled"] | None = Field(
        description="Where a later assessment finds the step's question; None until one does."
    )
    level_now: int | None = Field(ge=1, le=5)


class Plan(Strict):
    organisation_id: int
    assessment_id: int | None = Field(
        description="The latest submitted assessment the steps are proposed from."
    )
    actions: list[PlanAction] = Field(description="In the plan's order.")
    proposals: list[ProposedStep] = Field(
        description="The steps to the targets not in the plan yet, ranked by the content's rule."
    )


class Delta(Exact):
    shown: str = Field(description='As the comparison page shows it, e.g. "+8.3", "−1.0".')


class QuestionMovement(Strict):
    question_id: str | None = Field(description="None for a removed question.")
    old_question_ids: list[str]
    old_answers: list[AnswerValue | None]
    new_answer: AnswerValue | None
    old_level: Exact | None
    new_level: int | None
    level_change: Exact | None
    movement: str
    contribution: Exact | None = Field(description="Share of the dimension's delta.")


class Change(Strict):
    """What a dimension and an aggregate (overall, a part) have in common in a comparison."""

    status: Literal["comparable", "partial", "not_comparable"]
    reasons: list[str]
    old_index: float | None
    new_index: float | None
    old_level: int | None
    new_level: int | None
    delta: Delta | None


class DimensionRef(Strict):
    id: str
    part: str


# Bases in this order so that id and part come first: pydantic lists first the fields of
# the base that comes last in the method resolution order.
class DimensionChange(Change, DimensionRef):
    questions: list[QuestionMovement]


class AggregateChange(Change):
    contributions: dict[str, Exact] = Field(description="By dimension id; they add up to delta.")
    not_comparable_dimensions: list[str]


class Comparison(Strict):
    organisation_id: int
    old_assessment_id: int
    new_assessment_id: int
    overall: AggregateChange
    parts: dict[str, AggregateChange]
    dimensions: dict[str, DimensionChange]


Error.model_rebuild()

RESPONSE_MODELS = (
    Error,
    Problem,
    Organisation,
    OrganisationPage,
    Assessment,
    AssessmentPage,
    Answers,
    AnswersUpdate,
    Result,
    History,
    Targets,
    Plan,
    Comparison,
)
