"""Exported files, read back, hold exactly the stored score and every answer."""

from datetime import datetime
from urllib.parse import quote

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from assessment.content.registry import current_library
from assessment.core.numbers import display_index
from assessment.extensions import db
from assessment.models import Assessment, AuditEvent, level_of
from tests.exports.conftest import ENGLISH, read_csv, read_json, read_xlsx
from tests.questionnaire.conftest import Respondent

ENGLISH_ANSWER_HEADERS = [
    "Organisation name",
    "Assessment",
    "Questionnaire",
    "Status",
    "Submitted on",
    "Overall maturity index",
    "Overall level",
    "Dimension",
    "Dimension index",
    "Dimension level",
    "Question ID",
    "Question",
    "Answer",
    "Level",
    "Level description",
    "Comment",
    "Confidence",
    "Consultant's check",
    "Evidence files",
]


def stored(app, assessment_id):
    """What the database holds: the score fixed at submission and each answer."""
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        questionnaire = current_library().get(
            assessment.questionnaire_id, assessment.questionnaire_version
        )
        return {
            "result": assessment.result,
            "status": assessment.status,
            "organisation": assessment.organisation.name if assessment.organisation else None,
            "answers": {a.question_id: (a.value, a.comment) for a in assessment.answers},
            "questionnaire": questionnaire,
        }


def download(client, path, **query):
    response = client.get(path, query_string=query, headers=ENGLISH)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"
    return response


def test_json_holds_the_stored_score_and_every_answer(app, client, world):
    data = stored(app, world["assessment_id"])
    document = read_json(download(client, f"/a/{world['token']}/export.json").data)
    assert document["format"] == "maturity-assessment-export"
    assert document["format_version"] == 1
    assert document["scope"] == {"kind": "assessment", "assessment_id": world["assessment_id"]}
    assert [o["name"] for o in document["organisations"]] == [world["org_a_name"]]
    (exported,) = document["assessments"]
    questionnaire = data["questionnaire"]
    assert exported["questionnaire"] == {"id": questionnaire.id, "version": questionnaire.version}
    assert exported["status"] == "submitted"
    assert exported["result"] == data["result"]
    assert "resume_token" not in str(document)
    assert world["token"] not in str(document)
    questions = [q.id for q in questionnaire.questions]
    assert [a["question_id"] for a in exported["answers"]] == questions
    for answer in exported["answers"]:
        value, comment = data["answers"].get(answer["question_id"], (None, ""))
        level = level_of(value)
        assert answer["answer"] == (level if level is not None else value)
        assert answer["comment"] == comment


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_csv_has_one_row_per_question_with_the_stored_scores(app, client, world, language):
    data = stored(app, world["assessment_id"])
    response = download(client, f"/a/{world['token']}/export.csv", lang=language)
    assert response.mimetype == "text/csv"
    header, *rows = read_csv(response.data)
    with app.test_request_context(), force_locale("en" if language == "en" else "zh_CN"):
        assert header == [_(text) for text in ENGLISH_ANSWER_HEADERS]
    questionnaire = data["questionnaire"]
    assert len(rows) == len(questionnaire.questions)
    overall = data["result"]["overall"]
    for row in rows:
        by_header = dict(zip(ENGLISH_ANSWER_HEADERS, row, strict=True))
        question_id = by_header["Question ID"]
        value, comment = data["answers"][question_id]
        question = next(q for q in questionnaire.questions if q.id == question_id)
        dimension = next(d for d in questionnaire.dimensions if question in d.questions)
        scores = data["result"]["dimensions"][dimension.id]
        assert by_header["Organisation name"] == data["organisation"]
        assert by_header["Overall maturity index"] == display_index(overall["index"])
        assert by_header["Overall level"] == str(overall["level"])
        assert by_header["Dimension"] == dimension.name.get(language)
        assert by_header["Dimension index"] == display_index(scores["index"])
        assert by_header["Dimension level"] == str(scores["level"])
        assert by_header["Question"] == question.prompt.get(language)
        assert by_header["Comment"] == comment
        level = level_of(value)
        assert by_header["Level"] == (str(level) if level else "")
        if level:
            assert by_header["Level description"] == question.levels[level - 1].get(language)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_xlsx_has_a_scores_sheet_and_an_answers_sheet_in_the_chosen_language(
    app, client, world, language
):
    data = stored(app, world["assessment_id"])
    response = download(client, f"/a/{world['token']}/export.xlsx", lang=language)
    workbook = read_xlsx(response.data)
    locale = "en" if language == "en" else "zh_CN"
    with app.test_request_context(), force_locale(locale):
        assert workbook.sheetnames == [_("Scores"), _("Answers")]
        answer_headers = [_(text) for text in ENGLISH_ANSWER_HEADERS]
        overall_header = _("Overall maturity index")
        index_label, level_label = _("Index"), _("Level")
    scores_sheet, answers_sheet = workbook.worksheets
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        assert all(sheet.column_dimensions[c.column_letter].width >= 8 for c in sheet[1])

    header, *rows = ([cell.value for cell in row] for row in scores_sheet.iter_rows())
    (row,) = rows
    scores = dict(zip(header, row, strict=True))
    result = data["result"]
    assert scores[overall_header] == float(display_index(result["overall"]["index"]))
    questionnaire = data["questionnaire"]
    for dimension in questionnaire.dimensions:
        name = dimension.name.get(language)
        exact = result["dimensions"][dimension.id]
        assert scores[f"{name} · {index_label}"] == float(display_index(exact["index"]))
        assert scores[f"{name} · {level_label}"] == exact["level"]

    header, *rows = ([cell.value for cell in row] for row in answers_sheet.iter_rows())
    assert header == answer_headers
    assert len(rows) == len(questionnaire.questions)
    for row in rows:
        question_id, prompt, level, descriptor, comment = row[10], row[11], *row[13:16]
        value, stored_comment = data["answers"][question_id]
        question = next(q for q in questionnaire.questions if q.id == question_id)
        assert prompt == question.prompt.get(language)
        assert level == level_of(value)
        assert descriptor == (question.levels[level - 1].get(language) if level else None)
        assert (comment or "") == stored_comment


