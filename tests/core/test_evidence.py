"""How sure we are of the answers: the backing counts and the verified reading, over
random questionnaires, answers and marks."""

from hypothesis import given
from hypothesis import strategies as st

from assessment.core.evidence import backing, verified_only, verified_score
from assessment.core.scoring import Level, score
from tests.core.test_scoring import all_questions, rules_and_answers


@st.composite
def marked(draw):
    rules, answers = draw(rules_and_answers())
    ids = [q.id for q in all_questions(rules)]
    evidence = draw(st.sets(st.sampled_from(ids)))
    verified = draw(st.sets(st.sampled_from(ids)))
    challenged = draw(st.sets(st.sampled_from(ids))) - verified  # one mark per answer
    return rules, answers, evidence, verified, challenged


@given(marked())
def test_the_counts_are_of_answers_given_with_a_level_and_add_up(case):
    rules, answers, evidence, verified, challenged = case
    counts = backing(rules, answers, evidence, verified, challenged)
    scored = score(answers, rules)
    for dimension in rules.dimensions:
        found = counts[dimension.id]
        assert found.answered == scored.dimensions[dimension.id].answered
        assert 0 <= found.with_evidence <= found.answered
        assert found.verified + found.challenged <= found.answered
        levelled = [q.id for q in dimension.questions if isinstance(answers.get(q.id), Level)]
        assert found.verified == sum(1 for q in levelled if q in verified)


@given(marked())
def test_the_verified_reading_scores_exactly_the_verified_answers(case):
    rules, answers, _evidence, verified, _challenged = case
    assert verified_score(rules, answers, verified) == score(
        verified_only(answers, verified), rules
    )
    assert set(verified_only(answers, verified)) == set(answers) & verified
    # everything verified reads as the assessment itself
    assert verified_score(rules, answers, set(answers)) == score(answers, rules)


@given(marked())
def test_no_dimension_scores_on_verified_answers_without_enough_of_them(case):
    rules, answers, _evidence, verified, _challenged = case
    strict = verified_score(rules, answers, verified)
    for dimension in rules.dimensions:
        verified_levels = [
            q
            for q in dimension.questions
            if isinstance(answers.get(q.id), Level) and q.id in verified
        ]
        if not verified_levels:
            assert strict.dimensions[dimension.id].index is None
