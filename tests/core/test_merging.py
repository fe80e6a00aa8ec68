"""Merging respondents' answers: properties over random answer sets, and examples."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.core.merging import (
    DEFAULT_MERGE_RULE,
    MERGE_RULES,
    UnknownMergeRuleError,
    find_disagreements,
    merge_answers,
    merge_question,
)
from assessment.core.scoring import Abstention, Level

QUESTION_IDS = ("q0", "q1", "q2", "q3")
NA, UNKNOWN = Abstention.NOT_APPLICABLE, Abstention.UNKNOWN

answer_sets = st.dictionaries(
    st.sampled_from(QUESTION_IDS), st.sampled_from([*Level, NA, UNKNOWN]), max_size=4
)
respondents_strategy = st.lists(answer_sets, min_size=1, max_size=6)
rules = st.sampled_from(sorted(MERGE_RULES))


def answers_to(question_id, respondents):
    return [answers.get(question_id) for answers in respondents]


def levels_given(question_id, respondents):
    return [a for a in answers_to(question_id, respondents) if isinstance(a, Level)]


@given(answer_sets, rules)
def test_merging_one_respondent_gives_their_answers(answers, rule):
    assert merge_answers([answers], rule) == answers


@given(respondents_strategy, rules)
def test_merged_level_lies_between_the_lowest_and_highest_given(respondents, rule):
    merged = merge_answers(respondents, rule)
    for question_id in QUESTION_IDS:
        levels = levels_given(question_id, respondents)
        if levels:
            assert min(levels) <= merged[question_id] <= max(levels)
        else:
            assert not isinstance(merged.get(question_id), Level)


@given(respondents_strategy, rules)
def test_abstentions_count_only_when_nobody_gave_a_level(respondents, rule):
    merged = merge_answers(respondents, rule)
    for question_id in QUESTION_IDS:
        given_answers = answers_to(question_id, respondents)
        if any(isinstance(a, Level) for a in given_answers):
            continue
        if NA in given_answers:
            assert merged[question_id] is NA
        elif UNKNOWN in given_answers:
            assert merged[question_id] is UNKNOWN
        else:
            assert question_id not in merged


@given(respondents_strategy, rules, st.randoms())
def test_order_of_respondents_does_not_matter(respondents, rule, random):
    shuffled = list(respondents)
    random.shuffle(shuffled)
    assert merge_answers(shuffled, rule) == merge_answers(respondents, rule)


@given(st.integers(1, 6), st.sampled_from(list(Level)), rules)
def test_unanimous_respondents_keep_their_level(count, level, rule):
    assert merge_answers([{"q0": level}] * count, rule) == {"q0": level}


@given(respondents_strategy, answer_sets, rules)
def test_settled_answers_win(respondents, settled, rule):
    merged = merge_answers(respondents, rule, settled)
    for question_id, answer in settled.items():
        assert merged[question_id] == answer
    unsettled = merge_answers(respondents, rule)
    for question_id in set(QUESTION_IDS) - settled.keys():
        assert merged.get(question_id) == unsettled.get(question_id)


@given(respondents_strategy, st.integers(1, 4))
def test_disagreement_is_reported_exactly_from_the_threshold(respondents, threshold):
    disagreements = find_disagreements(respondents, threshold)
    for question_id in QUESTION_IDS:
        levels = levels_given(question_id, respondents)
        spread = max(levels) - min(levels) if levels else 0
        conflict = bool(levels) and NA in answers_to(question_id, respondents)
        assert (question_id in disagreements) == (spread >= threshold or conflict)
        if question_id in disagreements:
            found = disagreements[question_id]
            assert found.answers == tuple(answers_to(question_id, respondents))
            assert found.spread == spread
            assert found.not_applicable_conflict == conflict


# ---------------------------------------------------------------------------
# Examples


@pytest.mark.parametrize(
    ("levels", "rule", "merged"),
    [
        ([2, 4], "median", 2),  # even count: the lower of the two middle levels
        ([1, 2, 4, 5], "median", 2),
        ([1, 3, 5], "median", 3),
        ([5, 1, 4], "median", 4),
        ([2, 3], "mean_rounded_down", 2),
        ([3, 4, 5], "mean_rounded_down", 4),
        ([1, 5, 5], "mean_rounded_down", 3),
        ([4, 2, 5], "minimum", 2),
    ],
)
def test_merge_rules_on_examples(levels, rule, merged):
    assert merge_question([Level(level) for level in levels], rule) == Level(merged)


def test_median_is_the_default_rule():
    assert DEFAULT_MERGE_RULE == "median"
    assert merge_answers([{"q": Level(1)}, {"q": Level(3)}, {"q": Level(5)}]) == {"q": Level(3)}


def test_a_level_outweighs_not_applicable_and_dont_know():
    respondents = [{"q": NA}, {"q": UNKNOWN}, {"q": Level(2)}, {"q": NA}, {}]
    assert merge_answers(respondents) == {"q": Level(2)}
    assert merge_answers([{"q": UNKNOWN}, {"q": NA}, {}]) == {"q": NA}
    assert merge_answers([{"q": UNKNOWN}, {}]) == {"q": UNKNOWN}


def test_level_against_not_applicable_is_a_disagreement():
    disagreements = find_disagreements([{"q": NA}, {"q": Level(3)}, {"q": UNKNOWN}])
    assert disagreements["q"].answers == (NA, Level(3), UNKNOWN)
    assert disagreements["q"].spread == 0
    assert disagreements["q"].not_applicable_conflict


def test_spread_of_two_levels_is_a_disagreement_and_one_is_not():
    respondents = [{"wide": Level(2), "close": Level(3)}, {"wide": Level(4), "close": Level(4)}]
    assert list(find_disagreements(respondents)) == ["wide"]
    assert find_disagreements(respondents)["wide"].answers == (Level(2), Level(4))
    assert find_disagreements(respondents, threshold=3) == {}
    assert list(find_disagreements(respondents, threshold=1)) == ["wide", "close"]


def test_consultant_settles_a_question_nobody_agreed_on():
    respondents = [{"q": Level(1)}, {"q": Level(5)}]
    assert merge_answers(respondents, settled={"q": Level(4)}) == {"q": Level(4)}
    assert merge_answers(respondents, settled={"other": NA}) == {"q": Level(1), "other": NA}


def test_unknown_rule_is_refused():
    with pytest.raises(UnknownMergeRuleError):
        merge_answers([{"q": Level(1)}], rule="mode")
    with pytest.raises(UnknownMergeRuleError):
        merge_answers([], rule="mode")


def test_threshold_below_one_level_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        find_disagreements([{"q": Level(1)}], threshold=0)
