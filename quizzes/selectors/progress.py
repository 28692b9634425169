"""A student's progress: mastery per topic, the month ahead, retention, streak, exam outlook.

Every figure is an aggregate computed by the database (predicted recall through
`selectors.recall.retrievability`); Python only lays out the few aggregated rows (at most five
topics and thirty days). `student_progress` costs the same number of queries for 5 cards or
5,000.

Days are UTC days, like the study queue's.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import (
    Avg,
    Count,
    F,
    FilteredRelation,
    Max,
    Q,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, DenseRank, Greatest

from quizzes import scheduling, studying
from quizzes.models import CardState, Classroom, ReviewLog, User
from quizzes.models.banks import Topic
from quizzes.models.memory import CardPhase, Rating
from quizzes.selectors.recall import EpochDay, epoch_day, retrievability
from quizzes.selectors.study import DUE_PHASES, student_deck, study_classes

FORECAST_DAYS = 30
RETENTION_WINDOW = timedelta(days=30)
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Exam:
    """The exam the student's cards are scheduled towards, and whose date it is."""

    on: date
    # "student" when the student set it, "class" when it is their class's.
    set_by: str
    classroom: Classroom | None = None

    @property
    def at(self) -> datetime:
        # Midnight UTC at the start of the exam day: the cap brings cards back the day before.
        return datetime.combine(self.on, time(0, 0), tzinfo=UTC)


def exam_for(
    student: User, classrooms: Classroom | Iterable[Classroom] | None, *, now: datetime
) -> Exam | None:
    """The exam that applies to the student: their own date, else their classes' earliest.

    The student's own date wins when set, later or earlier than the class's: they may sit the exam
    at another session (a resit, another cohort), and the progress page shows both dates so the
    choice is never hidden. A date already past is ignored, so a forgotten old date cannot switch
    exam-date mode off. Among several classes the earliest exam still ahead applies, as in
    `services.memory.policy_for_classes`.
    """
    today = now.astimezone(UTC).date()
    if studying.exam_day(student.exam_date, (), today=today) is not None:
        return Exam(on=student.exam_date, set_by="student")
    return class_exam(classrooms, today=today)


def class_exam(classrooms: Classroom | Iterable[Classroom] | None, *, today: date) -> Exam | None:
    """The earliest exam of the classes that is today or later."""
    if isinstance(classrooms, Classroom):
        classrooms = [classrooms]
    classrooms = list(classrooms or ())
    day = studying.exam_day(None, (c.exam_date for c in classrooms), today=today)
    if day is None:
        return None
    first = min((c for c in classrooms if c.exam_date == day), key=lambda c: c.pk)
    return Exam(on=day, set_by="class", classroom=first)


def exam_at_for(
    student: User, classroom: Classroom | Iterable[Classroom] | None, *, now: datetime
) -> datetime | None:
    """The moment every card must come back before (`scheduling.Policy.exam_at`), or None."""
    exam = exam_for(student, classroom, now=now)
    return exam.at if exam else None


@dataclass(frozen=True)
class TopicMastery:
    topic: str
    label: str
    # Deck questions of the topic, and how many of them the student has studied.
    cards: int
    studied: int
    # Mean predicted recall now over the topic's deck cards, unstudied ones counting as 0.
    mastery: float


@dataclass(frozen=True)
class ForecastDay:
    day: date
    offset: int
    due: int


@dataclass(frozen=True)
class Retention:
    """Reviews of cards in the review phase over the last 30 days, and how many were recalled."""

    reviews: int
    recalled: int
    target: float

    @property
    def rate(self) -> float | None:
        return self.recalled / self.reviews if self.reviews else None

    @property
    def on_target(self) -> bool:
        # Within two points counts as on target: a month's reviews are a small sample.
        return self.rate is not None and self.rate >= self.target - 0.02


@dataclass(frozen=True)
class Streak:
    days: int
    reviewed_today: bool


@dataclass(frozen=True)
class ExamOutlook:
    exam: Exam
    days_left: int
    # Mean predicted recall at the exam over the studied cards, if no more reviews were done.
    predicted_recall: float | None
    studied: int


@dataclass(frozen=True)
class Progress:
    today: date
    classes: list[Classroom]
    topics: list[TopicMastery]
    forecast: list[ForecastDay]
    retention: Retention
    streak: Streak
    leeches: int
    exam: ExamOutlook | None
    # The earliest exam among the student's classes, shown beside the student's own date.
    class_exam: Exam | None

    @property
    def studied(self) -> int:
        return sum(t.studied for t in self.topics)

    @property
    def deck_size(self) -> int:
        return sum(t.cards for t in self.topics)

    @property
    def due_in_forecast(self) -> int:
        return sum(d.due for d in self.forecast)


