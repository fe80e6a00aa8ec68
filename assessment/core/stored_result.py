"""The score as it is stored at submission, and read back by every page, export and report.

``scoring.score`` computes with exact fractions; an assessment keeps that score as JSON
(``Assessment.result``), whose numbers are floats. This type is that stored score: it
is written by ``StoredResult.of(score).to_dict()`` and read by ``StoredResult.from_dict``,
the one place that knows the JSON's keys. Its numbers are the stored floats as exact
fractions, so a result read back equals the result written, and pages, exports and the
report all show the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from assessment.core.scoring import (
    AggregateScore,
    AssessmentScore,
    DimensionScore,
    Level,
    OverallScore,
    Status,
)


def _stored_number(value: Fraction | None) -> Fraction | None:
    """A number as JSON keeps it: the nearest float, held exactly."""
    return None if value is None else Fraction(float(value))


def _number_from(value: Any) -> Fraction | None:
    return None if value is None else Fraction(value)


def _level_from(value: Any) -> Level | None:
    return None if value is None else Level(value)


def as_float(value: Fraction | None) -> float | None:
    """A stored number as JSON, a chart or an API answer carries it (None stays None)."""
    return None if value is None else float(value)


def _json_level(value: Level | None) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True)
class StoredAggregate:
    """One part, or the whole assessment."""

    status: Status
    index: Fraction | None
    level: Level | None
    excluded_dimensions: tuple[str, ...]  # insufficient data

    @classmethod
    def of(cls, aggregate: AggregateScore) -> StoredAggregate:
        return cls(
            status=aggregate.status,
            index=_stored_number(aggregate.index),
            level=aggregate.level,
            excluded_dimensions=aggregate.excluded_dimensions,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredAggregate:
        return cls(
            status=Status(data["status"]),
            index=_number_from(data["index"]),
            level=_level_from(data["level"]),
            excluded_dimensions=tuple(data["excluded_dimensions"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": as_float(self.index),
            "level": _json_level(self.level),
            "status": self.status.value,
            "excluded_dimensions": list(self.excluded_dimensions),
        }


@dataclass(frozen=True)
class StoredOverall(StoredAggregate):
    strict_level: Level | None = None

    @classmethod
    def of(cls, aggregate: OverallScore) -> StoredOverall:
        return cls(**vars(StoredAggregate.of(aggregate)), strict_level=aggregate.strict_level)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredOverall:
        return cls(
            **vars(StoredAggregate.from_dict(data)),
            strict_level=_level_from(data["strict_level"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "strict_level": _json_level(self.strict_level)}


def _dimension_of(dimension: DimensionScore) -> DimensionScore:
    return replace(
        dimension,
        score=_stored_number(dimension.score),
        index=_stored_number(dimension.index),
    )


def _dimension_from_dict(dimension_id: str, data: Mapping[str, Any]) -> DimensionScore:
    return DimensionScore(
        id=dimension_id,
        part=data["part"],
        status=Status(data["status"]),
        score=_number_from(data["score"]),
        index=_number_from(data["index"]),
        level=_level_from(data["level"]),
        question_count=data["questions"],
        answered=data["answered"],
        not_applicable=data["na"],
        unknown=data["unknown"],
    )


def _dimension_to_dict(dimension: DimensionScore) -> dict[str, Any]:
    return {
        "part": dimension.part,
        "score": as_float(dimension.score),
        "index": as_float(dimension.index),
        "level": _json_level(dimension.level),
        "status": dimension.status.value,
        "questions": dimension.question_count,
        "answered": dimension.answered,
        "na": dimension.not_applicable,
        "unknown": dimension.unknown,
        "unanswered": dimension.unanswered,
    }


@dataclass(frozen=True)
class StoredResult:
    overall: StoredOverall
    parts: Mapping[str, StoredAggregate]
    # A dimension keeps every figure of its score; its numbers are the stored floats.
    dimensions: Mapping[str, DimensionScore]

    @classmethod
    def of(cls, score: AssessmentScore) -> StoredResult:
        """The score as it will be stored (its numbers as JSON keeps them)."""
        return cls(
            overall=StoredOverall.of(score.overall),
            parts={part: StoredAggregate.of(value) for part, value in score.parts.items()},
            dimensions={key: _dimension_of(value) for key, value in score.dimensions.items()},
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredResult:
        return cls(
            overall=StoredOverall.from_dict(data["overall"]),
            parts={part: StoredAggregate.from_dict(value) for part, value in data["parts"].items()},
            dimensions={
                key: _dimension_from_dict(key, value) for key, value in data["dimensions"].items()
            },
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "parts": {part: value.to_dict() for part, value in self.parts.items()},
            "dimensions": {
                key: _dimension_to_dict(value) for key, value in self.dimensions.items()
            },
        }

    def indices(self) -> dict[str, Fraction | None]:
        """The overall index (key ``overall``) and each dimension's, as stored."""
        return {
            "overall": self.overall.index,
            **{key: dimension.index for key, dimension in self.dimensions.items()},
        }
