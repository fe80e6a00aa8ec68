"""Questionnaire versions: maps_from is checked like any other content, published files
never change, and the library gives the question mapping that comparisons take."""

import json
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from assessment.config import ROOT
from assessment.core import comparison
from assessment.core.comparison import Comparability, Movement
from assessment.core.content.checks import content_hash
from assessment.core.content.library import load_library
from assessment.core.content.yaml_source import parse_yaml
from assessment.core.errors import ContentError
from assessment.core.scoring import Level, score
from assessment.core.stored_result import StoredResult
from tests.content.test_loader import check, reported, with_reference_data, write

CONTENT = ROOT / "content"
V1 = CONTENT / "iiai-maturity-v1.yaml"
V2 = CONTENT / "iiai-maturity-v2.yaml"
V3 = CONTENT / "iiai-maturity-v3.yaml"
V1_HASH_WHEN_PUBLISHED = "sha256:0f31bce86e5794614757ea5744865907026bf4ac78381419b3163dd1e545dafc"

# What version 2 changed, as its maps_from says; every other question keeps its id.
CHANGED_IN_V2 = {
    "model_platform_role": ("model_platform_use", "model_own_platform"),  # merged
    "data_privacy": ("data_risk_compliance",),  # split ...
    "data_ai_trust": ("data_risk_compliance",),  # ... in two
    "cost_lifecycle": (),  # added
    "talent_frontline_data_loop": (),  # added
}
REMOVED_IN_V2 = {"technology_ai_use"}
# Version 3 keeps every question id of version 2; two measure something else now.
MEASURE_ANEW_IN_V3 = {"model_value_source": (), "technology_cloud": ()}
NOT_APPLICABLE_FROM_V3 = {
    "model_c2m",
    "model_platform_role",
    "industry_production_side",
    "industry_demand_response",
}
REWORDED_IN_V2 = {
    "technology_production_use",
    "industry_long_term",
    "talent_leadership_ai_thinking",
}


def shipped_lock():
    return json.loads((CONTENT / "published.lock").read_text(encoding="utf-8"))


def lock_up_to(version):
    """The shipped lock's entries for versions 1 to ``version``."""
    return {
        key: pinned
        for key, pinned in shipped_lock().items()
        if int(key.rsplit("@", 1)[1]) <= version
    }


def v2_data():
    return yaml.safe_load(V2.read_text(encoding="utf-8"))


def folder_with_v1(tmp_path: Path) -> Path:
    """A content folder with the published version 1, byte for byte, and its lock entry."""
    with_reference_data(tmp_path)
    shutil.copy(V1, tmp_path / V1.name)
    lock = {"iiai-maturity@1": shipped_lock()["iiai-maturity@1"]}
    (tmp_path / "published.lock").write_text(json.dumps(lock), encoding="utf-8")
    return tmp_path


def question_at(data, question_id):
    """``(dimension position, question position, question)`` of a question in a document."""
    for i, dimension in enumerate(data["dimensions"]):
        for j, question in enumerate(dimension["questions"]):
            if question["id"] == question_id:
                return i, j, question
    raise KeyError(question_id)


def lines_of(path: Path, text: str) -> list[int]:
    return [
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip() == text
    ]


# ---------------------------------------------------------------------------
# Published versions


def test_version_1_is_unchanged_and_still_pinned():
    lock = shipped_lock()
    assert lock["iiai-maturity@1"] == V1_HASH_WHEN_PUBLISHED
    assert content_hash(parse_yaml(V1).data) == V1_HASH_WHEN_PUBLISHED


def test_version_2_is_published_and_pinned():
    parsed = parse_yaml(V2)
    assert parsed.data["version"] == 2
    assert parsed.data["status"] == "published"
    assert shipped_lock()["iiai-maturity@2"] == content_hash(parsed.data)


def test_version_3_is_published_and_pinned():
    parsed = parse_yaml(V3)
    assert (parsed.data["version"], parsed.data["status"]) == (3, "published")
    assert shipped_lock()["iiai-maturity@3"] == content_hash(parsed.data)


def test_shipped_content_has_every_version_and_starts_on_the_latest(runner, questionnaire):
    result = check(runner)
    assert result.exit_code == 0, result.output
    assert "iiai-maturity v1 (published): 6 dimensions, 37 questions" in result.output
    assert "iiai-maturity v2 (published): 6 dimensions, 38 questions" in result.output
    assert "iiai-maturity v3 (published): 6 dimensions, 38 questions" in result.output
    assert "warning:" not in result.output
    assert questionnaire.key == ("iiai-maturity", 3)


