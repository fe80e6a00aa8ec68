"""The comparison's view model (``build_comparison``): what changed between two assessments,
in the reader's language, with numbers as the pages show them.

Both sides are scored and compared by the real method from answers chosen here; every
expected figure is worked out by hand below (v2: dimension weights 1, question weights 1
or 1.5, all answers at level 3 give 50).
"""

import pytest
from flask_babel import force_locale

from assessment.content.registry import current_library
from assessment.core.comparison import compare
from assessment.core.scoring import Abstention, Level
from assessment.history.comparison_view import build_comparison

pytestmark = pytest.mark.usefixtures("in_request")

# Technology, old: 4 (w1.5), 4 (w1.5), 4, 3, 3 -> 22/6 -> index 66.66... (shown 66.6);
# new: all 3 -> 50. Every other dimension stays at 3 (50).
# Overall, old: (5 * 50 + 66.66...) / 6 = 52.77... (shown 52.7); new 50.0.
# Part A, old: (50 + 66.66... + 50) / 3 = 55.55... (shown 55.5); new 50.0.
TECHNOLOGY_BEFORE = {
    "technology_production_use": 4,
    "technology_data_foundation": 4,
    "technology_cloud": 4,
}


def answers(questionnaire, default=3, **overrides):
    """Answers to every question: a level (int), or an abstention ("na", "unknown")."""
    chosen = {}
    for question in questionnaire.questions:
        value = overrides.get(question.id, default)
        chosen[question.id] = Level(value) if isinstance(value, int) else Abstention(value)
    return chosen


def view(old_q, old_answers, new_q, new_answers, locale="en", **options):
    compared = compare(
        old_q.scoring_rules,
        old_answers,
        new_q.scoring_rules,
        new_answers,
        current_library().question_mapping(old_q, new_q),
    )
    with force_locale("en" if locale == "en" else "zh_CN"):
        return build_comparison(compared, old_q, new_q, locale, "Overall", **options)


def dimension(comparison, dimension_id):
    return next(row for row in comparison.dimensions if row.id == dimension_id)


def test_the_shown_change_is_the_difference_of_the_shown_indices(v2):
    shown = view(v2, answers(v2, **TECHNOLOGY_BEFORE), v2, answers(v2))

    overall = shown.overall
    assert (overall.name, overall.old, overall.new) == ("Overall", "52.7", "50.0")
    assert overall.delta == "−2.7"  # 50.0 − 52.7, although the exact −2.77... rounds to −2.8
    assert (overall.direction, overall.old_level, overall.new_level) == (-1, 3, 3)
    assert (overall.comparable, overall.partial) == (True, False)
    technology = dimension(shown, "technology").figures
    assert (technology.old, technology.new, technology.delta) == ("66.6", "50.0", "−16.6")
    assert (technology.old_level, technology.new_level) == (4, 3)
    part_a, part_b = shown.parts
    assert (part_a.name, part_a.old, part_a.new, part_a.delta) == (
        "Industrial internet upgrade readiness",
        "55.5",
        "50.0",
        "−5.5",
    )
    assert (part_b.delta, part_b.direction) == ("±0.0", 0)
    assert not shown.across_versions


def test_only_the_questions_that_moved_are_listed_with_their_contributions(v2):
    shown = view(v2, answers(v2, **TECHNOLOGY_BEFORE), v2, answers(v2))
    technology = dimension(shown, "technology")

    # Each fell from 4 to 3, by 25 on the index scale, weighted by its share of the new
    # answered weight (6): 1.5 * −25 / 6 = −6.25 (shown −6.3), 1 * −25 / 6 = −4.17 (−4.2).
    prompts = {q.id: q.prompt.en for q in v2.dimension("technology").questions}
    assert [(row.prompt, row.contribution) for row in technology.moved] == [
        (prompts["technology_production_use"], "−6.3"),
        (prompts["technology_data_foundation"], "−6.3"),
        (prompts["technology_cloud"], "−4.2"),
    ]
    assert {(r.old_answer, r.new_answer, r.movement, r.direction) for r in technology.moved} == {
        ("4 · Integrated", "3 · Defined", "down", -1)
    }
    assert technology.unchanged_count == 2
    # The dimension's share of the overall change: −16.67 / 6 dimensions = −2.78.
    assert technology.contribution_to_overall == "−2.8"
    model = dimension(shown, "model")
    assert (model.moved, model.unchanged_count, model.contribution_to_overall) == ((), 5, "±0.0")


