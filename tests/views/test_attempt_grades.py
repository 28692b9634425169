"""The grade across a student's attempts, by the quiz's grading method (pure, no database)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes.models import Attempt, Quiz
from quizzes.models.attempts import AttemptState
from quizzes.selectors.attempts import grade_across_attempts, passed, time_taken

SCORES = [Decimal("0.4"), Decimal("0.9"), Decimal("0.6")]


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("highest", Decimal("0.9")),
        ("average", Decimal("0.63333")),
        ("first", Decimal("0.4")),
        ("last", Decimal("0.6")),
    ],
)
def test_each_grading_method_picks_its_attempts(method, expected):
    assert grade_across_attempts(method, SCORES) == expected


@pytest.mark.parametrize("method", ["highest", "average", "first", "last"])
def test_no_closed_attempt_means_no_grade(method):
    assert grade_across_attempts(method, []) is None


def test_a_single_attempt_is_the_grade_whatever_the_method():
    for method in ("highest", "average", "first", "last"):
        assert grade_across_attempts(method, [Decimal("0.75")]) == Decimal("0.75")


def test_pass_mark_is_inclusive_and_in_percent():
    quiz = Quiz(pass_mark=Decimal("70"))
    assert passed(quiz, Decimal("0.7")) is True
    assert passed(quiz, Decimal("0.69999")) is False
    assert passed(quiz, None) is None


def test_time_taken_of_an_attempt_closed_late_stops_at_its_deadline():
    start = timezone.now()
    overdue = Attempt(
        state=AttemptState.OVERDUE,
        started_at=start,
        deadline_at=start + timedelta(minutes=15),
        submitted_at=start + timedelta(hours=5),
    )
    submitted = Attempt(
        state=AttemptState.SUBMITTED, started_at=start, submitted_at=start + timedelta(minutes=7)
    )
    assert time_taken(overdue) == timedelta(minutes=15)
    assert time_taken(submitted) == timedelta(minutes=7)
    assert time_taken(Attempt(state=AttemptState.IN_PROGRESS, started_at=start)) is None
