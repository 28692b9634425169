"""Fitting FSRS-6's 21 parameters to a class's review history. Pure: plain values in and out.

The fitting itself is fsrs's own `Optimizer` (gradient descent in torch), which is an optional
extra (`pip install -r requirements-optimizer.txt`); everything else here (turning our review
log into card histories, the minimum amount of data, the held-out evaluation, the checks on the
result) needs only `fsrs`.

How a fit is judged: the card histories are split, by card, into a fitting set (80%) and a
held-out set (20%). The parameters are fitted on the first and scored on the second against the
defaults, by log loss (and RMSE over bins of predicted recall) at every review a day or more
after the card's previous one: the only reviews FSRS predicts. Parameters that do not predict the
held-out reviews better than the defaults are not used.
"""

import importlib.util
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import fsrs
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

PARAMETER_COUNT = len(DEFAULT_PARAMETERS)
# fsrs's Optimizer takes gradient steps on mini-batches of 512 reviews made a day or more after
# the card's previous review, and below one mini-batch it returns the defaults unchanged
# (fsrs/optimizer.py, `num_reviews < mini_batch_size`). So the fitting set needs at least that.
MIN_FIT_REVIEWS = 512
# The held-out set must be large enough for its log loss to say something: over 100 reviews a
# log loss near 0.4 has a standard error of about 0.06 alone, less for the paired comparison.
MIN_HELD_OUT_REVIEWS = 100
HELD_OUT_SHARE = 0.2
SPLIT_SEED = 2026
CALIBRATION_BINS = 20
OPTIMIZER_PACKAGES = ("torch", "pandas", "tqdm")

OPTIMIZER_MISSING = (
    "Fitting the memory model needs the optional optimiser packages: "
    "pip install -r requirements-optimizer.txt"
)
TOO_FEW_REVIEWS = (
    "Kept the default parameters: fitting needs at least {needed:,} reviews made a day or more "
    "after the card's previous review (and {held_out:,} more to check the result); "
    "this class has {have:,}."
)
NOT_BETTER = (
    "Kept the default parameters: the fitted ones predicted the held-out reviews no better "
    "(log loss {after:.3f} against {before:.3f} with the defaults)."
)
FITTED = "Fitted from {reviews:,} reviews of {cards:,} cards."
INVALID_RESULT = (
    "The optimiser returned parameters that are not valid FSRS-6 parameters (not finite, or out "
    "of fsrs's bounds), so they were not used."
)
BAD_PARAMETERS = "FSRS parameters must be {count} finite numbers within fsrs's bounds."


@dataclass(frozen=True)
class LoggedReview:
    """One row of our review log, as the fit needs it."""

    card_id: int
    rating: int
    reviewed_at: datetime
    # "new" on a card's first review, and again after a leech reset starts it afresh.
    phase_before: str = "review"
    duration_ms: int = 0


@dataclass(frozen=True)
class Score:
    """How well parameters predict recall at interday reviews."""

    log_loss: float
    rmse: float
    count: int


@dataclass(frozen=True)
class Fit:
    """The outcome of `fit`. `parameters` is None when the defaults were kept (see `message`)."""

    parameters: tuple[float, ...] | None
    message: str
    reviews: int
    cards: int
    interday_reviews: int
    before: Score | None = None
    after: Score | None = None


Progress = Callable[[int, str], None]
# One card's history: (moment, rating) in time order.
History = list[tuple[datetime, int]]


def optimizer_available() -> bool:
    """Whether fsrs's Optimizer can run here, checked without importing torch (slow, large)."""
    return all(importlib.util.find_spec(name) is not None for name in OPTIMIZER_PACKAGES)


def valid_parameters(parameters: Iterable) -> tuple[float, ...]:
    """The parameters as a tuple of floats, or ValueError(BAD_PARAMETERS)."""
    try:
        values = tuple(float(p) for p in parameters)
    except (TypeError, ValueError):
        raise ValueError(BAD_PARAMETERS.format(count=PARAMETER_COUNT)) from None
    in_bounds = len(values) == PARAMETER_COUNT and all(
        math.isfinite(v) and low <= v <= high
        for v, low, high in zip(
            values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True
        )
    )
    if not in_bounds:
        raise ValueError(BAD_PARAMETERS.format(count=PARAMETER_COUNT))
    return values


def histories(reviews: Iterable[LoggedReview]) -> list[History]:
    """Card histories in a stable order. A review of a new card after earlier reviews (a leech
    reset) starts a new history: the card was deliberately learned again from scratch."""
    by_card: dict[int, list[LoggedReview]] = {}
    for r in reviews:
        by_card.setdefault(r.card_id, []).append(r)
    result = []
    for card_id in sorted(by_card):
        current: History = []
        for r in sorted(by_card[card_id], key=lambda r: r.reviewed_at):
            if r.phase_before == "new" and current:
                result.append(current)
                current = []
            current.append((r.reviewed_at.astimezone(UTC), int(r.rating)))
        result.append(current)
    return result


def _is_interday(previous: datetime | None, moment: datetime) -> bool:
    # The optimiser's own test: whole days since the previous review.
    return previous is not None and (moment - previous).days > 0


