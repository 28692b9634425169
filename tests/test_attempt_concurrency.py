"""Attempt services under real concurrency: threads with their own connections, racing.

These need a database that several connections share: PostgreSQL, or on SQLite the file-based
test database that settings_test.py sets up (the default in-memory one cannot show this).
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from quizzes.models import Answer, AnswerChoice, Attempt, CardState, ReviewLog
from quizzes.models.attempts import AttemptState
from quizzes.selectors.attempts import answer_for_student
from quizzes.services.attempts import (
    SaveStatus,
    answer_save,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
    grace_period,
)
from tests.factories import (
    AssignmentFactory,
    EnrollmentFactory,
    QuizFactory,
    QuizItemFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def race(work):
    """Run work(i) in THREADS threads released together; returns results, raises any error."""
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS
    errors = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as error:  # noqa: B036 - reported to the test below
            errors.append(error)
        finally:
            # Each thread has its own connection; leaving it open would block the flush.
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    if errors:
        raise errors[0]
    return results


def assigned_quiz(questions=THREADS, **quiz_fields):
    quiz = QuizFactory(shuffle_questions=False, **quiz_fields)
    for position in range(1, questions + 1):
        QuizItemFactory(quiz=quiz, position=position)
    assignment = AssignmentFactory(quiz=quiz, due_at=None)
    student = StudentFactory()
    EnrollmentFactory(classroom=assignment.classroom, student=student)
    return student, assignment


def right_option_id(answer):
    return answer.question_version.options.get(fraction=1).pk


@pytest.mark.parametrize("attempts_allowed", [0, 1])
def test_starting_the_same_assignment_at_once_makes_one_attempt(attempts_allowed):
    student, assignment = assigned_quiz(questions=3, attempts_allowed=attempts_allowed)

    attempts = race(lambda i: attempt_start(student=student, assignment=assignment, seed=i))

    assert len({a.pk for a in attempts}) == 1
    assert Attempt.objects.count() == 1
    assert Answer.objects.count() == 3


def test_submitting_the_same_attempt_at_once_submits_it_once():
    student, assignment = assigned_quiz()
    attempt = attempt_start(student=student, assignment=assignment, seed=1)
    answers = list(attempt.answers.select_related("question_version"))
    for answer in answers[:5]:
        answer.response = {"option": right_option_id(answer)}
    Answer.objects.bulk_update(answers, ["response"])
    now = timezone.now()

    results = race(
        lambda i: attempt_submit(
            attempt_id=attempt.pk, student=student, now=now + timedelta(seconds=i)
        )
    )

    assert {a.pk for a in results} == {attempt.pk}
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.SUBMITTED
    assert attempt.revision == 1, "closed once"
    assert {a.submitted_at for a in results} == {attempt.submitted_at}
    assert ReviewLog.objects.count() == 5
    assert CardState.objects.count() == 5
    assert set(CardState.objects.values_list("reps", flat=True)) == {1}
    assert AnswerChoice.objects.count() == 5


def test_saving_with_the_same_revision_at_once_saves_exactly_one():
    student, assignment = assigned_quiz()
    attempt = attempt_start(student=student, assignment=assignment, seed=1)
    answers = {a.position: a for a in attempt.answers.select_related("question_version")}
    choices = {position: right_option_id(answer) for position, answer in answers.items()}

    results = race(
        lambda i: answer_save(
            attempt_id=attempt.pk,
            student=student,
            position=i + 1,
            response={"option": choices[i + 1]},
            revision=0,
            spent_ms=1000,
        )
    )

    statuses = sorted(r.status for r in results)
    assert statuses.count(SaveStatus.SAVED) == 1
    assert statuses.count(SaveStatus.STALE) == THREADS - 1
    attempt.refresh_from_db()
    assert attempt.revision == 1
    saved = Answer.objects.filter(attempt=attempt, response__isnull=False)
    assert saved.count() == 1
    winner = next(i for i, r in enumerate(results) if r.status == SaveStatus.SAVED)
    assert saved.get().position == winner + 1


def test_saves_of_pages_read_at_the_same_revision_save_exactly_one():
    """The usual save moves the revision with one conditional UPDATE instead of locking and
    reading the attempt first: racing, exactly one of them may still find the revision."""
    student, assignment = assigned_quiz()
    attempt = attempt_start(student=student, assignment=assignment, seed=1)
    answers = {a.position: a for a in attempt.answers.select_related("question_version")}
    choices = {position: right_option_id(answer) for position, answer in answers.items()}
    reads = [answer_for_student(student, attempt.pk, i + 1) for i in range(THREADS)]

    results = race(
        lambda i: answer_save(
            attempt_id=attempt.pk,
            student=student,
            position=i + 1,
            response={"option": choices[i + 1]},
            revision=0,
            spent_ms=1000,
            read=reads[i],
        )
    )

    statuses = sorted(r.status for r in results)
    assert statuses.count(SaveStatus.SAVED) == 1
    assert statuses.count(SaveStatus.STALE) == THREADS - 1
    attempt.refresh_from_db()
    assert attempt.revision == 1
    saved = Answer.objects.filter(attempt=attempt, response__isnull=False)
    winner = next(i for i, r in enumerate(results) if r.status == SaveStatus.SAVED)
    assert saved.get().position == winner + 1
    assert saved.get().time_taken_ms == 1000


def test_the_cron_and_late_submissions_racing_close_the_attempt_once():
    student, assignment = assigned_quiz(questions=3, time_limit_seconds=60)
    started_at = timezone.now() - timedelta(hours=1)
    attempt = attempt_start(student=student, assignment=assignment, now=started_at, seed=1)
    answer = attempt.answers.select_related("question_version").first()
    answer.response = {"option": right_option_id(answer)}
    answer.save(update_fields=["response"])

    def work(i):
        if i % 2:
            return attempts_close_overdue()
        attempt_submit(attempt_id=attempt.pk, student=student)
        return 0

    closed_by_cron = sum(race(work))

    attempt.refresh_from_db()
    assert attempt.state == AttemptState.OVERDUE
    assert attempt.submitted_at == attempt.deadline_at + grace_period()
    assert closed_by_cron <= 1
    assert attempt.revision == 1
    assert ReviewLog.objects.count() == 1
