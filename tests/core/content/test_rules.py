"""Rules across a questionnaire's entries (``core/content/rules``): unique ids, known
parts, versions, and ``maps_from`` against the previous published version. Each problem
is reported at its own place; the published content has none."""

import copy

import pytest
import yaml

from assessment.core.content.rules import (
    cross_problems,
    format_location,
    mapping_problems,
    option_problems,
    previous_published_version,
    version_problems,
)
from assessment.core.content.schema import Questionnaire
from tests.content.test_loader import SHIPPED, draft, shipped_data
from tests.content.test_versions import v2_data

REFERENCE = SHIPPED.parent / "reference" / "organisation.yaml"


def located(problems):
    """Problems as an author reads them: ``dimensions[2].id: message``."""
    return [(format_location(location), str(message)) for location, message in problems]


def questionnaire(data):
    return Questionnaire.model_validate(data)


@pytest.fixture(scope="module")
def v1():
    return questionnaire(shipped_data())


@pytest.fixture(scope="module")
def v2():
    return questionnaire(v2_data())


def test_the_published_content_breaks_no_rule(v1, v2):
    assert cross_problems(shipped_data()) == []
    assert cross_problems(v2_data()) == []
    assert option_problems(yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))) == []
    assert version_problems(v1, [v2]) == []
    assert version_problems(v2, [v1]) == []
    assert mapping_problems(v1, None) == []
    assert mapping_problems(v2, v1) == []


def duplicate_dimension(data):
    data["dimensions"][2]["id"] = "model"


def duplicate_question(data):
    data["dimensions"][5]["questions"][0]["id"] = "model_value_source"


def duplicate_part(data):
    data["parts"].append(copy.deepcopy(data["parts"][0]))


def unknown_part(data):
    data["dimensions"][4]["part"] = "C"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            duplicate_dimension,
            ("dimensions[2].id", "duplicate dimension id 'model' (first used at dimensions[0].id)"),
        ),
        (
            duplicate_question,
            (
                "dimensions[5].questions[0].id",
                "duplicate question id 'model_value_source' "
                "(first used at dimensions[0].questions[1].id)",
            ),
        ),
        (duplicate_part, ("parts[2].id", "duplicate part id 'A' (first used at parts[0].id)")),
        (
            unknown_part,
            ("dimensions[4].part", "part 'C' is not one of the parts declared under 'parts'"),
        ),
    ],
    ids=["duplicate dimension", "duplicate question", "duplicate part", "unknown part"],
)
def test_an_entry_that_breaks_a_rule_is_reported_where_it_is(change, expected):
    data = v2_data()
    change(data)

    assert located(cross_problems(data)) == [expected]


def test_every_problem_across_entries_is_reported_at_once():
    data = v2_data()
    for change in (duplicate_dimension, duplicate_question, unknown_part):
        change(data)

    assert [location for location, _message in located(cross_problems(data))] == [
        "dimensions[2].id",
        "dimensions[5].questions[0].id",
        "dimensions[4].part",
    ]


def test_a_document_of_the_wrong_shape_is_read_without_failing():
    # Shape problems are pydantic's to report; these rules skip what they cannot read.
    assert cross_problems("not a mapping") == []
    assert cross_problems({"parts": "A", "dimensions": [1, {"id": 5}, {"id": 5}]}) == []
    broken = {"parts": [{"id": "A"}], "dimensions": [{"id": "x", "part": "B", "questions": 3}]}
    assert located(cross_problems(broken)) == [
        ("dimensions[0].part", "part 'B' is not one of the parts declared under 'parts'")
    ]


def test_a_repeated_choice_of_the_organisation_options_is_reported():
    options = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    options["industries"][3]["id"] = options["industries"][0]["id"]
    options["size_bands"].append({"id": "small", "name": {"zh-CN": "小", "en": "Small"}})

    assert located(option_problems(options)) == [
        (
            "industries[3].id",
            "duplicate choice id 'discrete_manufacturing' (first used at industries[0].id)",
        ),
        ("size_bands[5].id", "duplicate choice id 'small' (first used at size_bands[1].id)"),
    ]


