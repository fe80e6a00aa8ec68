"""The shape of a questionnaire file (see docs/content-format.md), as pydantic models.

Shape and types are checked here; rules across entries (unique ids, references,
versions) are checked in ``rules.py`` so that every problem of a file is reported at once.
"""

from __future__ import annotations

import re
import string
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from assessment.core import crosswalk, merging, scoring
from assessment.core.locales import content_key

LEVEL_COUNT = scoring.LEVEL_COUNT

NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
QuestionnaireId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,62}$")]
Weight = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
PartId = Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# Chinese characters and full-width punctuation; white space between two of them is a slip,
# most often a YAML folded line (">-") that joined two lines of Chinese with a space.
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
SPACE_BETWEEN_CJK = re.compile(f"[{CJK}][ \\t]+[{CJK}]")


class LocalizedText(Strict):
    """A text a person reads, in both languages."""

    zh_cn: NonEmptyText = Field(alias="zh-CN")
    en: NonEmptyText

    @field_validator("zh_cn")
    @classmethod
    def no_space_between_chinese_characters(cls, text: str) -> str:
        if SPACE_BETWEEN_CJK.search(text):
            raise ValueError("cjk_space")
        return text

    def get(self, locale: str) -> str:
        return self.en if content_key(locale) == "en" else self.zh_cn


def localized(text: LocalizedText, locale: str) -> str:
    return text.get(locale)


class LevelDefinition(Strict):
    name: LocalizedText
    meaning: LocalizedText


class Part(Strict):
    id: PartId
    name: LocalizedText
    description: LocalizedText


METHOD_PLACEHOLDERS = frozenset({"min_answered_share", "level_bands"})


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class Scoring(Strict):
    thresholds: Annotated[
        list[Annotated[Decimal, Field(gt=0, le=100, allow_inf_nan=False)]],
        Field(min_length=LEVEL_COUNT - 1, max_length=LEVEL_COUNT - 1),
    ]
    min_answered_share: Annotated[Decimal, Field(gt=0, le=1, allow_inf_nan=False)]
    method: LocalizedText
    # Several respondents: how their answers merge (a rule of ``merging``), and from what
    # spread of levels a question is shown as a disagreement.
    merge_rule: str = merging.DEFAULT_MERGE_RULE
    disagreement_spread: Annotated[int, Field(ge=1, le=LEVEL_COUNT - 1)] = (
        merging.DEFAULT_DISAGREEMENT_THRESHOLD
    )

    @field_validator("thresholds")
    @classmethod
    def thresholds_increase(cls, thresholds: list[Decimal]) -> list[Decimal]:
        if any(later <= earlier for earlier, later in pairwise(thresholds)):
            raise ValueError("thresholds_order")
        return thresholds

    @field_validator("merge_rule")
    @classmethod
    def merge_rule_known(cls, rule: str) -> str:
        if rule not in merging.MERGE_RULES:
            raise ValueError("merge_rule_unknown")
        return rule

    @field_validator("method")
    @classmethod
    def method_placeholders_known(cls, method: LocalizedText) -> LocalizedText:
        for text in (method.zh_cn, method.en):
            try:
                unknown = placeholders(text) - METHOD_PLACEHOLDERS
            except ValueError:
                raise ValueError("method_braces") from None
            if unknown:
                raise ValueError("method_placeholder")
        return method


FiveTexts = Annotated[list[LocalizedText], Field(min_length=LEVEL_COUNT, max_length=LEVEL_COUNT)]


class Question(Strict):
    id: Identifier
    # The questions of the previous published version this one continues (see
    # ``Questionnaire.maps_from``); None: the question with the same id, if there is one.
    maps_from: tuple[Identifier, ...] | None = None
    weight: Weight
    allow_na: bool
    source: NonEmptyText
    prompt: LocalizedText
    levels: FiveTexts


class RecommendedAction(Strict):
    """One action of a level's recommendation: what to do, who usually owns it, and in
    what horizon (this quarter, this year)."""

    do: LocalizedText
    owner: LocalizedText
    horizon: Literal["quarter", "year"]


FiveActionLists = Annotated[
    list[Annotated[list[RecommendedAction], Field(min_length=3, max_length=4)]],
    Field(min_length=LEVEL_COUNT, max_length=LEVEL_COUNT),
]


class Dimension(Strict):
    id: Identifier
    part: str
    weight: Weight
    name: LocalizedText
    summary: LocalizedText
    # What an organisation at each level does next, one entry per level: a paragraph
    # (``recommendations``, versions 1 and 2), or three or four actions in the order to
    # take them (``next_steps``, from version 3). A dimension has one or the other.
    recommendations: FiveTexts | None = None
    next_steps: FiveActionLists | None = None

    @model_validator(mode="after")
    def recommends_one_way(self) -> Dimension:
        if (self.recommendations is None) == (self.next_steps is None):
            raise ValueError("recommendations_or_next_steps")
        return self

    questions: Annotated[list[Question], Field(min_length=1)]


