"""Writing classes, enrollments and assignments."""

from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.joincodes import join_code_new, join_code_normalize
from quizzes.models import Classroom, Enrollment, User

JOIN_CODE_TRIES = 5


def classroom_create(*, name: str, instructor: User, join_code: str | None = None) -> Classroom:
    """A new class taught by `instructor`, with a fresh join code unless one is given."""
    for _ in range(JOIN_CODE_TRIES):
        try:
            with transaction.atomic():
                classroom = Classroom.objects.create(
                    name=name, join_code=join_code or join_code_new()
                )
                classroom.instructors.add(instructor)
                return classroom
        except IntegrityError:
            if join_code:
                raise
    raise RuntimeError("could not find an unused join code")


CODE_EMPTY = "Type the join code your instructor gave you."
CODE_UNKNOWN = (
    "No class has the code {code}. Check it with your instructor; class codes are letters and "
    "digits, usually 8 of them."
)
CODE_EXPIRED = (
    "The code {code} for {name} expired on {when:%d %b %Y at %H:%M} (UTC). Ask your instructor "
    "for a new one."
)
ALREADY_MEMBER = "You are already in {name}."
INSTRUCTOR_CANNOT_JOIN = (
    "Instructor accounts cannot join a class as a student. To see a class as your students do, "
    "sign up for a separate student account."
)
# Longest piece of a mistyped code echoed back in a message.
CODE_ECHO_MAX = 20


class JoinRefused(Exception):
    """The student cannot join with this code; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AlreadyMember(JoinRefused):
    """Not a problem for the student: they are in the class already."""

    def __init__(self, message: str, classroom: Classroom):
        super().__init__(message)
        self.classroom = classroom


@transaction.atomic
def enrollment_join(*, student: User, code: str, now: datetime | None = None) -> Enrollment:
    """Enrol `student` in the class whose join code is `code`, however it was typed.

    Raises JoinRefused (or its AlreadyMember) with a message for the student.
    """
    now = now or timezone.now()
    if student.is_instructor:
        raise JoinRefused(INSTRUCTOR_CANNOT_JOIN)
    normalized = join_code_normalize(code)
    if not normalized:
        raise JoinRefused(CODE_EMPTY)
    classroom = Classroom.objects.filter(join_code=normalized).first()
    if classroom is None:
        raise JoinRefused(CODE_UNKNOWN.format(code=_echo(normalized)))
    # A member who types an old code is still a member: say so rather than that it expired.
    if Enrollment.objects.filter(classroom=classroom, student=student).exists():
        raise AlreadyMember(ALREADY_MEMBER.format(name=classroom.name), classroom)
    expires = classroom.join_code_expires_at
    if expires is not None and now >= expires:
        raise JoinRefused(
            CODE_EXPIRED.format(
                code=classroom.join_code, name=classroom.name, when=expires.astimezone(UTC)
            )
        )
    try:
        with transaction.atomic():
            return Enrollment.objects.create(classroom=classroom, student=student)
    except IntegrityError:
        # A double submit: the other request enrolled the student a moment ago.
        raise AlreadyMember(ALREADY_MEMBER.format(name=classroom.name), classroom) from None


def _echo(code: str) -> str:
    return code if len(code) <= CODE_ECHO_MAX else code[:CODE_ECHO_MAX] + "…"
