"""Writing the memory model: every answer, in any format, updates the student's card.

Quizzes feed `cards_review` when an attempt closes; the study page reviews one card at a time
through `flashcard_review` (the student rates their recall) and `study_answer` (the answer is
graded and the grade becomes the rating). Both refuse a review sent twice: the page sends the
card's review count (`reps`) it was drawn from, and a count that has moved on is stale.

Every write to a student's cards first locks the student's row (`_cards_lock`). A study review
locks its own card and then the related cards it buries, and a quiz submission locks all of the
attempt's cards: without one lock taken first, two of those for one student could each hold a
card the other needs next, a deadlock that PostgreSQL breaks by failing one of them. One
student's reviews are one person's clicks, so queuing them costs nothing.
"""

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from quizzes import optimizing, presentation, scheduling, studying
from quizzes.grading import Grade, InvalidResponse, grade
from quizzes.grading import Outcome as GradeOutcome
from quizzes.models import CardState, Classroom, Option, Question, QuestionVersion, ReviewLog, User
from quizzes.models.memory import CardPhase, ReviewSource
from quizzes.selectors.study import student_deck_ids

STALE_REVIEW = (
    "You already reviewed this card (in another tab, or by sending the page twice), so this "
    "review was not counted again. Here is your next card."
)
CARD_CHANGED = (
    "This question was updated while you were answering it, so your answer was not counted. "
    "Here it is again as it reads now."
)
NOT_A_FLASHCARD = "This card is a question to answer, not a flashcard to rate."
NOT_SELF_RATED = "Flashcards are rated with the Again, Hard, Good and Easy buttons."
BAD_RATING = "Choose one of Again, Hard, Good or Easy to rate this card."
NOTHING_GIVEN = "Give an answer before checking it."
LEECH_RESTING = (
    "This card is set aside as a leech. Reset it from the list of leeches to study it again."
)
# A page left open overnight is not study time.
MAX_DURATION_MS = 30 * 60 * 1000
SCHEDULE_FIELDS = [
    "phase",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
    "is_leech",
]


class StudyRefused(Exception):
    """The review was not applied; the message tells the student why."""


@dataclass(frozen=True)
class Outcome:
    """One rated encounter with a question, to be written to the student's card."""

    question_version: QuestionVersion
    rating: scheduling.Rating
    duration_ms: int = 0
    answer_id: int | None = None


def policy_for(*, classroom: Classroom | None) -> scheduling.Policy:
    """The scheduling rules a class sets: its desired retention and exam date."""
    if classroom is None:
        return scheduling.Policy()
    return policy_for_classes(classrooms=[classroom])


def policy_for_classes(
    *,
    classrooms: Iterable[Classroom],
    now: datetime | None = None,
    own_exam_date: date | None = None,
) -> scheduling.Policy:
    """One policy for a student in several classes: the highest desired retention, and the
    earliest exam still ahead (every card must be back before the first exam). A student's own
    exam date, when set and still ahead, wins over the classes' (a resit, another session).
    Memory-model parameters: see `class_parameters`."""
    classrooms = list(classrooms)
    parameters = class_parameters(classrooms)
    retention = max((float(c.desired_retention) for c in classrooms), default=None)
    today = now.astimezone(UTC).date() if now is not None else None

    exam_day = studying.exam_day(own_exam_date, (c.exam_date for c in classrooms), today=today)
    exam_at = datetime.combine(exam_day, time(0, 0), tzinfo=UTC) if exam_day else None
    if retention is None:
        return scheduling.Policy(exam_at=exam_at, parameters=parameters)
    return scheduling.Policy(desired_retention=retention, exam_at=exam_at, parameters=parameters)


def class_parameters(classrooms: Iterable[Classroom]) -> tuple[float, ...] | None:
    """The FSRS parameters for a student in these classes; None for FSRS-6's defaults.

    A class's fitted parameters describe how its students remember, this student included, so
    a class on the defaults (never fitted) does not outvote one that was fitted. When two
    fitted classes disagree, neither describes this student better, and the defaults apply.
    Parameters that fail the checks (edited by hand in the admin) count as the defaults.
    """
    fitted = set()
    for classroom in classrooms:
        if classroom.fsrs_parameters is None:
            continue
        try:
            fitted.add(optimizing.valid_parameters(classroom.fsrs_parameters))
        except ValueError:
            continue
    return fitted.pop() if len(fitted) == 1 else None


