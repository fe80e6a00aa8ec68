"""What a report shows (``build_report_context``), built from a submitted assessment.

Acme Precision assesses itself three times (v2): all at 3 on 1 January 2025; on 5 March
2025 with data at 2 and technology at 4, 4, 4, 3, 3 (the report most tests read); all at
4 on 1 June 2025. The March indices, by hand: data 25, technology 22/6 -> 66.66...,
every other dimension 50; overall 291.66... / 6 = 48.61...; part A 55.55...; part B
41.66...
"""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from assessment.core.numbers import display_index
from assessment.reports.commentary import CommentaryInput, save_commentary
from assessment.reports.context import build_report_context
from tests.history.test_trend import submitted_assessment

pytestmark = pytest.mark.usefixtures("in_request")

TECHNOLOGY = {
    "technology_production_use": "4",
    "technology_data_foundation": "4",
    "technology_cloud": "4",
}

# As typed in a browser: Windows line ends, a run of blank lines, spaces around.
SUMMARY = "First paragraph.\r\n\r\nSecond paragraph,\nwith a line break.\n\n\n\n  Third.  "


def march_value(question):
    if question.id.startswith("data_"):
        return "2"
    return TECHNOLOGY.get(question.id, "3")


@pytest.fixture
def acme(library):
    """The three assessments, oldest first."""
    v2 = library.get("iiai-maturity", 2)
    january = submitted_assessment(v2, lambda q: "3", datetime(2025, 1, 1, 12, tzinfo=UTC))
    organisation = january.organisation
    march = submitted_assessment(
        v2,
        march_value,
        datetime(2025, 3, 5, 12, tzinfo=UTC),
        organisation,
        comments={"data_quality": "Checked by hand, monthly."},
    )
    june = submitted_assessment(
        v2, lambda q: "4", datetime(2025, 6, 1, 12, tzinfo=UTC), organisation
    )
    return january, march, june


def report(assessment, library, locale="en"):
    with force_locale(locale):
        return build_report_context(assessment, library, locale)


def test_the_numbers_are_the_stored_scores_as_shown(acme, library):
    _january, march, _june = acme
    context = report(march, library)
    stored = march.stored_result

    assert context.results.overall.index == "48.6"
    assert context.results.overall.index == display_index(stored.overall.index)
    assert [part.index for part in context.results.parts] == ["55.5", "41.6"]
    assert [part.index for part in context.results.parts] == [
        display_index(stored.parts[part].index) for part in ("A", "B")
    ]
    cards = [section.card for section in context.sections]
    assert [card.index for card in cards] == ["50.0", "66.6", "50.0", "25.0", "50.0", "50.0"]
    assert [card.index for card in cards] == [
        display_index(stored.dimensions[card.id].index) for card in cards
    ]


def test_each_question_is_listed_with_its_answer_weight_and_comment(acme, library):
    _january, march, _june = acme
    data = report(march, library).sections[3]

    assert (data.number, data.anchor, data.card.name) == (4, "dimension-data", "Data")
    quality = data.questions[1]
    assert (quality.number, quality.id, quality.weight) == ("4.2", "data_quality", "1.5")
    assert (quality.level, quality.answer) == (2, "Level 2 · Emerging")
    assert (
        quality.descriptor
        == library.get("iiai-maturity", 2).dimension("data").questions[1].levels[1].en
    )
    assert quality.comment == "Checked by hand, monthly."
    assert [line.weight for line in data.questions] == ["1", "1.5", "1", "1", "1", "1", "1.5", "1"]
    assert data.questions[0].comment == ""


def test_the_weakest_dimensions_come_first_in_the_next_steps(acme, library):
    _january, march, _june = acme
    context = report(march, library)
    v2 = library.get("iiai-maturity", 2)

    # Data (25) first, then the first two at 50 in content order; technology (66.6) never.
    assert [step.dimension_name for step in context.next_steps] == [
        "Data",
        "Model upgrade",
        "Industry upgrade",
    ]
    data_step = context.next_steps[0]
    assert data_step.recommendation == v2.dimension("data").recommendations[1].en
    assert (data_step.next_level.number, data_step.next_level.name) == (3, "Defined")
    # The top gaps: the data questions at level 2, the heavier ones first.
    assert [gap.id for gap in context.top_gaps] == ["data_quality", "data_scale", "data_standards"]


