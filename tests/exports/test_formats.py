"""The export tables and files (``exports/formats``), built from records made here.

A submitted assessment of v2: technology at 4, 4, 4, 3, 3 (weights 1.5, 1.5, 1, 1, 1:
index 66.66..., shown 66.6), every other answer 3 (index 50); overall (5 * 50 +
66.66...) / 6 = 52.77... (shown 52.7); part A 55.55... (55.5), part B 50. And a draft
of the same organisation, half answered.
"""

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from assessment.core.scoring import Abstention, Level, score
from assessment.core.stored_result import StoredResult
from assessment.exports.formats import answer_table, csv_bytes, score_table, xlsx_bytes
from assessment.exports.records import (
    AnswerRecord,
    AssessmentRecord,
    ExportRecords,
    OrganisationRecord,
)
from tests.exports.conftest import read_csv, read_xlsx

pytestmark = pytest.mark.usefixtures("in_request")

TECHNOLOGY = {
    "technology_production_use": "4",
    "technology_data_foundation": "4",
    "technology_cloud": "4",
}
FIXED_HEADERS = [
    "Organisation name",
    "Industry",
    "Region or city",
    "Assessment",
    "Questionnaire",
    "Status",
    "Respondent",
    "Started",
    "Submitted on",
    "Overall maturity index",
    "Overall level",
    "Strict level",
]
FORMULAS = ('=HYPERLINK("http://example.com","open")', "+1+2", "-3+4", "@SUM(A1:A9)")


def organisation(name="Acme Precision", region="Shenzhen"):
    return OrganisationRecord(
        id=7, name=name, industry="discrete_manufacturing", size_band="medium", region=region
    )


def assessment(questionnaire, values, *, record_id, submitted, comments=None, respondent="Li Wei"):
    """A record with ``values`` (question id -> stored value); scored when submitted."""
    comments = comments or {}
    answers = tuple(
        AnswerRecord(q.id, d.id, values.get(q.id), comments.get(q.id, ""))
        for d in questionnaire.dimensions
        for q in d.questions
    )
    scored = {
        question_id: Level(int(value)) if value.isdigit() else Abstention(value)
        for question_id, value in values.items()
    }
    return AssessmentRecord(
        id=record_id,
        organisation_id=7,
        questionnaire=questionnaire,
        status="submitted" if submitted else "draft",
        respondent_name=respondent,
        locale="en",
        created_at=datetime(2025, 2, 24, 9, tzinfo=UTC),
        updated_at=datetime(2025, 3, 5, 9, tzinfo=UTC),
        submitted_at=datetime(2025, 3, 5, 9, tzinfo=UTC) if submitted else None,
        result=StoredResult.of(score(scored, questionnaire.scoring_rules)) if submitted else None,
        answers=answers,
    )


def submitted_values(questionnaire, **overrides):
    values = {q.id: TECHNOLOGY.get(q.id, "3") for q in questionnaire.questions}
    return {**values, **overrides}


@pytest.fixture
def records(v2):
    """The submitted assessment (id 11) and a draft (id 12) with its model questions only."""
    submitted = assessment(v2, submitted_values(v2), record_id=11, submitted=True)
    draft_values = {q.id: "2" for q in v2.dimension("model").questions}
    draft = assessment(v2, draft_values, record_id=12, submitted=False, respondent="")
    return ExportRecords((organisation(),), (submitted, draft))


def scores(records, library, locale="en"):
    with force_locale(locale):
        return score_table(records, library.organisation_options, locale)


def answers(records, locale="en"):
    with force_locale(locale):
        return answer_table(records, locale)


def test_the_score_table_has_a_row_per_assessment_and_columns_in_content_order(records, library):
    table = scores(records, library)

    assert table.headers[:12] == FIXED_HEADERS
    names = [
        "Industrial internet upgrade readiness",
        "AI adoption readiness",
        "Model upgrade",
        "Technology upgrade",
        "Industry upgrade",
        "Data",
        "Cost",
        "Talent",
    ]
    assert table.headers[12:] == [
        f"{name} · {what}" for name in names for what in ("Index", "Level")
    ]
    assert len(table.rows) == 2
    submitted = table.rows[0]
    assert submitted[:9] == [
        "Acme Precision",
        "Discrete manufacturing (machinery, automotive and parts, electronics and electrical)",
        "Shenzhen",
        11,
        "iiai-maturity v2",
        "Submitted",
        "Li Wei",
        date(2025, 2, 24),
        date(2025, 3, 5),
    ]
    # Indices cut to one decimal as on the results page (52.77... is 52.7, 66.66... 66.6).
    assert submitted[9:12] == [52.7, 3, 3]
    assert submitted[12:16] == [55.5, 3, 50.0, 3]
    assert submitted[16:] == [50.0, 3, 66.6, 4, 50.0, 3, 50.0, 3, 50.0, 3, 50.0, 3]