def test_two_files_of_one_version_and_a_draft_below_the_published_are_refused(v1, v2):
    assert located(version_problems(v2, [v1, v2])) == [
        ("version", "another file is also iiai-maturity version 2")
    ]
    old_draft = questionnaire(draft(shipped_data()))
    assert located(version_problems(old_draft, [v2])) == [
        ("version", "a draft must have a higher version than the latest published one (2)")
    ]
    assert version_problems(questionnaire(draft({**v2_data(), "version": 3})), [v1, v2]) == []
    other = questionnaire({**v2_data(), "id": "another-questionnaire"})
    assert version_problems(other, [v1, v2]) == []


def test_maps_from_refers_to_the_highest_published_version_below():
    published = [("iiai-maturity", 1), ("iiai-maturity", 2), ("other", 4), ("iiai-maturity", 5)]

    assert previous_published_version("iiai-maturity", 5, published) == 2
    assert previous_published_version("iiai-maturity", 4, published) == 2
    assert previous_published_version("iiai-maturity", 2, published) == 1
    assert previous_published_version("iiai-maturity", 1, published) is None
    assert previous_published_version("other", 4, published) is None


PLATFORM_ROLE = "dimensions[0].questions[4].maps_from"  # model_platform_role in v2


@pytest.mark.parametrize(
    ("maps_from", "expected"),
    [
        (
            ["model_platform_use", "no_such_question"],
            [
                (
                    f"{PLATFORM_ROLE}[1]",
                    "'no_such_question' is not a question of iiai-maturity version 1",
                )
            ],
        ),
        (
            ["model_platform_use", "model_own_platform", "model_platform_use"],
            [(f"{PLATFORM_ROLE}[2]", "'model_platform_use' is listed more than once")],
        ),
        (
            ["model_platform_use", "data_quality"],
            [
                (
                    f"{PLATFORM_ROLE}[1]",
                    "'data_quality' is in dimension 'data' in version 1; a question can only "
                    "continue questions of its own dimension ('model')",
                )
            ],
        ),
    ],
    ids=["unknown question", "listed twice", "other dimension"],
)
def test_a_broken_maps_from_entry_is_reported_at_its_place(v1, maps_from, expected):
    data = v2_data()
    data["dimensions"][0]["questions"][4]["maps_from"] = maps_from

    assert located(mapping_problems(questionnaire(data), v1)) == expected


def test_a_question_moved_to_another_dimension_must_say_what_it_continues(v1):
    data = v2_data()
    c2m = data["dimensions"][0]["questions"].pop(3)  # model_c2m, without maps_from
    data["dimensions"][3]["questions"].append(c2m)

    assert located(mapping_problems(questionnaire(data), v1)) == [
        (
            "dimensions[3].questions[8].id",
            "'model_c2m' is in dimension 'model' in version 1; a question can only continue "
            "questions of its own dimension: give it a new id, or declare 'maps_from: []'",
        )
    ]
    c2m["maps_from"] = []
    assert mapping_problems(questionnaire(data), v1) == []


def test_maps_from_without_a_previous_version_is_refused(v2):
    there_is_none = (
        "maps_from refers to the previous published version of iiai-maturity, and there is none"
    )

    # Three questions of v2 continue questions of v1; the two new ones (maps_from: []) do not.
    assert located(mapping_problems(v2, None)) == [
        (PLATFORM_ROLE, there_is_none),
        ("dimensions[3].questions[4].maps_from", there_is_none),
        ("dimensions[3].questions[5].maps_from", there_is_none),
    ]


def test_a_location_reads_as_a_path():
    location = ("dimensions", 2, "questions", 4, "id")
    assert format_location(location) == "dimensions[2].questions[4].id"
    assert format_location(("scoring", "thresholds", 0)) == "scoring.thresholds[0]"
    assert format_location(("version",)) == "version"
