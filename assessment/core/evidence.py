"""How sure we are of an assessment's answers. Pure, like ``scoring``.

An answer may be backed by evidence (files attached to it) and marked by a consultant as
verified or challenged. Per dimension, the tool counts the answers given with a level,
those of them backed by evidence, and those verified or challenged. The verified reading
scores the answers verified, and only those, by the same rules: an answer not verified
counts as not given, so a dimension with too few verified answers has insufficient
data, and the strict level on verified answers is the lowest level among the dimensions
that still have a score.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from assessment.core.scoring import Answer, AssessmentScore, Level, ScoringRules, score


@dataclass(frozen=True)
class Backing:
    """One dimension's answers given with a level, and how many are backed and marked."""

    answered: int
    with_evidence: int
    verified: int
    challenged: int


def backing(
    rules: ScoringRules,
    answers: Mapping[str, Answer],
    with_evidence: Collection[str],
    verified: Collection[str],
    challenged: Collection[str],
) -> dict[str, Backing]:
    """Each dimension's backing, by dimension id; only answers given with a level count."""
    result = {}
    for dimension in rules.dimensions:
        levelled = {q.id for q in dimension.questions if isinstance(answers.get(q.id), Level)}
        result[dimension.id] = Backing(
            answered=len(levelled),
            with_evidence=len(levelled & set(with_evidence)),
            verified=len(levelled & set(verified)),
            challenged=len(levelled & set(challenged)),
        )
    return result


def verified_only(answers: Mapping[str, Answer], verified: Collection[str]) -> dict[str, Answer]:
    """The answers a consultant verified; the others as if not given."""
    return {question_id: answers[question_id] for question_id in verified if question_id in answers}


def verified_score(
    rules: ScoringRules, answers: Mapping[str, Answer], verified: Collection[str]
) -> AssessmentScore:
    """The assessment scored on its verified answers only."""
    return score(verified_only(answers, verified), rules)
