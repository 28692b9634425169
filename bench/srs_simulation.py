"""Our scheduler against SM-2 and a Leitner box, on simulated learners whose memory is not FSRS.

Each simulated learner studies the same deck for a year under one scheduler. Whether they recall a
card is drawn from a ground-truth memory model of our own (a power-law forgetting curve with a
spacing effect, described in bench/README.md), so the benchmark asks how well each scheduler does
when its picture of memory is wrong, which is the only honest question for FSRS.

    .venv/bin/python -m bench.srs_simulation   # defaults: 200 learners x 100 cards x 365 days
    .venv/bin/python -m bench.srs_simulation --help

Prints a Markdown table and writes it to bench/results/srs.md. The same seed gives the same numbers.
"""

import argparse
import heapq
import math
import random
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

from quizzes import scheduling

# Day 0 starts at this midnight; times inside the simulation are float days since then.
EPOCH = datetime(2026, 1, 5, tzinfo=UTC)
# Each day's session starts at a random time in this window (hours UTC), as people's days vary.
SESSION_HOURS = (8.0, 21.0)
REVIEW_DAYS = 20 / 86400  # one answer takes 20 seconds
# A card answered this often in one day stops coming back that day (never reached in practice,
# but it keeps a pathological learner from looping forever).
MAX_SAME_DAY = 30
RESULTS = Path(__file__).resolve().parent / "results" / "srs.md"

# The ground truth. See bench/README.md for the model and why these values.
INITIAL_HALF_LIFE = 4.0  # days until 50% recall after first sight, for an average learner and card
GAIN = 4.0  # how much one successful recall can multiply the half-life
LAPSE_KEEP = 0.4  # share of the half-life a failed recall keeps
FIRST_SIGHT_RECALL = 0.3  # chance an average learner already knows an average card
ABILITY_SIGMA = 0.3  # log-normal spread of learners' ability
DIFFICULTY_SIGMA = 0.4  # log-normal spread of cards' difficulty
PAIR_SIGMA = 0.2  # log-normal spread of how one learner gets on with one card
DECAY_MEDIAN = 0.5  # power-law exponent of forgetting, per learner
DECAY_SIGMA = 0.3

# SM-2 as published by Wozniak (1990): quality 0-5, E-Factor from 2.5 down to 1.3.
SM2_QUALITY_FAIL = 2  # "incorrect response; the correct one seemed easy to recall"
SM2_QUALITY_PASS = 4  # "correct response after a hesitation"
SM2_MIN_EF = 1.3
SM2_START_EF = 2.5

LEITNER_DAYS = (1, 2, 4, 8, 16)

# The assumed curve that gives SM-2 and Leitner a prediction to calibrate: each interval is taken
# to aim at 90% recall, decaying exponentially (neither algorithm claims any such thing).
ASSUMED_RETENTION = 0.9
CALIBRATION_BINS = 20


@dataclass(frozen=True)
class Config:
    learners: int = 200
    items: int = 100
    days: int = 365
    seed: int = 2026
    new_per_day: int = 10
    review_cap: int = 200
    exam_day: int = 180
    desired_retention: float = 0.9


@dataclass(frozen=True)
class Learner:
    decay: float
    # learnability[i]: how easily this learner learns card i (ability / difficulty, with noise)
    learnability: tuple[float, ...]
    order: tuple[int, ...]  # the order new cards are introduced in
    session_starts: tuple[float, ...]  # time of day (in days) of each day's session


def make_learners(config: Config) -> list[Learner]:
    """The same people and cards for every scheduler (common random numbers)."""
    rng = random.Random(f"{config.seed}:world")
    difficulty = [rng.lognormvariate(0.0, DIFFICULTY_SIGMA) for _ in range(config.items)]
    learners = []
    for _ in range(config.learners):
        ability = rng.lognormvariate(0.0, ABILITY_SIGMA)
        decay = DECAY_MEDIAN * rng.lognormvariate(0.0, DECAY_SIGMA)
        learnability = tuple(ability / d * rng.lognormvariate(0.0, PAIR_SIGMA) for d in difficulty)
        order = list(range(config.items))
        rng.shuffle(order)
        starts = tuple(rng.uniform(*SESSION_HOURS) / 24 for _ in range(config.days))
        learners.append(Learner(decay, learnability, tuple(order), starts))
    return learners