def test_the_commentary_is_split_into_paragraphs_as_stored(app, acme, library):
    _january, march, _june = acme
    save_commentary(
        march,
        CommentaryInput(
            executive_summary=SUMMARY,
            dimension_notes={"data": "Data note one.\n\nData note two.", "cost": "   "},
            prepared_by="Zhang Wei",
            firm_name="Example Consulting",
        ),
        app.config["UPLOAD_DIR"],
    )

    context = report(march, library)

    assert context.executive_summary == (
        "First paragraph.",
        "Second paragraph,\nwith a line break.",
        "Third.",
    )
    notes = {section.card.id: section.consultant_note for section in context.sections}
    assert notes["data"] == ("Data note one.", "Data note two.")
    assert all(notes[d] == () for d in notes if d != "data")
    assert (context.prepared_by, context.firm_name) == ("Zhang Wei", "Example Consulting")


def test_without_commentary_the_report_has_none(acme, library):
    january, _march, _june = acme
    context = report(january, library)

    assert context.executive_summary == ()
    assert (context.prepared_by, context.firm_name) == ("", "")
    assert all(section.consultant_note == () for section in context.sections)


def test_the_history_appears_only_with_earlier_assessments(acme, library):
    january, march, _june = acme

    assert report(january, library).history is None  # a later assessment does not count
    history = report(march, library).history

    # Up to this assessment: June's, later, is not in March's report.
    assert history.dates == "Jan 1, 2025 and Mar 5, 2025"
    assert [label for _x, label in history.chart.x_ticks] == ["Jan 1, 2025", "Mar 5, 2025"]
    assert (history.previous_date, history.previous_version) == ("Jan 1, 2025", 2)
    overall = history.changes.overall
    assert (overall.old, overall.new, overall.delta) == ("50.0", "48.6", "−1.4")
    data = next(row for row in history.changes.dimensions if row.id == "data")
    # Eight data questions moved: the report shows three and sums up the other five.
    assert (len(data.moved), data.more_moved_count) == (3, 5)
    assert data.figures.delta == "−25.0"


def test_the_report_speaks_the_language_asked_for(acme, library):
    _january, march, _june = acme
    english = report(march, library, "en")
    chinese = report(march, library, "zh_CN")

    assert (english.lang, chinese.lang) == ("en", "zh-CN")
    assert english.document_title == "Maturity assessment report: Acme Precision"
    assert chinese.document_title == "成熟度评估报告：Acme Precision"
    assert (english.language_name, chinese.language_name) == ("English", "中文")
    assert (english.assessment_date, chinese.assessment_date) == ("March 5, 2025", "2025年3月5日")
    assert english.organisation_details == (
        "Discrete manufacturing (machinery, automotive and parts, electronics and electrical)",
        "100 to 999 employees",
        "Shenzhen",
    )
    assert chinese.organisation_details == (
        "离散制造（机械、汽车及零部件、电子电气等）",
        "100至999人",
        "Shenzhen",
    )
    assert english.questionnaire_title.startswith("Industrial Internet and AI Adoption")
    assert chinese.questionnaire_title == "产业互联网与AI落地成熟度自评"
    assert [level.name for level in chinese.levels] == ["初始", "起步", "规范", "集成", "引领"]
    assert chinese.sections[3].questions[1].answer == "2 级 · 起步"
    assert chinese.history.dates == "2025年1月1日和2025年3月5日"
    assert chinese.history.changes.overall.name == "总体"
    assert (english.min_answered_share, chinese.min_answered_share) == ("50%", "50%")
    assert english.dimension_weights[0] == (
        "Model upgrade",
        "Industrial internet upgrade readiness",
        "1",
    )
    assert chinese.dimension_weights[0] == ("模式升级", "产业互联网升级就绪度", "1")