class Questionnaire(Strict):
    id: QuestionnaireId
    version: Annotated[int, Field(ge=1, strict=True)]
    status: Literal["draft", "published"]
    title: LocalizedText
    introduction: LocalizedText
    estimated_minutes: Annotated[int, Field(ge=1, le=600, strict=True)]
    levels: Annotated[list[LevelDefinition], Field(min_length=LEVEL_COUNT, max_length=LEVEL_COUNT)]
    parts: Annotated[list[Part], Field(min_length=1)]
    scoring: Scoring
    dimensions: Annotated[list[Dimension], Field(min_length=1)]

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def questions(self) -> list[Question]:
        return [question for dimension in self.dimensions for question in dimension.questions]

    @property
    def maps_from(self) -> dict[str, tuple[str, ...]]:
        """The questions that declare ``maps_from``: which questions of the previous
        published version of this questionnaire each continues (``()``: none, a new
        question). A question without the key continues the question with the same id
        in the same dimension of that version, if there is one."""
        return {q.id: q.maps_from for q in self.questions if q.maps_from is not None}

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def part(self, part_id: str) -> Part:
        return next(p for p in self.parts if p.id == part_id)

    def level(self, level: int) -> LevelDefinition:
        return self.levels[level - 1]

    @cached_property
    def scoring_rules(self) -> scoring.ScoringRules:
        return scoring.ScoringRules(
            dimensions=tuple(
                scoring.DimensionRule(
                    id=dimension.id,
                    part=dimension.part,
                    weight=Fraction(dimension.weight),
                    questions=tuple(
                        scoring.QuestionRule(
                            id=question.id,
                            weight=Fraction(question.weight),
                            allow_na=question.allow_na,
                        )
                        for question in dimension.questions
                    ),
                )
                for dimension in self.dimensions
            ),
            thresholds=tuple(Fraction(t) for t in self.scoring.thresholds),
            min_answered_share=Fraction(self.scoring.min_answered_share),
        )


class Option(Strict):
    id: Identifier
    name: LocalizedText


class RoadmapRules(Strict):
    """How the roadmap ranks its proposed steps (content/reference/roadmap.yaml)."""

    # The parts whose dimensions go first when one of them is limiting.
    barriers_first: Annotated[list[PartId], Field(max_length=26)]
    rule: LocalizedText  # the ranking rule, as a person reads it


class OrganisationOptions(Strict):
    """The choices an organisation describes itself with (content/reference/)."""

    industries: Annotated[list[Option], Field(min_length=1)]
    size_bands: Annotated[list[Option], Field(min_length=1)]

    def industry(self, option_id: str) -> Option | None:
        return next((o for o in self.industries if o.id == option_id), None)

    def size_band(self, option_id: str) -> Option | None:
        return next((o for o in self.size_bands if o.id == option_id), None)


class CrosswalkLevel(Strict):
    id: Annotated[int, Field(ge=1, le=10, strict=True)]
    name: LocalizedText


class CrosswalkArea(Strict):
    id: Identifier
    name: LocalizedText
    questions: Annotated[list[Identifier], Field(min_length=1)]


class Crosswalk(Strict):
    """Our questions read on another published framework's levels (content/crosswalks/)."""

    id: QuestionnaireId
    name: LocalizedText
    source: LocalizedText  # the framework, as it is cited
    note: LocalizedText  # what is an approximation
    method: LocalizedText  # how the reading is made, for Appendix A
    questionnaire: QuestionnaireId
    versions: Annotated[list[Annotated[int, Field(ge=1, strict=True)]], Field(min_length=1)]
    levels: Annotated[list[CrosswalkLevel], Field(min_length=2, max_length=10)]
    # The framework's level id for each of our levels 1-5; None: below its first level.
    level_map: Annotated[
        list[Annotated[int, Field(ge=1, le=10, strict=True)] | None],
        Field(min_length=LEVEL_COUNT, max_length=LEVEL_COUNT),
    ]
    areas: Annotated[list[CrosswalkArea], Field(min_length=1)]

    def applies_to(self, questionnaire: Questionnaire) -> bool:
        return questionnaire.id == self.questionnaire and questionnaire.version in self.versions

    def level(self, level_id: int) -> CrosswalkLevel | None:
        return next((level for level in self.levels if level.id == level_id), None)

    @cached_property
    def rule(self) -> crosswalk.CrosswalkRule:
        return crosswalk.CrosswalkRule(
            areas=tuple((area.id, tuple(area.questions)) for area in self.areas),
            level_map=tuple(
                crosswalk.BELOW_FIRST_LEVEL if level is None else level for level in self.level_map
            ),
        )