@dataclass(slots=True)
class Card:
    """One learner's card: the true memory (hidden from schedulers) and the scheduler's state."""

    item: int
    learnability: float
    half_life: float = 0.0
    last_seen: float | None = None
    seen_today: int = 0
    due: float = math.inf
    state: object = None
    suspended: bool = False
    drill: bool = False


def true_recall(card: Card, at: float, decay: float) -> float:
    """p(t) = (1 + (2^(1/d) - 1) t / h)^(-d): a power law in which h is the half-life."""
    if card.last_seen is None:
        return 0.0
    elapsed = max(at - card.last_seen, 0.0)
    return (1.0 + (2.0 ** (1.0 / decay) - 1.0) * elapsed / card.half_life) ** (-decay)


def first_sight_recall(card: Card) -> float:
    return min(0.95, FIRST_SIGHT_RECALL * card.learnability)


def expose(card: Card, at: float, recalled: bool, recall_before: float) -> None:
    """Answering and then seeing the answer changes the true memory (the spacing effect)."""
    fresh = INITIAL_HALF_LIFE * card.learnability
    if card.last_seen is None:
        card.half_life = fresh
    elif recalled:
        # Recalling what was nearly forgotten strengthens memory most; recalling what was just
        # seen (massed practice) barely does.
        card.half_life *= 1.0 + GAIN * card.learnability * math.sqrt(1.0 - recall_before)
    else:
        card.half_life = max(card.half_life * LAPSE_KEEP, fresh)
    card.last_seen = at


# --- The schedulers ---------------------------------------------------------------------------


def to_datetime(day: float) -> datetime:
    return EPOCH + timedelta(days=day)


def to_day(moment: datetime) -> float:
    return (moment - EPOCH) / timedelta(days=1)


class Ours:
    """quizzes.scheduling exactly as the app calls it: Again for a miss, Good for a hit."""

    has_prediction = True

    def __init__(self, name: str, policy: scheduling.Policy):
        self.name = name
        self.policy = policy

    def answer(self, card: Card, recalled: bool, now: float, key: str) -> None:
        memory = card.state if card.state is not None else scheduling.Memory()
        rating = scheduling.Rating.GOOD if recalled else scheduling.Rating.AGAIN
        result = scheduling.review(
            memory, rating, to_datetime(now), policy=self.policy, card_key=key
        )
        card.state = result.memory
        card.due = to_day(result.memory.due)
        # The app keeps leeches out of the queue until someone resets them.
        card.suspended = result.became_leech

    def predict(self, card: Card, now: float) -> float:
        return scheduling.recall_probability(card.state, to_datetime(now), policy=self.policy)


@dataclass(frozen=True)
class Sm2State:
    repetitions: int = 0  # successful repetitions in a row
    ef: float = SM2_START_EF
    interval: int = 1  # days
    reviewed_at: float = 0.0


def sm2_ef(ef: float, quality: int) -> float:
    """EF' = EF + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)), never below 1.3."""
    miss = 5 - quality
    return max(SM2_MIN_EF, ef + (0.1 - miss * (0.08 + miss * 0.02)))


def sm2_review(state: Sm2State, quality: int, now: float) -> Sm2State:
    """I(1) = 1 day, I(2) = 6 days, then I(n) = I(n-1) * EF rounded up; q < 3 starts over."""
    ef = sm2_ef(state.ef, quality)
    if quality < 3:
        return Sm2State(0, ef, 1, now)
    repetitions = state.repetitions + 1
    # round() first so that float noise (15.000000001) does not add a day
    interval = 6 if repetitions == 1 else math.ceil(round(state.interval * ef, 6))
    return Sm2State(repetitions, ef, interval, now)


