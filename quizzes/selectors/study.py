"""Reading what a student studies: their deck, today's queue, the card shown, their leeches.

The queue's rules live in `quizzes.studying` (pure); these functions fetch. The deck's
definition (`_deck_of`: nested subqueries and an EXISTS) costs more to build, compile and plan
than the queries that use it cost to run, so a request reads the deck once and passes it down:
`study_today` reads every deck question with the student's card on it in one query (`DeckRow`:
which cards are due, new, or buried is then decided on those rows, as the SQL filters did), and
the card shown and the next card's time come from that same read (`StudyToday.deck`).
The page costs the same number of queries for 5 cards or 5,000.
"""

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

from django.db.models import (
    Case,
    Count,
    Exists,
    FilteredRelation,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
    prefetch_related_objects,
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
from quizzes.selectors.compiled import ID_PLACEHOLDERS, CompiledRead

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


# The deck's subqueries take Django longer to build and compile than the database takes to run
# them, and they are the same for every student but for the id: compiled once per process
# (quizzes/selectors/compiled.py). No order: the model's default one would join the banks.
_STUDENT = ID_PLACEHOLDERS[:1]
_deck_ids = CompiledRead(
    Question,
    lambda student_id: student_deck(User(pk=student_id)).order_by().values_list("pk"),
    placeholders=_STUDENT,
)


def student_deck_ids(student: User) -> frozenset[int]:
    """The ids of `student_deck`, read once per request and passed to what needs them."""
    return frozenset(pk for (pk,) in _deck_ids.rows(student.pk))


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


class DeckRow(NamedTuple):
    """A question of the student's deck and the fields of the student's card on it, all None
    where the student has no card (`card_id` None)."""

    question_id: int
    card_id: int | None
    phase: str | None
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    reps: int | None
    lapses: int | None
    is_leech: bool | None
    buried_until: datetime | None

    def due_now(self, now: datetime) -> bool:
        """A card to review now: due, not a leech, not buried."""
        return (
            self.card_id is not None
            and self.phase in DUE_PHASES
            and self.due <= now
            and not self.is_leech
            and (self.buried_until is None or self.buried_until <= now)
        )

    def not_started(self, now: datetime) -> bool:
        """No card yet, or a new card that is neither a leech nor buried."""
        return self.card_id is None or (
            self.phase == CardPhase.NEW
            and not self.is_leech
            and (self.buried_until is None or self.buried_until <= now)
        )

    def comes_back_at(self) -> datetime | None:
        """When the card next shows: a new card when its burial ends, others when due and
        awake (None: no card, or a new card that is not buried)."""
        if self.card_id is None or self.phase == CardPhase.NEW:
            return self.buried_until
        return max(self.due, self.buried_until or self.due)

    def card(self, student_id: int) -> CardState:
        """The card as CardState.objects would read it."""
        fields = dict(zip(_CARD_FIELDS, self[1:], strict=True))
        fields.update(student_id=student_id, question_id=self.question_id)
        return CardState.from_db(
            CardState.objects.db, _CARD_ATTNAMES, [fields[name] for name in _CARD_ATTNAMES]
        )


# DeckRow's card fields as CardState names them, and CardState's own order of its fields.
_CARD_FIELDS = ("id", *DeckRow._fields[2:])
_CARD_ATTNAMES = [field.attname for field in CardState._meta.concrete_fields]


def deck_cards(student: User) -> QuerySet[Question]:
    """Every deck question, in the banks' own order, with the student's card on it: rows for
    DeckRow (one per deck question).

    The study page reads the deck once, this way, rather than repeating the deck's subqueries
    in a query for each part of the queue: they cost more to compile and plan than to run. The
    cards are reached through an index on the student; cards off the deck (a class left, a
    question archived) are never read.
    """
    return (
        student_deck(student)
        .annotate(card=FilteredRelation("cards", condition=Q(cards__student=student)))
        .order_by("bank_id", "pk")
        .values_list("pk", *(f"card__{name}" for name in _CARD_FIELDS))
    )


_deck_cards = CompiledRead(
    Question, lambda student_id: deck_cards(User(pk=student_id)), placeholders=_STUDENT
)


class _QueuedCards(Mapping):
    """Question id -> CardState of the queue's due cards, each made from its row when first
    read: a page reads one or two of them, and a queue may hold hundreds."""

    def __init__(self, rows: Iterable[DeckRow], student_id: int):
        self.rows = {row.question_id: row for row in rows}
        self.student_id = student_id
        self.made: dict[int, CardState] = {}

    def __getitem__(self, question_id: int) -> CardState:
        if question_id not in self.made:
            self.made[question_id] = self.rows[question_id].card(self.student_id)
        return self.made[question_id]

    def __contains__(self, question_id) -> bool:
        return question_id in self.rows

    def __iter__(self) -> Iterator[int]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class StudyToday:
    classes: list[Classroom]
    limits: studying.Limits
    used: studying.Used
    queue: studying.Queue
    # The card row of every due card in the queue (new cards may have none yet).
    cards: Mapping[int, CardState]
    # Review count of each new card in the queue (0 when it has no row).
    new_reps: dict[int, int]
    # The student's deck as read for this queue, for `study_card` and `next_card_at`.
    deck_rows: tuple[DeckRow, ...] = ()

    @cached_property
    def deck(self) -> frozenset[int]:
        """The ids of the student's deck."""
        return frozenset(row.question_id for row in self.deck_rows)

    def reps_of(self, question_id: int) -> int:
        card = self.cards.get(question_id)
        return card.reps if card else self.new_reps.get(question_id, 0)

    def next_card_at(self, now: datetime) -> datetime | None:
        """`next_card_at` for the deck this queue was built from, without a query."""
        return min(
            (
                back
                for row in self.deck_rows
                if row.card_id is not None
                and not row.is_leech
                and (back := row.comes_back_at()) is not None
                and back > now
            ),
            default=None,
        )


def study_today(student: User, now: datetime) -> StudyToday:
    """Today's queue for the student and what it is made of (three queries)."""
    classes = study_classes(student)
    limits = studying.limits_for((c.new_cards_per_day, c.reviews_per_day) for c in classes)
    used = used_today(student, now)
    new_allowed, reviews_allowed = studying.allowance(limits, used)
    # Without a class there is no deck (it is made of the classes' assignments).
    rows = [DeckRow._make(row) for row in _deck_cards.rows(student.pk)] if classes else []
    due = sorted((r for r in rows if r.due_now(now)), key=lambda r: (r.due, r.question_id))
    learning = [r for r in due if r.phase in studying.LEARNING_PHASES][:LEARNING_WINDOW]
    # One more than allowed tells whether the limit held cards back.
    reviews = (
        [r for r in due if r.phase == CardPhase.REVIEW][: reviews_allowed + 1]
        if limits.reviews_per_day
        else []
    )
    new = (
        [(r.question_id, r.reps or 0) for r in rows if r.not_started(now)][: new_allowed + 1]
        if limits.new_per_day
        else []
    )
    queue = studying.build_queue(
        learning=[studying.DueCard(r.question_id, r.due, r.phase) for r in learning],
        reviews=[studying.DueCard(r.question_id, r.due, r.phase) for r in reviews],
        new=[qid for qid, _ in new],
        limits=limits,
        used=used,
    )
    return StudyToday(
        classes=classes,
        limits=limits,
        used=used,
        queue=queue,
        cards=_QueuedCards((*learning, *reviews), student.pk),
        new_reps=dict(new),
        deck_rows=tuple(rows),
    )


def next_card_at(student: User, now: datetime) -> datetime | None:
    """When the next non-leech card of the deck comes up after `now` (buried ones included).

    `StudyToday.next_card_at` gives the same from the deck a queue was built from."""
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


def study_card(
    student: User, question_id: int, deck: Collection[int] | None = None
) -> tuple[QuestionVersion, Diagram | None]:
    """The current version of a deck question, options loaded (a flashcard's when first read),
    with its diagram if it has one.

    `deck`: the deck's question ids when the caller has read them (then no query checks it).
    Raises Question.DoesNotExist when the question is not in the student's deck.
    """
    if deck is None:
        questions = student_deck(student)
    elif question_id in deck:
        questions = Question.objects.filter(archived_at__isnull=True, current_version__isnull=False)
    else:
        raise Question.DoesNotExist(f"Question {question_id} is not in the student's deck.")
    question = questions.select_related("current_version", "bank").get(pk=question_id)
    version = question.current_version
    # A flashcard's front reads no options (its answer, shown later, reads them if it has any).
    if version.qtype != "flashcard":
        prefetch_related_objects(
            [version], Prefetch("options", queryset=Option.objects.order_by("position"))
        )
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
