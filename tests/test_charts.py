"""Chart geometry: bars proportional to their values, inside the plot, labelled."""

import pytest

from quizzes.charts import bar_chart, column_chart, nice_ceiling


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (11, 20), (51, 100), (230, 500)]
)
def test_nice_ceiling(value, ceiling):
    assert nice_ceiling(value) == ceiling


def test_column_heights_are_proportional_and_sit_on_the_baseline():
    chart = column_chart(
        [0, 5, 10, 3], bar_labels=["a", "b", "c", "d"], x_labels={0: "Today", 2: "+2d"}
    )
    plot = chart.bottom - chart.top
    heights = [b.height for b in chart.bars]
    assert heights[0] == 0 and heights[2] == pytest.approx(plot)  # ceiling is 10
    assert heights[1] == pytest.approx(plot / 2, abs=0.1)
    for bar in chart.bars:
        assert bar.y + bar.height == pytest.approx(chart.bottom, abs=0.1)
        assert chart.left <= bar.x and bar.x + bar.width <= chart.right + 0.1
    assert [b.label for b in chart.bars] == ["a", "b", "c", "d"]
    assert [g.label for g in chart.gridlines] == ["0", "5", "10"]
    assert [label.label for label in chart.x_labels] == ["Today", "+2d"]
    # Each axis label is centred under its bar.
    first = chart.bars[0]
    assert chart.x_labels[0].x == pytest.approx(first.x + first.width / 2, abs=0.2)


def test_an_empty_forecast_draws_flat_bars_on_a_scale_of_one():
    chart = column_chart([0] * 30, bar_labels=["x"] * 30, x_labels={})
    assert all(b.height == 0 for b in chart.bars)
    assert [g.label for g in chart.gridlines] == ["0", "1"]


def test_column_chart_needs_a_label_per_bar():
    with pytest.raises(ValueError):
        column_chart([1, 2], bar_labels=["a"], x_labels={})


def test_horizontal_bars_are_shares_of_the_track_clamped_to_0_and_1():
    chart = bar_chart([("Anatomy", 0.5, "50%"), ("Myths", 1.2, "120%"), ("Actions", -1, "0%")])
    track = chart.rows[0].track_width
    assert [r.bar_width for r in chart.rows] == [pytest.approx(track / 2, abs=0.1), track, 0]
    assert [r.label for r in chart.rows] == ["Anatomy", "Myths", "Actions"]
    # Rows do not overlap and all fit in the drawing.
    assert chart.rows[1].label_y > chart.rows[0].bar_y + chart.rows[0].bar_height
    assert chart.rows[-1].bar_y + chart.rows[-1].bar_height <= chart.height
    # Room for "100%" in 11-unit text after the bar.
    assert all(r.value_x + 32 <= chart.width for r in chart.rows)
