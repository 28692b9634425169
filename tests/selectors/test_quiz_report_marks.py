"""Attempts' stored total marks: written when an attempt closes, backfilled by migration 0007,
and read by the quiz report, which gives the same figures whether it reads them or, for
attempts loaded without them, sums the answers."""

import importlib
import math
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import Attempt
from quizzes.models.attempts import AttemptState
from quizzes.selectors.reports import quiz_report
from quizzes.services.attempts import attempt_submit
from tests.factories import QuestionBankFactory, QuizFactory, StudentFactory
from tests.selectors.test_quiz_report import MARKS, WRONG_PICKS, Given, make_question, sit
from tests.services.test_attempts import (
    answers_of,
    options_of,
    right_option,
    save,
    started,
)
from tests.services.test_attempts import (
    make_question as make_bank_question,
)

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("quizzes.migrations.0007_attempt_marks")


def store_marks(attempts):
    """What the attempt services store when they close an attempt."""
    for attempt in attempts:
        answers = list(attempt.answers.all())
        attempt.marks = sum((a.points * a.fraction for a in answers), Decimal(0))
        attempt.max_marks = sum((a.points for a in answers), Decimal(0))
        attempt.save(update_fields=["marks", "max_marks"])


def close_enough(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def flat(report):
    """Every figure of a report, as (name, value) pairs in report order."""
    test = report.test
    rows = [("test", vars(test)[k]) for k in ("attempts", "mean", "median", "items_per_attempt")]
    for name in ("sd", "skewness", "kurtosis", "alpha", "error_ratio", "standard_error"):
        figure = getattr(test, name)
        rows += [(name, figure.value), (name, figure.low), (name, figure.high)]
    rows += [("bin", b.count) for b in test.histogram]
    for question in report.questions:
        for item in (question, *question.versions):
            rows += sorted(item.csv_row().items())
            for option in item.options:
                rows += sorted(option.csv_row().items())
    return rows


@pytest.fixture
def sittings():
    """14 students × 4 questions worth 1, 1, 2 and 1 points, graded by the average; each
    student's second attempt swaps the first two marks, so totals repeat and vary."""
    bank = QuestionBankFactory(slug="psoas")
    quiz = QuizFactory(grading_method="average")
    versions = [make_question(bank, f"q{i}", myths=(1,) if i == 0 else ())[1] for i in range(4)]
    attempts = []
    for s, row in enumerate(MARKS):
        student = StudentFactory()
        for number, marks in enumerate((row, (row[1], row[0], *row[2:])), 1):
            answers = [
                Given(v, f, chosen=(0,) if f else (WRONG_PICKS[s],), points=p)
                for v, f, p in zip(versions, marks, (1.0, 1.0, 2.0, 1.0), strict=True)
            ]
            attempts.append(sit(student, quiz, answers, number=number))
    return quiz, attempts


def test_submitting_stores_the_attempts_marks_and_the_marks_on_offer():
    multiple = make_bank_question(
        qtype="multiple_response",
        options=[("Psoas major", "0.5"), ("Iliacus", "0.5"), ("Rectus abdominis", -1)],
    )
    student, attempt = started([multiple, make_bank_question()], points=["2", "3"])
    answers = answers_of(attempt)
    save(attempt, student, 1, {"options": [options_of(answers[0])[0].pk]})  # half marks
    save(attempt, student, 2, {"option": right_option(answers[1]).pk})  # full marks

    attempt_submit(attempt_id=attempt.pk, student=student)

    attempt.refresh_from_db()
    assert (attempt.marks, attempt.max_marks) == (Decimal("4"), Decimal("5"))  # 2 × 0.5 + 3 × 1
    assert attempt.fraction == Decimal("0.8")


def test_an_empty_attempt_stores_zero_marks_of_what_was_on_offer():
    student, attempt = started()
    attempt_submit(attempt_id=attempt.pk, student=student)
    attempt.refresh_from_db()
    assert (attempt.marks, attempt.max_marks) == (0, 3)


def test_the_report_is_the_same_from_stored_marks_as_from_the_answers(sittings):
    quiz, attempts = sittings
    from_answers = flat(quiz_report(quiz=quiz))
    store_marks(attempts[::2])
    half_stored = flat(quiz_report(quiz=quiz))
    store_marks(attempts[1::2])
    stored = flat(quiz_report(quiz=quiz))
    assert len(stored) == len(from_answers) > 100
    for got in (half_stored, stored):
        for (name, value), (want_name, want) in zip(got, from_answers, strict=True):
            assert name == want_name
            assert close_enough(value, want), (name, value, want)


def test_the_report_trusts_the_stored_marks(sittings):
    quiz, attempts = sittings
    store_marks(attempts)
    before = quiz_report(quiz=quiz)
    # Stored marks are what the report reads: one attempt credited a point more moves the
    # total histogram and every rest-of-test mark in that attempt, though its answers did not.
    Attempt.objects.filter(pk=attempts[0].pk).update(marks=attempts[0].marks + 1)
    after = quiz_report(quiz=quiz)
    assert after.test.alpha.value != pytest.approx(before.test.alpha.value)


def test_with_stored_marks_every_query_reads_each_table_once(sittings, django_assert_num_queries):
    quiz, attempts = sittings
    store_marks(attempts)
    with CaptureQueriesContext(connection) as queries, django_assert_num_queries(5):
        quiz_report(quiz=quiz)
    # No subquery summing an attempt's answers: the totals come from the attempts' row.
    for query in queries.captured_queries:
        assert query["sql"].upper().count("SELECT") == 1, query["sql"]


def test_the_migration_backfills_closed_attempts_in_batches(sittings, monkeypatch):
    quiz, attempts = sittings
    version = attempts[0].answers.first().question_version
    open_attempt = sit(
        StudentFactory(), quiz, [Given(version, 1.0)], state=AttemptState.IN_PROGRESS
    )
    monkeypatch.setattr(backfill, "BATCH", 3)
    backfill.backfill_marks(apps, None)
    for attempt in attempts:
        attempt.refresh_from_db()
        answers = list(attempt.answers.all())
        assert attempt.marks == sum(a.points * a.fraction for a in answers)
        assert attempt.max_marks == sum(a.points for a in answers)
    open_attempt.refresh_from_db()
    assert open_attempt.marks is None and open_attempt.max_marks is None
    assert Attempt.objects.filter(marks__isnull=True).count() == 1
