"""The study queue's rules: what comes next, today's limits, which cards to bury. Pure: no ORM.

The selector fetches rows; these functions decide. Times are aware UTC datetimes, and "today" is
the UTC day (a per-student time zone can come later: everything that needs the day's bounds asks
`day_bounds`).
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

LEARNING_PHASES = ("learning", "relearning")
# A tag carried by more than this share of a bank's questions names the bank's theme (every myth
# question is tagged `myth`), so sharing it says nothing about two questions teaching one fact.
THEME_TAG_SHARE = 0.25
# Two questions must share this many non-theme tags to count as teaching the same fact.
RELATED_MIN_SHARED_TAGS = 2
# Bank keys name a flashcard after the question it restates: `myth-fc-soul` and `myth-soul`.
FLASHCARD_INFIX = "-fc-"


@dataclass(frozen=True)
class Limits:
    new_per_day: int = 0
    reviews_per_day: int = 0


@dataclass(frozen=True)
class Used:
    """Today's study so far: new cards introduced, review-phase cards reviewed."""

    new: int = 0
    reviews: int = 0


@dataclass(frozen=True)
class DueCard:
    question_id: int
    due: datetime
    phase: str


@dataclass(frozen=True)
class Queue:
    """Today's remaining cards in the order they will be shown."""

    question_ids: tuple[int, ...]
    new_left: int
    reviews_left: int
    learning_left: int
    # True when a limit, not a lack of cards, stops the queue (so "come back tomorrow").
    new_held_back: bool = False
    reviews_held_back: bool = False

    @property
    def head(self) -> int | None:
        return self.question_ids[0] if self.question_ids else None

    @property
    def left(self) -> int:
        return len(self.question_ids)


def limits_for(classes: Iterable[tuple[int, int]]) -> Limits:
    """A student in several classes gets the most generous of each limit.

    `classes` yields (new cards per day, reviews per day). Taking the largest means joining a
    second class never slows a student down; the classes' decks are merged anyway.
    """
    classes = list(classes)
    if not classes:
        return Limits()
    return Limits(
        new_per_day=max(new for new, _ in classes),
        reviews_per_day=max(reviews for _, reviews in classes),
    )


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Start of today and of tomorrow, in UTC."""
    if now.tzinfo is None:
        raise ValueError("study days need timezone-aware datetimes")
    start = datetime.combine(now.astimezone(UTC).date(), time(0, 0), tzinfo=UTC)
    return start, start + timedelta(days=1)


def allowance(limits: Limits, used: Used) -> tuple[int, int]:
    """How many new cards and review-phase cards may still be shown today."""
    return (
        max(limits.new_per_day - used.new, 0),
        max(limits.reviews_per_day - used.reviews, 0),
    )


def build_queue(
    *,
    learning: Sequence[DueCard],
    reviews: Sequence[DueCard],
    new: Sequence[int],
    limits: Limits,
    used: Used,
) -> Queue:
    """Due cards first, oldest due first; then new cards in the order given.

    Learning and relearning steps are never limited: they are today's new and lapsed cards
    coming back minutes apart, and cutting them off would waste the first review. The daily
    review limit counts review-phase cards only; the new-card limit counts cards shown new.
    Pass one more review and new card than allowed, when there are any: that is how the queue
    knows a limit held cards back.
    """
    new_allowed, reviews_allowed = allowance(limits, used)
    shown_reviews = list(reviews[:reviews_allowed])
    due = sorted([*learning, *shown_reviews], key=lambda card: (card.due, card.question_id))
    seen = {card.question_id for card in due}
    unseen = [qid for qid in new if qid not in seen]
    fresh = unseen[:new_allowed]
    return Queue(
        question_ids=tuple(card.question_id for card in due) + tuple(fresh),
        new_left=len(fresh),
        reviews_left=len(shown_reviews),
        learning_left=len(learning),
        new_held_back=len(unseen) > new_allowed,
        reviews_held_back=len(reviews) > reviews_allowed,
    )


def bury_until(now: datetime) -> datetime:
    """Buried cards come back at the start of the next UTC day."""
    return day_bounds(now)[1]


def _theme_tags(bank: Mapping[int, tuple[str, frozenset[str]]]) -> set[str]:
    counts = Counter(tag for _, tags in bank.values() for tag in tags)
    return {tag for tag, n in counts.items() if n > THEME_TAG_SHARE * len(bank)}


def _stem(key: str) -> str:
    return key.replace(FLASHCARD_INFIX, "-")


def related_questions(question_id: int, bank: Mapping[int, tuple[str, frozenset[str]]]) -> set[int]:
    """The questions of the same bank that teach the same fact as `question_id`.

    `bank` maps every live question of the bank to its (key, tags). Two questions are related
    when their keys differ only by the flashcard infix (`myth-fc-soul` / `myth-soul`) or when
    they share at least two tags that are not the bank's theme tags. The bank format has no
    field that links the forms of one fact; tags are what authors already write for that.
    """
    if question_id not in bank:
        return set()
    key, tags = bank[question_id]
    telling = tags - _theme_tags(bank)
    stem = _stem(key)
    return {
        other
        for other, (other_key, other_tags) in bank.items()
        if other != question_id
        and (_stem(other_key) == stem or len(telling & other_tags) >= RELATED_MIN_SHARED_TAGS)
    }


def should_bury(*, phase: str, due: datetime | None, is_leech: bool, tomorrow: datetime) -> bool:
    """Whether a related card would otherwise come up today and so should wait.

    New cards and review cards due before tomorrow are buried. Learning steps are not: they
    are minutes apart on purpose, and a day's delay would undo the card's first learning.
    """
    if is_leech or phase in LEARNING_PHASES:
        return False
    if phase == "new":
        return True
    return due is not None and due < tomorrow


def interval_label(interval: timedelta) -> str:
    """A short human label for how long until the next review: "10 min", "3 days", "2 months"."""
    seconds = max(interval.total_seconds(), 0)
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours = round(seconds / 3600)
    if hours < 24:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = round(seconds / 86400)
    if days < 31:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 365:
        months = round(days / 30.4, 1)
        return f"{months:g} month{'s' if months != 1 else ''}"
    years = round(days / 365.25, 1)
    return f"{years:g} year{'s' if years != 1 else ''}"


def next_due_label(now: datetime, when: datetime) -> str:
    """When the next card comes up: "in 25 min", "in 3 hours", "tomorrow at 09:00 UTC"."""
    now, when = now.astimezone(UTC), when.astimezone(UTC)
    if when <= now:
        return "now"
    if when - now < timedelta(hours=6):
        return f"in {interval_label(when - now)}"
    days_ahead = (when.date() - now.date()).days
    clock = f"{when:%H:%M} UTC"
    if days_ahead == 0:
        return f"today at {clock}"
    if days_ahead == 1:
        return f"tomorrow at {clock}"
    return f"on {when:%a} {when.day} {when:%b} at {clock}"


def exam_day(
    own: date | None, class_days: Iterable[date | None], *, today: date | None
) -> date | None:
    """The exam every card must come back before: the student's own date when it is still ahead
    (a resit, another session), else the earliest class exam still ahead. With no `today`, every
    date counts as ahead."""

    def ahead(day: date | None) -> bool:
        return day is not None and (today is None or day >= today)

    if ahead(own):
        return own
    return min((day for day in class_days if ahead(day)), default=None)
