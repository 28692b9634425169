"""A student's own exam date, which exam-date mode schedules their cards towards."""

from datetime import date

from django.db import transaction

from quizzes.models import User

EXAM_DATE_IN_PAST = "That date has passed. Choose your exam date from today onwards."
EXAM_DATE_TOO_FAR = (
    "That is more than two years away. Choose a date within two years, or leave it empty "
    "to study without an exam date."
)
EXAM_DATE_INSTRUCTOR = (
    "Exam dates are set by students for themselves; set your class's on the class."
)
# How far ahead an exam date may be: further than this is almost certainly a typo in the year.
MAX_YEARS_AHEAD = 2


class ExamDateRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def latest_exam_date(today: date) -> date:
    """Two years from today (28 February when today is 29 February)."""
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def student_exam_date_set(*, student: User, exam_date: date | None, today: date) -> User:
    """Set (or, with None, clear) the student's own exam date; `today` is the UTC day."""
    if student.is_instructor:
        raise ExamDateRefused(EXAM_DATE_INSTRUCTOR)
    if exam_date is not None:
        if exam_date < today:
            raise ExamDateRefused(EXAM_DATE_IN_PAST)
        if exam_date > latest_exam_date(today):
            raise ExamDateRefused(EXAM_DATE_TOO_FAR)
    with transaction.atomic():
        student.exam_date = exam_date
        student.save(update_fields=["exam_date"])
    return student
