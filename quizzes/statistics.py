"""Item analysis formulas, as Moodle's quiz statistics report defines them; no database.

Everything here works from sums the database already computed (n, Σx, Σx², …), so a report
never walks answer rows in Python. The definitions follow Moodle's "Quiz statistics
calculations" (question/classes/statistics/questions/calculator.php and
mod/quiz/report/statistics/classes/calculator.php):

- variances and covariances divide by n − 1;
- facility = mean mark / maximum mark;
- discrimination index = 100 × correlation(item mark, rest of the test), where the rest is the
  attempt's total minus this item's mark;
- discriminative efficiency = 100 × cov(item, rest) / cov_max, where cov_max is the covariance
  of the item marks and the rest marks each sorted ascending and paired by rank (the largest
  covariance any pairing of the same marks could give);
- effective weight = 100 × √cov(item, total) / Σ √cov(item, total), only when no item
  covaries negatively;
- skewness = k3 / k2^1.5 and kurtosis = k4 / k2² from the unbiased cumulants k2, k3, k4;
- coefficient of internal consistency (Cronbach's alpha) = 100 × P/(P − 1) × (1 − Σ item
  variances / variance of the total marks); error ratio = 100 × √(1 − alpha/100); standard
  error = error ratio × SD / 100.

Where a figure is undefined (one attempt, no spread) it is None with a sentence saying why,
never a division by zero. Intervals are 95%: Wilson for facility, Fisher's z for correlations.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Z_95 = 1.959963984540054

# Below these counts a figure is shown but marked as resting on too few attempts.
MIN_ATTEMPTS_FOR_FACILITY = 10
MIN_ATTEMPTS_FOR_DISCRIMINATION = 30
MIN_ATTEMPTS_FOR_RELIABILITY = 30

# Thresholds for flagging an item as dubious.
EASY_FACILITY = 0.95
HARD_FACILITY = 0.10
NEAR_GUESS_MARGIN = 0.10

# A variance this small next to the squared mean is rounding noise from the sums, not spread.
_RELATIVE_EPSILON = 1e-10

# Why a figure is missing.
NO_ATTEMPTS = "No attempt counts yet."
NEEDS_TWO = "Needs at least two attempts."
NEEDS_THREE = "Needs at least three attempts."
NEEDS_FOUR = "Needs at least four attempts."
NO_SPREAD = "Every attempt scored the same, so there is no spread to measure."
ITEM_NO_SPREAD = "Every attempt scored the same on this question, so it cannot discriminate."
REST_NO_SPREAD = "Every attempt scored the same on the rest of the quiz, so nothing to compare."
ONE_ITEM = "Needs at least two questions per attempt."
PERFECT_CORRELATION = "The correlation is exactly ±1, so it has no interval."
NEGATIVE_COVARIANCE = "A question covaries negatively with the total, so weights are not shared."
NEVER_CHOSEN = "No attempt chose this option."
ALWAYS_CHOSEN = "Every attempt chose this option."

# Flags for dubious items, with what to do about them.
NEGATIVE_DISCRIMINATION = (
    "Students who did well on the rest of the quiz did worse on this question. Check that the "
    "right answer is marked right and that the wording does not mislead strong students."
)
NEAR_RANDOM_GUESS = (
    "Students score about what blind guessing would give. The question may be unclear, or the "
    "topic may not have been taught yet."
)
TOO_EASY = (
    "Almost everyone gets this right, so it tells you little. Make a distractor more plausible "
    "or ask about a finer point."
)
TOO_HARD = (
    "Almost no one gets this right. Check the key and the wording, or teach the topic again "
    "before asking it."
)


@dataclass(frozen=True)
class Figure:
    """One statistic: its value, a 95% interval where there is one, and why anything is missing."""

    value: float | None
    low: float | None = None
    high: float | None = None
    reason: str = ""
    # True when the value rests on fewer attempts than the figure needs to be trusted.
    too_few: bool = False

    @property
    def known(self) -> bool:
        return self.value is not None


def missing(reason: str) -> Figure:
    return Figure(None, reason=reason)


@dataclass(frozen=True)
class Sums:
    """Sums over n paired observations (x, y), as the database returns them."""

    n: int
    sx: float = 0.0
    sy: float = 0.0
    sxx: float = 0.0
    syy: float = 0.0
    sxy: float = 0.0

    def __add__(self, other: "Sums") -> "Sums":
        return Sums(
            self.n + other.n,
            self.sx + other.sx,
            self.sy + other.sy,
            self.sxx + other.sxx,
            self.syy + other.syy,
            self.sxy + other.sxy,
        )

    @property
    def mean_x(self) -> float | None:
        return self.sx / self.n if self.n else None

    @property
    def mean_y(self) -> float | None:
        return self.sy / self.n if self.n else None

    @property
    def var_x(self) -> float | None:
        return variance(self.n, self.sx, self.sxx)

    @property
    def var_y(self) -> float | None:
        return variance(self.n, self.sy, self.syy)

    @property
    def cov(self) -> float | None:
        if self.n < 2:
            return None
        return (self.sxy - self.sx * self.sy / self.n) / (self.n - 1)


def variance(n: int, s: float, ss: float) -> float | None:
    """Sample variance (n − 1) from Σx and Σx²; 0 when the spread is only rounding noise."""
    if n < 2:
        return None
    mean = s / n
    var = (ss - s * mean) / (n - 1)
    if var <= _RELATIVE_EPSILON * max(1.0, mean * mean):
        return 0.0
    return var


def correlation(sums: Sums) -> Figure:
    """Pearson's r with Fisher's z interval, or None with the reason."""
    if sums.n < 2:
        return missing(NEEDS_TWO)
    var_x, var_y = sums.var_x, sums.var_y
    if not var_x:
        return missing(ITEM_NO_SPREAD)
    if not var_y:
        return missing(REST_NO_SPREAD)
    r = sums.cov / math.sqrt(var_x * var_y)
    r = max(-1.0, min(1.0, r))
    low, high, reason = fisher_interval(r, sums.n)
    return Figure(r, low, high, reason=reason)


def fisher_interval(r: float, n: int, z: float = Z_95) -> tuple[float | None, float | None, str]:
    """The interval of a correlation through Fisher's z = atanh(r), with SE 1/√(n − 3)."""
    if n <= 3:
        return None, None, NEEDS_FOUR
    if abs(r) >= 1.0:
        return None, None, PERFECT_CORRELATION
    centre = math.atanh(r)
    half = z / math.sqrt(n - 3)
    return math.tanh(centre - half), math.tanh(centre + half), ""


