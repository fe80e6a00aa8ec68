"""Chart geometry for server-rendered SVG: plain numbers in, points and labels out.

Templates draw the shapes (``templates/charts/``), so the same chart appears on the
results page and in the PDF report without JavaScript.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INDEX_MAX = 100
RING_STEPS = (20, 40, 60, 80, 100)
LABEL_GAP = 18  # between the outer ring and an axis label
LINE_HEIGHT = 17


@dataclass(frozen=True)
class Point:
    x: float
    y: float

    def __str__(self) -> str:
        return f"{self.x:.1f},{self.y:.1f}"


@dataclass(frozen=True)
class RadarAxis:
    label: str
    value: float | None  # index 0-100; None when there is not enough data
    end: Point  # where the axis meets the outer ring
    point: Point  # the value's position (the centre when value is None)
    label_anchor: Point  # the dimension's name
    value_anchor: Point  # its index, next to the name, never over the rings
    text_anchor: str  # "start" | "middle" | "end"


@dataclass(frozen=True)
class RadarChart:
    width: float
    height: float
    centre: Point
    radius: float
    rings: tuple[tuple[int, str], ...]  # (index, polygon points)
    axes: tuple[RadarAxis, ...]
    # Where each dimension's target level begins; None for a dimension without a target,
    # whose corner stays at its value. Empty when no dimension has a target.
    targets: tuple[Point | None, ...] = ()

    @property
    def polygon(self) -> str:
        """The value polygon; axes without data sit at the centre."""
        return " ".join(str(axis.point) for axis in self.axes)

    @property
    def target_polygon(self) -> str:
        """The target polygon: each target's index, or the value where there is none."""
        return " ".join(
            str(target or axis.point) for axis, target in zip(self.axes, self.targets, strict=True)
        )


def _polar(centre: Point, radius: float, angle: float) -> Point:
    return Point(centre.x + radius * math.sin(angle), centre.y - radius * math.cos(angle))


def _text_anchor(horizontal: float) -> str:
    """Labels right of the centre start at their point, left ones end there."""
    if abs(horizontal) < 0.2:
        return "middle"
    return "start" if horizontal > 0 else "end"


def radar(
    values: list[tuple[str, float | None]],
    width: float = 600,
    height: float = 420,
    targets: list[float | None] | None = None,
) -> RadarChart:
    """A radar chart of indices 0-100, first axis pointing up, clockwise; ``targets``, one
    per value, the index at which each dimension's target level begins (None: no target).

    The chart is wider than tall, leaving room for labels beside the side axes.
    """
    centre = Point(width / 2, height / 2)
    radius = height * 0.34
    count = len(values)
    angles = [2 * math.pi * i / count for i in range(count)]
    rings = tuple(
        (
            step,
            " ".join(str(_polar(centre, radius * step / INDEX_MAX, a)) for a in angles),
        )
        for step in RING_STEPS
    )
    axes = []
    for (label, value), angle in zip(values, angles, strict=True):
        text_anchor = _text_anchor(math.sin(angle))
        name_anchor = _polar(centre, radius + LABEL_GAP, angle)
        if text_anchor == "middle" and math.cos(angle) > 0:  # above the chart: value below name
            name_anchor = Point(name_anchor.x, name_anchor.y - LINE_HEIGHT)
        value_anchor = Point(name_anchor.x, name_anchor.y + LINE_HEIGHT)
        axes.append(
            RadarAxis(
                label=label,
                value=value,
                end=_polar(centre, radius, angle),
                point=_polar(centre, radius * (value or 0) / INDEX_MAX, angle),
                label_anchor=name_anchor,
                value_anchor=value_anchor,
                text_anchor=text_anchor,
            )
        )
    target_points = (
        tuple(
            None if target is None else _polar(centre, radius * target / INDEX_MAX, angle)
            for target, angle in zip(targets, angles, strict=True)
        )
        if targets and any(target is not None for target in targets)
        else ()
    )
    return RadarChart(
        width=width,
        height=height,
        centre=centre,
        radius=radius,
        rings=rings,
        axes=tuple(axes),
        targets=target_points,
    )


