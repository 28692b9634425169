"""What the home page shows each role."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import (
    Count,
    DateTimeField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from quizzes.models import Assignment, Attempt, CardState, Classroom, Extension, User
from quizzes.models.attempts import AttemptState
from quizzes.models.memory import CardPhase
from quizzes.services.attempts import Window, window_for


def student_assignments(student: User) -> QuerySet[Assignment]:
    """Assignments of the student's classes, each with `extension_due` and `extension_closes`
    (None without an extension), `attempts_used`, `best_fraction` and `open_attempt_id` for
    this student. Which dates apply is `window_for`'s business, not this query's."""
    extension = Extension.objects.filter(assignment=OuterRef("pk"), student=student)
    extension_due = Subquery(extension.values("due_at")[:1], output_field=DateTimeField())
    mine = Attempt.objects.filter(student=student, quiz=OuterRef("quiz_id"))
    return (
        Assignment.objects.filter(classroom__enrollments__student=student)
        .select_related("quiz", "classroom")
        .annotate(
            extension_due=extension_due,
            extension_closes=Subquery(
                extension.values("closes_at")[:1], output_field=DateTimeField()
            ),
            attempts_used=Coalesce(
                Subquery(mine.values("quiz_id").annotate(n=Count("pk")).values("n")[:1]),
                0,
            ),
            best_fraction=Subquery(
                mine.exclude(state=AttemptState.IN_PROGRESS)
                .values("quiz_id")
                .annotate(best=Max("fraction"))
                .values("best")[:1]
            ),
            open_attempt_id=Subquery(mine.filter(state=AttemptState.IN_PROGRESS).values("pk")[:1]),
        )
        .order_by("due_at", "quiz__title", "pk")
    )


class Status(StrEnum):
    NOT_OPEN = "not_open"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CLOSED = "closed"


@dataclass(frozen=True)
class AssignmentRow:
    """One line of the student's list of assigned quizzes."""

    assignment: Assignment
    window: Window
    status: Status
    # None when the quiz allows any number of attempts.
    attempts_left: int | None
    overdue: bool
    # An extension moved this student's dates later than the class's.
    extended: bool

    @property
    def can_start_another(self) -> bool:
        return self.status == Status.DONE and self.attempts_left != 0


def assignment_status(
    *, window: Window, now: datetime, attempts_used: int, attempts_allowed: int, in_progress: bool
) -> Status:
    """Where the student stands with one assignment. Pure."""
    closed = window.closes_at is not None and now >= window.closes_at
    if in_progress and not closed:
        return Status.IN_PROGRESS
    if window.opens_at is not None and now < window.opens_at:
        return Status.NOT_OPEN
    if closed:
        return Status.CLOSED
    if attempts_used:
        return Status.DONE
    return Status.NOT_STARTED


def student_assignment_rows(student: User, now: datetime | None = None) -> list[AssignmentRow]:
    """`student_assignments` with each one's window, status and attempts left, soonest due
    first (one query)."""
    now = now or timezone.now()
    rows = []
    for assignment in student_assignments(student):
        extension = None
        if assignment.extension_due is not None:
            extension = Extension(
                due_at=assignment.extension_due, closes_at=assignment.extension_closes
            )
        window = window_for(assignment, extension)
        allowed = assignment.quiz.attempts_allowed
        status = assignment_status(
            window=window,
            now=now,
            attempts_used=assignment.attempts_used,
            attempts_allowed=allowed,
            in_progress=assignment.open_attempt_id is not None,
        )
        rows.append(
            AssignmentRow(
                assignment=assignment,
                window=window,
                status=status,
                attempts_left=max(allowed - assignment.attempts_used, 0) if allowed else None,
                overdue=(
                    window.due_at is not None
                    and now > window.due_at
                    and status in (Status.NOT_STARTED, Status.IN_PROGRESS)
                ),
                extended=extension is not None and window != window_for(assignment, None),
            )
        )
    # Sorted here, not in SQL: the due date that counts depends on the extension rules above.
    rows.sort(key=lambda row: (row.window.due_at is None, row.window.due_at or now))
    return rows


def student_cards_due(student: User) -> int:
    """Cards studied before that are due now. New-phase rows (a burial can create one for a card
    never seen) are new cards, which the study page deals out within the daily limit."""
    now = timezone.now()
    return (
        CardState.objects.filter(student=student, due__lte=now, is_leech=False)
        .exclude(phase=CardPhase.NEW)
        .exclude(buried_until__gt=now)
        .count()
    )


def classes_taught(instructor: User) -> QuerySet[Classroom]:
    """Classes the instructor teaches, each with `student_count` and `assignment_count`."""
    return (
        Classroom.objects.filter(instructors=instructor)
        .annotate(
            student_count=Count("enrollments", distinct=True),
            assignment_count=Count("assignments", distinct=True),
        )
        .order_by("name")
    )


def classes_joined(student: User) -> QuerySet[Classroom]:
    return Classroom.objects.filter(enrollments__student=student).order_by("name")
