"""Scheduling: a card's memory state, a rating and the time in; the next state out. Pure.

Wraps the `fsrs` package (FSRS-6) and owns what it leaves to us: aware UTC datetimes, fuzz that
is seeded by the card and its review count (the same history always gives the same schedule),
leeches, the cap that brings every card back before an exam, and how an auto-graded answer
becomes a rating.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import IntEnum

import fsrs

LEECH_LAPSES = 8
# Fuzz spreads reviews of cards learned together over several days, as FSRS recommends:
# within these bands of the interval (in days), each day adds this share of a day of spread.
FUZZ_BANDS = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, float("inf"), 0.05))
# An answer slower than this many times the expected time counts as Hard even when right.
SLOW_FACTOR = 2.0
PHASES = {
    fsrs.State.Learning: "learning",
    fsrs.State.Review: "review",
    fsrs.State.Relearning: "relearning",
}
NAIVE_DATETIME = "scheduling needs timezone-aware datetimes"


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


@dataclass(frozen=True)
class Memory:
    phase: str = "new"
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class Policy:
    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval_days: int = 36500
    leech_lapses: int = LEECH_LAPSES
    parameters: tuple[float, ...] | None = None
    # Every card comes back before this moment (exam-date mode).
    exam_at: datetime | None = None


@dataclass(frozen=True)
class Review:
    memory: Memory
    interval: timedelta
    became_leech: bool


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(NAIVE_DATETIME)
    return moment.astimezone(UTC)


def _scheduler(policy: Policy) -> fsrs.Scheduler:
    kwargs = {}
    if policy.parameters is not None:
        kwargs["parameters"] = policy.parameters
    return fsrs.Scheduler(
        desired_retention=policy.desired_retention,
        learning_steps=policy.learning_steps,
        relearning_steps=policy.relearning_steps,
        maximum_interval=policy.maximum_interval_days,
        enable_fuzzing=False,
        **kwargs,
    )


def _card(memory: Memory, now: datetime) -> fsrs.Card:
    if memory.phase == "new":
        return fsrs.Card(card_id=1, due=now)
    state = {v: k for k, v in PHASES.items()}[memory.phase]
    return fsrs.Card(
        card_id=1,
        state=state,
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=_utc(memory.due) if memory.due else now,
        last_review=_utc(memory.last_review) if memory.last_review else None,
    )


def fuzz_days(days: int, *, seed: str, maximum: int) -> int:
    """A deterministic nearby interval: the same seed always gives the same day."""
    if days < 2.5:
        return days
    spread = 1.0 + sum(
        factor * max(min(float(days), end) - start, 0.0) for start, end, factor in FUZZ_BANDS
    )
    low = max(2, round(days - spread))
    high = min(round(days + spread), maximum)
    low = min(low, high)
    return random.Random(seed).randint(low, high)


def review(
    memory: Memory, rating: Rating, now: datetime, *, policy: Policy, card_key: str
) -> Review:
    """The state after `rating` at `now`. `card_key` names the card for seeding the fuzz."""
    now = _utc(now)
    card, _log = _scheduler(policy).review_card(_card(memory, now), fsrs.Rating(int(rating)), now)
    due = _utc(card.due)
    if card.state == fsrs.State.Review:
        days = (due - now).days
        fuzzed = fuzz_days(
            days, seed=f"{card_key}:{memory.reps + 1}", maximum=policy.maximum_interval_days
        )
        due = now + timedelta(days=fuzzed)
    due = _exam_cap(due, now, policy.exam_at)
    lapsed = memory.phase == "review" and rating == Rating.AGAIN
    lapses = memory.lapses + (1 if lapsed else 0)
    after = Memory(
        phase=PHASES[card.state],
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=due,
        last_review=now,
        reps=memory.reps + 1,
        lapses=lapses,
    )
    return Review(after, due - now, lapsed and lapses == policy.leech_lapses)


def _exam_cap(due: datetime, now: datetime, exam_at: datetime | None) -> datetime:
    """Bring the card back a day before the exam (or at it, when the exam is under a day away)."""
    if exam_at is None:
        return due
    exam_at = _utc(exam_at)
    if now >= exam_at:
        return due
    day_before = exam_at - timedelta(days=1)
    latest = day_before if day_before > now else exam_at
    return min(due, latest)


def preview(
    memory: Memory, now: datetime, *, policy: Policy, card_key: str
) -> dict[Rating, timedelta]:
    """The interval each rating would lead to, for the buttons' labels."""
    return {r: review(memory, r, now, policy=policy, card_key=card_key).interval for r in Rating}


def recall_probability(memory: Memory, at: datetime, *, policy: Policy) -> float:
    """Predicted chance of recalling the card at `at` (0 for a card never studied)."""
    if memory.phase == "new" or memory.stability is None:
        return 0.0
    at = _utc(at)
    return float(_scheduler(policy).get_card_retrievability(_card(memory, at), at))


# How long a right answer usually takes, by type, at difficulty 2; each difficulty step adds a
# quarter. Twice this counts as "very slow" (rated Hard): the answer was found, not recalled.
EXPECTED_ANSWER_MS = {
    "true_false": 20_000,
    "single_choice": 30_000,
    "hotspot": 30_000,
    "short_answer": 40_000,
    "numeric": 40_000,
    "multiple_response": 45_000,
    "cloze": 45_000,
    "matching": 60_000,
    "ordering": 60_000,
}


def expected_answer_ms(qtype: str, difficulty: int = 2) -> int | None:
    """The time a right answer of this type and difficulty (1–5) is expected to take, or None."""
    base = EXPECTED_ANSWER_MS.get(qtype)
    if base is None:
        return None
    return round(base * (1 + 0.25 * (min(max(difficulty, 1), 5) - 2)))


def rating_for_answer(
    fraction: Decimal, *, duration_ms: int, expected_ms: int | None = None
) -> Rating:
    """How an auto-graded answer updates memory.

    Wrong (no credit) → Again. Partial credit → Hard. Right but slower than twice the expected
    time → Hard. Right → Good. Easy is never inferred: only the student can claim it.
    """
    if fraction <= 0:
        return Rating.AGAIN
    if fraction < 1:
        return Rating.HARD
    if expected_ms and duration_ms > SLOW_FACTOR * expected_ms:
        return Rating.HARD
    return Rating.GOOD
