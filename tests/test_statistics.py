"""The pure item-analysis formulas against numpy and scipy on small hand-made data."""

import math

import numpy as np
import pytest
from scipy import stats

from quizzes import statistics as st


def sums_of(x, y) -> st.Sums:
    x, y = np.asarray(x, float), np.asarray(y, float)
    return st.Sums(len(x), x.sum(), y.sum(), (x * x).sum(), (y * y).sum(), (x * y).sum())


X = [1, 0, 1, 1, 0.5, 0, 1, 1, 0, 1, 0.5, 1]
Y = [7, 3, 6, 8, 5, 2, 9, 6, 4, 7, 3, 8]


def test_correlation_matches_pearson_and_fisher_interval():
    r = st.correlation(sums_of(X, Y))
    expected = stats.pearsonr(X, Y)
    assert r.value == pytest.approx(expected.statistic, rel=1e-12)
    ci = expected.confidence_interval(0.95)
    assert r.low == pytest.approx(ci.low, rel=1e-9)
    assert r.high == pytest.approx(ci.high, rel=1e-9)


def test_sums_add_up_like_concatenated_data():
    a, b = sums_of(X[:5], Y[:5]), sums_of(X[5:], Y[5:])
    both = a + b
    assert both.cov == pytest.approx(np.cov(X, Y, ddof=1)[0, 1], rel=1e-12)
    assert both.var_x == pytest.approx(np.var(X, ddof=1), rel=1e-12)


def test_no_spread_gives_none_with_a_reason_not_a_division_by_zero():
    flat = st.correlation(sums_of([1, 1, 1, 1], [1, 2, 3, 4]))
    assert flat.value is None and flat.reason == st.ITEM_NO_SPREAD
    rest_flat = st.correlation(sums_of([0, 1, 0, 1], [5, 5, 5, 5]))
    assert rest_flat.value is None and rest_flat.reason == st.REST_NO_SPREAD
    one = st.correlation(sums_of([1], [2]))
    assert one.value is None and one.reason == st.NEEDS_TWO


def test_rounding_noise_in_the_sums_counts_as_no_spread():
    values = [0.1] * 7
    assert st.Sums(7, sum(values), 0, sum(v * v for v in values)).var_x == 0.0


def test_fisher_interval_needs_four_and_an_imperfect_correlation():
    assert st.fisher_interval(0.5, 3)[2] == st.NEEDS_FOUR
    assert st.fisher_interval(1.0, 10)[2] == st.PERFECT_CORRELATION


def brute_sorted_pair_sum(x, y):
    return float(np.dot(np.sort(x), np.sort(y)))


def cells_of(x, y):
    pairs = {}
    for a, b in zip(x, y, strict=True):
        pairs[(float(a), float(b))] = pairs.get((float(a), float(b)), 0) + 1
    return [st.Cell(a, b, n) for (a, b), n in pairs.items()]


def test_sums_from_a_joint_histogram_equal_sums_over_the_rows():
    assert st.sums_from_cells(cells_of(X, Y)) == pytest.approx(sums_of(X, Y))


def test_sorted_pair_sum_from_a_joint_histogram_equals_sorting_both_series():
    assert st.sorted_pair_sum(cells_of(X, Y)) == pytest.approx(brute_sorted_pair_sum(X, Y))
    rng = np.random.default_rng(3)
    x = rng.choice([0, 0.5, 1, 2], size=200)
    y = rng.integers(0, 15, size=200) + rng.choice([0, 1 / 3], size=200)
    assert st.sorted_pair_sum(cells_of(x, y)) == pytest.approx(brute_sorted_pair_sum(x, y))
    assert st.sorted_pair_sum([]) == 0.0


