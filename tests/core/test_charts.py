"""Radar chart geometry: values land on their axes, labels stay outside the rings."""

import math

import pytest

from assessment.core.charts import radar


def distance(a, b):
    return math.hypot(a.x - b.x, a.y - b.y)


@pytest.mark.parametrize("count", [3, 6, 8])
def test_values_are_placed_at_their_share_of_the_radius(count):
    values = [(f"d{i}", 100 * i / count) for i in range(count)]
    chart = radar(values)
    for axis, (_, value) in zip(chart.axes, values, strict=True):
        assert distance(chart.centre, axis.point) == pytest.approx(chart.radius * value / 100)
        assert distance(chart.centre, axis.end) == pytest.approx(chart.radius)


def test_first_axis_points_up_and_labels_sit_outside_the_outer_ring():
    chart = radar([(f"d{i}", 50) for i in range(6)])
    top = chart.axes[0]
    assert top.end.x == pytest.approx(chart.centre.x)
    assert top.end.y < chart.centre.y
    assert top.value_anchor.y < top.end.y  # the index sits between the name and the ring
    for axis in chart.axes:
        assert distance(chart.centre, axis.label_anchor) > chart.radius
        assert 0 <= axis.label_anchor.x <= chart.width
        assert 0 <= axis.label_anchor.y <= chart.height
    assert [a.text_anchor for a in chart.axes] == [
        "middle",
        "start",
        "start",
        "middle",
        "end",
        "end",
    ]


def test_a_dimension_without_data_sits_at_the_centre():
    chart = radar([("a", None), ("b", 80), ("c", 40)])
    assert chart.axes[0].point == chart.centre
    assert chart.polygon.count(",") == 3


def test_targets_sit_at_their_index_and_a_dimension_without_one_keeps_its_value():
    chart = radar([("a", 40), ("b", 70), ("c", None)], targets=[60, None, 20])
    first, second, _third = chart.target_polygon.split(" ")
    assert distance(chart.centre, chart.targets[0]) == pytest.approx(chart.radius * 0.6)
    assert second == str(chart.axes[1].point)  # no target: the corner stays at the value
    assert distance(chart.centre, chart.targets[2]) == pytest.approx(chart.radius * 0.2)
    assert first != str(chart.axes[0].point)


def test_without_any_target_there_is_no_target_polygon():
    assert radar([("a", 40), ("b", 70)]).targets == ()
    assert radar([("a", 40), ("b", 70)], targets=[None, None]).targets == ()


def test_axes_keep_their_labels_and_values():
    chart = radar([("Model", 75.0), ("Data", None)])
    assert [(a.label, a.value) for a in chart.axes] == [("Model", 75.0), ("Data", None)]


def test_trend_places_assessments_by_date_and_breaks_lines_at_missing_data():
    from assessment.core.charts import trend

    chart = trend(
        moments=[(0, "2024"), (100, "2025"), (400, "2026")],
        overall=("Overall", [10.0, 30.0, 50.0], frozenset()),
        dimensions=[("Data", [20.0, None, 60.0], frozenset())],
        bands=[(0, 50, "Low"), (50, 100, "High")],
    )
    overall, data = chart.series
    xs = [p.x for p in overall.points]
    assert xs[0] == chart.left
    assert xs[2] == chart.right
    assert (xs[1] - xs[0]) / (xs[2] - xs[0]) == pytest.approx(0.25)
    assert overall.points[2].y < overall.points[0].y  # higher index, higher on the page
    assert overall.path.count("L") == 2
    assert data.points[1] is None
    assert data.path.count("M") == 2  # the line breaks where data is missing
    assert data.path.count("L") == 0
    assert [name for _, _, name in chart.bands] == ["Low", "High"]
    assert chart.break_note is None


def test_trend_bridges_a_change_that_cannot_be_compared_with_a_dashed_segment():
    from assessment.core.charts import trend

    chart = trend(
        moments=[(0, "2024"), (100, "2025"), (200, "2026")],
        overall=("Overall", [10.0, 30.0, 50.0], frozenset()),
        dimensions=[("Data", [20.0, 40.0, 60.0], frozenset({2}))],
        bands=[(0, 100, "All")],
        break_note="not comparable",
    )
    overall, data = chart.series
    assert overall.bridges == ""
    assert data.path.count("M") == 2  # 2024-2025 drawn, 2025-2026 not
    assert data.path.count("L") == 1
    assert data.bridges.count("M") == 1
    assert data.bridges.startswith(f"M{data.points[1]}".replace(",", " "))
    assert chart.break_note == "not comparable"


def test_trend_of_a_single_assessment_is_centred():
    from assessment.core.charts import trend

    chart = trend([(5, "2026")], ("Overall", [40.0], frozenset()), [], [(0, 100, "All")])
    assert chart.series[0].points[0].x == pytest.approx((chart.left + chart.right) / 2)