def test_publishing_versions_2_and_3_as_drafts_gives_the_pinned_hashes(runner, tmp_path):
    folder = folder_with_v1(tmp_path)
    for published in (V2, V3):
        draft_path = folder / published.name
        draft_path.write_text(
            published.read_text(encoding="utf-8").replace(
                "\nstatus: published\n", "\nstatus: draft\n"
            ),
            encoding="utf-8",
        )
        assert check(runner, folder).exit_code == 0
        result = runner.invoke(args=["content", "publish", str(draft_path)], env={"LANG": "en"})
        assert result.exit_code == 0, result.output
        assert draft_path.read_bytes() == published.read_bytes()
    assert json.loads((folder / "published.lock").read_text()) == shipped_lock()
    assert check(runner, folder).exit_code == 0


def test_version_3_keeps_every_question_and_measures_two_anew(library):
    v2, v3 = library.get("iiai-maturity", 2), library.get("iiai-maturity", 3)
    assert v3.maps_from == MEASURE_ANEW_IN_V3
    assert [q.id for q in v3.questions] == [q.id for q in v2.questions]
    assert {q.id for q in v3.questions if q.allow_na} == NOT_APPLICABLE_FROM_V3 | {
        q.id for q in v2.questions if q.allow_na
    }
    for dimension in v3.dimensions:
        assert dimension.recommendations is None
        assert len(dimension.next_steps) == 5
        assert all(3 <= len(actions) <= 4 for actions in dimension.next_steps)


def test_version_2_changes_what_its_maps_from_says(app):
    with app.app_context():
        from assessment.content.registry import current_library

        library = current_library()
    v1, v2 = library.get("iiai-maturity", 1), library.get("iiai-maturity", 2)
    assert v2.maps_from == CHANGED_IN_V2
    v1_ids = {q.id for q in v1.questions}
    v2_ids = {q.id for q in v2.questions}
    assert v1_ids - v2_ids == {*REMOVED_IN_V2, "model_platform_use", "model_own_platform"} | {
        "data_risk_compliance"
    }
    assert v2_ids - v1_ids == set(CHANGED_IN_V2)
    for question_id in REWORDED_IN_V2:
        old = next(q for q in v1.questions if q.id == question_id)
        new = next(q for q in v2.questions if q.id == question_id)
        assert old.prompt != new.prompt
        assert new.maps_from is None
    assert [d.id for d in v1.dimensions] == [d.id for d in v2.dimensions]
    assert all(5 <= len(d.questions) <= 8 for d in v2.dimensions)


# ---------------------------------------------------------------------------
# Checking maps_from


def bad_v2(tmp_path, change):
    """A draft version 2 beside the published version 1, changed by ``change(data)``."""
    folder = folder_with_v1(tmp_path)
    data = {**v2_data(), "status": "draft"}
    change(data)
    return folder, write(folder, data, "iiai-maturity-v2.yaml")


def set_maps_from(question_id, old_ids):
    def change(data):
        question_at(data, question_id)[2]["maps_from"] = old_ids

    return change


@pytest.mark.parametrize(
    ("old_ids", "bad_position", "message"),
    [
        (
            ["model_platform_use", "model_no_such_question"],
            1,
            "'model_no_such_question' is not a question of iiai-maturity version 1",
        ),
        (
            ["model_platform_use", "data_quality"],
            1,
            "'data_quality' is in dimension 'data' in version 1; a question can only continue "
            "questions of its own dimension ('model')",
        ),
        (
            ["model_platform_use", "model_own_platform", "model_platform_use"],
            2,
            "'model_platform_use' is listed more than once",
        ),
    ],
)
def test_bad_maps_from_entry_is_reported_at_its_line(
    runner, tmp_path, old_ids, bad_position, message
):
    folder, path = bad_v2(tmp_path, set_maps_from("model_platform_role", old_ids))
    i, j, _ = question_at(v2_data(), "model_platform_role")
    result = check(runner, folder)
    assert result.exit_code == 1
    location = f"dimensions[{i}].questions[{j}].maps_from[{bad_position}] (model_platform_role)"
    bad_id = old_ids[bad_position]
    line = lines_of(path, f"- {bad_id}")[old_ids[:bad_position].count(bad_id)]
    assert f"{path}:{line}: {location}: {message}" in result.output
    assert "1 problem(s) found." in result.output