def test_contributions_add_up_to_the_dimension_change_within_their_rounding(v2):
    old = answers(v2)
    # Industry: 3 -> 5 (w1.5), 3 -> 2, 3 -> don't know; the new answered weight is 6, and
    # the index goes from 50 to that of (1.5 * 5 + 2 + 3 + 3 + 1.5 * 3) / 6 = 3.33..., which
    # is 58.33... (shown 58.3).
    new = answers(
        v2, industry_operating_logic=5, industry_new_offerings=2, industry_demand_response="unknown"
    )
    industry = dimension(view(v2, old, v2, new), "industry")

    assert (industry.figures.old, industry.figures.new) == ("50.0", "58.3")
    assert (industry.figures.delta, industry.figures.direction) == ("+8.3", 1)
    # Largest contribution first: 1.5 * (100 − 50) / 6 = +12.5, 1 * (25 − 50) / 6 = −4.17;
    # a question no longer answered with a level gives back its old term, 1 * (50 − 50) / 6.
    assert [(r.contribution, r.direction, r.movement) for r in industry.moved] == [
        ("+12.5", 1, "up"),
        ("−4.2", -1, "down"),
        ("±0.0", 0, "now don't know"),
    ]
    assert [(r.old_answer, r.new_answer) for r in industry.moved] == [
        ("3 · Defined", "5 · Leading"),
        ("3 · Defined", "2 · Emerging"),
        ("3 · Defined", "Don't know"),
    ]
    shown_sum = sum(float(r.contribution.replace("−", "-").lstrip("+±")) for r in industry.moved)
    assert shown_sum == pytest.approx(8.3)  # the exact 8.33..., each term rounded once


def test_a_report_lists_the_largest_movements_and_sums_up_the_rest(v2):
    shown = view(v2, answers(v2, **TECHNOLOGY_BEFORE), v2, answers(v2), moved_limit=1)
    technology = dimension(shown, "technology")

    assert [row.contribution for row in technology.moved] == ["−6.3"]
    assert technology.more_moved_count == 2
    assert technology.more_moved_contribution == "−10.4"  # −6.25 − 4.17, rounded once
    assert dimension(shown, "model").more_moved_contribution is None


def test_a_dimension_without_enough_answers_is_shown_but_not_compared(v2):
    talent_ids = {q.id: "unknown" for q in v2.dimension("talent").questions}
    shown = view(v2, answers(v2), v2, answers(v2, **talent_ids))
    talent = dimension(shown, "talent")

    assert (talent.figures.old, talent.figures.new, talent.figures.delta) == ("50.0", None, None)
    assert not talent.figures.comparable
    assert talent.figures.direction == 0
    assert talent.figures.reasons == ("too few answers in the newer assessment",)
    assert len(talent.moved) == 7
    assert {(r.movement, r.contribution) for r in talent.moved} == {("now don't know", None)}
    # The overall index is still compared, over the dimensions both sides have.
    assert (shown.overall.delta, shown.overall.partial) == ("±0.0", True)


def test_labels_are_in_the_requested_language(v2):
    talent_ids = {q.id: "unknown" for q in v2.dimension("talent").questions}
    old, new = answers(v2, **TECHNOLOGY_BEFORE), answers(v2, **talent_ids)
    shown = view(v2, old, v2, new, locale="zh-CN")

    technology = dimension(shown, "technology")
    assert technology.figures.name == "技术升级"
    assert technology.moved[0].prompt == v2.dimension("technology").questions[0].prompt.zh_cn
    assert (technology.moved[0].old_answer, technology.moved[0].new_answer) == (
        "4 · 集成",
        "3 · 规范",
    )
    assert technology.moved[0].movement == "下降"
    talent = dimension(shown, "talent")
    assert talent.figures.reasons == ("新评估中作答太少",)
    assert talent.moved[0].new_answer == "不清楚"
    assert shown.parts[0].name == v2.part("A").name.zh_cn


def test_across_versions_removed_and_new_questions_are_listed(library, v2):
    v1 = library.get("iiai-maturity", 1)
    # Everything at 3 on both sides, but the new cost question (weight 1 of 8) at 5:
    # cost goes from 50 to (8 * 3 + 2) / 8 = 3.25 -> 56.25, shown 56.2; the new
    # question's contribution is 1 * (100 − 50) / 8 = +6.25, shown +6.3.
    shown = view(v1, answers(v1), v2, answers(v2, cost_lifecycle=5))

    assert shown.across_versions
    cost = dimension(shown, "cost")
    assert (cost.figures.old, cost.figures.new, cost.figures.delta) == ("50.0", "56.2", "+6.2")
    lifecycle = v2.dimension("cost").questions[1]
    assert [
        (r.prompt, r.old_answer, r.new_answer, r.movement, r.contribution) for r in cost.moved
    ] == [(lifecycle.prompt.en, "—", "5 · Leading", "new question", "+6.3")]
    technology = dimension(shown, "technology")
    removed = next(q for q in v1.dimension("technology").questions if q.id == "technology_ai_use")
    assert [(r.prompt, r.old_answer, r.new_answer, r.movement) for r in technology.moved] == [
        (removed.prompt.en, "3 · Defined", "—", "question removed")
    ]