def test_the_page_language_is_the_default(app, client, world):
    response = client.get(f"/a/{world['token']}/export.csv", headers={"Accept-Language": "zh-CN"})
    assert response.headers["Content-Disposition"].endswith("-zh-CN.csv")
    response = client.get(f"/a/{world['token']}/export.csv", headers=ENGLISH)
    assert response.headers["Content-Disposition"].endswith("-en.csv")


def test_an_unknown_language_or_format_is_refused(client, world):
    response = client.get(f"/a/{world['token']}/export.csv?lang=fr", headers=ENGLISH)
    assert response.status_code == 400
    assert "use zh-CN or en" in response.get_data(as_text=True)
    assert client.get(f"/a/{world['token']}/export.pdf").status_code == 404


def test_a_chinese_file_name_is_sent_in_ascii_and_in_rfc_5987_form(client, world):
    response = download(client, f"/a/{world['token']}/export.xlsx", lang="en")
    disposition = response.headers["Content-Disposition"]
    disposition.encode("ascii")  # an HTTP header must be ASCII
    stem = f"assessment-{world['assessment_id']}-en.xlsx"
    assert disposition == (
        f'attachment; filename="{stem}"; '
        f"filename*=UTF-8''{quote(world['org_a_name'] + '-' + stem, safe='')}"
    )


FORMULAS = ('=HYPERLINK("http://example.com","open")', "+1+2", "-3+4", "@SUM(A1:A9)")


@pytest.fixture
def formula_comments(app, questionnaire):
    """A submitted assessment whose name and comments start like spreadsheet formulas:
    its token, and question id -> comment."""
    commented = {
        dimension.questions[0].id: text
        for dimension, text in zip(questionnaire.dimensions, FORMULAS, strict=False)
    }
    respondent = Respondent(app.test_client(), questionnaire)
    respondent.start()
    respondent.fill_organisation(name="=cmd|' /C calc'!A0")
    for dimension in questionnaire.dimensions:
        values = {q.id: "3" for q in dimension.questions}
        comments = {q: text for q, text in commented.items() if q in values}
        assert respondent.answer(dimension.id, values, "next", comments).status_code == 302
    assert respondent.submit().status_code == 302
    return respondent.token, commented