def test_each_bad_entry_is_reported_once_and_good_ones_not_at_all(runner, tmp_path):
    old_ids = ["model_nope", "model_platform_use", "model_nope", "talent_training"]
    folder, _ = bad_v2(tmp_path, set_maps_from("model_platform_role", old_ids))
    output = check(runner, folder).output
    assert "maps_from[0] (model_platform_role): 'model_nope' is not a question" in output
    assert "maps_from[1]" not in output
    assert "maps_from[2] (model_platform_role): 'model_nope' is not a question" in output
    assert "maps_from[3] (model_platform_role): 'talent_training' is in dimension" in output
    assert "3 problem(s) found." in output


def test_reusing_an_id_of_another_dimension_without_maps_from_is_reported(runner, tmp_path):
    def change(data):
        question = question_at(data, "cost_lifecycle")[2]
        question["id"] = "technology_ai_use"
        del question["maps_from"]

    folder, path = bad_v2(tmp_path, change)
    i, j, _ = question_at(v2_data(), "cost_lifecycle")
    result = check(runner, folder)
    (line,) = lines_of(path, "- id: technology_ai_use")
    assert (
        f"{path}:{line}: dimensions[{i}].questions[{j}].id (technology_ai_use): "
        "'technology_ai_use' is in dimension 'technology' in version 1; a question can only "
        "continue questions of its own dimension: give it a new id, or declare 'maps_from: []'"
    ) in result.output


def test_maps_from_without_an_earlier_published_version_is_reported(runner, tmp_path):
    data = {**v2_data(), "status": "draft"}
    path = write(tmp_path, data)
    i, j, _ = question_at(data, "data_privacy")
    result = check(runner, path)
    assert result.exit_code == 1
    assert reported(
        result.output,
        f"dimensions[{i}].questions[{j}].maps_from",
        "maps_from refers to the previous published version of iiai-maturity, and there is none",
    )
    problems = [line for line in result.output.splitlines() if not line.startswith("warning:")]
    assert not [line for line in problems if "cost_lifecycle" in line]  # an empty maps_from
    # needs no earlier version


def test_a_single_file_is_checked_against_the_earlier_version_beside_it(runner, tmp_path):
    _, path = bad_v2(tmp_path, set_maps_from("data_privacy", ["data_nope"]))
    result = check(runner, path)
    assert reported(
        result.output, "maps_from[0]", "'data_nope' is not a question of iiai-maturity version 1"
    )
    assert "1 problem(s) found." in result.output


def test_maps_from_must_be_a_list_of_ids(runner, tmp_path):
    folder, _ = bad_v2(tmp_path, set_maps_from("data_privacy", "data_risk_compliance"))
    assert reported(check(runner, folder).output, "maps_from", "must be a list")


def test_a_removed_question_is_not_a_problem(runner, tmp_path):
    folder, _ = bad_v2(tmp_path, lambda data: None)
    assert check(runner, folder).exit_code == 0  # technology_ai_use has no successor


def test_the_app_refuses_content_with_a_broken_mapping(tmp_path):
    folder, path = bad_v2(tmp_path, set_maps_from("data_privacy", ["data_nope"]))
    with pytest.raises(ContentError) as raised:
        load_library(folder)
    assert [p.location for p in raised.value.problems if p.file == str(path)] == [
        f"dimensions[3].questions[{question_at(v2_data(), 'data_privacy')[1]}].maps_from[0]"
        " (data_privacy)"
    ]


def test_publishing_refuses_a_version_another_file_has(runner, tmp_path):
    folder = folder_with_v1(tmp_path)
    path = write(folder, {**v2_data(), "status": "draft", "version": 1}, "copy.yaml")
    result = runner.invoke(args=["content", "publish", str(path)], env={"LANG": "en"})
    assert result.exit_code == 2
    assert "another file is also iiai-maturity version 1" in result.output
    assert "status: draft" in path.read_text(encoding="utf-8")


