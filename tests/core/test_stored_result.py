"""The stored score: written once at submission, read back identically by every page."""

import json
from fractions import Fraction

from hypothesis import given

from assessment.core.scoring import score
from assessment.core.stored_result import StoredResult
from tests.core.test_scoring import rules_and_answers


@given(rules_and_answers())
def test_a_stored_result_reads_back_equal_to_what_was_written(case):
    rules, answers = case
    stored = StoredResult.of(score(answers, rules))

    # What the database keeps is JSON text: write it out and read it back.
    read_back = StoredResult.from_dict(json.loads(json.dumps(stored.to_dict())))

    assert read_back == stored
    assert read_back.to_dict() == stored.to_dict()


@given(rules_and_answers())
def test_a_stored_result_keeps_every_figure_of_the_exact_score(case):
    rules, answers = case
    exact = score(answers, rules)
    stored = StoredResult.of(exact)

    def as_stored(value: Fraction | None) -> Fraction | None:
        return None if value is None else Fraction(float(value))

    assert stored.overall.index == as_stored(exact.overall.index)
    assert stored.overall.level == exact.overall.level
    assert stored.overall.strict_level == exact.overall.strict_level
    assert stored.overall.excluded_dimensions == exact.overall.excluded_dimensions
    assert stored.parts.keys() == exact.parts.keys()
    for part_id, part in exact.parts.items():
        assert stored.parts[part_id].index == as_stored(part.index)
        assert stored.parts[part_id].level == part.level
        assert stored.parts[part_id].status == part.status
    for dimension_id, dimension in exact.dimensions.items():
        kept = stored.dimensions[dimension_id]
        assert kept.index == as_stored(dimension.index)
        assert kept.score == as_stored(dimension.score)
        assert (kept.level, kept.status) == (dimension.level, dimension.status)
        assert (kept.answered, kept.not_applicable, kept.unknown, kept.unanswered) == (
            dimension.answered,
            dimension.not_applicable,
            dimension.unknown,
            dimension.unanswered,
        )
    assert stored.indices() == {
        "overall": stored.overall.index,
        **{key: kept.index for key, kept in stored.dimensions.items()},
    }
