"""`flask score` and `flask content export` as a script or a consultant uses them."""

import json

import pytest

REFERENCE = {"id": "iiai-maturity", "version": 1}


def run_score(runner, document, env=None):
    text = document if isinstance(document, str) else json.dumps(document)
    return runner.invoke(args=["score", "-"], input=text, env=env or {"LANG": "en_GB.UTF-8"})


def answers_for(questionnaire, level):
    return {q.id: level for q in questionnaire.questions}


def reference_of(questionnaire):
    return {"id": questionnaire.id, "version": questionnaire.version}


def test_score_prints_overall_parts_and_dimensions(runner, questionnaire):
    answers = answers_for(questionnaire, 4)
    answers[questionnaire.dimensions[0].questions[0].id] = "unknown"
    result = run_score(runner, {"questionnaire": reference_of(questionnaire), "answers": answers})
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    assert output["overall"] == {
        "index": 75.0,
        "level": 4,
        "strict_level": 4,
        "status": "ok",
        "excluded_dimensions": [],
    }
    assert output["parts"]["A"]["index"] == output["parts"]["B"]["index"] == 75.0
    model = output["dimensions"]["model"]
    assert model["answered"] == len(questionnaire.dimensions[0].questions) - 1
    assert model["unknown"] == 1
    assert model["na"] == 0
    assert model["status"] == "ok"


def test_score_keeps_full_precision(runner, questionnaire):
    answers = {q.id: 3 for q in questionnaire.dimensions[0].questions}
    answers[questionnaire.dimensions[0].questions[1].id] = 4  # weight 1
    result = run_score(runner, {"questionnaire": reference_of(questionnaire), "answers": answers})
    model = json.loads(result.output)["dimensions"]["model"]
    total_weight = sum(float(q.weight) for q in questionnaire.dimensions[0].questions)
    assert model["score"] == pytest.approx(3 + 1 / total_weight, abs=1e-12)
    assert model["score"] != round(model["score"], 2)


def test_unanswered_dimensions_are_insufficient_and_excluded(runner, questionnaire):
    answers = {q.id: 2 for q in questionnaire.dimensions[0].questions}
    result = run_score(runner, {"questionnaire": reference_of(questionnaire), "answers": answers})
    output = json.loads(result.output)
    assert output["overall"]["status"] == "partial"
    assert output["overall"]["index"] == 25.0
    assert output["parts"]["B"] == {
        "index": None,
        "level": None,
        "status": "insufficient_data",
        "excluded_dimensions": ["data", "cost", "talent"],
    }
    assert output["dimensions"]["talent"]["status"] == "insufficient_data"
    assert output["dimensions"]["talent"]["index"] is None


def test_score_reads_a_file(runner, questionnaire, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(
        json.dumps(
            {"questionnaire": reference_of(questionnaire), "answers": answers_for(questionnaire, 5)}
        )
    )
    result = runner.invoke(args=["score", str(path)])
    assert result.exit_code == 0
    assert json.loads(result.output)["overall"]["index"] == 100.0


@pytest.mark.parametrize(
    ("answers", "expected_lines"),
    [
        ({"model_c2m": 0}, ["model_c2m: level 0 is out of range (1 to 5)"]),
        (
            {"model_c2m": 7, "talent_training": 9},
            [
                "model_c2m: level 7 is out of range (1 to 5)",
                "talent_training: level 9 is out of range (1 to 5)",
            ],
        ),
        ({"no_such_question": 3}, ["no_such_question: no such question in this questionnaire"]),
        ({"model_c2m": "na"}, ['model_c2m: "na" is not allowed for this question']),
        (
            {"model_c2m": "3"},
            ['model_c2m: "3" is not an answer; use a level 1 to 5, "na" or "unknown"'],
        ),
    ],
)
def test_bad_answers_exit_2_with_one_line_per_problem(runner, answers, expected_lines):
    result = run_score(runner, {"questionnaire": REFERENCE, "answers": answers})
    assert result.exit_code == 2
    assert result.stderr.splitlines() == expected_lines
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("{not json", "not valid JSON: Expecting property name enclosed in double quotes"),
        ("[1, 2]", 'the document must be a JSON object with "questionnaire" and "answers"'),
        ({"answers": {}}, '"questionnaire" must be an object with "id" and "version"'),
        ({"questionnaire": REFERENCE, "answers": [1]}, '"answers" must be an object'),
        (
            {"questionnaire": {"id": "iiai-maturity", "version": "1"}, "answers": {}},
            '"questionnaire.version" must be a whole number',
        ),
        (
            {"questionnaire": {"id": "iiai-maturity", "version": 9}, "answers": {}},
            "unknown questionnaire iiai-maturity version 9 "
            "(known: iiai-maturity v1, iiai-maturity v2, iiai-maturity v3)",
        ),
        (
            {"questionnaire": {"id": "other", "version": 1}, "answers": {}},
            "unknown questionnaire other version 1",
        ),
        ({"questionnaire": REFERENCE, "answers": {}, "extra": 1}, 'unknown key "extra"'),
    ],
)
def test_bad_documents_exit_2_with_a_clear_line(runner, document, expected):
    result = run_score(runner, document)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["score", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "No such file or directory" in result.output


def test_messages_follow_the_terminal_language(runner):
    result = run_score(
        runner,
        {"questionnaire": REFERENCE, "answers": {"model_c2m": 9}},
        env={"LANG": "zh_CN.UTF-8"},
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("model_c2m：")


def test_export_prints_the_questionnaire_in_both_languages(runner, questionnaire):
    result = runner.invoke(args=["content", "export"])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.output)
    assert (exported["id"], exported["version"]) == (questionnaire.id, questionnaire.version)
    assert [level["name"]["en"] for level in exported["levels"]] == [
        "Initial",
        "Emerging",
        "Defined",
        "Integrated",
        "Leading",
    ]
    assert exported["scoring"]["thresholds"] == [20, 40, 60, 80]
    assert exported["scoring"]["min_answered_share"] == 0.5
    dimension = exported["dimensions"][0]
    assert dimension["part"] == "A"
    assert dimension["name"]["zh-CN"] == "模式升级"
    question = dimension["questions"][0]
    assert set(question) >= {"id", "weight", "allow_na", "prompt", "levels", "source"}
    assert question["prompt"]["zh-CN"]
    assert question["prompt"]["en"]
    assert len(question["levels"]) == 5


def test_export_of_an_unknown_version_is_a_clear_error(runner):
    result = runner.invoke(args=["content", "export", "--version", "7"], env={"LANG": "en"})
    assert result.exit_code == 2
    assert "No such questionnaire version. Known: iiai-maturity v1 (published)" in result.stderr


@pytest.mark.parametrize(
    "text", ["[" * 100_000 + "]" * 100_000, '{"answers": {"x": ' + "9" * 5000 + "}}"]
)
def test_score_refuses_json_it_cannot_read_without_a_traceback(runner, text):
    result = runner.invoke(args=["score", "-"], input=text)
    assert result.exit_code == 2
    assert "nested too deeply or has too long a number" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [["demo"], ["assessments", "list"], ["report", "1"]])
def test_commands_on_a_database_without_tables_say_to_migrate_first(tmp_path, command):
    from assessment import create_app
    from assessment.config import TestingConfig

    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/new.db"})
    result = app.test_cli_runner().invoke(args=command, env={"LANG": "en"})
    assert result.exit_code == 4
    assert "The database has no tables yet: run 'flask db upgrade' first." in result.output
    assert "Traceback" not in result.output
