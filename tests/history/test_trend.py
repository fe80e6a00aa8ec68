"""The trend chart's view model (``trend_chart``): an organisation's indices over its
submitted assessments, dated and named in the reader's language."""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from assessment.core.content.library import ContentLibrary
from assessment.core.content.schema import Questionnaire
from assessment.extensions import db
from assessment.history import service as history
from assessment.history.trend import trend_chart
from assessment.questionnaire import service
from tests.content.test_versions import v2_data

pytestmark = pytest.mark.usefixtures("in_request")

LEVELS_EN = ("Initial", "Emerging", "Defined", "Integrated", "Leading")
JAN_1, JAN_11, JAN_31 = (datetime(2025, 1, day, 12, tzinfo=UTC) for day in (1, 11, 31))


def submitted_assessment(questionnaire, value_for, on, organisation=None, comments=None):
    """An assessment answered with ``value_for(question)``, submitted ``on`` that date; the
    first of an organisation describes it (Acme Precision, Shenzhen)."""
    assessment = service.start(questionnaire, "en", organisation=organisation)
    if organisation is None:
        service.save_organisation(
            assessment,
            name="Acme Precision",
            industry="discrete_manufacturing",
            size_band="medium",
            region="Shenzhen",
            respondent_name="Li Wei",
        )
    comments = comments or {}
    posted = {
        q.id: service.PostedAnswer(value=value_for(q), comment=comments.get(q.id, ""))
        for q in questionnaire.questions
    }
    service.save_answers(assessment, questionnaire, posted)
    service.submit(assessment, questionnaire)
    assessment.submitted_at = assessment.updated_at = on
    db.session.commit()
    return assessment


def at(level):
    return lambda question: level


@pytest.fixture
def three_assessments(v2):
    """Created out of date order: all at 3 on 11 January, all at 1 on 1 January, all at 5
    on 31 January (indices 50, 0 and 100); the organisation's submitted ones, in date order."""
    middle = submitted_assessment(v2, at("3"), JAN_11)
    submitted_assessment(v2, at("1"), JAN_1, organisation=middle.organisation)
    submitted_assessment(v2, at("5"), JAN_31, organisation=middle.organisation)
    return history.submitted_of(middle.organisation)


def chart(submitted, questionnaire, library, locale):
    with force_locale("en" if locale == "en" else "zh_CN"):
        return trend_chart(submitted, questionnaire, library, locale, "Overall")


def test_one_point_per_submitted_assessment_in_date_order(three_assessments, v2, library):
    trend = chart(three_assessments, v2, library, "en")

    assert [label for _x, label in trend.x_ticks] == ["Jan 1, 2025", "Jan 11, 2025", "Jan 31, 2025"]
    overall = trend.series[0]
    assert (overall.label, overall.emphasis) == ("Overall", True)
    assert [len(line.points) for line in trend.series] == [3] * 7
    first, middle, last = overall.points
    # Placed by date: 11 January is a third of the way from 1 to 31 January.
    assert (middle.x - first.x) / (last.x - first.x) == pytest.approx(10 / 30)
    # Index 0, 50 and 100: the bottom of the chart, half way up, the top.
    assert (first.y, last.y) == (trend.bottom, trend.top)
    assert (first.y - middle.y) / (first.y - last.y) == pytest.approx(0.5)
    assert (overall.path.count("M"), overall.path.count("L")) == (1, 2)  # one unbroken line
    assert trend.break_note is None


def test_dates_and_names_are_in_the_requested_language(three_assessments, v2, library):
    english = chart(three_assessments, v2, library, "en")
    chinese = chart(three_assessments, v2, library, "zh-CN")

    dates = ["2025年1月1日", "2025年1月11日", "2025年1月31日"]
    assert [label for _x, label in chinese.x_ticks] == dates
    assert [line.label for line in english.series[1:]] == [d.name.en for d in v2.dimensions]
    assert [line.label for line in chinese.series[1:]] == [d.name.zh_cn for d in v2.dimensions]
    assert chinese.series[1].label == "模式升级"
    assert tuple(name for *_y, name in english.bands) == LEVELS_EN
    assert [name for *_y, name in chinese.bands] == ["初始", "起步", "规范", "集成", "引领"]


def test_a_dimension_without_enough_answers_has_a_gap_in_its_line(v2, library):
    talent = {q.id for q in v2.dimension("talent").questions}
    first = submitted_assessment(v2, at("2"), JAN_1)
    organisation = first.organisation
    submitted_assessment(v2, lambda q: "unknown" if q.id in talent else "3", JAN_11, organisation)
    submitted_assessment(v2, at("4"), JAN_31, organisation)

    trend = chart(history.submitted_of(organisation), v2, library, "en")

    talent_line = trend.series[-1]
    assert talent_line.label == "Talent"
    assert [point is not None for point in talent_line.points] == [True, False, True]
    assert "L" not in talent_line.path  # the pen is lifted over the missing point
    assert talent_line.path.count("M") == 2
    assert all(point is not None for point in trend.series[0].points)


def test_a_single_assessment_is_one_point_and_none_is_no_chart(v2, library):
    only = submitted_assessment(v2, at("3"), JAN_11)

    trend = chart([only], v2, library, "en")

    assert [label for _x, label in trend.x_ticks] == ["Jan 11, 2025"]
    assert all(len(line.points) == 1 for line in trend.series)
    assert chart([], v2, library, "en") is None


def test_a_version_that_replaced_a_dimension_bridges_it_with_a_dashed_line(app, v2, library):
    # A third version that keeps every question of version 2 but those of the data
    # dimension, which are all new.
    data = {**v2_data(), "version": 3}
    for dimension in data["dimensions"]:
        for question in dimension["questions"]:
            question.pop("maps_from", None)
            if dimension["id"] == "data":
                question["maps_from"] = []
    v3 = Questionnaire.model_validate(data)
    versions = ContentLibrary(
        {**library.questionnaires, v3.key: v3}, library.organisation_options, library.roadmap
    )
    before = submitted_assessment(v2, at("2"), JAN_1)
    submitted_assessment(v3, at("4"), JAN_31, organisation=before.organisation)

    trend = chart(history.submitted_of(before.organisation), v3, versions, "en")

    by_label = {line.label: line for line in trend.series}
    assert by_label["Data"].path.count("M") == 2
    assert by_label["Data"].bridges.count("M") == 1
    assert [label for label, line in by_label.items() if line.bridges] == ["Data"]
    assert trend.break_note.startswith("Dashed: the questionnaire changed too much")
