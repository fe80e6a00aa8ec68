"""The results page's view model (``build_results``), from a stored score and answers.

Scores are computed by the real method from answers chosen here, so that every expected
index is worked out by hand from those answers (v2 of the shipped questionnaire: all
dimension weights 1, question weights 1 or 1.5, level thresholds 20/40/60/80).
"""

from dataclasses import replace
from fractions import Fraction

import pytest

from assessment.config import ROOT
from assessment.core.content.library import load_library
from assessment.core.scoring import Abstention, Level, score
from assessment.core.stored_result import StoredResult
from assessment.questionnaire.results import MAIN_GAP_COUNT, build_results

LEVELS_EN = {1: "Initial", 2: "Emerging", 3: "Defined", 4: "Integrated", 5: "Leading"}
LEVELS_ZH = {1: "初始", 2: "起步", 3: "规范", 4: "集成", 5: "引领"}

# One answer per question of v2, by dimension:
#   model       all 2                       -> index 25, level 2
#   technology  4 (w1.5), 4 (w1.5), 4, 3, 3  -> score 22/6, index 66.66..., level 4
#   industry    all 3                       -> index 50, level 3
#   data        all 1                       -> index 0, level 1
#   cost        all 5                       -> index 100, level 5
#   talent      all "don't know"            -> insufficient data
# Overall: (25 + 66.66... + 50 + 0 + 100) / 5 = 48.33...; part A 47.22..., part B 50.
TECHNOLOGY = {
    "technology_production_use": "4",
    "technology_data_foundation": "4",
    "technology_cloud": "4",
    "technology_trusted_exchange": "3",
    "technology_legacy_integration": "3",
}
BY_DIMENSION = {"model": "2", "industry": "3", "data": "1", "cost": "5", "talent": "unknown"}
DIMENSIONS = ("model", "technology", "industry", "data", "cost", "talent")


@pytest.fixture(scope="module")
def questionnaire():
    return load_library(ROOT / "content").get("iiai-maturity", 2)


def spread_answers(questionnaire) -> dict[str, str]:
    values = {}
    for dimension in questionnaire.dimensions:
        for question in dimension.questions:
            values[question.id] = TECHNOLOGY.get(question.id) or BY_DIMENSION[dimension.id]
    return values


def all_at(questionnaire, value: str, **overrides: str) -> dict[str, str]:
    return {q.id: overrides.get(q.id, value) for q in questionnaire.questions}


def stored(questionnaire, values: dict[str, str]) -> StoredResult:
    """The score of stored answer values, as it is kept at submission."""
    answers = {
        question_id: Level(int(value)) if value.isdigit() else Abstention(value)
        for question_id, value in values.items()
    }
    return StoredResult.of(score(answers, questionnaire.scoring_rules))


def results(questionnaire, values, locale="en", result=None):
    return build_results(questionnaire, result or stored(questionnaire, values), values, locale)


def test_cards_are_in_content_order_with_each_index_cut_to_one_decimal(questionnaire):
    view = results(questionnaire, spread_answers(questionnaire))
    cards = view.dimensions

    assert tuple(card.id for card in cards) == DIMENSIONS
    assert "".join(card.part for card in cards) == "AAABBB"
    # 66.66... is cut to 66.6, not rounded to 66.7; a score is rounded to two decimals.
    assert [c.index for c in cards] == ["25.0", "66.6", "50.0", "0.0", "100.0", None]
    assert [c.score for c in cards] == ["2.00", "3.67", "3.00", "1.00", "5.00", None]
    assert [c.level and c.level.number for c in cards] == [2, 4, 3, 1, 5, None]


def test_overall_parts_and_strict_level_are_shown_from_the_stored_score(questionnaire):
    view = results(questionnaire, spread_answers(questionnaire))

    assert view.overall.index == "48.3"
    assert (view.overall.level.number, view.overall.level.name) == (3, "Defined")
    assert view.overall.status == "partial"
    # The lowest dimension level (data, all at level 1) is the strict level.
    assert (view.strict_level.number, view.strict_level.name) == (1, "Initial")
    part_a, part_b = view.parts
    assert part_a.name == "Industrial internet upgrade readiness"
    assert (part_a.index, part_a.status, part_a.excluded) == ("47.2", "ok", ())
    assert part_b.name == "AI adoption readiness"
    assert (part_b.index, part_b.status, part_b.excluded) == ("50.0", "partial", ("Talent",))


def test_an_index_just_below_a_threshold_is_never_shown_at_the_threshold(questionnaire):
    values = spread_answers(questionnaire)
    exact = stored(questionnaire, values)
    # An exact 59.96 (level 3, Defined: level 4 begins at 60) in the industry dimension.
    industry = replace(exact.dimensions["industry"], index=Fraction(5996, 100), level=Level(3))
    result = replace(exact, dimensions={**exact.dimensions, "industry": industry})

    card = results(questionnaire, values, result=result).dimensions[2]

    assert card.id == "industry"
    assert card.index == "59.9"
    assert card.level.name == "Defined"
    assert card.next_level.number == 4


