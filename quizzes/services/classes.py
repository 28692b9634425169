"""Writing classes, enrollments and assignments."""

from django.db import IntegrityError, transaction

from quizzes.joincodes import join_code_new
from quizzes.models import Classroom, User

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