def test_a_draft_has_empty_score_cells(records, library):
    table = scores(records, library)
    draft = table.rows[1]

    assert draft[3:9] == [12, "iiai-maturity v2", "In progress", None, date(2025, 2, 24), None]
    assert draft[9:] == [None] * (3 + 2 * 2 + 6 * 2)
    _header, _submitted, draft_cells = read_csv(csv_bytes(table))
    assert draft_cells[9:] == [""] * 19
    assert draft_cells[7] == "2025-02-24"


def test_the_answer_table_has_a_row_per_question(records, v2):
    table = answers(records)
    submitted_rows = [row for row in table.rows if row[1] == 11]
    draft_rows = [row for row in table.rows if row[1] == 12]

    assert len(submitted_rows) == len(draft_rows) == len(v2.questions) == 38
    assert [row[10] for row in submitted_rows] == [q.id for q in v2.questions]
    cloud = next(row for row in submitted_rows if row[10] == "technology_cloud")
    question = v2.dimension("technology").questions[2]
    assert cloud[5:10] == [52.7, 3, "Technology upgrade", 66.6, 4]
    assert cloud[11:16] == [question.prompt.en, "Level 4", 4, question.levels[3].en, None]
    # The draft: no scores, and questions not yet answered say so.
    assert {tuple(row[5:7]) + tuple(row[8:10]) for row in draft_rows} == {(None,) * 4}
    assert [row[12] for row in draft_rows].count("Unanswered") == 38 - 5
    assert draft_rows[0][12:15] == ["Level 2", 2, v2.dimensions[0].questions[0].levels[1].en]


def test_abstentions_and_comments_are_shown_as_words(v2):
    values = submitted_values(v2, data_shopfloor="na", talent_training="unknown")
    record = assessment(
        v2, values, record_id=11, submitted=True, comments={"talent_training": "Ask HR."}
    )
    table = answers(ExportRecords((organisation(),), (record,)))
    by_question = {row[10]: row for row in table.rows}

    assert by_question["data_shopfloor"][12:16] == ["Not applicable", None, None, None]
    assert by_question["talent_training"][12:16] == ["Don't know", None, None, "Ask HR."]


def test_csv_is_utf8_with_a_byte_order_mark_and_windows_line_ends(records, library):
    table = scores(records, library, "zh_CN")
    content = csv_bytes(table)

    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.split(b"\r\n")
    assert lines[-1] == b""  # every line, the last too, ends with CRLF
    assert len(lines) - 1 == 1 + len(table.rows)
    assert b"\n" not in b"".join(lines)
    header, submitted, _draft = read_csv(content)
    assert header[:2] == ["企业名称", "所属行业"]
    assert "模式升级 · 指数" in header
    assert submitted[1] == "离散制造（机械、汽车及零部件、电子电气等）"
    assert submitted[5] == "已提交"
    assert submitted[9] == "52.7"


def test_text_that_looks_like_a_formula_stays_text(v2, library):
    name, respondent, comment, region = FORMULAS
    record = assessment(
        v2,
        submitted_values(v2),
        record_id=11,
        submitted=True,
        respondent=respondent,
        comments={"model_c2m": comment},
    )
    records = ExportRecords((organisation(name=name, region=region),), (record,))
    table = scores(records, library)
    answer_rows = answers(records)

    _header, row = read_csv(csv_bytes(table))
    assert (row[0], row[2], row[6]) == (f"'{name}", f"'{region}", f"'{respondent}")
    assert f"'{comment}" in read_csv(csv_bytes(answer_rows))[4]

    workbook = read_xlsx(xlsx_bytes([("Scores", table), ("Answers", answer_rows)]))
    scores_sheet, answers_sheet = workbook.worksheets
    for cell in (scores_sheet["A2"], scores_sheet["C2"], scores_sheet["G2"], answers_sheet["P5"]):
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert [scores_sheet[c].value for c in ("A2", "C2", "G2")] == [name, region, respondent]
    assert answers_sheet["P5"].value == comment
    # A score is a number, shown with one decimal.
    assert scores_sheet["J2"].value == 52.7
    assert scores_sheet["J2"].number_format == "0.0"


def test_the_xlsx_has_one_sheet_per_table_with_dates_as_dates(records, library):
    table = scores(records, library)

    workbook = read_xlsx(xlsx_bytes([("Scores: A/B [all]", table), ("Answers", answers(records))]))

    assert workbook.sheetnames == ["Scores  A B  all ", "Answers"]
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == table.headers
    assert sheet.max_row == 3
    assert sheet["I2"].value.date() == date(2025, 3, 5)
    assert sheet["I2"].number_format == "yyyy-mm-dd"
    assert sheet["I3"].value is None
    assert sheet.freeze_panes == "A2"
    assert workbook.worksheets[1].max_row == 1 + 2 * 38