def test_formulas_in_free_text_stay_text_in_csv_and_xlsx(client, formula_comments):
    token, commented = formula_comments
    assert len(commented) == len(FORMULAS)
    csv_rows = read_csv(download(client, f"/a/{token}/export.csv").data)[1:]
    comments = {row[10]: row[15] for row in csv_rows}
    for question_id, text in commented.items():
        assert comments[question_id] == "'" + text
    assert {row[0] for row in csv_rows} == {"'=cmd|' /C calc'!A0"}

    workbook = read_xlsx(download(client, f"/a/{token}/export.xlsx").data)
    answers = workbook.worksheets[1]
    cells = {row[10].value: row[15] for row in answers.iter_rows(min_row=2)}
    for question_id, text in commented.items():
        assert cells[question_id].value == text
        assert cells[question_id].data_type == "s"
        assert cells[question_id].quotePrefix
    assert workbook.worksheets[0]["A2"].value == "=cmd|' /C calc'!A0"
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_a_draft_exports_its_answers_and_no_score(app, client, questionnaire):
    respondent = Respondent(client, questionnaire)
    respondent.start()
    respondent.fill_organisation()
    first = questionnaire.dimensions[0]
    respondent.answer(first.id, {first.questions[0].id: "4"}, comments={first.questions[1].id: "x"})
    document = read_json(download(client, f"/a/{respondent.token}/export.json").data)
    (draft,) = document["assessments"]
    assert draft["status"] == "draft"
    assert draft["result"] is None
    assert draft["submitted_at"] is None
    answers = {a["question_id"]: a for a in draft["answers"]}
    assert answers[first.questions[0].id]["answer"] == 4
    assert answers[first.questions[1].id] == {
        "question_id": first.questions[1].id,
        "dimension_id": first.id,
        "answer": None,
        "comment": "x",
        "confidence": None,
        "verification": None,
        "evidence_files": 0,
    }
    assert len(answers) == len(questionnaire.questions)

    _header, *rows = read_csv(download(client, f"/a/{respondent.token}/export.csv").data)
    assert {row[3] for row in rows} == {"In progress"}
    assert {(row[5], row[6], row[8], row[9]) for row in rows} == {("", "", "", "")}
    scores = read_xlsx(download(client, f"/a/{respondent.token}/export.xlsx").data).worksheets[0]
    (row,) = list(scores.iter_rows(min_row=2, values_only=True))
    assert row[5] == "In progress"
    assert isinstance(row[7], datetime)  # started, as a date cell
    assert set(row[9:]) == {None}


def test_the_command_line_writes_an_export(app, runner, world, tmp_path):
    identifier = str(world["assessment_id"])
    target = tmp_path / "out.xlsx"
    result = runner.invoke(
        args=["assessments", "export", identifier, "--lang", "en", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert read_xlsx(target.read_bytes()).sheetnames == ["Scores", "Answers"]
    result = runner.invoke(
        args=["assessments", "export", identifier, "--format", "json", "-o", "-"]
    )
    assert result.exit_code == 0, result.output
    document = read_json(result.stdout_bytes)
    assert document["assessments"][0]["result"] == stored(app, world["assessment_id"])["result"]
    with app.app_context():
        channels = db.session.execute(
            select(AuditEvent.channel).where(AuditEvent.action == "export.generated")
        ).scalars()
        assert list(channels) == ["command", "command"]


def test_the_command_line_refuses_an_unknown_language_or_assessment(runner, world):
    identifier = str(world["assessment_id"])
    result = runner.invoke(args=["assessments", "export", identifier, "--lang", "fr", "-o", "-"])
    assert result.exit_code == 2
    assert result.stderr == "No export language fr; use zh-CN or en.\n"
    result = runner.invoke(args=["assessments", "export", "999999"])
    assert result.exit_code == 2
    assert "No assessment with id 999999" in result.stderr