def memory_of(card: CardState) -> scheduling.Memory:
    return scheduling.Memory(
        phase=card.phase,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=card.reps,
        lapses=card.lapses,
    )


def card_key(*, student_id: int, question_id: int) -> str:
    """Seeds the fuzz: the same card and review count always land on the same day."""
    return f"{student_id}:{question_id}"


def cards_review(
    *,
    student: User,
    outcomes: Sequence[Outcome],
    source: str,
    reviewed_at: datetime,
    policy: scheduling.Policy,
) -> list[CardState]:
    """Apply each outcome to the student's card for its question (created on first sight).

    Batched: one read of the existing cards (locked), then bulk writes, whatever the number of
    outcomes. Two outcomes for one question apply in the order given.
    """
    if not outcomes:
        return []
    question_ids = {o.question_version.question_id for o in outcomes}
    with transaction.atomic():
        _cards_lock(student)
        existing = {
            card.question_id: card
            for card in CardState.objects.select_for_update()
            .filter(student=student, question_id__in=question_ids)
            # Rows locked in one order, as a second line of defence behind _cards_lock.
            .order_by("question_id")
        }
        fresh = [
            CardState(student=student, question_id=qid, due=reviewed_at, phase=CardPhase.NEW)
            for qid in sorted(question_ids - existing.keys())
        ]
        if fresh:
            CardState.objects.bulk_create(fresh, ignore_conflicts=True)
            # ignore_conflicts does not return ids, and another request may have won the race.
            existing.update(
                {
                    card.question_id: card
                    for card in CardState.objects.select_for_update()
                    .filter(student=student, question_id__in=[c.question_id for c in fresh])
                    .order_by("question_id")
                }
            )
        logs = [
            _apply(
                existing[outcome.question_version.question_id],
                outcome,
                student=student,
                source=source,
                reviewed_at=reviewed_at,
                policy=policy,
            )
            for outcome in outcomes
        ]
        # One row per card, in the order first reviewed, even when two outcomes share it.
        reviewed = {o.question_version.question_id: None for o in outcomes}
        cards = [existing[question_id] for question_id in reviewed]
        CardState.objects.bulk_update(cards, SCHEDULE_FIELDS)
        ReviewLog.objects.bulk_create(logs)
    return cards


def _apply(
    card: CardState,
    outcome: Outcome,
    *,
    student: User,
    source: str,
    reviewed_at: datetime,
    policy: scheduling.Policy,
) -> ReviewLog:
    """Schedule the card for the outcome (in memory) and return its review row, unsaved."""
    before = memory_of(card)
    result = scheduling.review(
        before,
        outcome.rating,
        reviewed_at,
        policy=policy,
        card_key=card_key(student_id=student.pk, question_id=card.question_id),
    )
    after = result.memory
    card.phase, card.step = after.phase, after.step
    card.stability, card.difficulty = after.stability, after.difficulty
    card.due, card.last_review = after.due, after.last_review
    card.reps, card.lapses = after.reps, after.lapses
    if result.became_leech:
        card.is_leech = True
    return ReviewLog(
        card=card,
        question_version=outcome.question_version,
        rating=int(outcome.rating),
        source=source,
        answer_id=outcome.answer_id,
        reviewed_at=reviewed_at,
        duration_ms=outcome.duration_ms,
        phase_before=before.phase,
        stability_after=after.stability,
        difficulty_after=after.difficulty,
        due_after=after.due,
    )


@dataclass(frozen=True)
class StudyReview:
    """What a review on the study page did, for the page that follows it."""

    card: CardState
    rating: scheduling.Rating
    interval: timedelta
    grade: Grade | None = None
    buried: int = 0


def study_option_order(version: QuestionVersion, *, student_id: int, reps: int) -> list[int]:
    """The order the study page shows a card's options in.

    Shuffled, but the same for the page that shows the card and the request that answers it,
    and different at each review so position is never what the student remembers.
    """
    seed = f"study:{student_id}:{version.question_id}:{reps}"
    return presentation.initial_option_order(version, shuffle=True, rng=random.Random(seed))


