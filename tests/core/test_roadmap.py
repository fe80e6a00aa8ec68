"""The roadmap's steps and their ranking: properties over random questionnaires, answers
and targets; the figures add up to what scoring gives when the steps are taken."""

from datetime import date
from fractions import Fraction
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from assessment.core.roadmap import Outcome, by_quarter, limiting_dimensions, outcome, propose_steps
from assessment.core.scoring import (
    Abstention,
    DimensionRule,
    Level,
    QuestionRule,
    ScoringRules,
    score,
)
from tests.core.test_scoring import rules_and_answers


@st.composite
def plans(draw):
    rules, answers = draw(rules_and_answers())
    targets = {
        dimension.id: draw(st.sampled_from(list(Level)))
        for dimension in rules.dimensions
        if draw(st.booleans())
    }
    barriers = draw(st.sets(st.sampled_from([d.id for d in rules.dimensions])))
    own = {
        question.id: draw(st.sampled_from(list(Level)))
        for dimension in rules.dimensions
        for question in dimension.questions
        if draw(st.integers(0, 3)) == 0
    }
    return rules, answers, targets, barriers, own


def taken(answers, steps):
    """The answers once every step is taken."""
    return {**answers, **{step.question_id: step.to_level for step in steps}}


@given(plans())
def test_the_steps_figures_add_up_to_what_taking_them_gives(plan):
    rules, answers, targets, barriers, own = plan
    before = score(answers, rules)
    steps = propose_steps(rules, answers, before, targets, barriers, own)
    after = score(taken(answers, steps), rules)
    for dimension in rules.dimensions:
        own = [step for step in steps if step.dimension_id == dimension.id]
        gained = sum((step.dimension_points for step in own), Fraction(0))
        if own:
            assert after.dimensions[dimension.id].index - before.dimensions[dimension.id].index == (
                gained
            )
    if steps:
        overall = sum((step.overall_points for step in steps), Fraction(0))
        assert after.overall.index - before.overall.index == overall


@given(plans())
def test_each_step_climbs_an_answered_question_to_its_target(plan):
    rules, answers, targets, barriers, own = plan
    before = score(answers, rules)
    steps = propose_steps(rules, answers, before, targets, barriers, own)
    assert len({step.question_id for step in steps}) == len(steps)
    for step in steps:
        target = own.get(step.question_id, targets.get(step.dimension_id))
        assert answers[step.question_id] == step.from_level < step.to_level == target
        assert step.levels == target - step.from_level
        assert step.dimension_points > 0
        if step.question_id not in own:
            assert before.dimensions[step.dimension_id].level < target
    for dimension in rules.dimensions:  # every question below a pending target has its step
        current = before.dimensions[dimension.id].level
        if current is None:
            assert not any(step.dimension_id == dimension.id for step in steps)
            continue
        pending = targets.get(dimension.id)
        if pending is not None and current >= pending:
            pending = None
        below = set()
        for question in dimension.questions:
            target = own.get(question.id, pending)
            answer = answers.get(question.id)
            if target is not None and isinstance(answer, Level) and answer < target:
                below.add(question.id)
        assert below == {step.question_id for step in steps if step.dimension_id == dimension.id}


def one_dimension(**weights):
    """Rules of one dimension, "data", whose questions have ``weights``; the shipped
    thresholds and a minimum share of a half."""
    return ScoringRules(
        dimensions=(
            DimensionRule(
                "data",
                "B",
                Fraction(1),
                tuple(QuestionRule(q, Fraction(w), False) for q, w in weights.items()),
            ),
        ),
        thresholds=(Fraction(20), Fraction(40), Fraction(60), Fraction(80)),
        min_answered_share=Fraction(1, 2),
    )


