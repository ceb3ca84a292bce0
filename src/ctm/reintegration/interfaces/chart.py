"""The trend chart of a person's sustainability scores across visits, drawn on the server as SVG
(no script, no external library; docs/decisions/1201-trend-chart-drawn-on-the-server.md). This module
computes the geometry; the template `reintegration/_trend.html` writes the SVG, and the table beside
it holds the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

WIDTH, HEIGHT = 600, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 14, 36
SERIES = (  # dimension, colour (readable on white, distinct for the common colour blindnesses)
    ("economic", "#0072b2"),
    ("social", "#e69f00"),
    ("psychosocial", "#009e73"),
    ("composite", "#222222"),
)


@dataclass(frozen=True)
class Line:
    name: str
    colour: str
    points: str  # "x,y x,y" for <polyline>
    dots: list[tuple[int, int]]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[Line]
    x_labels: list[tuple[int, str]]
    y_ticks: list[tuple[int, str]]
    left: int
    right: int
    bottom: int


def _x(i: int, n: int) -> int:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span // 2 if n == 1 else round(i * span / (n - 1)))


def _y(value: Decimal) -> int:
    return TOP + round((1 - float(value)) * (HEIGHT - TOP - BOTTOM))


def trend_chart(points: list[Any]) -> Chart | None:
    """`points`: objects with a visited_on date and the four scores (None where not scored)."""
    if not points:
        return None
    n = len(points)
    lines = []
    for name, colour in SERIES:
        dots = [(_x(i, n), _y(v)) for i, p in enumerate(points) if (v := getattr(p, name)) is not None]
        lines.append(Line(name, colour, " ".join(f"{x},{y}" for x, y in dots), dots))
    return Chart(
        WIDTH,
        HEIGHT,
        lines,
        [(_x(i, n), p.visited_on.isoformat()) for i, p in enumerate(points)],
        [(_y(Decimal(t) / 4), f"{t / 4:.2f}") for t in range(5)],
        LEFT,
        WIDTH - RIGHT,
        HEIGHT - BOTTOM,
    )
