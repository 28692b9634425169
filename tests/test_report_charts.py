"""Chart geometry for the class reports: histogram edge labels, sparklines, heatmap bands."""

import pytest

from quizzes.charts import column_chart, edge_labels, heat_band, sparkline


def test_edge_labels_sit_on_bin_boundaries_and_the_last_leans_inwards():
    chart = column_chart([1] * 10, bar_labels=[str(i) for i in range(10)], x_labels={})
    labels = edge_labels(chart, {0: "0", 5: "50", 10: "100"})
    assert [label.x for label in labels] == [
        chart.left,
        pytest.approx((chart.left + chart.right) / 2, abs=0.1),
        chart.right,
    ]
    assert [label.anchor for label in labels] == ["middle", "middle", "end"]
    # The bars' own left edges line up with the boundaries.
    assert chart.bars[5].x == pytest.approx(labels[1].x, abs=2)


def test_sparkline_breaks_at_missing_weeks_and_scales_shares():
    line = sparkline([1.0, None, 0.5, 0.0], labels=["a", "b", "c", "d"], width=100, height=30)
    assert len(line.segments) == 2
    first, middle, last = line.points
    assert first.y == pytest.approx(3.0) and last.y == pytest.approx(line.baseline)
    assert middle.y == pytest.approx((3.0 + line.baseline) / 2, abs=0.1)
    assert [p.label for p in line.points] == ["a", "c", "d"]
    assert first.x < middle.x < last.x <= 100
    single = sparkline([0.4], labels=["only"], width=100)
    assert single.points[0].x == 50
    assert sparkline([], labels=[]).segments == ()
    with pytest.raises(ValueError):
        sparkline([0.1], labels=[])


@pytest.mark.parametrize(
    ("share", "band"), [(None, None), (0.0, 0), (0.199, 0), (0.2, 1), (0.59, 2), (0.6, 3), (1.0, 4)]
)
def test_heat_band(share, band):
    assert heat_band(share) == band