# ---------------------------------------------------------------------------
# Trend over time

# Okabe-Ito colours, distinguishable with colour-blindness; the overall line is ink.
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")
OVERALL_COLOUR = "#1d2733"


@dataclass(frozen=True)
class TrendSeries:
    label: str
    colour: str
    emphasis: bool  # the overall line, drawn thicker
    points: tuple[Point | None, ...]  # one per assessment; None without enough data
    path: str  # SVG path through the points, broken where a point is missing or a break is
    bridges: str  # dashed SVG path over each break between two points


@dataclass(frozen=True)
class TrendChart:
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, int], ...]
    bands: tuple[tuple[float, float, str], ...]  # (y of upper edge, height, level name)
    series: tuple[TrendSeries, ...]
    break_note: str | None  # says what a dashed bridge means, when the chart has one


def _path(points: list[Point | None], breaks: frozenset[int]) -> str:
    """Through the points, lifting the pen at a missing point and before each break."""
    commands, pen_down = [], False
    for i, point in enumerate(points):
        if point is None:
            pen_down = False
            continue
        drawn = pen_down and i not in breaks
        commands.append(f"{'L' if drawn else 'M'}{point.x:.1f} {point.y:.1f}")
        pen_down = True
    return " ".join(commands)


def _bridges(points: list[Point | None], breaks: frozenset[int]) -> str:
    """A segment over each break whose two points both exist."""
    return " ".join(
        f"M{before.x:.1f} {before.y:.1f} L{after.x:.1f} {after.y:.1f}"
        for i in sorted(breaks)
        if 0 < i < len(points)
        and (before := points[i - 1]) is not None
        and (after := points[i]) is not None
    )


def trend(
    moments: list[tuple[float, str]],
    overall: tuple[str, list[float | None], frozenset[int]],
    dimensions: list[tuple[str, list[float | None], frozenset[int]]],
    bands: list[tuple[float, float, str]],
    break_note: str | None = None,
    width: float = 640,
    height: float = 300,
) -> TrendChart:
    """Indices over time: ``moments`` are (timestamp, label) per assessment, oldest first.

    The overall line and each dimension have a label, values and breaks: the positions
    ``i`` where the value at ``i`` cannot be compared with the one before (the
    questionnaire changed too much), drawn as a dashed bridge instead of a line;
    ``break_note`` explains them under the chart. ``bands`` are the level bands as
    (lower index, upper index, name), drawn behind.
    """
    left, right, top, bottom = 44.0, width - 16.0, 14.0, height - 30.0
    first, last = moments[0][0], moments[-1][0]
    span = (last - first) or 1.0

    def x_of(moment: float) -> float:
        if len(moments) == 1:
            return (left + right) / 2
        return left + (right - left) * (moment - first) / span

    def y_of(index: float) -> float:
        return bottom - (bottom - top) * index / INDEX_MAX

    def series(
        label: str,
        values: list[float | None],
        breaks: frozenset[int],
        colour: str,
        emphasis: bool,
    ) -> TrendSeries:
        points = [
            Point(x_of(moment), y_of(value)) if value is not None else None
            for (moment, _), value in zip(moments, values, strict=True)
        ]
        return TrendSeries(
            label, colour, emphasis, tuple(points), _path(points, breaks), _bridges(points, breaks)
        )

    lines = (
        series(*overall, OVERALL_COLOUR, emphasis=True),
        *(
            series(label, values, breaks, SERIES_COLOURS[i % len(SERIES_COLOURS)], emphasis=False)
            for i, (label, values, breaks) in enumerate(dimensions)
        ),
    )
    return TrendChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        x_ticks=tuple((x_of(moment), label) for moment, label in moments),
        y_ticks=tuple((y_of(step), step) for step in (0, *RING_STEPS)),
        bands=tuple((y_of(high), y_of(low) - y_of(high), name) for low, high, name in bands),
        series=lines,
        break_note=break_note if any(line.bridges for line in lines) else None,
    )
