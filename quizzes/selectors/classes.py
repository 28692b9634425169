"""What instructors read about the classes they run.

Every class read starts from `classes_for_teacher`, so a class the caller does not teach is
simply not found (the views answer 404, never 403, so ids cannot be probed).
"""

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from quizzes.models import Assignment, Attempt, Classroom, Enrollment, Extension, Quiz, User


def classes_for_teacher(user: User) -> QuerySet[Classroom]:
    """The classes `user` may run: those they teach, and every class for staff."""
    if not user.is_authenticated or not user.is_instructor:
        return Classroom.objects.none()
    if user.is_staff:
        return Classroom.objects.all()
    return Classroom.objects.filter(instructors=user)


def class_list(user: User) -> QuerySet[Classroom]:
    """`classes_for_teacher` by name, each with `student_count`, `assignment_count` and
    `is_teaching` (False only for staff looking at someone else's class)."""
    return (
        classes_for_teacher(user)
        .annotate(
            student_count=_count(Enrollment, "classroom"),
            assignment_count=_count(Assignment, "classroom"),
            is_teaching=Exists(
                Classroom.instructors.through.objects.filter(classroom=OuterRef("pk"), user=user)
            ),
        )
        .order_by("name", "pk")
    )


def _count(model, fk: str) -> Coalesce:
    """How many `model` rows point at the outer row through `fk`, as a correlated subquery:
    counting over joins of two relations at once would multiply the rows."""
    rows = (
        model.objects.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows[:1], output_field=IntegerField()), 0)


def quizzes_usable_by(instructor: User) -> QuerySet[Quiz]:
    """Quizzes an instructor may assign: the bundled ones (no owner) and their own."""
    return Quiz.objects.filter(Q(owner__isnull=True) | Q(owner=instructor)).order_by("title", "pk")


@dataclass(frozen=True)
class ClassPage:
    classroom: Classroom
    # Each with `student` loaded, by name.
    enrollments: list[Enrollment]
    instructors: list[User]
    # Each with `quiz` loaded and `attempt_count` and `extension_count`.
    assignments: list[Assignment]


def class_page(classroom: Classroom) -> ClassPage:
    """Everything the class page shows, in three queries whatever the class's size."""
    enrollments = list(
        Enrollment.objects.filter(classroom=classroom)
        .select_related("student")
        .order_by("student__display_name", "student__username")
    )
    instructors = list(
        classroom.instructors.order_by("display_name", "username").only(
            "pk", "username", "display_name"
        )
    )
    return ClassPage(
        classroom=classroom,
        enrollments=enrollments,
        instructors=instructors,
        assignments=list(class_assignments(classroom)),
    )


def class_assignments(classroom: Classroom) -> QuerySet[Assignment]:
    """The class's assignments, soonest due first, with `attempt_count` and
    `extension_count`."""
    return (
        Assignment.objects.filter(classroom=classroom)
        .select_related("quiz")
        .annotate(
            attempt_count=_count(Attempt, "assignment"),
            extension_count=_count(Extension, "assignment"),
        )
        .order_by("due_at", "quiz__title", "pk")
    )


def assignment_extensions(assignment: Assignment) -> QuerySet[Extension]:
    """The assignment's extensions by student name, each with `student` and `enrolled` (False
    once the student has left the class: the extension stays in case they come back)."""
    return (
        Extension.objects.filter(assignment=assignment)
        .select_related("student")
        .annotate(
            enrolled=Exists(
                Enrollment.objects.filter(
                    classroom_id=assignment.classroom_id, student=OuterRef("student")
                )
            )
        )
        .order_by("student__display_name", "student__username")
    )


def class_students(classroom: Classroom) -> QuerySet[User]:
    """The students enrolled in the class, by name."""
    return User.objects.filter(enrollments__classroom=classroom).order_by(
        "display_name", "username"
    )
