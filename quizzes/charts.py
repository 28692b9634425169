"""Chart geometry for inline SVG: numbers in, rectangles and labels out. Pure: no ORM, no HTML.

Templates draw the shapes (and escape every label); this module only decides where they go, in
the units of the chart's viewBox. Sizes suit a phone: the viewBox is about as wide as a phone's
screen in CSS pixels, so 12-unit text stays readable when the chart is scaled to fit.
"""

from collections.abc import Sequence
from dataclasses import dataclass

# Round coordinates so the markup stays short.
PLACES = 1


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float
    # What the bar's own tooltip says, e.g. "Tue 3 Mar: 12 cards".
    label: str


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str


@dataclass(frozen=True)
class AxisLabel:
    x: float
    label: str


@dataclass(frozen=True)
class ColumnChart:
    """Vertical bars over days: `bars`, horizontal `gridlines` with their values, `x_labels`."""

    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    bars: tuple[Bar, ...]
    gridlines: tuple[Gridline, ...]
    x_labels: tuple[AxisLabel, ...]

    @property
    def tick_x(self) -> float:
        """Where gridline values end, just left of the plot."""
        return self.left - 4

    @property
    def x_label_y(self) -> float:
        return self.bottom + 16


@dataclass(frozen=True)
class Row:
    """One horizontal bar with its label above it and its value at its end."""

    label: str
    value_label: str
    label_y: float
    bar_y: float
    bar_width: float
    track_width: float
    bar_height: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: float
    rows: tuple[Row, ...]


def _r(value: float) -> float:
    return round(value, PLACES)


def nice_ceiling(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… that is at least `value` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def column_chart(
    values: Sequence[int],
    *,
    bar_labels: Sequence[str],
    x_labels: dict[int, str],
    width: int = 360,
    height: int = 180,
) -> ColumnChart:
    """Bars for `values` (counts) side by side; `x_labels` maps a bar's index to a label below."""
    if len(values) != len(bar_labels):
        raise ValueError("each value needs a bar label")
    left, right, top, bottom = 30.0, width - 8.0, 10.0, height - 24.0
    ceiling = nice_ceiling(max(values, default=0))
    slot = (right - left) / max(len(values), 1)
    gap = min(2.0, slot * 0.2)
    bars = []
    for i, (value, label) in enumerate(zip(values, bar_labels, strict=True)):
        bar_height = (bottom - top) * value / ceiling
        bars.append(
            Bar(
                x=_r(left + i * slot + gap / 2),
                y=_r(bottom - bar_height),
                width=_r(slot - gap),
                height=_r(bar_height),
                value=value,
                label=label,
            )
        )
    # Gridlines at 0, half and the ceiling, unless half would not be a whole number of cards.
    marks = (0, ceiling // 2, ceiling) if ceiling % 2 == 0 else (0, ceiling)
    gridlines = tuple(
        Gridline(y=_r(bottom - (bottom - top) * m / ceiling), label=str(m)) for m in marks
    )
    labels = tuple(
        AxisLabel(x=_r(left + (i + 0.5) * slot), label=text) for i, text in sorted(x_labels.items())
    )
    return ColumnChart(width, height, left, right, top, bottom, tuple(bars), gridlines, labels)


def bar_chart(
    rows: Sequence[tuple[str, float, str]], *, width: int = 360, row_height: int = 44
) -> BarChart:
    """Horizontal bars for shares from 0 to 1: `rows` are (label, share, value label)."""
    left, value_room = 2.0, 46.0
    track = width - left - value_room
    drawn = []
    for i, (label, share, value_label) in enumerate(rows):
        share = min(max(share, 0.0), 1.0)
        base = i * row_height
        drawn.append(
            Row(
                label=label,
                value_label=value_label,
                label_y=_r(base + 15),
                bar_y=_r(base + 21),
                bar_width=_r(track * share),
                track_width=_r(track),
                bar_height=14.0,
                value_x=_r(left + track + 6),
                value_y=_r(base + 33),
            )
        )
    return BarChart(width, max(len(rows) * row_height, row_height), left, tuple(drawn))


# --- class reports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EdgeLabel:
    x: float
    label: str
    # SVG text-anchor: the outer edges' labels lean inwards so they stay inside the viewBox.
    anchor: str


def edge_labels(chart: ColumnChart, labels: dict[int, str]) -> tuple[EdgeLabel, ...]:
    """Labels on the boundaries between bars (index 0 is the left edge, len(bars) the right),
    for histograms whose bins are ranges: "0", "20" … "100" under the edges, not the bars."""
    count = max(len(chart.bars), 1)
    slot = (chart.right - chart.left) / count
    return tuple(
        EdgeLabel(
            x=_r(chart.left + i * slot),
            label=text,
            anchor="end" if i == count else "middle",
        )
        for i, text in sorted(labels.items())
    )


@dataclass(frozen=True)
class SparkPoint:
    x: float
    y: float
    value: float
    label: str


@dataclass(frozen=True)
class Sparkline:
    """A small line over evenly spaced slots; a slot without a value breaks the line."""

    width: int
    height: int
    # Each unbroken run of points as an SVG `points` attribute.
    segments: tuple[str, ...]
    points: tuple[SparkPoint, ...]
    baseline: float


def sparkline(
    values: Sequence[float | None],
    *,
    labels: Sequence[str],
    width: int = 120,
    height: int = 32,
) -> Sparkline:
    """Shares from 0 to 1 over slots (weeks), 0 at the bottom and 1 at the top."""
    if len(values) != len(labels):
        raise ValueError("each value needs a label")
    pad = 3.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    bottom, top = height - pad, pad
    points, segments, run = [], [], []
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        if value is None:
            if run:
                segments.append(run)
            run = []
            continue
        share = min(max(value, 0.0), 1.0)
        # A single slot sits in the middle rather than on the left edge.
        x = _r(width / 2 if len(values) == 1 else pad + i * step)
        point = SparkPoint(x=x, y=_r(bottom - (bottom - top) * share), value=value, label=label)
        points.append(point)
        run.append(point)
    if run:
        segments.append(run)
    return Sparkline(
        width=width,
        height=height,
        segments=tuple(" ".join(f"{p.x},{p.y}" for p in seg) for seg in segments),
        points=tuple(points),
        baseline=_r(bottom),
    )


# Colour bands of a heatmap cell, lowest first; the page prints the number in every cell too.
HEAT_BANDS = (0.2, 0.4, 0.6, 0.8)


def heat_band(share: float | None) -> int | None:
    """Which of five bands (0 lowest … 4 highest) a share from 0 to 1 falls in; None for none."""
    if share is None:
        return None
    return sum(share >= edge for edge in HEAT_BANDS)