class Sm2:
    """SuperMemo-2. First sight is memorisation (ungraded): the first repetition is a day later.

    Step 7 of SM-2 drills items graded below 4 again in the same session until they reach 4;
    drills change the learner's memory but not the schedule.
    """

    name = "SM-2"
    has_prediction = False

    def answer(self, card: Card, recalled: bool, now: float, key: str) -> None:
        if card.state is None:
            card.state = Sm2State(reviewed_at=now)
        else:
            quality = SM2_QUALITY_PASS if recalled else SM2_QUALITY_FAIL
            card.state = sm2_review(card.state, quality, now)
            card.drill = quality < 4
        card.due = now + card.state.interval

    def predict(self, card: Card, now: float) -> float:
        return assumed_recall(now - card.state.reviewed_at, card.state.interval)


@dataclass(frozen=True)
class LeitnerState:
    box: int = 1  # 1..len(LEITNER_DAYS)
    reviewed_at: float = 0.0

    @property
    def interval(self) -> int:
        return LEITNER_DAYS[self.box - 1]


def leitner_box(box: int, recalled: bool) -> int:
    """Up one box on a hit (the last box keeps its cards), back to box 1 on a miss."""
    return min(box + 1, len(LEITNER_DAYS)) if recalled else 1


class Leitner:
    """Five boxes reviewed every 1, 2, 4, 8 and 16 days; first sight puts a card in box 1."""

    name = "Leitner (1-2-4-8-16 d)"
    has_prediction = False

    def answer(self, card: Card, recalled: bool, now: float, key: str) -> None:
        if card.state is None:
            card.state = LeitnerState(1, now)
        else:
            card.state = LeitnerState(leitner_box(card.state.box, recalled), now)
        card.due = now + card.state.interval

    def predict(self, card: Card, now: float) -> float:
        return assumed_recall(now - card.state.reviewed_at, card.state.interval)


def assumed_recall(elapsed: float, interval: float) -> float:
    return ASSUMED_RETENTION ** (max(elapsed, 0.0) / interval)


def schedulers(config: Config) -> list:
    exam_at = to_datetime(config.exam_day)
    return [
        Ours(
            "ours (FSRS-6, r=0.90)", scheduling.Policy(desired_retention=config.desired_retention)
        ),
        Ours(
            f"ours, exam mode (exam day {config.exam_day})",
            scheduling.Policy(desired_retention=config.desired_retention, exam_at=exam_at),
        ),
        Sm2(),
        Leitner(),
    ]


# --- Measuring --------------------------------------------------------------------------------


@dataclass
class Calibration:
    """Predicted recall against what happened, at every review a day or more after the last."""

    count: int = 0
    log_loss_sum: float = 0.0
    predicted_sum: float = 0.0
    recalled_sum: int = 0
    bins: list[list[float]] = field(
        default_factory=lambda: [[0, 0.0, 0] for _ in range(CALIBRATION_BINS)]
    )

    def add(self, predicted: float, recalled: bool) -> None:
        p = min(max(predicted, 1e-6), 1 - 1e-6)
        self.count += 1
        self.log_loss_sum -= math.log(p if recalled else 1 - p)
        self.predicted_sum += predicted
        self.recalled_sum += recalled
        row = self.bins[min(int(predicted * CALIBRATION_BINS), CALIBRATION_BINS - 1)]
        row[0] += 1
        row[1] += predicted
        row[2] += recalled

    def merge(self, other: "Calibration") -> None:
        self.count += other.count
        self.log_loss_sum += other.log_loss_sum
        self.predicted_sum += other.predicted_sum
        self.recalled_sum += other.recalled_sum
        for mine, theirs in zip(self.bins, other.bins, strict=True):
            for i in range(3):
                mine[i] += theirs[i]

    @property
    def log_loss(self) -> float:
        return self.log_loss_sum / self.count if self.count else math.nan

    @property
    def rmse_bins(self) -> float:
        """RMSE between mean prediction and observed recall per bin, weighted by bin size."""
        if not self.count:
            return math.nan
        total = sum(n * (p / n - r / n) ** 2 for n, p, r in self.bins if n)
        return math.sqrt(total / self.count)


@dataclass
class LearnerResult:
    reviews: int = 0
    reviews_by_exam: int = 0
    retention_exam: float = 0.0
    retention_end: float = 0.0
    suspended: int = 0
    calibration: Calibration = field(default_factory=Calibration)


def mean_recall(cards: list[Card], at: float, decay: float) -> float:
    return sum(true_recall(c, at, decay) for c in cards) / len(cards)


