"""A student's own exam date: within two years from today, or cleared."""

from datetime import date

import pytest

from quizzes.services.exam_dates import (
    EXAM_DATE_IN_PAST,
    EXAM_DATE_INSTRUCTOR,
    EXAM_DATE_TOO_FAR,
    ExamDateRefused,
    latest_exam_date,
    student_exam_date_set,
)
from tests.factories import InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


@pytest.mark.parametrize("exam_date", [TODAY, date(2026, 7, 1), date(2028, 3, 10)])
def test_dates_from_today_to_two_years_ahead_are_saved(exam_date):
    student = StudentFactory()
    student_exam_date_set(student=student, exam_date=exam_date, today=TODAY)
    student.refresh_from_db()
    assert student.exam_date == exam_date


@pytest.mark.parametrize(
    ("exam_date", "message"),
    [(date(2026, 3, 9), EXAM_DATE_IN_PAST), (date(2028, 3, 11), EXAM_DATE_TOO_FAR)],
)
def test_a_past_date_or_one_more_than_two_years_away_is_refused(exam_date, message):
    student = StudentFactory(exam_date=date(2026, 6, 1))
    with pytest.raises(ExamDateRefused) as refused:
        student_exam_date_set(student=student, exam_date=exam_date, today=TODAY)
    assert refused.value.message == message
    student.refresh_from_db()
    assert student.exam_date == date(2026, 6, 1)


def test_none_clears_the_date():
    student = StudentFactory(exam_date=date(2026, 6, 1))
    student_exam_date_set(student=student, exam_date=None, today=TODAY)
    student.refresh_from_db()
    assert student.exam_date is None


def test_instructors_cannot_set_one():
    with pytest.raises(ExamDateRefused) as refused:
        student_exam_date_set(student=InstructorFactory(), exam_date=TODAY, today=TODAY)
    assert refused.value.message == EXAM_DATE_INSTRUCTOR


def test_two_years_from_a_leap_day_is_the_28th_of_february():
    assert latest_exam_date(date(2028, 2, 29)) == date(2030, 2, 28)
