"""Reading what a student studies: their deck, today's queue, the card shown, their leeches.

The queue's rules live in `quizzes.studying` (pure); these functions only fetch. Every query is
bounded by the day's allowance, never by the size of the deck, so the page costs the same number
of queries for 5 cards or 5,000.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from quizzes import studying
from quizzes.models import (
    Assignment,
    CardState,
    Classroom,
    Diagram,
    Option,
    Question,
    QuestionVersion,
    QuizDraw,
    QuizItem,
    ReviewLog,
    User,
)
from quizzes.models.memory import CardPhase, ReviewSource

# Only reviews made on the study page use up the day's allowance: answering a quiz updates the
# cards too, but a student who took a 20-question quiz has not chosen to study 20 new cards.
STUDY_SOURCES = (ReviewSource.FLASHCARD, ReviewSource.STUDY)
DUE_PHASES = (CardPhase.LEARNING, CardPhase.RELEARNING, CardPhase.REVIEW)
# Learning steps are not limited per day, but one page never needs more than this many of them.
LEARNING_WINDOW = 500


def _deck_of(assignments: QuerySet[Assignment]) -> QuerySet[Question]:
    """Live questions of the banks the assigned quizzes draw from.

    A quiz's fixed questions bring their whole bank; a draw rule brings its bank, or with a tag
    only the questions carrying that tag (within its bank when it names one). Flashcards of those
    banks are included: they are written for studying, not for quizzes.
    """
    quizzes = assignments.values("quiz_id")
    item_banks = QuizItem.objects.filter(quiz_id__in=quizzes).values("question__bank_id")
    bank_draws = QuizDraw.objects.filter(quiz_id__in=quizzes, tag__isnull=True).values("bank_id")
    tag_draws = QuizDraw.objects.filter(
        Q(bank__isnull=True) | Q(bank_id=OuterRef("bank_id")),
        quiz_id__in=quizzes,
        tag__isnull=False,
        tag__questions=OuterRef("pk"),
    )
    return Question.objects.filter(
        Q(bank_id__in=item_banks) | Q(bank_id__in=bank_draws) | Exists(tag_draws),
        archived_at__isnull=True,
        current_version__isnull=False,
    )


def student_deck(student: User) -> QuerySet[Question]:
    """Every question the student may study (see `_deck_of`)."""
    return _deck_of(Assignment.objects.filter(classroom__enrollments__student=student))


def class_deck(classroom: Classroom) -> QuerySet[Question]:
    return _deck_of(Assignment.objects.filter(classroom=classroom))


def study_classes(student: User) -> list[Classroom]:
    return list(Classroom.objects.filter(enrollments__student=student).order_by("name"))


def used_today(student: User, now: datetime) -> studying.Used:
    """New cards introduced and review cards reviewed on the study page since midnight UTC."""
    start, _ = studying.day_bounds(now)
    counts = ReviewLog.objects.filter(
        card__student=student, reviewed_at__gte=start, source__in=STUDY_SOURCES
    ).aggregate(
        new=Count("pk", filter=Q(phase_before=CardPhase.NEW)),
        reviews=Count("pk", filter=Q(phase_before=CardPhase.REVIEW)),
    )
    return studying.Used(new=counts["new"], reviews=counts["reviews"])


def _awake(now: datetime) -> Q:
    return Q(buried_until__isnull=True) | Q(buried_until__lte=now)


def due_cards(student: User, now: datetime) -> QuerySet[CardState]:
    """The student's cards due now, oldest due first: no leeches, none buried, only the deck's.

    Served by the (student, due) index: the range scan stops at `now`.
    """
    return CardState.objects.filter(
        _awake(now),
        student=student,
        due__lte=now,
        phase__in=DUE_PHASES,
        is_leech=False,
        question_id__in=student_deck(student).values("pk"),
    ).order_by("due", "question_id")


def new_questions(student: User, now: datetime) -> QuerySet[Question]:
    """Deck questions the student has not started, in the banks' own order, with `card_reps`."""
    started_or_resting = CardState.objects.filter(
        student=student, question_id=OuterRef("pk")
    ).filter(~Q(phase=CardPhase.NEW) | Q(is_leech=True) | Q(buried_until__gt=now))
    reps = CardState.objects.filter(student=student, question_id=OuterRef("pk")).values("reps")[:1]
    return (
        student_deck(student)
        .filter(~Exists(started_or_resting))
        .annotate(card_reps=Coalesce(Subquery(reps, output_field=IntegerField()), Value(0)))
        .order_by("bank_id", "pk")
    )


