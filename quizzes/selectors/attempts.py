"""Reads for taking a quiz: the assignment page, one question of an attempt, its review.

Every function is scoped to the student asking: an assignment of a class they are not in, or an
attempt that is not theirs, reads as missing, so ids cannot be probed.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import Max, Sum

from quizzes import presentation
from quizzes.models import (
    Answer,
    Assignment,
    Attempt,
    Diagram,
    Extension,
    Quiz,
    User,
)
from quizzes.models.attempts import AttemptState
from quizzes.models.quizzes import GradingMethod
from quizzes.selectors.compiled import ID_PLACEHOLDERS, CompiledRead
from quizzes.selectors.versions import attach_versions
from quizzes.services.attempts import (
    CLOSED,
    NO_ATTEMPTS_LEFT,
    NO_QUESTIONS,
    NOT_OPEN_YET,
    Window,
    window_for,
)

HUNDRED = Decimal(100)
QUANTUM = Decimal("0.00001")


def grade_across_attempts(method: str, fractions: Sequence[Decimal]) -> Decimal | None:
    """The quiz grade from the scores of closed attempts, oldest first; None before any.

    Pure: the quiz's grading method decides which attempts count.
    """
    if not fractions:
        return None
    if method == GradingMethod.FIRST:
        return fractions[0]
    if method == GradingMethod.LAST:
        return fractions[-1]
    if method == GradingMethod.AVERAGE:
        return (sum(fractions, Decimal(0)) / len(fractions)).quantize(QUANTUM)
    return max(fractions)


def passed(quiz: Quiz, fraction: Decimal | None) -> bool | None:
    if fraction is None:
        return None
    return Decimal(fraction) * HUNDRED >= quiz.pass_mark


def time_taken(attempt: Attempt) -> timedelta | None:
    """Start to submission; an attempt closed late counts only up to its deadline."""
    if attempt.submitted_at is None:
        return None
    end = attempt.submitted_at
    if attempt.state == AttemptState.OVERDUE and attempt.deadline_at:
        end = min(end, attempt.deadline_at)
    return max(end - attempt.started_at, timedelta(0))


def start_refusal(
    *, window: Window, quiz: Quiz, attempts_used: int, question_count: int, now: datetime
) -> str | None:
    """Why a new attempt cannot start now, in the words `attempt_start` would refuse with."""
    # The messages say "(UTC)", so their times are given in UTC whatever zone built them.
    if window.opens_at and now < window.opens_at:
        return NOT_OPEN_YET.format(when=window.opens_at.astimezone(UTC))
    if window.closes_at and now >= window.closes_at:
        return CLOSED.format(when=window.closes_at.astimezone(UTC))
    if quiz.attempts_allowed and attempts_used >= quiz.attempts_allowed:
        return NO_ATTEMPTS_LEFT.format(allowed=quiz.attempts_allowed)
    if question_count == 0:
        return NO_QUESTIONS
    return None


def assignment_for_student(student: User, assignment_id: int) -> Assignment | None:
    """The assignment, if it belongs to a class the student is enrolled in."""
    return (
        Assignment.objects.select_related("quiz", "classroom")
        .filter(pk=assignment_id, classroom__enrollments__student=student)
        .first()
    )


@dataclass(frozen=True)
class AttemptRow:
    attempt: Attempt
    time_taken: timedelta | None
    passed: bool | None

    @property
    def closed(self) -> bool:
        return self.attempt.state != AttemptState.IN_PROGRESS


@dataclass(frozen=True)
class AssignmentOverview:
    assignment: Assignment
    quiz: Quiz
    window: Window
    question_count: int
    attempts: tuple[AttemptRow, ...]
    open_attempt: Attempt | None
    attempts_used: int
    attempts_left: int | None  # None: no limit
    grade: Decimal | None
    grade_passed: bool | None
    refusal: str | None


def question_count(quiz: Quiz) -> int:
    """Questions an attempt will have: the fixed items it can use plus what each draw picks.

    Like `attempt_start`, fixed items that are archived, flashcards or never written are left out.
    """
    fixed = (
        quiz.items.filter(question__archived_at__isnull=True)
        .exclude(question__current_version__isnull=True)
        .exclude(question__current_version__qtype="flashcard")
        .count()
    )
    drawn = quiz.draws.aggregate(n=Sum("count"))["n"] or 0
    return fixed + drawn


def assignment_overview(student: User, assignment: Assignment, now: datetime) -> AssignmentOverview:
    quiz = assignment.quiz
    extension = Extension.objects.filter(assignment=assignment, student=student).first()
    window = window_for(assignment, extension)
    attempts = list(Attempt.objects.filter(student=student, quiz=quiz).order_by("number"))
    rows = tuple(AttemptRow(a, time_taken(a), passed(quiz, a.fraction)) for a in attempts)
    closed = [a.fraction for a in attempts if a.state != AttemptState.IN_PROGRESS]
    open_attempt = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    used = max((a.number for a in attempts), default=0)
    count = question_count(quiz)
    overall = grade_across_attempts(quiz.grading_method, closed)
    refusal = None
    if open_attempt is None:
        refusal = start_refusal(
            window=window, quiz=quiz, attempts_used=used, question_count=count, now=now
        )
    return AssignmentOverview(
        assignment=assignment,
        quiz=quiz,
        window=window,
        question_count=count,
        attempts=rows,
        open_attempt=open_attempt,
        attempts_used=used,
        attempts_left=max(quiz.attempts_allowed - used, 0) if quiz.attempts_allowed else None,
        grade=overall,
        grade_passed=passed(quiz, overall),
        refusal=refusal,
    )


def attempt_for_student(student: User, attempt_id: int) -> Attempt | None:
    return (
        Attempt.objects.select_related("quiz", "assignment")
        .filter(pk=attempt_id, student=student)
        .first()
    )


def attempt_answers(attempt: Attempt) -> list[Answer]:
    """Every question slot of the attempt, in order, each with its question version."""
    return list(
        Answer.objects.filter(attempt=attempt)
        .select_related("question_version")
        .order_by("position")
    )


def first_unanswered_position(attempt: Attempt) -> int:
    answers = Answer.objects.filter(attempt=attempt).order_by("position")
    rows = answers.values_list("position", "question_version__qtype", "response")
    first = None
    for position, qtype, response in rows:
        first = first or position
        if not presentation.is_answered(qtype, response):
            return position
    return first or 1


# The question page and the autosave make these reads on every request: their SQL is built
# once per process (quizzes/selectors/compiled.py).
_answers_of_attempt = CompiledRead(
    Answer,
    lambda attempt_id, student_id: (
        Answer.objects.filter(attempt_id=attempt_id, attempt__student_id=student_id)
        .select_related("attempt__quiz")
        .order_by("position")
    ),
)
# A placeholder in the position column's range (the ORM refuses others), above any position.
_ANY_POSITION = 32_767
_answer_of_attempt = CompiledRead(
    Answer,
    lambda attempt_id, student_id, position: Answer.objects.filter(
        attempt_id=attempt_id, attempt__student_id=student_id, position=position
    ).select_related("attempt"),
    placeholders=(*ID_PLACEHOLDERS, _ANY_POSITION),
)


def attempt_with_answers(student: User, attempt_id: int) -> tuple[Attempt, list[Answer]] | None:
    """The student's attempt with its quiz, and every question slot in order, each with its
    question version and options: one query, plus two for versions this process has not read.

    None when the attempt is not the student's (or has no questions).
    """
    answers = _answers_of_attempt.objects(attempt_id, student.pk)
    if not answers:
        return None
    attempt = answers[0].attempt
    for answer in answers:
        answer.attempt = attempt
    attach_versions(answers)
    return attempt, answers


def answer_for_student(student: User, attempt_id: int, position: int) -> Answer | None:
    """One question slot of the student's attempt, with its attempt (as read now, not locked)
    and its question version and options: one query, plus two for a version not read before."""
    found = _answer_of_attempt.objects(attempt_id, student.pk, position)
    if not found:
        return None
    attach_versions(found)
    return found[0]


def diagrams_for(answers: Sequence[Answer]) -> dict[str, Diagram]:
    slugs = {
        a.question_version.config.get("diagram")
        for a in answers
        if a.question_version.qtype == "hotspot"
    } - {None, ""}
    if not slugs:
        return {}
    return {d.slug: d for d in Diagram.objects.filter(slug__in=slugs)}


def load_question(answers: Sequence[Answer]) -> dict[str, Diagram]:
    """Give these answers their versions with options (see `attach_versions`) and return their
    diagrams (one more query, for hotspot questions only)."""
    attach_versions(answers)
    return diagrams_for(answers)


def attempt_last_saved(attempt: Attempt) -> datetime | None:
    return attempt.answers.aggregate(last=Max("saved_at"))["last"]
