"""Writing the memory model: every answer, in any format, updates the student's card."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.db import transaction

from quizzes import scheduling
from quizzes.models import CardState, Classroom, QuestionVersion, ReviewLog, User
from quizzes.models.memory import CardPhase


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
    exam_at = None
    if classroom.exam_date:
        exam_at = datetime.combine(classroom.exam_date, time(0, 0), tzinfo=UTC)
    return scheduling.Policy(desired_retention=float(classroom.desired_retention), exam_at=exam_at)


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
        existing = {
            card.question_id: card
            for card in CardState.objects.select_for_update().filter(
                student=student, question_id__in=question_ids
            )
        }
        fresh = [
            CardState(student=student, question_id=qid, due=reviewed_at, phase=CardPhase.NEW)
            for qid in question_ids - existing.keys()
        ]
        if fresh:
            CardState.objects.bulk_create(fresh, ignore_conflicts=True)
            # ignore_conflicts does not return ids, and another request may have won the race.
            existing.update(
                {
                    card.question_id: card
                    for card in CardState.objects.select_for_update().filter(
                        student=student, question_id__in=[c.question_id for c in fresh]
                    )
                }
            )
        logs = []
        for outcome in outcomes:
            card = existing[outcome.question_version.question_id]
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
            logs.append(
                ReviewLog(
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
            )
        cards = list(
            {c.pk: c for c in (existing[o.question_version.question_id] for o in outcomes)}.values()
        )
        CardState.objects.bulk_update(
            cards,
            [
                "phase",
                "step",
                "stability",
                "difficulty",
                "due",
                "last_review",
                "reps",
                "lapses",
                "is_leech",
            ],
        )
        ReviewLog.objects.bulk_create(logs)
    return cards
