"""Comparing two assessments: properties over random versions and answers, and examples."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.core.comparison import (
    Comparability,
    InvalidMappingError,
    MappingProblem,
    MappingProblemCode,
    Movement,
    Reason,
    comparable_dimensions,
    compare,
    resolve_mapping,
)
from assessment.core.scoring import Abstention, DimensionRule, Level, QuestionRule, ScoringRules
from tests.core.test_scoring import (
    THRESHOLDS,
    answers_for,
    rules_and_answers,
    two_dimension_rules,
    weights,
)


@st.composite
def later_version(draw, old_rules):
    """A new questionnaire version: questions kept, reworded, split, merged, added, removed;
    dimensions kept, removed, added or moved to another part; weights changed."""
    dimensions = []
    maps_from = {}
    for dimension in old_rules.dimensions:
        if draw(st.integers(0, 7)) == 0:
            continue  # removed
        old_ids = [q.id for q in dimension.questions]
        questions = []
        for question in dimension.questions:
            keep = draw(st.sampled_from(["drop", "same_id", "same_id_unrelated", "same_id_merged"]))
            if keep == "drop":
                continue
            if keep == "same_id_unrelated":
                maps_from[question.id] = ()
            elif keep == "same_id_merged":
                maps_from[question.id] = tuple(
                    draw(st.lists(st.sampled_from(old_ids), min_size=1, max_size=3, unique=True))
                )
            questions.append(QuestionRule(question.id, draw(weights), draw(st.booleans())))
        for k in range(draw(st.integers(0 if questions else 1, 4))):
            question_id = f"{dimension.id}_new{k}"
            maps_from[question_id] = tuple(
                draw(st.lists(st.sampled_from(old_ids), max_size=3, unique=True))
            )
            questions.append(QuestionRule(question_id, draw(weights), draw(st.booleans())))
        dimensions.append(
            DimensionRule(
                dimension.id,
                draw(st.sampled_from("AB")),
                draw(weights),
                tuple(draw(st.permutations(questions))),
            )
        )
    if not dimensions or draw(st.booleans()):
        dimensions.append(
            DimensionRule(
                "added",
                draw(st.sampled_from("ABC")),
                draw(weights),
                tuple(
                    QuestionRule(f"added_q{q}", draw(weights), draw(st.booleans()))
                    for q in range(draw(st.integers(1, 3)))
                ),
            )
        )
    cuts = sorted(draw(st.sets(st.integers(1, 100), min_size=4, max_size=4)))
    new_rules = ScoringRules(
        dimensions=tuple(dimensions),
        thresholds=tuple(Fraction(c) for c in cuts),
        min_answered_share=draw(st.sampled_from([Fraction(1, 4), Fraction(1, 2), Fraction(1)])),
    )
    return new_rules, maps_from


@st.composite
def two_versions(draw):
    old_rules, old_answers = draw(rules_and_answers())
    new_rules, maps_from = draw(later_version(old_rules))
    new_answers = draw(answers_for(new_rules))
    return old_rules, old_answers, new_rules, new_answers, maps_from


def all_aggregates(comparison):
    return [comparison.overall, *comparison.parts.values()]


@given(two_versions())
def test_question_contributions_add_up_exactly_to_the_dimension_delta(case):
    for dimension in compare(*case).dimensions.values():
        contributions = [q.contribution for q in dimension.questions]
        if dimension.status is Comparability.COMPARABLE:
            assert dimension.reasons == ()
            assert dimension.delta == dimension.new_index - dimension.old_index
            assert sum(contributions) == dimension.delta
        else:
            assert dimension.reasons
            assert dimension.delta is None
            assert contributions == [None] * len(contributions)


@given(two_versions())
def test_dimension_contributions_add_up_exactly_to_each_aggregate_delta(case):
    comparison = compare(*case)
    for aggregate in all_aggregates(comparison):
        if aggregate.status is Comparability.NOT_COMPARABLE:
            assert aggregate.reasons
            assert aggregate.delta is None
            assert aggregate.contributions == {}
        else:
            assert aggregate.delta == aggregate.new_index - aggregate.old_index
            assert sum(aggregate.contributions.values()) == aggregate.delta
            assert (aggregate.status is Comparability.PARTIAL) == bool(
                aggregate.not_comparable_dimensions
            )
            for dimension_id in aggregate.not_comparable_dimensions:
                assert dimension_id in aggregate.contributions


@given(two_versions())
def test_every_question_of_both_versions_appears_once(case):
    old_rules, _, new_rules, _, _ = case
    comparison = compare(*case)
    rows = [q for d in comparison.dimensions.values() for q in d.questions]
    new_ids = [q.question_id for q in rows if q.question_id is not None]
    assert sorted(new_ids) == sorted(q.id for d in new_rules.dimensions for q in d.questions)
    old_ids = {old_id for q in rows for old_id in q.old_question_ids}
    assert old_ids == {q.id for d in old_rules.dimensions for q in d.questions}


@given(two_versions())
def test_movement_agrees_with_the_level_change(case):
    for dimension in compare(*case).dimensions.values():
        for question in dimension.questions:
            change = question.level_change
            if change is None:
                assert question.movement not in {Movement.UP, Movement.DOWN}
            elif change > 0:
                assert question.movement is Movement.UP
            elif change < 0:
                assert question.movement is Movement.DOWN
            else:
                assert question.movement is Movement.UNCHANGED


@given(rules_and_answers())
def test_comparing_an_assessment_with_itself_changes_nothing(case):
    rules, answers = case
    comparison = compare(rules, answers, rules, answers)
    for dimension in comparison.dimensions.values():
        assert all(q.movement is Movement.UNCHANGED for q in dimension.questions)
        if dimension.old_index is None:
            assert dimension.status is Comparability.NOT_COMPARABLE
            assert dimension.reasons == (
                Reason.INSUFFICIENT_DATA_OLD,
                Reason.INSUFFICIENT_DATA_NEW,
            )
        else:
            assert dimension.status is Comparability.COMPARABLE
            assert dimension.delta == 0
            assert all(q.contribution == 0 for q in dimension.questions)
    for aggregate in all_aggregates(comparison):
        assert aggregate.status is not Comparability.PARTIAL
        assert aggregate.delta in {0, None}
        assert all(c == 0 for c in aggregate.contributions.values())


def inverse(question_map, old_rules):
    """The mapping read the other way: each old question to the new ones continuing it."""
    return {
        q.id: tuple(new_id for new_id, old_ids in question_map.items() if q.id in old_ids)
        for d in old_rules.dimensions
        for q in d.questions
    }


SWAPPED = {
    Reason.ADDED: Reason.REMOVED,
    Reason.REMOVED: Reason.ADDED,
    Reason.INSUFFICIENT_DATA_OLD: Reason.INSUFFICIENT_DATA_NEW,
    Reason.INSUFFICIENT_DATA_NEW: Reason.INSUFFICIENT_DATA_OLD,
}


@given(two_versions())
def test_swapping_old_and_new_negates_every_delta(case):
    old_rules, old_answers, new_rules, new_answers, maps_from = case
    forward = compare(*case)
    backward_map = inverse(resolve_mapping(old_rules, new_rules, maps_from), old_rules)
    backward = compare(new_rules, new_answers, old_rules, old_answers, backward_map)
    assert forward.dimensions.keys() == backward.dimensions.keys()
    pairs = [(forward.overall, backward.overall)]
    pairs += [(forward.parts[p], backward.parts[p]) for p in forward.parts]
    pairs += [(forward.dimensions[d], backward.dimensions[d]) for d in forward.dimensions]
    for there, back in pairs:
        assert there.status == back.status
        assert {SWAPPED.get(r, r) for r in there.reasons} == set(back.reasons)
        assert (there.old_index, there.new_index) == (back.new_index, back.old_index)
        assert there.delta == (None if back.delta is None else -back.delta)


@given(rules_and_answers(), st.data())
def test_changing_one_answer_moves_only_that_questions_contribution(case, data):
    rules, old_answers = case
    question = data.draw(st.sampled_from([q for d in rules.dimensions for q in d.questions]))
    new_answers = {**old_answers, question.id: data.draw(st.sampled_from(list(Level)))}
    for dimension in compare(rules, old_answers, rules, new_answers).dimensions.values():
        for row in dimension.questions:
            if row.question_id != question.id:
                assert row.contribution in {0, None}
                assert row.movement is Movement.UNCHANGED


# ---------------------------------------------------------------------------
# Examples


def test_raised_and_newly_answered_questions_explain_the_change():
    rules = two_dimension_rules()
    old = {
        "a1": Level(4),
        "a2": Abstention.NOT_APPLICABLE,
        "a3": Level(1),
        "b1": Level(3),
        "b2": Level(2),
    }
    new = {**old, "a1": Level(5), "a2": Level(5), "b2": Level(3)}
    comparison = compare(rules, old, rules, new)

    alpha = comparison.dimensions["alpha"]
    assert (alpha.old_index, alpha.new_index, alpha.delta) == (50, 75, 25)
    assert (alpha.old_level, alpha.new_level) == (Level.DEFINED, Level.INTEGRATED)
    rows = {q.question_id: q for q in alpha.questions}
    # a1 (weight 2) from 75 to 100 over a new answered weight of 4: 2 * 25 / 4
    assert rows["a1"].movement is Movement.UP
    assert rows["a1"].level_change == 1
    assert rows["a1"].contribution == Fraction(25, 2)
    # a2 newly answered at 100, pulling from the old index 50: 1 * 50 / 4
    assert rows["a2"].movement is Movement.NEWLY_ANSWERED
    assert rows["a2"].contribution == Fraction(25, 2)
    assert rows["a3"].movement is Movement.UNCHANGED
    assert rows["a3"].contribution == 0

    beta = comparison.dimensions["beta"]
    assert beta.delta == Fraction(25, 2)
    # overall: alpha weighs 1, beta 3, out of 4
    assert comparison.overall.delta == Fraction(225, 4) - Fraction(325, 8)
    assert comparison.overall.contributions == {
        "alpha": Fraction(25, 4),
        "beta": Fraction(75, 8),
    }
    assert comparison.overall.status is Comparability.COMPARABLE


def test_dimension_without_enough_new_answers_leaves_the_overall_partial():
    rules = two_dimension_rules()
    old = {"a1": Level(4), "a3": Level(1), "b1": Level(3), "b2": Level(2)}
    new = {"a1": Level(5), "a2": Level(5), "a3": Level(1), "b1": Abstention.UNKNOWN}
    comparison = compare(rules, old, rules, new)

    beta = comparison.dimensions["beta"]
    assert beta.status is Comparability.NOT_COMPARABLE
    assert beta.reasons == (Reason.INSUFFICIENT_DATA_NEW,)
    assert beta.delta is None
    assert {q.question_id: q.movement for q in beta.questions} == {
        "b1": Movement.BECAME_UNKNOWN,
        "b2": Movement.NO_LONGER_ANSWERED,
    }

    overall = comparison.overall
    assert overall.status is Comparability.PARTIAL
    assert overall.not_comparable_dimensions == ("beta",)
    assert (overall.old_index, overall.new_index) == (Fraction(325, 8), 75)
    # beta (37.5, weight 3) leaves an average of 40.625 that it held down
    assert overall.contributions == {"alpha": 25, "beta": Fraction(75, 8)}
    assert comparison.parts["B"].status is Comparability.NOT_COMPARABLE
    assert comparison.parts["B"].reasons == (Reason.INSUFFICIENT_DATA_NEW,)


def one_dimension(*questions):
    return ScoringRules(
        dimensions=(DimensionRule("alpha", "A", Fraction(1), tuple(questions)),),
        thresholds=THRESHOLDS,
        min_answered_share=Fraction(1, 2),
    )


def test_reworded_merged_and_new_questions_across_versions():
    v1 = one_dimension(
        QuestionRule("a1", Fraction(2), allow_na=False),
        QuestionRule("a2", Fraction(1), allow_na=False),
        QuestionRule("a3", Fraction(1), allow_na=False),
    )
    v2 = one_dimension(
        QuestionRule("a1_reworded", Fraction(2), allow_na=False),
        QuestionRule("a2_a3", Fraction(2), allow_na=False),
        QuestionRule("a4", Fraction(1), allow_na=False),
    )
    maps_from = {"a1_reworded": ("a1",), "a2_a3": ("a2", "a3")}
    old = {"a1": Level(4), "a2": Level(3), "a3": Level(1)}  # score 3, index 50
    new = {"a1_reworded": Level(4), "a2_a3": Level(3), "a4": Level(5)}  # score 3.8, index 70
    alpha = compare(v1, old, v2, new, maps_from).dimensions["alpha"]

    assert alpha.delta == 20
    rows = {q.question_id: q for q in alpha.questions}
    assert rows["a1_reworded"].movement is Movement.UNCHANGED
    assert rows["a1_reworded"].contribution == 0
    # old level: the mean of 3 and 1; the merged question keeps their weight, 2
    assert rows["a2_a3"].old_answers == (Level(3), Level(1))
    assert rows["a2_a3"].old_level == 2
    assert rows["a2_a3"].movement is Movement.UP
    assert rows["a2_a3"].contribution == 10  # 2 * (50 - 25) / 5
    assert rows["a4"].movement is Movement.NEW_QUESTION
    assert rows["a4"].contribution == 10  # 1 * (100 - 50) / 5


def test_split_and_removed_questions_across_versions():
    v1 = one_dimension(
        QuestionRule("b1", Fraction(2), allow_na=False),
        QuestionRule("b2", Fraction(1), allow_na=False),
    )
    v2 = one_dimension(
        QuestionRule("b1_first_half", Fraction(1), allow_na=False),
        QuestionRule("b1_second_half", Fraction(1), allow_na=False),
    )
    maps_from = {"b1_first_half": ("b1",), "b1_second_half": ("b1",)}
    old = {"b1": Level(2), "b2": Level(4)}  # index 125/3
    new = {"b1_first_half": Level(2), "b1_second_half": Level(4)}  # index 50
    alpha = compare(v1, old, v2, new, maps_from).dimensions["alpha"]

    assert alpha.delta == Fraction(25, 3)
    contributions = {q.question_id or q.old_question_ids: q.contribution for q in alpha.questions}
    assert contributions == {
        "b1_first_half": 0,
        "b1_second_half": 25,
        ("b2",): Fraction(-50, 3),  # removed above the old index: the index loses it
    }
    assert alpha.questions[-1].movement is Movement.REMOVED_QUESTION


def test_dimension_with_too_few_continued_questions_is_not_comparable():
    v1 = one_dimension(*(QuestionRule(f"a{i}", Fraction(1), allow_na=False) for i in range(4)))
    v2 = one_dimension(
        QuestionRule("a0", Fraction(1), allow_na=False),
        QuestionRule("fresh", Fraction(1), allow_na=False),
    )
    answers_v1 = {f"a{i}": Level(3) for i in range(4)}
    comparison = compare(v1, answers_v1, v2, {"a0": Level(3), "fresh": Level(4)})
    alpha = comparison.dimensions["alpha"]
    assert alpha.status is Comparability.NOT_COMPARABLE
    assert alpha.reasons == (Reason.TOO_FEW_MAPPED_QUESTIONS,)  # 1 of 4 old questions kept
    assert comparison.overall.reasons == (Reason.NO_COMPARABLE_DIMENSION,)
    assert comparison.overall.delta is None

    lenient = compare(
        v1, answers_v1, v2, {"a0": Level(3), "fresh": Level(4)}, min_mapped_share=Fraction(1, 4)
    )
    assert lenient.dimensions["alpha"].status is Comparability.COMPARABLE


@given(two_versions())
def test_comparable_dimensions_are_those_compare_finds_comparable_with_enough_data(case):
    old_rules, old_answers, new_rules, new_answers, maps_from = case
    comparison = compare(old_rules, old_answers, new_rules, new_answers, maps_from)
    structural = comparable_dimensions(old_rules, new_rules, maps_from)
    for dimension_id, dimension in comparison.dimensions.items():
        data_reasons = {Reason.INSUFFICIENT_DATA_OLD, Reason.INSUFFICIENT_DATA_NEW}
        kept = not set(dimension.reasons) - data_reasons
        assert (dimension_id in structural) == kept


def test_removed_and_added_dimensions_are_named():
    rules = two_dimension_rules()
    only_alpha = ScoringRules(rules.dimensions[:1], THRESHOLDS, Fraction(1, 2))
    answers = {"a1": Level(2), "a3": Level(2)}
    comparison = compare(rules, {**answers, "b1": Level(5)}, only_alpha, answers)
    assert comparison.dimensions["beta"].reasons == (Reason.REMOVED,)
    assert comparison.parts["B"].reasons == (Reason.REMOVED,)
    assert [q.movement for q in comparison.dimensions["beta"].questions] == [
        Movement.REMOVED_QUESTION,
        Movement.REMOVED_QUESTION,
    ]
    backward = compare(only_alpha, answers, rules, {**answers, "b1": Level(5)})
    assert backward.dimensions["beta"].reasons == (Reason.ADDED,)


@pytest.mark.parametrize(
    ("old", "new", "movement"),
    [
        (Level(2), Level(4), Movement.UP),
        (Level(4), Level(2), Movement.DOWN),
        (Level(3), Level(3), Movement.UNCHANGED),
        (Abstention.NOT_APPLICABLE, Abstention.NOT_APPLICABLE, Movement.UNCHANGED),
        (None, None, Movement.UNCHANGED),
        (Level(3), Abstention.NOT_APPLICABLE, Movement.BECAME_NOT_APPLICABLE),
        (Abstention.UNKNOWN, Abstention.NOT_APPLICABLE, Movement.BECAME_NOT_APPLICABLE),
        (Level(3), Abstention.UNKNOWN, Movement.BECAME_UNKNOWN),
        (None, Level(1), Movement.NEWLY_ANSWERED),
        (Abstention.UNKNOWN, Level(1), Movement.NEWLY_ANSWERED),
        (Level(3), None, Movement.NO_LONGER_ANSWERED),
        (Abstention.UNKNOWN, None, Movement.NO_LONGER_ANSWERED),
    ],
)
def test_movement_of_one_question(old, new, movement):
    rules = one_dimension(QuestionRule("q", Fraction(1), allow_na=True))
    comparison = compare(
        rules, {} if old is None else {"q": old}, rules, {} if new is None else {"q": new}
    )
    assert comparison.dimensions["alpha"].questions[0].movement is movement


def test_broken_mapping_entries_are_all_reported():
    rules = two_dimension_rules()
    maps_from = {"zz": ("a1",), "a1": ("b1", "a3", "a3", "nope")}
    with pytest.raises(InvalidMappingError) as caught:
        compare(rules, {}, rules, {}, maps_from)
    assert caught.value.problems == (
        MappingProblem("zz", MappingProblemCode.UNKNOWN_NEW_QUESTION),
        MappingProblem("a1", MappingProblemCode.OTHER_DIMENSION, "b1"),
        MappingProblem("a1", MappingProblemCode.REPEATED_OLD_QUESTION, "a3"),
        MappingProblem("a1", MappingProblemCode.UNKNOWN_OLD_QUESTION, "nope"),
    )


def test_without_a_mapping_questions_continue_their_namesakes():
    rules = two_dimension_rules()
    assert resolve_mapping(rules, rules) == {
        "a1": ("a1",),
        "a2": ("a2",),
        "a3": ("a3",),
        "b1": ("b1",),
        "b2": ("b2",),
    }
    assert resolve_mapping(rules, rules, {"a2": ()})["a2"] == ()
