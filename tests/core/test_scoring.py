"""The scoring method: properties over random questionnaires and answers, and examples."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.core.scoring import (
    Abstention,
    DimensionRule,
    InvalidAnswersError,
    Level,
    ProblemCode,
    QuestionRule,
    ScoringRules,
    Status,
    parse_answers,
    score,
)

THRESHOLDS = (Fraction(20), Fraction(40), Fraction(60), Fraction(80))
weights = st.sampled_from(
    [Fraction(1), Fraction(2), Fraction(3, 2), Fraction(1, 2), Fraction(7, 10)]
)


@st.composite
def rules_strategy(draw):
    dimension_count = draw(st.integers(1, 5))
    dimensions = []
    for d in range(dimension_count):
        question_count = draw(st.integers(1, 6))
        questions = tuple(
            QuestionRule(id=f"d{d}_q{q}", weight=draw(weights), allow_na=draw(st.booleans()))
            for q in range(question_count)
        )
        dimensions.append(
            DimensionRule(
                id=f"d{d}",
                part=draw(st.sampled_from("AB")),
                weight=draw(weights),
                questions=questions,
            )
        )
    cuts = sorted(draw(st.sets(st.integers(1, 100), min_size=4, max_size=4)))
    share = draw(st.sampled_from([Fraction(1, 4), Fraction(1, 2), Fraction(2, 3), Fraction(1)]))
    return ScoringRules(
        dimensions=tuple(dimensions),
        thresholds=tuple(Fraction(c) for c in cuts),
        min_answered_share=share,
    )


@st.composite
def answers_for(draw, rules):
    """Any answers to ``rules``' questions: a level, don't know, N/A where allowed, or none."""
    answers = {}
    for dimension in rules.dimensions:
        for question in dimension.questions:
            options = [None, *Level, Abstention.UNKNOWN]
            if question.allow_na:
                options.append(Abstention.NOT_APPLICABLE)
            answer = draw(st.sampled_from(options))
            if answer is not None:
                answers[question.id] = answer
    return answers


@st.composite
def rules_and_answers(draw):
    rules = draw(rules_strategy())
    return rules, draw(answers_for(rules))


def all_indices(result):
    yield result.overall.index
    yield from (part.index for part in result.parts.values())
    yield from (dimension.index for dimension in result.dimensions.values())


def all_questions(rules):
    return [q for d in rules.dimensions for q in d.questions]


@given(rules_and_answers())
def test_every_index_stays_between_0_and_100(case):
    rules, answers = case
    for index in all_indices(score(answers, rules)):
        assert index is None or 0 <= index <= 100


@given(rules_and_answers(), st.data())
def test_raising_one_answer_never_lowers_any_index_or_level(case, data):
    rules, answers = case
    raisable = [qid for qid, answer in answers.items() if isinstance(answer, Level) and answer < 5]
    if not raisable:
        return
    question_id = data.draw(st.sampled_from(raisable))
    before = score(answers, rules)
    after = score({**answers, question_id: Level(answers[question_id] + 1)}, rules)
    for old, new in zip(all_indices(before), all_indices(after), strict=True):
        assert (old is None) == (new is None)
        assert old is None or new >= old
    assert (after.overall.level or 0) >= (before.overall.level or 0)
    assert (after.overall.strict_level or 0) >= (before.overall.strict_level or 0)


@given(rules_and_answers(), st.randoms())
def test_order_of_questions_and_answers_does_not_matter(case, random):
    rules, answers = case
    shuffled_dimensions = []
    for dimension in rules.dimensions:
        questions = list(dimension.questions)
        random.shuffle(questions)
        shuffled_dimensions.append(
            DimensionRule(dimension.id, dimension.part, dimension.weight, tuple(questions))
        )
    shuffled_rules = ScoringRules(
        tuple(shuffled_dimensions), rules.thresholds, rules.min_answered_share
    )
    items = list(answers.items())
    random.shuffle(items)
    assert score(dict(items), shuffled_rules) == score(answers, rules)


@given(rules_strategy(), st.sampled_from(list(Level)))
def test_all_answers_at_one_level_give_that_levels_index(rules, level):
    result = score({q.id: level for q in all_questions(rules)}, rules)
    expected = 25 * (level - 1)
    assert all(index == expected for index in all_indices(result))
    assert result.overall.status is Status.OK


def test_all_fives_give_100_and_all_ones_give_0(questionnaire):
    rules = questionnaire.scoring_rules
    top = score({q.id: Level.LEADING for q in all_questions(rules)}, rules)
    bottom = score({q.id: Level.INITIAL for q in all_questions(rules)}, rules)
    assert top.overall.index == 100
    assert top.overall.level == top.overall.strict_level == Level.LEADING
    assert bottom.overall.index == 0
    assert bottom.overall.level == bottom.overall.strict_level == Level.INITIAL


@given(rules_and_answers())
def test_adding_not_applicable_answers_does_not_move_a_score(case):
    rules, answers = case
    with_na = dict(answers)
    for question in all_questions(rules):
        if question.allow_na and question.id not in answers:
            with_na[question.id] = Abstention.NOT_APPLICABLE
    before, after = score(answers, rules), score(with_na, rules)
    assert list(all_indices(after)) == list(all_indices(before))
    assert after.overall.status == before.overall.status
    assert after.overall.strict_level == before.overall.strict_level


@given(rules_and_answers())
def test_dimension_with_too_few_answers_is_insufficient_never_zero(case):
    rules, answers = case
    result = score(answers, rules)
    for dimension in rules.dimensions:
        outcome = result.dimensions[dimension.id]
        answered = sum(isinstance(answers.get(q.id), Level) for q in dimension.questions)
        assert outcome.answered == answered
        if Fraction(answered, len(dimension.questions)) < rules.min_answered_share:
            assert outcome.status is Status.INSUFFICIENT_DATA
            assert outcome.index is None
            assert outcome.score is None
            assert outcome.level is None
            assert dimension.id in result.overall.excluded_dimensions
        else:
            assert outcome.status is Status.OK
            assert outcome.index is not None


@given(rules_and_answers())
def test_strict_level_never_exceeds_the_overall_level(case):
    rules, answers = case
    result = score(answers, rules)
    if result.overall.index is None:
        assert result.overall.status is Status.INSUFFICIENT_DATA
        assert result.overall.strict_level is None
    else:
        assert result.overall.strict_level <= result.overall.level


@given(rules_and_answers())
def test_counts_of_a_dimension_add_up_to_its_questions(case):
    rules, answers = case
    for outcome in score(answers, rules).dimensions.values():
        assert outcome.unanswered >= 0
        assert (
            outcome.answered + outcome.not_applicable + outcome.unknown + outcome.unanswered
            == outcome.question_count
        )


def two_dimension_rules():
    return ScoringRules(
        dimensions=(
            DimensionRule(
                "alpha",
                "A",
                Fraction(1),
                (
                    QuestionRule("a1", Fraction(2), allow_na=False),
                    QuestionRule("a2", Fraction(1), allow_na=True),
                    QuestionRule("a3", Fraction(1), allow_na=False),
                ),
            ),
            DimensionRule(
                "beta",
                "B",
                Fraction(3),
                (
                    QuestionRule("b1", Fraction(1), allow_na=False),
                    QuestionRule("b2", Fraction(1), allow_na=False),
                ),
            ),
        ),
        thresholds=THRESHOLDS,
        min_answered_share=Fraction(1, 2),
    )


def test_weighted_example_matches_hand_calculation():
    rules = two_dimension_rules()
    result = score(
        {
            "a1": Level(4),
            "a2": Abstention.NOT_APPLICABLE,
            "a3": Level(1),
            "b1": Level(3),
            "b2": Level(2),
        },
        rules,
    )
    alpha, beta = result.dimensions["alpha"], result.dimensions["beta"]
    assert alpha.score == Fraction(9, 3)  # (4*2 + 1*1) / 3
    assert alpha.index == 50
    assert alpha.level is Level.DEFINED
    assert beta.score == Fraction(5, 2)
    assert beta.index == Fraction(75, 2)
    assert beta.level is Level.EMERGING
    assert result.overall.index == (50 * 1 + Fraction(75, 2) * 3) / 4
    assert result.overall.strict_level is Level.EMERGING
    assert result.parts["A"].index == 50
    assert result.parts["B"].index == Fraction(75, 2)


def test_insufficient_dimension_is_left_out_and_the_overall_says_so():
    rules = two_dimension_rules()
    result = score({"a1": Level(5), "a2": Abstention.UNKNOWN, "b1": Level(2)}, rules)
    assert result.dimensions["alpha"].status is Status.INSUFFICIENT_DATA
    assert result.dimensions["alpha"].unknown == 1
    assert result.overall.status is Status.PARTIAL
    assert result.overall.excluded_dimensions == ("alpha",)
    assert result.overall.index == 25
    assert result.parts["A"].status is Status.INSUFFICIENT_DATA
    assert result.parts["A"].index is None


def test_index_exactly_on_a_threshold_reaches_that_level():
    rules = two_dimension_rules()
    result = score({"b1": Level(2), "b2": Level(3)}, rules)  # index 37.5
    assert result.dimensions["beta"].level is Level.EMERGING
    result = score({"a1": Level(3), "a3": Level(3)}, rules)  # index 50
    assert result.dimensions["alpha"].level is Level.DEFINED


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (0, ProblemCode.LEVEL_OUT_OF_RANGE),
        (7, ProblemCode.LEVEL_OUT_OF_RANGE),
        ("3", ProblemCode.NOT_A_LEVEL),
        (2.5, ProblemCode.NOT_A_LEVEL),
        (True, ProblemCode.NOT_A_LEVEL),
        (None, ProblemCode.NOT_A_LEVEL),
        ("na", ProblemCode.NA_NOT_ALLOWED),
    ],
)
def test_invalid_raw_answers_are_reported_by_question(raw, code):
    with pytest.raises(InvalidAnswersError) as caught:
        parse_answers({"a1": raw, "zz": 3}, two_dimension_rules())
    problems = {(p.question_id, p.code) for p in caught.value.problems}
    assert problems == {("a1", code), ("zz", ProblemCode.UNKNOWN_QUESTION)}


def test_valid_raw_answers_are_read():
    answers = parse_answers({"a1": 5, "a2": "na", "a3": "unknown"}, two_dimension_rules())
    assert answers == {
        "a1": Level.LEADING,
        "a2": Abstention.NOT_APPLICABLE,
        "a3": Abstention.UNKNOWN,
    }