def test_publishing_refuses_a_broken_mapping(runner, tmp_path):
    _, path = bad_v2(tmp_path, set_maps_from("data_privacy", ["data_nope"]))
    before = path.read_text(encoding="utf-8")
    result = runner.invoke(args=["content", "publish", str(path)], env={"LANG": "en"})
    assert result.exit_code == 2
    assert "'data_nope' is not a question of iiai-maturity version 1" in result.output
    assert path.read_text(encoding="utf-8") == before


# ---------------------------------------------------------------------------
# The mapping between versions


def test_mapping_from_version_1_to_2_covers_every_version_2_question(library):
    v1, v2 = library.get("iiai-maturity", 1), library.get("iiai-maturity", 2)
    mapping = library.question_mapping(v1, v2)
    assert list(mapping) == [q.id for q in v2.questions]
    assert mapping == {q.id: CHANGED_IN_V2.get(q.id, (q.id,)) for q in v2.questions}
    continued = {old for old_ids in mapping.values() for old in old_ids}
    assert {q.id for q in v1.questions} - continued == REMOVED_IN_V2
    assert comparison.mapping_problems(v1.scoring_rules, v2.scoring_rules, mapping) == []
    assert library.previous_published(v2) is v1
    assert library.previous_published(v1) is None


def test_mapping_backwards_is_the_inverse(library):
    v1, v2 = library.get("iiai-maturity", 1), library.get("iiai-maturity", 2)
    backwards = library.question_mapping(v2, v1)
    assert list(backwards) == [q.id for q in v1.questions]
    assert backwards["model_platform_use"] == ("model_platform_role",)
    assert backwards["model_own_platform"] == ("model_platform_role",)
    assert backwards["data_risk_compliance"] == ("data_privacy", "data_ai_trust")
    assert backwards["technology_ai_use"] == ()
    assert backwards["data_quality"] == ("data_quality",)
    assert comparison.mapping_problems(v2.scoring_rules, v1.scoring_rules, backwards) == []


def test_mapping_within_one_version_is_the_identity(library):
    v2 = library.get("iiai-maturity", 2)
    assert library.question_mapping(v2, v2) == {q.id: (q.id,) for q in v2.questions}


def test_mapping_across_two_steps_composes_them(tmp_path):
    folder = with_reference_data(tmp_path)
    shutil.copy(V1, folder / V1.name)
    shutil.copy(V2, folder / V2.name)
    (folder / "published.lock").write_text(json.dumps(lock_up_to(2)), encoding="utf-8")
    data = {**v2_data(), "version": 3, "status": "draft"}  # another version 3 than ours
    i, j, platforms = question_at(data, "model_platform_role")
    data["dimensions"][i]["questions"][j] = {
        **platforms,
        "id": "model_platforms",
        "maps_from": ["model_platform_role"],
    }
    i, j, _ = question_at(data, "data_ai_trust")
    del data["dimensions"][i]["questions"][j]
    i, j, privacy = question_at(data, "data_privacy")
    del privacy["maps_from"]
    write(folder, data, "iiai-maturity-v3.yaml")

    library = load_library(folder)
    v1, v2, v3 = (library.get("iiai-maturity", v) for v in (1, 2, 3))
    assert library.previous_published(v3) is v2
    two_steps = library.question_mapping(v1, v3)
    assert two_steps["model_platforms"] == ("model_platform_use", "model_own_platform")
    assert two_steps["data_privacy"] == ("data_risk_compliance",)
    assert two_steps["cost_lifecycle"] == ()
    assert two_steps["data_quality"] == ("data_quality",)
    assert list(two_steps) == [q.id for q in v3.questions]
    assert library.question_mapping(v2, v3)["model_platforms"] == ("model_platform_role",)
    assert library.question_mapping(v3, v1)["data_risk_compliance"] == ("data_privacy",)


