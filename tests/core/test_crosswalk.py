"""An assessment read on another framework through a crosswalk: each area scored as a
dimension of its questions would be, its level mapped; the overall is the lowest."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from assessment.core.crosswalk import CrosswalkRule, area_rules, read
from assessment.core.scoring import Level, score
from tests.core.test_roadmap import one_dimension
from tests.core.test_scoring import all_questions, rules_and_answers

level_maps = st.lists(st.integers(0, 5), min_size=5, max_size=5).map(lambda m: tuple(sorted(m)))


@st.composite
def crosswalks(draw):
    rules, answers = draw(rules_and_answers())
    ids = [q.id for q in all_questions(rules)]
    chosen = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    area_count = draw(st.integers(1, len(chosen)))
    areas = tuple((f"area{i}", tuple(chosen[i::area_count])) for i in range(area_count))
    return rules, answers, CrosswalkRule(areas, draw(level_maps))


@given(crosswalks())
def test_each_area_reads_as_a_dimension_of_its_questions_would(case):
    rules, answers, crosswalk = case
    reading = read(crosswalk, rules, answers)
    by_area = area_rules(crosswalk, rules)
    mapped = {q.id for d in by_area.dimensions for q in d.questions}
    scored = score({q: a for q, a in answers.items() if q in mapped}, by_area)
    for area in reading.areas:
        dimension = scored.dimensions[area.id]
        assert (area.index, area.level) == (dimension.index, dimension.level)
        if area.level is None:
            assert area.framework_level is None
        else:
            assert area.framework_level == crosswalk.level_map[area.level - 1]


@given(crosswalks())
def test_the_overall_reading_is_the_lowest_area_and_needs_every_area(case):
    rules, answers, crosswalk = case
    reading = read(crosswalk, rules, answers)
    levels = [area.framework_level for area in reading.areas]
    if None in levels:
        assert reading.overall is None
    else:
        assert reading.overall == min(levels)


@given(crosswalks(), st.data())
def test_raising_an_answer_never_lowers_a_reading(case, data):
    rules, answers, crosswalk = case
    raisable = [q for q, a in answers.items() if isinstance(a, Level) and a < Level.LEADING]
    if not raisable:
        return
    question = data.draw(st.sampled_from(raisable))
    before = read(crosswalk, rules, answers)
    after = read(crosswalk, rules, {**answers, question: Level(answers[question] + 1)})
    for old, new in zip(before.areas, after.areas, strict=True):
        if old.framework_level is not None:
            assert new.framework_level >= old.framework_level
    if before.overall is not None:
        assert after.overall >= before.overall


def test_an_example_area_reads_by_weight_and_the_map():
    rules = one_dimension(q1=3, q2=1)
    crosswalk = CrosswalkRule((("people", ("q1", "q2")),), (0, 1, 2, 3, 4))
    # (3 * 4 + 1 * 2) / 4 = 3.5: index 62.5, our level 4, their level 3
    [area] = read(crosswalk, rules, {"q1": Level(4), "q2": Level(2)}).areas
    assert (area.index, area.level, area.framework_level) == (Fraction(125, 2), 4, 3)
    [area] = read(crosswalk, rules, {"q1": Level(1), "q2": Level(1)}).areas
    assert area.framework_level == 0  # below their first level