def _deck_version(
    student: User, question_id: int, *, options: bool
) -> tuple[QuestionVersion, frozenset[int]]:
    """The current version of a question in the student's deck (its options loaded if asked),
    and the deck's question ids, for burying related cards in the same request.

    Raises Question.DoesNotExist for a question outside the deck (or no question at all).
    """
    deck = student_deck_ids(student)
    if question_id not in deck:
        raise Question.DoesNotExist(f"Question {question_id} is not in the student's deck.")
    question = (
        Question.objects.filter(archived_at__isnull=True, current_version__isnull=False)
        .select_related("current_version")
        .get(pk=question_id)
    )
    version = question.current_version
    # The version's question is this one: no query to reach its bank or id later.
    version.question = question
    if options:
        prefetch_related_objects(
            [version], Prefetch("options", queryset=Option.objects.order_by("position"))
        )
    return version, deck


def _cards_lock(student: User) -> None:
    """Lock the student's row until the transaction ends: see the module docstring.

    NO KEY UPDATE, so rows that merely point at the student (a new card, a session, a token)
    can still be written meanwhile.
    """
    list(User.objects.select_for_update(no_key=True).filter(pk=student.pk).values_list("pk"))


def _locked_card(student: User, question_id: int, now: datetime) -> CardState:
    _cards_lock(student)
    cards = CardState.objects.select_for_update().filter(student=student, question_id=question_id)
    card = cards.first()
    if card is None:
        # A first review creates the row. Every writer of this student's cards holds the lock
        # taken above, so none can create it meanwhile; ignore_conflicts is a second defence.
        CardState.objects.bulk_create(
            [CardState(student=student, question_id=question_id, due=now, phase=CardPhase.NEW)],
            ignore_conflicts=True,
        )
        card = cards.get()
    return card


def _duration(duration_ms) -> int:
    try:
        return min(max(int(duration_ms), 0), MAX_DURATION_MS)
    except (TypeError, ValueError):
        return 0


def _review_one(
    *,
    student: User,
    version: QuestionVersion,
    deck: frozenset[int],
    rating: scheduling.Rating,
    duration_ms: int,
    source: str,
    now: datetime,
    reps: int | None,
    version_id: int | None,
    grade_result: Grade | None = None,
) -> StudyReview:
    """Check the card is reviewable from this page, apply the rating, bury related cards.

    Runs inside the caller's transaction. The card is the only one reviewed, so it is written
    directly (what `cards_review` does for many, without its second lock and read).
    """
    if version_id is not None and version_id != version.pk:
        raise StudyRefused(CARD_CHANGED)
    card = _locked_card(student, version.question_id, now)
    if card.is_leech:
        raise StudyRefused(LEECH_RESTING)
    if reps is not None and reps != card.reps:
        raise StudyRefused(STALE_REVIEW)
    classrooms = Classroom.objects.filter(enrollments__student=student)
    log = _apply(
        card,
        Outcome(version, rating, duration_ms=_duration(duration_ms)),
        student=student,
        source=source,
        reviewed_at=now,
        policy=policy_for_classes(classrooms=classrooms, now=now, own_exam_date=student.exam_date),
    )
    card.save(update_fields=SCHEDULE_FIELDS)
    log.save()
    buried = related_cards_bury(student=student, question=version.question, now=now, deck=deck)
    return StudyReview(card, rating, card.due - now, grade_result, buried)


def _rating(value) -> scheduling.Rating:
    try:
        return scheduling.Rating(int(value))
    except (TypeError, ValueError):
        raise StudyRefused(BAD_RATING) from None


def flashcard_review(
    *,
    student: User,
    question_id: int,
    rating,
    duration_ms: int,
    reps: int | None = None,
    version_id: int | None = None,
    now: datetime | None = None,
) -> StudyReview:
    """Apply the student's own rating of a flashcard.

    `reps` is the card's review count when the page was drawn: a different count means the
    review already happened (StudyRefused with STALE_REVIEW). Raises Question.DoesNotExist for
    a question outside the student's deck.
    """
    now = now or timezone.now()
    rating = _rating(rating)
    with transaction.atomic():
        version, deck = _deck_version(student, question_id, options=False)
        if version.qtype != "flashcard":
            raise StudyRefused(NOT_A_FLASHCARD)
        return _review_one(
            student=student,
            version=version,
            deck=deck,
            rating=rating,
            duration_ms=duration_ms,
            source=ReviewSource.FLASHCARD,
            now=now,
            reps=reps,
            version_id=version_id,
        )