def test_trend_bridges_a_dimension_the_next_version_changed_too_much(app, tmp_path):
    from datetime import UTC, datetime

    from assessment.history.trend import trend_chart
    from assessment.models import Assessment

    folder = with_reference_data(tmp_path)
    shutil.copy(V1, folder / V1.name)
    shutil.copy(V2, folder / V2.name)
    (folder / "published.lock").write_text(json.dumps(lock_up_to(2)), encoding="utf-8")
    data = {**v2_data(), "version": 3, "status": "draft"}  # another version 3 than ours
    for dimension in data["dimensions"]:
        for question in dimension["questions"]:
            question.pop("maps_from", None)  # version 2's own mapping is to version 1
            if dimension["id"] == "cost":
                question["maps_from"] = []  # every cost question is new: nothing to compare
    write(folder, data, "iiai-maturity-v3.yaml")
    library = load_library(folder)
    v3 = library.get("iiai-maturity", 3)

    def submitted(version, year, level):
        answers = {q.id: Level(level) for d in v3.dimensions for q in d.questions}
        return Assessment(
            questionnaire_id="iiai-maturity",
            questionnaire_version=version,
            submitted_at=datetime(year, 6, 1, tzinfo=UTC),
            result=StoredResult.of(score(answers, v3.scoring_rules)).to_dict(),
        )

    assessments = [submitted(1, 2024, 1), submitted(2, 2025, 2), submitted(3, 2026, 3)]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        chart = trend_chart(assessments, v3, library, "en", "Overall")
    lines = {series.label: series for series in chart.series}
    cost_line = lines[next(d.name.en for d in v3.dimensions if d.id == "cost")]
    model_line = lines[next(d.name.en for d in v3.dimensions if d.id == "model")]
    assert cost_line.path.count("L") == 1  # 2024 to 2025 drawn; 2025 to 2026 not
    assert cost_line.bridges.count("M") == 1  # but bridged with a dashed line
    assert model_line.path.count("L") == 2
    assert model_line.bridges == ""
    assert lines["Overall"].bridges == ""
    assert "changed too much" in chart.break_note


def test_different_questionnaires_have_no_counterparts(library):
    v2 = library.get("iiai-maturity", 2)
    other = v2.model_copy(update={"id": "another-questionnaire"})
    assert set(library.question_mapping(other, v2).values()) == {()}


# ---------------------------------------------------------------------------
# Comparing a demo organisation's version-1 and version-2 assessments


def test_demo_organisation_compares_across_versions_with_contributions_that_add_up(
    app, runner, library
):
    from assessment.extensions import db
    from assessment.history import service as history
    from assessment.models import Organisation

    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        organisation = (
            db.session.execute(select(Organisation).order_by(Organisation.id)).scalars().first()
        )
        submitted = history.submitted_of(organisation)
        assert [a.questionnaire_version for a in submitted] == [1, 2, 3]
        first, second, third = submitted
        compared = {
            (old.questionnaire_version, new.questionnaire_version): (
                history.compare(old, new, library)[0],
                new.stored_result.overall.index,
            )
            for old, new in ((first, second), (second, third), (first, third))
        }

    for result, stored_new_index in compared.values():
        assert float(result.new.overall.index) == pytest.approx(float(stored_new_index))
        assert result.overall.status is Comparability.COMPARABLE
        assert sum(result.overall.contributions.values()) == result.overall.delta
        for dimension in result.dimensions.values():
            assert dimension.status is Comparability.COMPARABLE, dimension.reasons
            contributions = [row.contribution for row in dimension.questions]
            assert sum(contributions, Fraction(0)) == dimension.delta

    def measured_anew(result):
        return sorted(
            row.question_id
            for dimension in result.dimensions.values()
            for row in dimension.questions
            if row.movement is Movement.NEW_QUESTION
        )

    assert measured_anew(compared[(2, 3)][0]) == sorted(MEASURE_ANEW_IN_V3)
    assert measured_anew(compared[(1, 3)][0]) == sorted(
        [*MEASURE_ANEW_IN_V3, "cost_lifecycle", "talent_frontline_data_loop"]
    )
    result = compared[(1, 2)][0]

    def row(dimension_id, movement):
        return [r for r in result.dimensions[dimension_id].questions if r.movement is movement]

    assert [r.old_question_ids for r in row("technology", Movement.REMOVED_QUESTION)] == [
        ("technology_ai_use",)
    ]
    assert [r.question_id for r in row("cost", Movement.NEW_QUESTION)] == ["cost_lifecycle"]
    assert [r.question_id for r in row("talent", Movement.NEW_QUESTION)] == [
        "talent_frontline_data_loop"
    ]
    merged = next(
        r for r in result.dimensions["model"].questions if r.question_id == "model_platform_role"
    )
    assert merged.old_question_ids == ("model_platform_use", "model_own_platform")
    split = [
        r
        for r in result.dimensions["data"].questions
        if r.old_question_ids == ("data_risk_compliance",)
    ]
    assert [r.question_id for r in split] == ["data_privacy", "data_ai_trust"]
