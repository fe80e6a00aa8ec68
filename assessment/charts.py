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

    @property
    def polygon(self) -> str:
        """The value polygon; axes without data sit at the centre."""
        return " ".join(str(axis.point) for axis in self.axes)


def _polar(centre: Point, radius: float, angle: float) -> Point:
    return Point(centre.x + radius * math.sin(angle), centre.y - radius * math.cos(angle))


def _text_anchor(horizontal: float) -> str:
    """Labels right of the centre start at their point, left ones end there."""
    if abs(horizontal) < 0.2:
        return "middle"
    return "start" if horizontal > 0 else "end"


def radar(
    values: list[tuple[str, float | None]], width: float = 600, height: float = 420
) -> RadarChart:
    """A radar chart of indices 0-100, first axis pointing up, clockwise.

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
    return RadarChart(
        width=width, height=height, centre=centre, radius=radius, rings=rings, axes=tuple(axes)
    )
