"""Content validation: every kind of problem named with file, line, location and reason."""

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from assessment.config import ROOT

SHIPPED = ROOT / "content" / "iiai-maturity-v1.yaml"


def shipped_data():
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def write(directory: Path, data, name="questionnaire.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def with_reference_data(directory: Path) -> Path:
    """Make ``directory`` a complete content folder: add the organisation choices."""
    shutil.copytree(SHIPPED.parent / "reference", directory / "reference")
    return directory


def draft(data):
    return {**data, "status": "draft"}


def reported(output: str, location: str, message: str) -> bool:
    """Whether ``output`` has a problem at ``location`` (with its question id, if any)."""
    pattern = re.escape(location) + r"( \([a-z0-9_]+\))?: " + re.escape(message)
    return re.search(pattern, output) is not None


def check(runner, *paths):
    return runner.invoke(args=["content", "check", *map(str, paths)])


def test_shipped_content_passes_the_check(runner):
    result = check(runner)
    assert result.exit_code == 0, result.output
    assert "iiai-maturity v1 (published): 6 dimensions, 37 questions" in result.output


def test_shipped_questionnaire_covers_the_framework(questionnaire):
    assert [d.id for d in questionnaire.dimensions] == [
        "model",
        "technology",
        "industry",
        "data",
        "cost",
        "talent",
    ]
    assert {d.part for d in questionnaire.dimensions[:3]} == {"A"}
    assert {d.part for d in questionnaire.dimensions[3:]} == {"B"}
    assert all(5 <= len(d.questions) <= 8 for d in questionnaire.dimensions)
    assert len(questionnaire.questions) >= 37
    assert any("regulation" in q.id for q in questionnaire.questions)


def test_unknown_key_is_reported_with_its_location(runner, tmp_path):
    data = draft(shipped_data())
    data["dimensions"][1]["questions"][2]["hint"] = "x"
    result = check(runner, write(tmp_path, data))
    assert result.exit_code == 1
    assert reported(result.output, "dimensions[1].questions[2].hint", "unknown key")


def test_missing_translation_names_the_language_and_place(runner, tmp_path):
    data = draft(shipped_data())
    del data["dimensions"][2]["questions"][4]["levels"][3]["en"]
    path = write(tmp_path, data)
    result = check(runner, path)
    assert result.exit_code == 1
    assert f"{path}:" in result.output
    assert reported(
        result.output, "dimensions[2].questions[4].levels[3].en", "the en text is missing"
    )


def test_empty_chinese_text_is_reported(runner, tmp_path):
    data = draft(shipped_data())
    data["dimensions"][0]["name"]["zh-CN"] = "  "
    result = check(runner, write(tmp_path, data))
    assert reported(result.output, "dimensions[0].name.zh-CN", "the text is empty")


def test_duplicate_question_id_across_dimensions_is_reported(runner, tmp_path):
    data = draft(shipped_data())
    first_id = data["dimensions"][0]["questions"][0]["id"]
    data["dimensions"][4]["questions"][1]["id"] = first_id
    result = check(runner, write(tmp_path, data))
    assert result.exit_code == 1
    assert reported(
        result.output,
        "dimensions[4].questions[1].id",
        f"duplicate question id '{first_id}' (first used at dimensions[0].questions[0].id)",
    )


@pytest.mark.parametrize("weight", [0, -1])
def test_weight_not_above_zero_is_reported(runner, tmp_path, weight):
    data = draft(shipped_data())
    data["dimensions"][3]["questions"][0]["weight"] = weight
    data["dimensions"][5]["weight"] = weight
    result = check(runner, write(tmp_path, data))
    assert reported(result.output, "dimensions[3].questions[0].weight", "must be greater than 0")
    assert reported(result.output, "dimensions[5].weight", "must be greater than 0")


def test_question_without_five_descriptors_is_reported(runner, tmp_path):
    data = draft(shipped_data())
    data["dimensions"][0]["questions"][3]["levels"].pop()
    result = check(runner, write(tmp_path, data))
    assert reported(result.output, "dimensions[0].questions[3].levels", "needs 5 entries, found 4")


def test_thresholds_out_of_order_are_reported(runner, tmp_path):
    data = draft(shipped_data())
    data["scoring"]["thresholds"] = [20, 60, 40, 80]
    result = check(runner, write(tmp_path, data))
    assert reported(result.output, "scoring.thresholds", "thresholds must increase strictly")


def test_unknown_part_and_unknown_placeholder_are_reported(runner, tmp_path):
    data = draft(shipped_data())
    data["dimensions"][0]["part"] = "C"
    data["scoring"]["method"]["en"] += " {overall_weight}"
    result = check(runner, write(tmp_path, data))
    assert reported(result.output, "dimensions[0].part", "part 'C' is not one of the parts")
    assert reported(result.output, "scoring.method", "unknown placeholder")


def test_every_problem_of_a_file_is_reported_at_once(runner, tmp_path):
    data = draft(shipped_data())
    data["version"] = "two"
    data["dimensions"][0]["questions"][0]["allow_na"] = "maybe"
    data["dimensions"][1]["questions"][1]["id"] = data["dimensions"][1]["questions"][0]["id"]
    result = check(runner, write(tmp_path, data))
    assert reported(result.output, "version", "must be a whole number")
    assert reported(result.output, "dimensions[0].questions[0].allow_na", "must be true or false")
    assert "duplicate question id" in result.output
    assert "3 problem(s) found." in result.output


def test_problem_names_the_line_in_the_file(runner, tmp_path):
    text = SHIPPED.read_text(encoding="utf-8").replace("status: published", "status: draft")
    lines = text.splitlines()
    target = next(i for i, line in enumerate(lines) if line.strip().startswith("weight: 1.5"))
    lines[target] = lines[target].replace("1.5", "0")
    path = tmp_path / "v1.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = check(runner, path)
    assert f"{path}:{target + 1}: " in result.output


def test_yaml_syntax_error_and_duplicate_keys_are_reported_with_lines(runner, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nversion: 1\ntitle: [unclosed\n", encoding="utf-8")
    twice = tmp_path / "twice.yaml"
    twice.write_text("id: a\nid: b\n", encoding="utf-8")
    result = check(runner, broken, twice)
    assert result.exit_code == 1
    assert f"{broken}:4: not valid YAML" in result.output
    assert f"{twice}:2: id: this key appears twice" in result.output


def test_changed_published_file_is_reported(runner, tmp_path):
    with_reference_data(tmp_path)
    data = shipped_data()
    path = write(tmp_path, data)
    lock = json.loads((SHIPPED.parent / "published.lock").read_text())
    (tmp_path / "published.lock").write_text(
        json.dumps({"iiai-maturity@1": lock["iiai-maturity@1"]})
    )
    assert check(runner, tmp_path).exit_code == 0

    data["dimensions"][0]["questions"][0]["prompt"]["en"] = "A quietly reworded prompt?"
    write(tmp_path, data)
    result = check(runner, tmp_path)
    assert result.exit_code == 1
    assert f"{path}" in result.output
    assert "has changed since it was published" in result.output


def test_a_published_version_turned_back_into_a_draft_is_reported(runner, tmp_path):
    with_reference_data(tmp_path)
    data = {**shipped_data(), "status": "draft"}
    data["dimensions"][0]["questions"][0]["prompt"]["en"] = "A quietly reworded prompt?"
    write(tmp_path, data)
    lock = json.loads((SHIPPED.parent / "published.lock").read_text())
    (tmp_path / "published.lock").write_text(
        json.dumps({"iiai-maturity@1": lock["iiai-maturity@1"]})
    )
    result = check(runner, tmp_path)
    assert result.exit_code == 1
    assert "this version was published (it is recorded in published.lock)" in result.output


def test_published_file_missing_from_the_lock_is_reported(runner, tmp_path):
    write(tmp_path, shipped_data())
    result = check(runner, tmp_path)
    assert "published, but not recorded in published.lock" in result.output


def test_deleted_published_file_is_reported(runner, tmp_path):
    (tmp_path / "published.lock").write_text(json.dumps({"iiai-maturity@1": "sha256:0"}))
    write(tmp_path, draft({**shipped_data(), "version": 2}))
    result = check(runner, tmp_path)
    assert "iiai-maturity@1: this published version has no file any more" in result.output


def test_two_files_with_the_same_version_are_reported(runner, tmp_path):
    write(tmp_path, draft(shipped_data()), "a.yaml")
    write(tmp_path, draft(shipped_data()), "b.yaml")
    result = check(runner, tmp_path)
    assert result.output.count("another file is also iiai-maturity version 1") == 2


def test_publish_marks_a_draft_published_and_pins_it(runner, tmp_path):
    with_reference_data(tmp_path)
    path = write(tmp_path, draft({**shipped_data(), "version": 3}))
    result = runner.invoke(args=["content", "publish", str(path)])
    assert result.exit_code == 0, result.output
    assert "status: published" in path.read_text(encoding="utf-8")
    assert "iiai-maturity@3" in json.loads((tmp_path / "published.lock").read_text())
    assert check(runner, tmp_path).exit_code == 0


def test_publishing_an_invalid_draft_changes_nothing(runner, tmp_path):
    data = draft(shipped_data())
    data["levels"] = data["levels"][:4]
    path = write(tmp_path, data)
    before = path.read_text(encoding="utf-8")
    result = runner.invoke(args=["content", "publish", str(path)])
    assert result.exit_code == 2
    assert reported(result.output, "levels", "needs 5 entries, found 4")
    assert path.read_text(encoding="utf-8") == before
    assert not (tmp_path / "published.lock").exists()


def test_app_with_broken_content_shows_a_clear_page_not_a_traceback(tmp_path):
    from assessment import create_app
    from assessment.config import TestingConfig

    data = shipped_data()
    data["dimensions"][0]["weight"] = 0
    write(tmp_path, draft(data))
    app = create_app(
        {
            **{k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()},
            "CONTENT_DIR": str(tmp_path),
        }
    )
    response = app.test_client().get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert b"questionnaire content has problems" in response.data


def test_space_between_chinese_characters_is_reported(runner, tmp_path):
    data = draft(shipped_data())
    data["introduction"]["zh-CN"] = "本自评帮助企业看清自己， 二是让人工智能真正落地"
    data["dimensions"][0]["summary"]["zh-CN"] = "衡量 AI 应用的程度"  # spaces around Latin are fine
    result = check(runner, write(tmp_path, data))
    assert reported(result.output, "introduction.zh-CN", "white space between Chinese characters")
    assert "dimensions[0].summary" not in result.output


def test_invalid_published_file_is_not_reported_as_missing(runner, tmp_path):
    data = shipped_data()
    data["dimensions"][0]["weight"] = 0
    write(tmp_path, data)
    (tmp_path / "published.lock").write_text(json.dumps({"iiai-maturity@1": "sha256:0"}))
    result = check(runner, tmp_path)
    assert reported(result.output, "dimensions[0].weight", "must be greater than 0")
    assert "no file any more" not in result.output


def test_a_folder_without_organisation_choices_is_reported(runner, tmp_path):
    write(tmp_path, draft(shipped_data()))
    result = check(runner, tmp_path)
    assert result.exit_code == 1
    assert "reference/organisation.yaml: cannot read the file" in result.output


def test_merge_rule_and_disagreement_spread_are_checked(runner, tmp_path):
    data = draft(shipped_data())
    data["scoring"]["merge_rule"] = "average"
    data["scoring"]["disagreement_spread"] = 0
    result = check(runner, write(tmp_path, data))
    assert reported(
        result.output,
        "scoring.merge_rule",
        "unknown merge rule; one of: median, mean_rounded_down, minimum",
    )
    assert "scoring.disagreement_spread" in result.output


def test_a_roadmap_rule_naming_an_unknown_part_or_without_text_is_reported(runner, tmp_path):
    with_reference_data(tmp_path)
    write(tmp_path, draft(shipped_data()))
    roadmap = tmp_path / "reference" / "roadmap.yaml"
    data = yaml.safe_load(roadmap.read_text(encoding="utf-8"))
    data["barriers_first"] = ["B", "C"]
    del data["rule"]["en"]
    roadmap.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = check(runner, tmp_path)
    assert result.exit_code == 1
    assert reported(result.output, "rule.en", "the en text is missing")
    # the part is checked once the file's shape is right
    data["rule"]["en"] = "Barriers first."
    roadmap.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = check(runner, tmp_path)
    assert result.exit_code == 1
    assert reported(
        result.output,
        "barriers_first[1]",
        "names part C, which iiai-maturity version 1 does not have",
    )
    assert "barriers_first[0]" not in result.output


def test_a_folder_without_the_roadmap_rule_is_reported(runner, tmp_path):
    with_reference_data(tmp_path)
    (tmp_path / "reference" / "roadmap.yaml").unlink()
    write(tmp_path, draft(shipped_data()))
    result = check(runner, tmp_path)
    assert result.exit_code == 1
    assert "reference/roadmap.yaml: cannot read the file" in result.output


def crosswalk_folder(tmp_path):
    """A content folder with the shipped files, reference data and crosswalks."""
    for path in SHIPPED.parent.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(SHIPPED.parent / "published.lock", tmp_path / "published.lock")
    with_reference_data(tmp_path)
    shutil.copytree(SHIPPED.parent / "crosswalks", tmp_path / "crosswalks")
    return tmp_path


def test_a_crosswalk_naming_unknown_questions_or_levels_is_refused(runner, tmp_path):
    folder = crosswalk_folder(tmp_path)
    assert check(runner, folder).exit_code == 0
    path = folder / "crosswalks" / "gbt-39116.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["areas"][0]["questions"].append("no_such_question")
    data["areas"][1]["questions"].append(data["areas"][0]["questions"][0])
    data["level_map"] = [None, 1, 7, 3, 2]
    data["versions"] = [2, 9]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = check(runner, folder)
    assert result.exit_code == 1
    questions = len(data["areas"][0]["questions"])
    assert reported(
        result.output,
        f"areas[0].questions[{questions - 1}]",
        "names question no_such_question, which iiai-maturity version 2 does not have",
    )
    assert "is also in area personnel" in result.output
    assert reported(result.output, "level_map[2]", "names level 7, which is not declared")
    assert reported(result.output, "level_map", "must not go down")
    assert reported(
        result.output, "versions[1]", "there is no questionnaire iiai-maturity version 9"
    )


def test_the_app_does_not_start_reading_a_broken_crosswalk(runner, tmp_path):
    from assessment.core.content.library import load_library
    from assessment.core.errors import ContentError

    folder = crosswalk_folder(tmp_path)
    path = folder / "crosswalks" / "gbt-39116.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  en: >-\n", "  fr: >-\n", 1))
    with pytest.raises(ContentError) as raised:
        load_library(folder)
    assert any("gbt-39116.yaml" in problem.file for problem in raised.value.problems)


def test_a_dimension_with_both_kinds_of_recommendation_is_reported(runner, tmp_path):
    with_reference_data(tmp_path)
    data = draft(shipped_data())
    steps = {"do": {"zh-CN": "做", "en": "Do"}, "owner": {"zh-CN": "总经理", "en": "CEO"}}
    data["dimensions"][0]["next_steps"] = [[{**steps, "horizon": "year"}] * 3] * 5
    result = check(runner, write(tmp_path, data))
    assert result.exit_code == 1
    assert reported(
        result.output,
        "dimensions[0]",
        "give each dimension either 'recommendations' (a text per level) or 'next_steps'",
    )