def wilson_interval(p: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion p observed over n trials.

    Facility with partial credit is a mean fraction rather than a proportion; the Wilson
    interval still keeps the bounds inside 0..1 and behaves at 0% and 100%, where the normal
    approximation collapses to a point.
    """
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(max(p * (1 - p), 0.0) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def scale(figure: Figure, factor: float) -> Figure:
    def times(v):
        return None if v is None else v * factor

    return Figure(
        times(figure.value), times(figure.low), times(figure.high), figure.reason, figure.too_few
    )


@dataclass(frozen=True)
class Cell:
    """`count` observations of the pair (x, y): one row of a joint histogram."""

    x: float
    y: float
    count: int


def sums_from_cells(cells: Iterable[Cell]) -> Sums:
    n = 0
    sx = sy = sxx = syy = sxy = 0.0
    for c in cells:
        n += c.count
        sx += c.count * c.x
        sy += c.count * c.y
        sxx += c.count * c.x * c.x
        syy += c.count * c.y * c.y
        sxy += c.count * c.x * c.y
    return Sums(n, sx, sy, sxx, syy, sxy)


def sorted_pair_sum(cells: Iterable[Cell]) -> float:
    """Σ x₍ᵢ₎·y₍ᵢ₎ with the x series and the y series each sorted ascending.

    Moodle pairs the i-th smallest item mark with the i-th smallest rest-of-test mark. From a
    joint histogram each sorted series is a run of blocks (value, count); walking both runs
    together multiplies the values over each stretch of ranks where both are constant.
    """
    cells = list(cells)
    xs = _blocks((c.x, c.count) for c in cells)
    ys = _blocks((c.y, c.count) for c in cells)
    total = 0.0
    i = j = 0
    left_x = xs[0][1] if xs else 0
    left_y = ys[0][1] if ys else 0
    while i < len(xs) and j < len(ys):
        run = min(left_x, left_y)
        total += xs[i][0] * ys[j][0] * run
        left_x -= run
        left_y -= run
        if not left_x:
            i += 1
            left_x = xs[i][1] if i < len(xs) else 0
        if not left_y:
            j += 1
            left_y = ys[j][1] if j < len(ys) else 0
    return total


def _blocks(pairs: Iterable[tuple[float, int]]) -> list[tuple[float, int]]:
    counts: dict[float, int] = {}
    for value, count in pairs:
        counts[value] = counts.get(value, 0) + count
    return sorted(counts.items())


def covariance_max(sums: Sums, pair_sum: float | None) -> float | None:
    if pair_sum is None or sums.n < 2:
        return None
    return (pair_sum - sums.sx * sums.sy / sums.n) / (sums.n - 1)


@dataclass(frozen=True)
class Discrimination:
    index: Figure
    efficiency: Figure


def discrimination(sums: Sums, pair_sum: float | None) -> Discrimination:
    """Moodle's discrimination index and discriminative efficiency, in percent.

    `sums` pairs the item mark (x) with the rest of the test (y). The efficiency's interval is
    the index's Fisher interval scaled by the same factor (√(var x · var y) / cov_max) that
    turns the index into the efficiency, treating cov_max as fixed.
    """
    too_few = sums.n < MIN_ATTEMPTS_FOR_DISCRIMINATION
    r = correlation(sums)
    index = scale(r, 100.0)
    index = Figure(index.value, index.low, index.high, index.reason, too_few)
    if r.value is None:
        return Discrimination(index, Figure(None, reason=r.reason, too_few=too_few))
    cov_max = covariance_max(sums, pair_sum)
    if not cov_max or cov_max <= _RELATIVE_EPSILON * max(1.0, abs(sums.cov)):
        return Discrimination(index, Figure(None, reason=ITEM_NO_SPREAD, too_few=too_few))
    factor = 100.0 * math.sqrt(sums.var_x * sums.var_y) / cov_max
    efficiency = scale(r, factor)
    return Discrimination(
        index, Figure(efficiency.value, efficiency.low, efficiency.high, r.reason, too_few)
    )


def facility(mean_mark: float | None, max_mark: float, n: int) -> Figure:
    if not n or mean_mark is None:
        return missing(NO_ATTEMPTS)
    value = mean_mark / max_mark if max_mark else 0.0
    low, high = wilson_interval(min(max(value, 0.0), 1.0), n)
    return Figure(value, low, high, too_few=n < MIN_ATTEMPTS_FOR_FACILITY)


@dataclass(frozen=True)
class Moments:
    n: int
    mean: float | None
    sd: Figure
    skewness: Figure
    kurtosis: Figure
    # The unbiased variance k2 (in the unit of the scores), for the reliability figures.
    variance: float | None


def moments(n: int, s1: float, s2: float, s3: float, s4: float) -> Moments:
    """Mean, SD, skewness and kurtosis from Σx, Σx², Σx³, Σx⁴, with Moodle's k-statistics."""
    if n == 0:
        none = missing(NO_ATTEMPTS)
        return Moments(0, None, none, none, none, None)
    mean = s1 / n
    if n < 2:
        return Moments(n, mean, missing(NEEDS_TWO), missing(NEEDS_THREE), missing(NEEDS_FOUR), None)
    # Central sums of powers from the raw ones.
    p2 = s2 - 2 * mean * s1 + n * mean**2
    p3 = s3 - 3 * mean * s2 + 3 * mean**2 * s1 - n * mean**3
    p4 = s4 - 4 * mean * s3 + 6 * mean**2 * s2 - 4 * mean**3 * s1 + n * mean**4
    k2 = p2 / (n - 1)
    if k2 <= _RELATIVE_EPSILON * max(1.0, mean * mean):
        zero = Figure(0.0)
        return Moments(n, mean, zero, missing(NO_SPREAD), missing(NO_SPREAD), 0.0)
    sd = Figure(math.sqrt(k2))
    if n < 3:
        return Moments(n, mean, sd, missing(NEEDS_THREE), missing(NEEDS_FOUR), k2)
    m2, m3, m4 = p2 / n, p3 / n, p4 / n
    k3 = n * n * m3 / ((n - 1) * (n - 2))
    skewness = Figure(k3 / k2**1.5)
    if n < 4:
        return Moments(n, mean, sd, skewness, missing(NEEDS_FOUR), k2)
    k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
    return Moments(n, mean, sd, skewness, Figure(k4 / (k2 * k2)), k2)


@dataclass(frozen=True)
class Reliability:
    alpha: Figure
    error_ratio: Figure
    standard_error: Figure


def reliability(
    *, n: int, items: float, sum_item_variance: float, total_variance: float | None, sd: float
) -> Reliability:
    """Moodle's coefficient of internal consistency, error ratio and standard error (percent).

    `items` is the number of questions per attempt (P), `sum_item_variance` the sum of the item
    mark variances and `total_variance` the variance of the attempts' total marks; `sd` is the
    score SD in the unit the standard error should have (percent of the maximum).
    """
    too_few = n < MIN_ATTEMPTS_FOR_RELIABILITY
    if n < 3:
        none = missing(NEEDS_THREE)
        return Reliability(none, none, none)
    if not total_variance:
        none = missing(NO_SPREAD)
        return Reliability(none, none, none)
    if items <= 1:
        none = missing(ONE_ITEM)
        return Reliability(none, none, none)
    alpha = 100 * items / (items - 1) * (1 - sum_item_variance / total_variance)
    # Alpha can come out below zero (items that pull apart); the error ratio is then undefined
    # in Moodle's formula, which takes √(1 − alpha) and would exceed 100%.
    ratio = 100 * math.sqrt(1 - alpha / 100) if alpha <= 100 else None
    return Reliability(
        Figure(alpha, too_few=too_few),
        Figure(ratio, too_few=too_few),
        Figure(ratio * sd / 100 if ratio is not None else None, too_few=too_few),
    )


def effective_weights(covariances: Sequence[float | None]) -> list[Figure]:
    """Moodle's effective weight of each item: √cov(item, total) as a share of their sum.

    An item that covaries negatively with the total gets no weight (None), as in Moodle.
    """
    roots = [math.sqrt(c) if c is not None and c >= 0 else None for c in covariances]
    total = sum(r for r in roots if r is not None)
    if not total:
        return [missing(NO_SPREAD) for _ in covariances]
    return [
        Figure(100 * r / total) if r is not None else missing(NEGATIVE_COVARIANCE) for r in roots
    ]


@dataclass(frozen=True)
class GuessOption:
    text: str
    fraction: float
    data: dict = field(default_factory=dict)


def random_guess_score(qtype: str, options: Iterable[GuessOption]) -> float:
    """What a student guessing at random scores on average, as Moodle's question types say.

    - single choice and multiple response: the mean of the options' weights (Moodle's
      multichoice rule), never below 0 since a question never scores below 0 here;
    - true/false: 0.5;
    - short answer and numeric: the weight of a catch-all `*` answer, if there is one;
    - matching: 1 / the number of distinct answers (Moodle's match type);
    - any other type: 0.
    """
    options = list(options)
    if qtype == "true_false":
        return 0.5
    if qtype in ("single_choice", "multiple_response"):
        if not options:
            return 0.0
        return max(0.0, sum(o.fraction for o in options) / len(options))
    if qtype in ("short_answer", "numeric"):
        wild = [o.fraction for o in options if o.text.strip() == "*"]
        return max(wild, default=0.0)
    if qtype == "matching":
        answers = {o.text for o in options}
        return 1 / len(answers) if answers else 0.0
    return 0.0


@dataclass(frozen=True)
class Flag:
    code: str
    suggestion: str


def flags_for(facility: Figure, discrimination: Figure, guess: float) -> tuple[Flag, ...]:
    flags = []
    if discrimination.value is not None and discrimination.value < 0:
        flags.append(Flag("negative_discrimination", NEGATIVE_DISCRIMINATION))
    if facility.value is not None:
        if guess > 0 and abs(facility.value - guess) <= NEAR_GUESS_MARGIN:
            flags.append(Flag("near_random_guess", NEAR_RANDOM_GUESS))
        if facility.value > EASY_FACILITY:
            flags.append(Flag("too_easy", TOO_EASY))
        if facility.value < HARD_FACILITY:
            flags.append(Flag("too_hard", TOO_HARD))
    return tuple(flags)


def point_biserial(
    *, n: int, chosen: int, rest_sum_chosen: float, rest_sum: float, rest_sum_sq: float
) -> Figure:
    """Correlation between choosing an option (1/0) and the rest-of-test score, with its interval.

    Built from the item's sums (n, Σy, Σy²) and the option's (k choosers, Σy over them): the
    0/1 variable has Σc = Σc² = k and Σcy = Σy over the choosers.
    """
    if chosen == 0:
        return missing(NEVER_CHOSEN)
    if chosen == n:
        return missing(ALWAYS_CHOSEN)
    sums = Sums(n, float(chosen), rest_sum, float(chosen), rest_sum_sq, rest_sum_chosen)
    r = correlation(sums)
    return Figure(r.value, r.low, r.high, r.reason, n < MIN_ATTEMPTS_FOR_DISCRIMINATION)


def to_float(value) -> float:
    """Database sums come back as Decimal on PostgreSQL and float on SQLite."""
    return 0.0 if value is None else float(value)
