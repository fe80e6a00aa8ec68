"""Warnings about how a draft is written: descriptors joining more than two conditions,
level 5 resting on recognition by others, prompts without their subject. Published
versions get none (they cannot change)."""

import yaml

from assessment.config import ROOT
from assessment.core.content.schema import Questionnaire
from assessment.core.content.writing import conditions, writing_warnings

V2 = ROOT / "content" / "iiai-maturity-v2.yaml"


def v2_as_draft(**changes):
    """Version 2's text as the next draft version (it keeps every question of the latest)."""
    data = yaml.safe_load(V2.read_text(encoding="utf-8"))
    data.update(status="draft", version=4, **changes)
    return data


def test_conditions_are_the_clauses_that_do_not_qualify_another():
    assert (
        conditions(
            "所有主要客户都建有书面需求档案，至少每半年开展一次业务回顾，并已写入客户管理制度。"
        )
        == 3
    )
    assert conditions("少数重点客户有专人了解其生产或经营难点，但各部门做法不一。") == 1
    assert conditions("邮件、办公协同（如官网，网店）等非核心应用已上云。") == 1
    assert conditions("数据按规范持续积累；模型定期再训练") == 2


def test_a_draft_of_version_2_is_warned_where_version_2_falls_short():
    data = v2_as_draft()
    questionnaire = Questionnaire.model_validate(data)
    warnings = writing_warnings(questionnaire)
    by_question = {}
    for location, message in warnings:
        if location[0] != "dimensions":
            continue
        question = data["dimensions"][location[1]]["questions"][location[3]]["id"]
        by_question.setdefault(question, []).append((location[4:], str(message)))
    # the prompts the review found without their subject
    assert (("prompt", "zh-CN"), "the prompt does not name its subject, 贵企业") in (
        by_question["data_shopfloor"]
    )
    # level 5 resting on peers copying the approach
    assert any(
        where == ("levels", 4, "zh-CN") and "recognition by others (同行)" in message
        for where, message in by_question["model_customer_role"]
    )
    # three conditions joined in one level
    assert any(
        where == ("levels", 2, "zh-CN") and message.startswith("joins 3 conditions")
        for where, message in by_question["model_customer_role"]
    )


def test_the_scales_level_5_meaning_is_read_like_a_descriptor():
    warnings = writing_warnings(Questionnaire.model_validate(v2_as_draft()))
    assert any(
        location == ("levels", 4, "meaning", "zh-CN") and "(行业标杆)" in str(message)
        for location, message in warnings
    )


def test_a_descriptor_written_to_the_rules_is_not_warned():
    data = v2_as_draft()
    question = data["dimensions"][0]["questions"][0]
    question["levels"][4] = {
        "zh-CN": "客户经营成效纳入本企业考核，且该项收入三年来每年增长。",
        "en": "Customers' results are part of the organisation's KPIs, and that revenue has "
        "grown every year for three years.",
    }
    question["levels"][2] = {
        "zh-CN": "所有主要客户都建有书面需求档案，并至少每半年回顾一次。",
        "en": "Every major customer has a written needs profile, reviewed at least every "
        "six months.",
    }
    warnings = writing_warnings(Questionnaire.model_validate(data))
    assert not [w for w in warnings if w[0][:4] == ("dimensions", 0, "questions", 0)]


def test_published_versions_get_no_warning(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0
    warned = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert not [line for line in warned if "-v1.yaml" in line or "-v2.yaml" in line]


def test_warnings_do_not_fail_the_check(runner, tmp_path):
    import shutil

    for path in V2.parent.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(V2.parent / "published.lock", tmp_path / "published.lock")
    shutil.copytree(V2.parent / "reference", tmp_path / "reference")
    data = v2_as_draft()
    data["dimensions"][3]["questions"][3]["prompt"]["zh-CN"] = "生产现场采集的数据是否可靠？"
    for dimension in data["dimensions"]:
        for question in dimension["questions"]:
            question.pop("maps_from", None)
    (tmp_path / "iiai-maturity-v4.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    result = runner.invoke(args=["content", "check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "warning: " in result.output
    assert "the prompt does not name its subject, 贵企业" in result.output
    assert "warning(s) about how the drafts are written" in result.output
