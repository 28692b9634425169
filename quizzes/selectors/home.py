"""What the home page shows each role."""

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


def student_assignments(student: User) -> QuerySet[Assignment]:
    """Assignments of the student's classes, each with `effective_due` (extension first),
    `attempts_used` and `best_fraction` for this student; soonest due first."""
    extension_due = Extension.objects.filter(assignment=OuterRef("pk"), student=student).values(
        "due_at"
    )[:1]
    mine = Attempt.objects.filter(student=student, quiz=OuterRef("quiz_id"))
    return (
        Assignment.objects.filter(classroom__enrollments__student=student)
        .select_related("quiz", "classroom")
        .annotate(
            effective_due=Coalesce(Subquery(extension_due, output_field=DateTimeField()), "due_at"),
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
        )
        .order_by("effective_due", "quiz__title")
    )


def student_cards_due(student: User) -> int:
    now = timezone.now()
    return (
        CardState.objects.filter(student=student, due__lte=now, is_leech=False)
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
