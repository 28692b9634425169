"""Answer choices carry copies of their answer's attempt and mark (points × fraction) for the
distractor and myth reports: every path that grades answers writes them, and migration 0008
backfills the choices that existed before."""

import importlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from quizzes.models import AnswerChoice
from quizzes.models.attempts import AttemptState
from quizzes.models.quizzes import FeedbackTiming
from quizzes.services.attempts import attempt_submit, attempts_close_overdue, grace_period
from tests.factories import AnswerChoiceFactory, AnswerFactory, AttemptFactory
from tests.services.test_attempts import (
    answers_of,
    make_question,
    options_of,
    right_option,
    save,
    started,
    wrong_option,
)

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("quizzes.migrations.0008_answer_choice_attempt_mark")


def questions():
    """A single-choice question and a multiple-response one with partial credit."""
    return [
        make_question(),
        make_question(
            qtype="multiple_response",
            options=[("Psoas major", "0.5"), ("Iliacus", "0.5"), ("Diaphragm", -1)],
        ),
    ]


def assert_copies_match(attempt, count):
    """Every choice of the attempt names its answer's attempt and mark, and there are `count`."""
    choices = list(AnswerChoice.objects.filter(answer__attempt=attempt).select_related("answer"))
    assert len(choices) == count
    for choice in choices:
        answer = choice.answer
        assert choice.attempt_id == answer.attempt_id == attempt.pk
        assert choice.mark == answer.points * answer.fraction


def answer_both(attempt, student, **kwargs):
    single, multiple = answers_of(attempt)
    mr = options_of(multiple)
    save(attempt, student, 1, {"option": wrong_option(single).pk}, **kwargs)
    save(attempt, student, 2, {"options": [mr[0].pk, mr[1].pk]}, **kwargs)


def test_submission_writes_the_attempt_and_mark_on_every_choice():
    student, attempt = started(questions(), points=["2", "3"])
    single, multiple = answers_of(attempt)
    mr = options_of(multiple)
    save(attempt, student, 1, {"option": right_option(single).pk})
    # One right option and the wrong one: whatever grading gives, both choices carry it.
    save(attempt, student, 2, {"options": [mr[0].pk, mr[2].pk]})

    attempt_submit(attempt_id=attempt.pk, student=student)

    assert_copies_match(attempt, 3)
    marks = dict(AnswerChoice.objects.values_list("option_id", "mark"))
    assert marks[right_option(single).pk] == Decimal(2)
    multiple.refresh_from_db()
    assert marks[mr[0].pk] == marks[mr[2].pk] == 3 * multiple.fraction


def test_checked_answers_get_the_copies_when_checked_and_keep_them_at_submission():
    student, attempt = started(
        questions(), points=["2", "3"], feedback_timing=FeedbackTiming.IMMEDIATE
    )
    single = answers_of(attempt)[0]
    save(attempt, student, 1, {"option": right_option(single).pk}, check=True)
    assert_copies_match(attempt, 1)
    assert AnswerChoice.objects.get().mark == Decimal(2)

    attempt_submit(attempt_id=attempt.pk, student=student)

    assert_copies_match(attempt, 1)


def test_attempts_closed_when_time_ran_out_get_the_copies_too():
    now = timezone.now()
    # Closed by a save that came too late.
    student, late = started(questions(), now=now, time_limit_seconds=60)
    answer_both(late, student, now=now + timedelta(seconds=30))
    too_late = late.deadline_at + grace_period() + timedelta(seconds=1)
    save(late, student, 1, {"option": right_option(answers_of(late)[0]).pk}, now=too_late)
    late.refresh_from_db()
    assert late.state == AttemptState.OVERDUE
    assert_copies_match(late, 3)
    # Closed by the cron job.
    student, abandoned = started(questions(), now=now, time_limit_seconds=60)
    answer_both(abandoned, student, now=now + timedelta(seconds=30))
    assert attempts_close_overdue(now=too_late) == 1
    abandoned.refresh_from_db()
    assert abandoned.state == AttemptState.OVERDUE
    assert_copies_match(abandoned, 3)


def test_the_migration_backfills_every_choice_in_batches(monkeypatch):
    """Choices from before 0008 had neither copy; the backfill sets both from the answer (0 for
    an ungraded answer's mark), a batch at a time."""
    attempts = [AttemptFactory(), AttemptFactory(state=AttemptState.IN_PROGRESS)]
    graded = [
        AnswerFactory(attempt=attempts[0], points=Decimal("2.5"), fraction=Decimal("0.4")),
        AnswerFactory(attempt=attempts[0], points=Decimal(1), fraction=Decimal(1)),
        AnswerFactory(attempt=attempts[1], points=Decimal(3), fraction=None),
    ]
    choices = [AnswerChoiceFactory(answer=answer) for answer in graded for _ in range(2)]
    # Stand-ins for the missing values (the columns are required now): wrong on purpose.
    stray = AttemptFactory()
    AnswerChoice.objects.update(attempt=stray, mark=Decimal(7))
    monkeypatch.setattr(backfill, "BATCH", 4)

    backfill.backfill(apps, None)

    expected = [Decimal(1), Decimal(1), Decimal(1), Decimal(1), Decimal(0), Decimal(0)]
    for choice, mark in zip(choices, expected, strict=True):
        choice.refresh_from_db()
        assert choice.attempt_id == choice.answer.attempt_id
        assert choice.mark == mark