def interday_count(cards: Sequence[History]) -> int:
    return sum(
        _is_interday(history[i - 1][0], history[i][0])
        for history in cards
        for i in range(1, len(history))
    )


def score(cards: Sequence[History], parameters: Sequence[float] | None = None) -> Score:
    """Replay each history under `parameters` (None: the defaults) and score the predicted
    recall at every interday review against what happened (Again = forgotten)."""
    scheduler = fsrs.Scheduler(
        parameters=tuple(parameters or DEFAULT_PARAMETERS), enable_fuzzing=False
    )
    loss, count = 0.0, 0
    bins = [[0, 0.0, 0] for _ in range(CALIBRATION_BINS)]
    for history in cards:
        card = fsrs.Card(card_id=1, due=history[0][0])
        for moment, rating in history:
            if _is_interday(card.last_review, moment):
                predicted = float(scheduler.get_card_retrievability(card, moment))
                recalled = rating != fsrs.Rating.Again
                p = min(max(predicted, 1e-6), 1 - 1e-6)
                loss -= math.log(p if recalled else 1 - p)
                count += 1
                row = bins[min(int(predicted * CALIBRATION_BINS), CALIBRATION_BINS - 1)]
                row[0] += 1
                row[1] += predicted
                row[2] += recalled
            card, _ = scheduler.review_card(card, fsrs.Rating(rating), moment)
    if not count:
        return Score(math.nan, math.nan, 0)
    squared = sum(n * (p / n - r / n) ** 2 for n, p, r in bins if n)
    return Score(loss / count, math.sqrt(squared / count), count)


def split(cards: Sequence[History]) -> tuple[list[History], list[History]]:
    """(fitting set, held-out set), by card, the same every time for the same histories."""
    order = list(range(len(cards)))
    random.Random(SPLIT_SEED).shuffle(order)
    cut = round(len(cards) * HELD_OUT_SHARE)
    held_out = set(order[:cut])
    return (
        [h for i, h in enumerate(cards) if i not in held_out],
        [h for i, h in enumerate(cards) if i in held_out],
    )


def _optimise(cards: Sequence[History], progress: Progress) -> tuple[float, ...]:
    """fsrs's Optimizer on these histories, reporting progress from 10% to 85%."""
    from fsrs.optimizer import Optimizer, num_epochs

    if not hasattr(Optimizer, "compute_optimal_parameters"):
        # fsrs swaps in a stub that raises on use when torch, pandas or tqdm fail to import.
        raise RuntimeError(OPTIMIZER_MISSING)

    class Reporting(Optimizer):
        # The optimiser scores the whole set once after each epoch: the one hook it offers.
        epochs_done = 0

        def _compute_batch_loss(self, *, parameters):
            loss = super()._compute_batch_loss(parameters=parameters)
            self.epochs_done += 1
            progress(10 + 75 * self.epochs_done // num_epochs, "fitting")
            return loss

    logs = [
        fsrs.ReviewLog(
            card_id=card_id,
            rating=fsrs.Rating(rating),
            review_datetime=moment,
            review_duration=None,
        )
        for card_id, history in enumerate(cards, start=1)
        for moment, rating in history
    ]
    return tuple(Reporting(logs).compute_optimal_parameters())


def fit(reviews: Iterable[LoggedReview], *, progress: Progress | None = None) -> Fit:
    """Fit parameters to these reviews, or say why the defaults were kept.

    Raises RuntimeError with a message for people: OPTIMIZER_MISSING when there is enough data
    but no optimiser, INVALID_RESULT when the optimiser's answer fails `valid_parameters`.
    """
    report = progress or (lambda percent, stage: None)
    reviews = list(reviews)
    cards = histories(reviews)
    fitting, held_out = split(cards)
    counts = {
        "reviews": len(reviews),
        "cards": len(cards),
        "interday_reviews": interday_count(cards),
    }
    report(5, "preparing")
    if interday_count(fitting) < MIN_FIT_REVIEWS or interday_count(held_out) < (
        MIN_HELD_OUT_REVIEWS
    ):
        message = TOO_FEW_REVIEWS.format(
            needed=MIN_FIT_REVIEWS,
            held_out=MIN_HELD_OUT_REVIEWS,
            have=counts["interday_reviews"],
        )
        return Fit(None, message, **counts)
    if not optimizer_available():
        raise RuntimeError(OPTIMIZER_MISSING)
    report(10, "fitting")
    try:
        parameters = valid_parameters(_optimise(fitting, report))
    except ValueError:
        raise RuntimeError(INVALID_RESULT) from None
    report(90, "checking")
    before, after = score(held_out), score(held_out, parameters)
    report(100, "done")
    if not after.log_loss < before.log_loss:
        message = NOT_BETTER.format(before=before.log_loss, after=after.log_loss)
        return Fit(None, message, before=before, after=after, **counts)
    message = FITTED.format(reviews=counts["reviews"], cards=counts["cards"])
    return Fit(parameters, message, before=before, after=after, **counts)