def test_a_questions_own_target_proposes_a_step_in_a_dimension_at_its_target():
    rules = one_dimension(d1=1, d2=1)
    answers = {"d1": Level(2), "d2": Level(4)}  # index 50: level 3
    before = score(answers, rules)
    assert propose_steps(rules, answers, before, {"data": Level(3)}) == []
    steps = propose_steps(rules, answers, before, {"data": Level(3)}, (), {"d1": Level(3)})
    assert [(s.question_id, s.from_level, s.to_level) for s in steps] == [("d1", 2, 3)]
    # the question's own target may also be below its dimension's: it is what it aims at
    steps = propose_steps(rules, answers, before, {"data": Level(5)}, (), {"d1": Level(3)})
    assert [(s.question_id, s.to_level) for s in steps] == [("d1", 3), ("d2", 5)]


@given(plans())
def test_steps_are_ranked_barriers_first_then_by_overall_points(plan):
    rules, answers, targets, barriers, own = plan
    before = score(answers, rules)
    steps = propose_steps(rules, answers, before, targets, barriers, own)
    flags = [step.barrier_first for step in steps]
    assert flags == sorted(flags, reverse=True)  # barrier steps, then the others
    for earlier, later in pairwise(steps):
        if earlier.barrier_first == later.barrier_first:
            assert earlier.overall_points >= later.overall_points
    limiting = limiting_dimensions(before)
    assert all(step.barrier_first == (step.dimension_id in barriers & limiting) for step in steps)


def test_example_data_limits_so_its_steps_come_first():
    rules = ScoringRules(
        dimensions=(
            DimensionRule(
                "model",
                "A",
                Fraction(1),
                (QuestionRule("m1", Fraction(3), False), QuestionRule("m2", Fraction(1), False)),
            ),
            DimensionRule("data", "B", Fraction(1), (QuestionRule("d1", Fraction(1), False),)),
        ),
        thresholds=(Fraction(20), Fraction(40), Fraction(60), Fraction(80)),
        min_answered_share=Fraction(1, 2),
    )
    answers = {"m1": Level(2), "m2": Level(2), "d1": Level(1)}
    targets = {"model": Level(4), "data": Level(2)}
    steps = propose_steps(rules, answers, score(answers, rules), targets, {"data"})
    assert [(s.question_id, s.levels) for s in steps] == [("d1", 1), ("m1", 2), ("m2", 2)]
    # m1 carries 3/4 of model's weight: two levels are 3/4 * 2 * 25 = 37.5 points of its
    # index, and half of that overall (two dimensions of equal weight).
    assert steps[1].dimension_points == Fraction(75, 2)
    assert steps[1].overall_points == Fraction(75, 4)
    assert steps[0].barrier_first
    assert not steps[1].barrier_first


levels = st.sampled_from(list(Level))
abstentions = st.sampled_from([*Abstention, None])


@given(levels, levels, st.one_of(levels, abstentions))
def test_an_actions_outcome_says_where_the_question_went(start, aim, now):
    if start >= aim:
        return
    found = outcome(start, aim, now)
    if not isinstance(now, Level):
        assert found is Outcome.NOT_LEVELLED
    elif now >= aim:
        assert found is Outcome.REACHED
    elif now > start:
        assert found is Outcome.CLIMBED
    elif now == start:
        assert found is Outcome.UNCHANGED
    else:
        assert found is Outcome.FELL
        assert now < start


@given(st.lists(st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2035, 12, 31)))))
def test_actions_grouped_by_quarter_keep_every_action_once_in_its_order(days):
    items = list(enumerate(days))
    groups = by_quarter(items, lambda item: item[1])
    assert sorted(item for _quarter, group in groups for item in group) == items
    quarters = [quarter for quarter, _group in groups]
    dated = [quarter for quarter in quarters if quarter is not None]
    assert dated == sorted(set(dated))  # each quarter once, earliest first
    assert None not in quarters[: len(dated)]  # the undated last
    for quarter, group in groups:
        assert [i for i, _day in group] == sorted(i for i, _day in group)
        for _i, day in group:
            if quarter is None:
                assert day is None
            else:
                assert (day.year, (day.month + 2) // 3) == (quarter.year, quarter.number)
