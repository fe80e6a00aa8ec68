"""Merging several respondents' answers into one answer set for the organisation.

Pure, like ``scoring.py``: answers in (``scoring.Answer`` by question id, one mapping per
respondent, each read with ``scoring.parse_answers``), answers out, ready for
``scoring.score``. Respondents answer alone; this module decides what the organisation's
answer is, points out where they disagree, and lets a consultant settle it.

One question, several answers
    - If at least one respondent gave a level, the merged answer is a level, merged by
      the rule (below) from the levels given; "not applicable", "don't know" and blanks
      cast no vote. A respondent who knows outweighs one who does not, and an "N/A"
      against a level is a conflict for a consultant to settle, not a vote to count: it
      is reported by ``find_disagreements``.
    - Otherwise "not applicable" if anyone said so (a statement about the organisation),
      otherwise "don't know" if anyone said so, otherwise the question stays blank.

Rules (``MERGE_RULES``, named by a string id so that content can choose one)
    - ``"median"`` (the default): the lower median, i.e. the level at position
      ``(n - 1) // 2`` of the sorted levels. With an even count it takes the lower of the
      two middle levels: it never claims more than half the respondents see, and it is
      always a level somebody gave.
    - ``"mean_rounded_down"``: the mean level, rounded down.
    - ``"minimum"``: the lowest level given (the organisation is as mature as its least
      mature part).
    Every rule gives the same level when all respondents agree, and a level between the
    lowest and the highest given; none depends on the order of the respondents.

Disagreements
    A question is reported when the levels given spread (highest minus lowest) by at
    least ``threshold`` levels (default 2), or when one respondent gave a level and
    another "not applicable".

Settling
    ``settled`` maps question ids to a consultant's final answer; it replaces the merged
    answer of that question, whatever the respondents said.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from assessment.core.scoring import Abstention, Answer, Level


def _lower_median(levels: Sequence[Level]) -> Level:
    return sorted(levels)[(len(levels) - 1) // 2]


def _mean_rounded_down(levels: Sequence[Level]) -> Level:
    return Level(sum(levels) // len(levels))


def _minimum(levels: Sequence[Level]) -> Level:
    return min(levels)


MergeRule = Callable[[Sequence[Level]], Level]

MERGE_RULES: Mapping[str, MergeRule] = MappingProxyType(
    {
        "median": _lower_median,
        "mean_rounded_down": _mean_rounded_down,
        "minimum": _minimum,
    }
)
DEFAULT_MERGE_RULE = "median"
DEFAULT_DISAGREEMENT_THRESHOLD = 2


class UnknownMergeRuleError(ValueError):
    def __init__(self, rule: str) -> None:
        super().__init__(f"unknown merge rule {rule!r}")
        self.rule = rule


def merge_rule(rule: str) -> MergeRule:
    """The rule named ``rule``; UnknownMergeRuleError if there is none."""
    try:
        return MERGE_RULES[rule]
    except KeyError:
        raise UnknownMergeRuleError(rule) from None


def merge_question(
    answers: Sequence[Answer | None], rule: str = DEFAULT_MERGE_RULE
) -> Answer | None:
    """The organisation's answer to one question from its respondents' (None: left blank)."""
    merge_levels = merge_rule(rule)
    levels = [answer for answer in answers if isinstance(answer, Level)]
    if levels:
        return merge_levels(levels)
    for abstention in (Abstention.NOT_APPLICABLE, Abstention.UNKNOWN):
        if abstention in answers:
            return abstention
    return None


def _question_ids(respondents: Sequence[Mapping[str, Answer]]) -> list[str]:
    return list(dict.fromkeys(question_id for answers in respondents for question_id in answers))


def merge_answers(
    respondents: Sequence[Mapping[str, Answer]],
    rule: str = DEFAULT_MERGE_RULE,
    settled: Mapping[str, Answer] | None = None,
) -> dict[str, Answer]:
    """One answer set from several respondents' answer sets, settled answers winning."""
    merge_rule(rule)
    merged: dict[str, Answer] = {}
    for question_id in _question_ids(respondents):
        answer = merge_question([answers.get(question_id) for answers in respondents], rule)
        if answer is not None:
            merged[question_id] = answer
    merged.update(settled or {})
    return merged


@dataclass(frozen=True)
class Disagreement:
    question_id: str
    answers: tuple[Answer | None, ...]  # one per respondent, in the order given; None: blank
    spread: int  # highest level minus lowest level given (0 with fewer than two levels)
    not_applicable_conflict: bool  # someone gave a level, someone else "not applicable"


def find_disagreements(
    respondents: Sequence[Mapping[str, Answer]],
    threshold: int = DEFAULT_DISAGREEMENT_THRESHOLD,
) -> dict[str, Disagreement]:
    """The questions on which respondents disagree (see the module docstring), by id."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1 level")
    disagreements = {}
    for question_id in _question_ids(respondents):
        answers = tuple(answers.get(question_id) for answers in respondents)
        levels = [answer for answer in answers if isinstance(answer, Level)]
        spread = max(levels) - min(levels) if levels else 0
        conflict = bool(levels) and Abstention.NOT_APPLICABLE in answers
        if spread >= threshold or conflict:
            disagreements[question_id] = Disagreement(question_id, answers, spread, conflict)
    return disagreements