def moodle_item(x, y):
    """Moodle's item calculator written out over the rows, as the reference."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = len(x)
    cov = ((x - x.mean()) * (y - y.mean())).sum() / (n - 1)
    cov_max = ((np.sort(x) - x.mean()) * (np.sort(y) - y.mean())).sum() / (n - 1)
    di = 100 * cov / math.sqrt(x.var(ddof=1) * y.var(ddof=1))
    return di, 100 * cov / cov_max


def test_discrimination_index_and_efficiency_follow_moodle():
    result = st.discrimination(sums_of(X, Y), st.sorted_pair_sum(cells_of(X, Y)))
    di, de = moodle_item(X, Y)
    assert result.index.value == pytest.approx(di, rel=1e-10)
    assert result.efficiency.value == pytest.approx(de, rel=1e-10)
    ci = stats.pearsonr(X, Y).confidence_interval(0.95)
    assert result.index.low == pytest.approx(100 * ci.low, rel=1e-9)
    # The efficiency's interval is the index's, scaled by efficiency / index.
    ratio = de / di
    assert result.efficiency.high == pytest.approx(100 * ci.high * ratio, rel=1e-9)
    assert result.index.too_few  # 12 attempts < 30


def test_negative_discrimination_keeps_its_sign():
    y_reversed = [10 - v for v in Y]
    result = st.discrimination(sums_of(X, y_reversed), st.sorted_pair_sum(cells_of(X, y_reversed)))
    di, de = moodle_item(X, y_reversed)
    assert result.index.value == pytest.approx(di) and di < 0
    assert result.efficiency.value == pytest.approx(de)


def test_moments_match_scipy_unbiased_skewness_and_kurtosis():
    scores = np.array([55.0, 70, 82.5, 90, 40, 65, 77, 100, 20, 61])
    m = st.moments(len(scores), *(float((scores**k).sum()) for k in (1, 2, 3, 4)))
    assert m.mean == pytest.approx(scores.mean())
    assert m.sd.value == pytest.approx(scores.std(ddof=1), rel=1e-10)
    assert m.skewness.value == pytest.approx(stats.skew(scores, bias=False), rel=1e-8)
    assert m.kurtosis.value == pytest.approx(stats.kurtosis(scores, bias=False), rel=1e-8)


def test_moments_with_few_or_equal_scores_say_why():
    one = st.moments(1, 50.0, 2500.0, 125000.0, 6250000.0)
    assert one.mean == 50 and one.sd.reason == st.NEEDS_TWO
    two = st.moments(2, 100.0, 5200.0, 0, 0)
    assert two.sd.value == pytest.approx(np.std([40, 60], ddof=1))
    assert two.skewness.reason == st.NEEDS_THREE
    same = [70.0] * 5
    flat = st.moments(5, *(sum(v**k for v in same) for k in (1, 2, 3, 4)))
    assert flat.sd.value == 0 and flat.skewness.reason == st.NO_SPREAD
    assert st.moments(0, 0, 0, 0, 0).mean is None


def cronbach(matrix):
    m = np.asarray(matrix, float)
    k = m.shape[1]
    return k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / m.sum(axis=1).var(ddof=1))


def test_reliability_is_cronbach_alpha_with_moodle_error_ratio():
    marks = [[1, 1, 0, 1], [0, 1, 0, 0], [1, 1, 1, 1], [0, 0, 0, 1], [1, 0, 1, 1], [1, 1, 1, 0]]
    m = np.asarray(marks, float)
    totals = m.sum(axis=1)
    sd_percent = (totals / 4 * 100).std(ddof=1)
    result = st.reliability(
        n=6,
        items=4,
        sum_item_variance=m.var(axis=0, ddof=1).sum(),
        total_variance=totals.var(ddof=1),
        sd=sd_percent,
    )
    alpha = 100 * cronbach(marks)
    assert result.alpha.value == pytest.approx(alpha)
    assert result.error_ratio.value == pytest.approx(100 * math.sqrt(1 - alpha / 100))
    assert result.standard_error.value == pytest.approx(
        100 * math.sqrt(1 - alpha / 100) * sd_percent / 100
    )
    assert result.alpha.too_few


def test_reliability_edge_cases():
    assert st.reliability(n=2, items=4, sum_item_variance=1, total_variance=2, sd=1).alpha.reason
    flat = st.reliability(n=5, items=4, sum_item_variance=0, total_variance=0, sd=0)
    assert flat.alpha.value is None and flat.alpha.reason == st.NO_SPREAD
    one = st.reliability(n=5, items=1, sum_item_variance=1, total_variance=1, sd=1)
    assert one.alpha.reason == st.ONE_ITEM
    # Items that pull apart: alpha below zero is reported, the error ratio is still defined.
    apart = st.reliability(n=50, items=2, sum_item_variance=2, total_variance=1, sd=10)
    assert apart.alpha.value == pytest.approx(-200)
    assert apart.error_ratio.value == pytest.approx(100 * math.sqrt(3))


def test_wilson_interval_matches_the_textbook_formula_and_stays_in_bounds():
    low, high = st.wilson_interval(0.8, 25)
    z = stats.norm.ppf(0.975)
    centre = (0.8 + z * z / 50) / (1 + z * z / 25)
    half = z / (1 + z * z / 25) * math.sqrt(0.8 * 0.2 / 25 + z * z / (4 * 625))
    assert (low, high) == pytest.approx((centre - half, centre + half))
    assert st.wilson_interval(1.0, 5)[1] == pytest.approx(1.0)
    assert st.wilson_interval(0.0, 5)[0] == pytest.approx(0.0)


def test_facility_is_mean_mark_over_max_and_marks_few_attempts():
    fig = st.facility(1.5, 2.0, 4)
    assert fig.value == 0.75 and fig.too_few
    assert fig.low < 0.75 < fig.high
    assert st.facility(None, 1, 0).reason == st.NO_ATTEMPTS


def test_effective_weights_share_root_covariances_and_drop_negative_ones():
    weights = st.effective_weights([0.04, 0.16, -0.01])
    assert [w.value for w in weights[:2]] == pytest.approx([100 * 0.2 / 0.6, 100 * 0.4 / 0.6])
    assert weights[2].value is None and weights[2].reason == st.NEGATIVE_COVARIANCE
    assert st.effective_weights([0.0, 0.0])[0].reason == st.NO_SPREAD


@pytest.mark.parametrize(
    ("qtype", "options", "expected"),
    [
        ("single_choice", [("a", 1), ("b", 0), ("c", 0), ("d", 0)], 0.25),
        ("single_choice", [("a", 1), ("b", 0.5), ("c", 0)], 0.5),
        ("true_false", [("True", 1), ("False", 0)], 0.5),
        ("multiple_response", [("a", 0.5), ("b", 0.5), ("c", 0), ("d", 0)], 0.25),
        # Negative weights can pull Moodle's mean below zero; a score never goes below 0 here.
        ("multiple_response", [("a", 0.5), ("b", 0.5), ("c", -1), ("d", -1)], 0.0),
        ("short_answer", [("iliopsoas", 1), ("*", 0.1)], 0.1),
        ("short_answer", [("iliopsoas", 1)], 0.0),
        ("matching", [("T12", 0), ("L1", 0), ("T12", 0)], 0.5),
        ("ordering", [("a", 0), ("b", 0)], 0.0),
    ],
)
def test_random_guess_score_follows_moodle_per_type(qtype, options, expected):
    guess = st.random_guess_score(qtype, [st.GuessOption(t, f) for t, f in options])
    assert guess == pytest.approx(expected)


def test_flags_name_what_is_dubious_with_a_suggestion():
    codes = {f.code for f in st.flags_for(st.Figure(0.27), st.Figure(-12.0), guess=0.25)}
    assert codes == {"negative_discrimination", "near_random_guess"}
    easy = st.flags_for(st.Figure(0.97), st.Figure(10.0), guess=0.25)
    assert [(f.code, f.suggestion) for f in easy] == [("too_easy", st.TOO_EASY)]
    hard = st.flags_for(st.Figure(0.05), st.Figure(None), guess=0.0)
    assert [f.code for f in hard] == ["too_hard"]
    assert st.flags_for(st.Figure(None), st.Figure(None), guess=0.25) == ()


def test_point_biserial_is_pearson_between_choice_and_rest():
    chosen = np.array([1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1])
    rest = np.asarray(Y, float)
    fig = st.point_biserial(
        n=len(rest),
        chosen=int(chosen.sum()),
        rest_sum_chosen=float(rest[chosen == 1].sum()),
        rest_sum=float(rest.sum()),
        rest_sum_sq=float((rest**2).sum()),
    )
    assert fig.value == pytest.approx(stats.pointbiserialr(chosen, rest).statistic)
    assert st.point_biserial(n=5, chosen=0, rest_sum_chosen=0, rest_sum=5, rest_sum_sq=9).reason
    everyone = st.point_biserial(n=5, chosen=5, rest_sum_chosen=5, rest_sum=5, rest_sum_sq=9)
    assert everyone.reason == st.ALWAYS_CHOSEN