def simulate_learner(
    scheduler, index: int, learner: Learner, config: Config, rng: random.Random
) -> LearnerResult:
    result = LearnerResult()
    cards = [Card(i, learner.learnability[i]) for i in range(config.items)]
    new = deque(learner.order)
    decay = learner.decay
    for day in range(config.days):
        if day == config.exam_day:
            result.retention_exam = mean_recall(cards, day, decay)
            result.reviews_by_exam = result.reviews
        day_end = day + 1.0
        start = day + learner.session_starts[day]
        # As in the app, a card is shown once its due time has passed, not merely its due day.
        due = [c for c in cards if c.due <= start and not c.suspended]
        due.sort(key=lambda c: c.due)
        today = due[: config.review_cap] + [
            cards[new.popleft()] for _ in range(min(config.new_per_day, len(new)))
        ]
        queue = [(start, n, c) for n, c in enumerate(today)]
        sequence = len(queue)
        for card in today:
            card.seen_today = 0
        clock = start
        drills = []
        while queue:
            ready, _, card = heapq.heappop(queue)
            clock = max(clock, ready)
            interday = card.last_seen is not None and card.last_seen < day
            predicted = scheduler.predict(card, clock) if interday else None
            p = (
                first_sight_recall(card)
                if card.last_seen is None
                else true_recall(card, clock, decay)
            )
            recalled = rng.random() < p
            if predicted is not None:
                result.calibration.add(predicted, recalled)
            scheduler.answer(card, recalled, clock, f"{index}:{card.item}")
            expose(card, clock, recalled, p)
            result.reviews += 1
            card.seen_today += 1
            clock += REVIEW_DAYS
            if card.drill:
                drills.append(card)
            elif card.due < day_end and not card.suspended and card.seen_today < MAX_SAME_DAY:
                heapq.heappush(queue, (card.due, sequence, card))
                sequence += 1
        while drills:
            again = []
            for card in drills:
                p = true_recall(card, clock, decay)
                recalled = rng.random() < p
                expose(card, clock, recalled, p)
                result.reviews += 1
                card.seen_today += 1
                clock += REVIEW_DAYS
                if not recalled and card.seen_today < MAX_SAME_DAY:
                    again.append(card)
                else:
                    card.drill = False
            drills = again
    result.retention_end = mean_recall(cards, config.days, decay)
    result.suspended = sum(c.suspended for c in cards)
    return result


# --- Running and reporting --------------------------------------------------------------------


@dataclass
class SchedulerResult:
    name: str
    has_prediction: bool
    learners: list[LearnerResult]
    calibration: Calibration
    seconds: float


def run_scheduler(scheduler, learners: list[Learner], config: Config) -> SchedulerResult:
    started = time.perf_counter()
    results, calibration = [], Calibration()
    for index, learner in enumerate(learners):
        # Seeded per scheduler and learner: adding a scheduler or a learner leaves the rest alone.
        rng = random.Random(f"{config.seed}:{scheduler.name}:{index}")
        result = simulate_learner(scheduler, index, learner, config, rng)
        calibration.merge(result.calibration)
        results.append(result)
    seconds = time.perf_counter() - started
    return SchedulerResult(scheduler.name, scheduler.has_prediction, results, calibration, seconds)


def run(config: Config, progress: Callable[[SchedulerResult], None] | None = None):
    learners = make_learners(config)
    results = []
    for scheduler in schedulers(config):
        results.append(run_scheduler(scheduler, learners, config))
        if progress:
            progress(results[-1])
    return results


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


def interval95(values) -> float:
    """Half-width of a normal 95% interval for the mean across learners."""
    values = list(values)
    if len(values) < 2:
        return math.nan
    m = mean(values)
    variance = sum((v - m) ** 2 for v in values) / (len(values) - 1)
    return 1.96 * math.sqrt(variance / len(values))


def percent(values) -> str:
    values = list(values)
    return f"{100 * mean(values):.1f}% ± {100 * interval95(values):.1f}"