def _topics(student: User, now: datetime, exam_at: datetime | None) -> tuple[list, float, int]:
    """Mastery per topic of the deck, and the summed recall at the exam over studied cards."""
    studied = Q(mine__last_review__isnull=False) & ~Q(mine__phase=CardPhase.NEW)
    aggregates = {
        "cards": Count("pk"),
        "studied": Count("mine__pk", filter=studied),
        "mastery": Avg(retrievability(now, prefix="mine__")),
    }
    if exam_at is not None:
        aggregates["at_exam"] = Sum(retrievability(exam_at, prefix="mine__"))
    rows = (
        student_deck(student)
        # At most one card per question and student, so the join cannot multiply rows.
        .annotate(mine=FilteredRelation("cards", condition=Q(cards__student=student)))
        .values("bank__topic")
        .annotate(**aggregates)
        .order_by()
    )
    order = {value: i for i, value in enumerate(Topic.values)}
    labels = dict(Topic.choices)
    topics, at_exam = [], 0.0
    for row in sorted(rows, key=lambda r: order.get(r["bank__topic"], len(order))):
        topics.append(
            TopicMastery(
                topic=row["bank__topic"],
                label=labels.get(row["bank__topic"], row["bank__topic"]),
                cards=row["cards"],
                studied=row["studied"],
                mastery=float(row["mastery"] or 0.0),
            )
        )
        at_exam += float(row.get("at_exam") or 0.0)
    return topics, at_exam, sum(t.studied for t in topics)


def _forecast(student: User, today: date) -> list[ForecastDay]:
    """Deck cards coming due on each of the next 30 UTC days; overdue ones count on day 0.

    The same cards the study queue serves: not leeches, not new, and a buried card counts on the
    day it wakes up.
    """
    first = (today - EPOCH).days
    back = Greatest(EpochDay("due"), EpochDay(Coalesce("buried_until", "due")))
    counts = dict(
        CardState.objects.filter(
            student=student,
            phase__in=DUE_PHASES,
            is_leech=False,
            question_id__in=student_deck(student).values("pk"),
        )
        .annotate(offset=Greatest(Value(0), back - Value(first)))
        .filter(offset__lt=FORECAST_DAYS)
        .values("offset")
        .annotate(due=Count("pk"))
        .order_by()
        .values_list("offset", "due")
    )
    return [
        ForecastDay(day=today + timedelta(days=i), offset=i, due=counts.get(i, 0))
        for i in range(FORECAST_DAYS)
    ]


def _retention(student: User, now: datetime, target: float) -> Retention:
    counts = ReviewLog.objects.filter(
        card__student=student,
        phase_before=CardPhase.REVIEW,
        reviewed_at__gt=now - RETENTION_WINDOW,
        reviewed_at__lte=now,
    ).aggregate(reviews=Count("pk"), recalled=Count("pk", filter=~Q(rating=Rating.AGAIN)))
    return Retention(reviews=counts["reviews"], recalled=counts["recalled"], target=target)


def _streak(student: User, now: datetime) -> Streak:
    """Consecutive UTC days with a review, ending today or (not yet broken) yesterday.

    One query: within the run of days that ends on the latest day L, a day d is ranked
    L - d + 1 among the distinct days (newest first); any gap breaks that equality for every
    older day.
    """
    day = EpochDay("reviewed_at")
    counts = (
        ReviewLog.objects.filter(card__student=student, reviewed_at__lte=now)
        .annotate(
            day=day,
            rank=Window(DenseRank(), order_by=day.desc()),
            latest=Window(Max(day)),
        )
        .aggregate(
            last_day=Max("latest"),
            run=Count("day", distinct=True, filter=Q(rank=F("latest") - F("day") + 1)),
        )
    )
    today = epoch_day(now)
    last_day = counts["last_day"]
    if last_day is None or last_day < today - 1:
        return Streak(days=0, reviewed_today=False)
    return Streak(days=counts["run"], reviewed_today=last_day == today)


def target_retention(classes: Iterable[Classroom]) -> float:
    """The retention the student's cards are scheduled for: the highest of their classes'."""
    return max(
        (float(c.desired_retention) for c in classes),
        default=scheduling.Policy().desired_retention,
    )


def student_progress(student: User, now: datetime) -> Progress:
    """Everything on the progress page, in six queries whatever the size of the deck."""
    today = now.astimezone(UTC).date()
    classes = study_classes(student)
    exam = exam_for(student, classes, now=now)
    topics, at_exam, studied = _topics(student, now, exam.at if exam else None)
    outlook = None
    if exam is not None:
        outlook = ExamOutlook(
            exam=exam,
            days_left=(exam.on - today).days,
            predicted_recall=at_exam / studied if studied else None,
            studied=studied,
        )
    return Progress(
        today=today,
        classes=classes,
        topics=topics,
        forecast=_forecast(student, today),
        retention=_retention(student, now, target_retention(classes)),
        streak=_streak(student, now),
        leeches=CardState.objects.filter(student=student, is_leech=True).count(),
        exam=outlook,
        class_exam=class_exam(classes, today=today),
    )