def test_a_dimension_with_too_few_answers_has_no_index_level_or_recommendation(questionnaire):
    view = results(questionnaire, spread_answers(questionnaire))
    talent = view.dimensions[-1]

    assert talent.status == "insufficient_data"
    assert (talent.score, talent.index, talent.index_value) == (None, None, None)
    assert (talent.level, talent.next_level, talent.recommendation) == (None, None, None)
    assert (talent.questions, talent.answered, talent.unknown) == (7, 0, 7)
    assert talent.lowest == ()
    assert view.radar.axes[-1].value is None
    assert view.overall.excluded == ("Talent",)


def test_a_card_recommends_the_step_to_its_next_level(questionnaire):
    view = results(questionnaire, spread_answers(questionnaire))
    technology, cost = view.dimensions[1], view.dimensions[4]

    assert technology.recommendation == questionnaire.dimension("technology").recommendations[3].en
    assert (technology.next_level.number, technology.next_level.name) == (5, "Leading")
    # At the top level there is no next level, and no question below it to work on.
    assert cost.recommendation == questionnaire.dimension("cost").recommendations[4].en
    assert cost.next_level is None
    assert cost.lowest == ()
    # A card's three lowest questions: the two at level 3, then the heavier of those at 4.
    assert [q.id for q in technology.lowest] == [
        "technology_trusted_exchange",
        "technology_legacy_integration",
        "technology_production_use",
    ]


def test_main_gaps_are_the_lowest_level_questions_then_the_heaviest(questionnaire):
    below_top = {
        "technology_cloud": "4",  # weight 1
        "cost_rollout": "3",  # weight 1
        "talent_training": "2",  # weight 1
        "model_value_source": "2",  # weight 1
        "industry_long_term": "2",  # weight 1.5
        "model_customer_role": "2",  # weight 1.5
        "data_quality": "1",  # weight 1.5
    }
    view = results(questionnaire, all_at(questionnaire, "5", **below_top))

    expected = [
        "data_quality",  # level 1
        "model_customer_role",  # level 2, weight 1.5
        "industry_long_term",  # level 2, weight 1.5
        "model_value_source",  # level 2, weight 1
        "talent_training",  # level 2, weight 1
        "cost_rollout",  # level 3
        "technology_cloud",  # level 4
    ]
    assert [gap.id for gap in view.main_gaps] == expected[:MAIN_GAP_COUNT]
    assert len(view.main_gaps) == MAIN_GAP_COUNT < len(expected)
    first = view.main_gaps[0]
    data_quality = questionnaire.dimension("data").questions[1]
    assert (first.level, first.dimension_name, first.prompt) == (1, "Data", data_quality.prompt.en)
    assert first.descriptor == data_quality.levels[0].en
    assert first.next_descriptor == data_quality.levels[1].en


def test_questions_at_the_top_level_are_never_main_gaps(questionnaire):
    values = all_at(questionnaire, "5", cost_rollout="4", data_shopfloor="na", model_c2m="unknown")

    view = results(questionnaire, values)

    assert [(gap.id, gap.level) for gap in view.main_gaps] == [("cost_rollout", 4)]
    rollout = questionnaire.dimension("cost").questions[6]
    assert view.main_gaps[0].next_descriptor == rollout.levels[4].en


def test_labels_are_in_the_requested_language(questionnaire):
    values = spread_answers(questionnaire)
    english = results(questionnaire, values, "en")
    chinese = results(questionnaire, values, "zh-CN")

    for view, locale, names in ((english, "en", LEVELS_EN), (chinese, "zh-CN", LEVELS_ZH)):
        cards = view.dimensions
        assert [c.name for c in cards] == [d.name.get(locale) for d in questionnaire.dimensions]
        assert [axis.label for axis in view.radar.axes] == [c.name for c in cards]
        assert [c.level.name for c in cards if c.level] == [names[n] for n in (2, 4, 3, 1, 5)]
        model = questionnaire.dimension("model")
        assert cards[0].recommendation == model.recommendations[1].get(locale)
    assert english.dimensions[0].name == "Model upgrade"
    assert chinese.dimensions[0].name == "模式升级"
    assert english.parts[1].excluded == ("Talent",)
    assert chinese.parts[1].excluded == (questionnaire.dimension("talent").name.zh_cn,)
    assert english.level_bands == (
        "0–20 Initial, 20–40 Emerging, 40–60 Defined, 60–80 Integrated, and 80–100 Leading"
    )
    assert chinese.level_bands == "0–20 初始、20–40 起步、40–60 规范、60–80 集成和80–100 引领"
    # The method's placeholders are filled in, in the reader's language.
    assert any("50%" in paragraph for paragraph in english.method)
    assert any("0–20 初始" in paragraph for paragraph in chinese.method)
    assert not any("{" in paragraph for paragraph in (*english.method, *chinese.method))