@dataclass(frozen=True)
class StudyToday:
    classes: list[Classroom]
    limits: studying.Limits
    used: studying.Used
    queue: studying.Queue
    # The card row of every due card in the queue (new cards may have none yet).
    cards: dict[int, CardState]
    # Review count of each new card in the queue (0 when it has no row).
    new_reps: dict[int, int]

    def reps_of(self, question_id: int) -> int:
        card = self.cards.get(question_id)
        return card.reps if card else self.new_reps.get(question_id, 0)


def study_today(student: User, now: datetime) -> StudyToday:
    """Today's queue for the student and what it is made of (at most five queries)."""
    classes = study_classes(student)
    limits = studying.limits_for((c.new_cards_per_day, c.reviews_per_day) for c in classes)
    used = used_today(student, now)
    new_allowed, reviews_allowed = studying.allowance(limits, used)
    due = due_cards(student, now)
    learning = list(due.filter(phase__in=studying.LEARNING_PHASES)[:LEARNING_WINDOW])
    # One more than allowed tells whether the limit held cards back.
    reviews = (
        list(due.filter(phase=CardPhase.REVIEW)[: reviews_allowed + 1])
        if limits.reviews_per_day
        else []
    )
    new = (
        list(new_questions(student, now).values_list("pk", "card_reps")[: new_allowed + 1])
        if limits.new_per_day
        else []
    )
    queue = studying.build_queue(
        learning=[studying.DueCard(c.question_id, c.due, c.phase) for c in learning],
        reviews=[studying.DueCard(c.question_id, c.due, c.phase) for c in reviews],
        new=[qid for qid, _ in new],
        limits=limits,
        used=used,
    )
    return StudyToday(
        classes=classes,
        limits=limits,
        used=used,
        queue=queue,
        cards={c.question_id: c for c in (*learning, *reviews)},
        new_reps=dict(new),
    )


def next_card_at(student: User, now: datetime) -> datetime | None:
    """When the next non-leech card of the deck comes up after `now` (buried ones included)."""
    back = Case(
        When(phase=CardPhase.NEW, then="buried_until"),
        default=Greatest("due", Coalesce("buried_until", "due")),
    )
    return (
        CardState.objects.filter(
            student=student,
            is_leech=False,
            question_id__in=student_deck(student).values("pk"),
        )
        .annotate(back=back)
        .filter(back__gt=now)
        .aggregate(first=Min("back"))["first"]
    )


def study_card(student: User, question_id: int) -> tuple[QuestionVersion, Diagram | None]:
    """The current version of a deck question, options loaded, with its diagram if it has one.

    Raises Question.DoesNotExist when the question is not in the student's deck.
    """
    question = (
        student_deck(student)
        .select_related("current_version", "bank")
        .prefetch_related(
            Prefetch("current_version__options", queryset=Option.objects.order_by("position"))
        )
        .get(pk=question_id)
    )
    version = question.current_version
    diagram = None
    if version.qtype == "hotspot":
        diagram = Diagram.objects.filter(slug=version.config.get("diagram", "")).first()
    return version, diagram


def student_leeches(student: User) -> QuerySet[CardState]:
    """The student's leeches, most lapsed first, with their questions' current versions."""
    return (
        CardState.objects.filter(student=student, is_leech=True)
        .select_related("question__current_version", "question__bank")
        .order_by("-lapses", "question__bank__title", "question__key")
    )


def leeches_for_class(classroom: Classroom) -> QuerySet[CardState]:
    """Leeches of the class's students on the class's deck, for the instructor's reports."""
    return (
        CardState.objects.filter(
            is_leech=True,
            student__enrollments__classroom=classroom,
            question_id__in=class_deck(classroom).values("pk"),
        )
        .select_related("student", "question__current_version", "question__bank")
        .order_by("question__bank__title", "question__key", "student__username")
    )