def render(results: list[SchedulerResult], config: Config) -> str:
    exam = config.exam_day
    lines = [
        "| scheduler | reviews per learner | reviews by day "
        f"{exam} | recall on day {exam} (exam) | recall on day {config.days} "
        f"| reviews per card remembered on day {config.days} | leeches suspended per learner "
        "| log loss | RMSE (bins) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        reviews = mean(x.reviews for x in r.learners)
        remembered = config.items * mean(x.retention_end for x in r.learners)
        calibrated = r.has_prediction and r.calibration.count
        lines.append(
            f"| {r.name} | {reviews:.0f} | {mean(x.reviews_by_exam for x in r.learners):.0f} "
            f"| {percent(x.retention_exam for x in r.learners)} "
            f"| {percent(x.retention_end for x in r.learners)} "
            f"| {reviews / remembered:.2f} | {mean(x.suspended for x in r.learners):.2f} "
            f"| {f'{r.calibration.log_loss:.3f}' if calibrated else 'n/a'} "
            f"| {f'{r.calibration.rmse_bins:.3f}' if calibrated else 'n/a'} |"
        )
    lines += [
        "",
        "Calibration at every review a day or more after the card's previous one. SM-2 and "
        "Leitner predict nothing; their rows assume each interval aims at "
        f"{ASSUMED_RETENTION:.0%} recall with exponential decay, p = "
        f"{ASSUMED_RETENTION}^(elapsed / interval), which neither algorithm claims.",
        "",
        "| scheduler | prediction | reviews scored | mean predicted | observed recall "
        "| log loss | RMSE (bins) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        c = r.calibration
        source = "its own (FSRS-6)" if r.has_prediction else "assumed exponential"
        if not c.count:
            lines.append(f"| {r.name} | {source} | 0 | n/a | n/a | n/a | n/a |")
            continue
        lines.append(
            f"| {r.name} | {source} | {c.count} | {c.predicted_sum / c.count:.3f} "
            f"| {c.recalled_sum / c.count:.3f} | {c.log_loss:.3f} | {c.rmse_bins:.3f} |"
        )
    return "\n".join(lines) + "\n"


def document(table: str, config: Config, command: str) -> str:
    return (
        "# Spaced-repetition benchmark results\n\n"
        f"Made by `{command}` with fsrs {version('fsrs')}: {config.learners} simulated "
        f"learners x {config.items} cards x {config.days} days, "
        f"seed {config.seed}, {config.new_per_day} new cards a day, at most {config.review_cap} "
        f"reviews a day, exam on day {config.exam_day}, desired retention "
        f"{config.desired_retention}. Ground truth and schedulers: bench/README.md. "
        "Recall is the mean true probability of recall over all cards, ± a 95% interval "
        "across learners.\n\n" + table
    )


def parse(argv: list[str]) -> tuple[Config, Path | None]:
    defaults = Config()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=defaults.learners)
    parser.add_argument("--items", type=int, default=defaults.items)
    parser.add_argument("--days", type=int, default=defaults.days)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--new-per-day", type=int, default=defaults.new_per_day)
    parser.add_argument("--review-cap", type=int, default=defaults.review_cap)
    parser.add_argument("--exam-day", type=int, default=defaults.exam_day)
    parser.add_argument("--desired-retention", type=float, default=defaults.desired_retention)
    parser.add_argument(
        "--output",
        default=str(RESULTS),
        help="where to write the Markdown (default: %(default)s; '-' writes nothing)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.exam_day < args.days:
        parser.error("--exam-day must fall inside the simulated days")
    config = Config(
        learners=args.learners,
        items=args.items,
        days=args.days,
        seed=args.seed,
        new_per_day=args.new_per_day,
        review_cap=args.review_cap,
        exam_day=args.exam_day,
        desired_retention=args.desired_retention,
    )
    return config, None if args.output == "-" else Path(args.output)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    config, output = parse(argv)
    started = time.perf_counter()
    results = run(
        config,
        progress=lambda r: print(f"{r.name}: {r.seconds:.1f}s", file=sys.stderr, flush=True),
    )
    table = render(results, config)
    print(table)
    print(f"({time.perf_counter() - started:.0f}s in all)", file=sys.stderr)
    if output is not None:
        command = " ".join([".venv/bin/python -m bench.srs_simulation", *argv])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document(table, config, command))
        print(f"written to {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