def study_answer(
    *,
    student: User,
    question_id: int,
    response: Mapping | None,
    duration_ms: int,
    reps: int | None = None,
    version_id: int | None = None,
    now: datetime | None = None,
) -> StudyReview:
    """Grade an answer given on the study page and let the grade rate the card.

    The rating follows `scheduling.rating_for_answer` (wrong → Again, partial or very slow →
    Hard, right → Good). The returned StudyReview carries the Grade for the feedback shown next.
    """
    now = now or timezone.now()
    with transaction.atomic():
        version, deck = _deck_version(student, question_id, options=True)
        if version.qtype == "flashcard":
            raise StudyRefused(NOT_SELF_RATED)
        if not presentation.is_answered(version.qtype, response):
            raise StudyRefused(NOTHING_GIVEN)
        try:
            result = grade(presentation.to_grading_question(version), response)
        except InvalidResponse as error:
            raise StudyRefused(_sentence(str(error))) from None
        if result.outcome == GradeOutcome.UNANSWERED:
            raise StudyRefused(NOTHING_GIVEN)
        rating = scheduling.rating_for_answer(
            result.fraction,
            duration_ms=_duration(duration_ms),
            expected_ms=scheduling.expected_answer_ms(version.qtype, version.difficulty),
        )
        return _review_one(
            student=student,
            version=version,
            deck=deck,
            rating=rating,
            duration_ms=duration_ms,
            source=ReviewSource.STUDY,
            now=now,
            reps=reps,
            version_id=version_id,
            grade_result=result,
        )


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else f"{message}."


def related_cards_bury(
    *, student: User, question: Question, now: datetime, deck: frozenset[int]
) -> int:
    """Bury, until the next UTC day, the student's cards related to the one just reviewed.

    Seeing the flashcard form of a fact right after its quiz form tests short-term memory, not
    recall. "Related" is decided by `studying.related_questions`. Related deck questions the
    student has never seen get a new card row carrying the burial. Returns how many were buried.
    `question` has its bank_id loaded; `deck` is the student's deck ids (`student_deck_ids`).
    Runs inside the caller's transaction, which holds `_cards_lock`.
    """
    bank: dict[int, tuple[str, set[str]]] = {}
    for pk, key, tag in Question.objects.filter(
        bank_id=question.bank_id, archived_at__isnull=True
    ).values_list("pk", "key", "tags__name"):
        bank.setdefault(pk, (key, set()))[1].update([tag] if tag else [])
    related = studying.related_questions(
        question.pk, {pk: (key, frozenset(tags)) for pk, (key, tags) in bank.items()}
    )
    in_deck = related & deck
    if not in_deck:
        return 0
    tomorrow = studying.bury_until(now)
    cards = {
        card.question_id: card
        for card in CardState.objects.select_for_update()
        .filter(student=student, question_id__in=in_deck)
        .order_by("question_id")
    }
    to_bury = [
        card.pk
        for card in cards.values()
        if studying.should_bury(
            phase=card.phase, due=card.due, is_leech=card.is_leech, tomorrow=tomorrow
        )
    ]
    CardState.objects.filter(pk__in=to_bury).update(buried_until=tomorrow)
    unseen = [
        CardState(
            student=student,
            question_id=qid,
            due=now,
            phase=CardPhase.NEW,
            buried_until=tomorrow,
        )
        for qid in sorted(in_deck - cards.keys())
    ]
    CardState.objects.bulk_create(unseen, ignore_conflicts=True)
    return len(to_bury) + len(unseen)


def card_leech_reset(*, student: User, card_id: int, now: datetime | None = None) -> CardState:
    """Put a leech back in the queue as a new card, to be learned again from scratch.

    Its memory (stability, difficulty, step) is cleared, since what FSRS learned about it says
    only that it keeps failing; the lapse count restarts so that eight more lapses flag it again.
    `reps` keeps counting, so a page drawn before the reset stays stale; the review log keeps the
    full history. Resetting a card that is no longer a leech changes nothing.
    Raises CardState.DoesNotExist when the card is not this student's.
    """
    now = now or timezone.now()
    with transaction.atomic():
        card = CardState.objects.select_for_update().get(pk=card_id, student=student)
        if not card.is_leech:
            return card
        card.phase, card.step = CardPhase.NEW, None
        card.stability = card.difficulty = None
        card.due, card.lapses = now, 0
        card.is_leech, card.buried_until = False, None
        card.save(update_fields=[*SCHEDULE_FIELDS, "buried_until"])
        return card
