"""The demo class that the README's serve command loads, so a newcomer can try every role."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from quizzes.models import Assignment, Classroom, Enrollment, Quiz, Role, User
from quizzes.services.classes import classroom_create

DEMO_PASSWORD = "psoas-demo"
DEMO_INSTRUCTOR = "demo-instructor"
DEMO_STUDENTS = ("demo-student-1", "demo-student-2", "demo-student-3")
DEMO_CLASS_NAME = "Demo teacher training cohort"
DEMO_JOIN_CODE = "PSOASDEMO"


@dataclass(frozen=True)
class DemoReport:
    instructor: User
    classroom: Classroom
    students: tuple[User, ...]
    assignments: int


@transaction.atomic
def demo_load() -> DemoReport:
    """Create (or refresh) the demo instructor, students and class; safe to run again."""
    instructor = _demo_user(DEMO_INSTRUCTOR, Role.INSTRUCTOR, "Demo Instructor")
    students = tuple(
        _demo_user(name, Role.STUDENT, f"Demo Student {n}")
        for n, name in enumerate(DEMO_STUDENTS, start=1)
    )
    classroom = Classroom.objects.filter(join_code=DEMO_JOIN_CODE).first()
    if classroom is None:
        classroom = classroom_create(
            name=DEMO_CLASS_NAME, instructor=instructor, join_code=DEMO_JOIN_CODE
        )
    for student in students:
        Enrollment.objects.get_or_create(classroom=classroom, student=student)
    now = timezone.now()
    quizzes = Quiz.objects.filter(owner=None).order_by("title")
    for offset, quiz in enumerate(quizzes, start=1):
        Assignment.objects.get_or_create(
            quiz=quiz,
            classroom=classroom,
            defaults={"opens_at": now, "due_at": now + timedelta(days=7 * offset)},
        )
    return DemoReport(instructor, classroom, students, classroom.assignments.count())


def _demo_user(username: str, role: str, display_name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": role, "display_name": display_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user
