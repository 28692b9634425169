"""A worker killed in the middle of a submission: nothing half written, the saved answers kept.

The submission runs in a separate Python process on the same test database (the file test
database on SQLite, the test database on PostgreSQL), is stopped inside its transaction, and is
killed with SIGKILL, as the kernel's OOM killer or a hard worker timeout would. Nothing in the
application is changed for this: on PostgreSQL the test holds a lock on a card the submission
must update last, so the submission waits there with its answers graded and the attempt marked
submitted but not committed; on both databases a second way stops the process right after the
memory model is written, the last thing before the commit, by wrapping that function in the
child process only. Afterwards the attempt is still open with its saved answers, no grade,
choice, card or review row is left behind, and an ordinary submission then works, once.
"""

import os
import select
import signal
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from quizzes.models import Answer, AnswerChoice, Attempt, CardState, GradeSubmission, ReviewLog
from quizzes.models.attempts import AttemptState
from quizzes.services.attempts import SaveStatus, answer_save, attempt_start, attempt_submit
from tests.factories import AssignmentFactory, CardStateFactory, QuizFactory, QuizItemFactory
from tests.study_helpers import enrolled_student, single_choice

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = 4
WAIT_SECONDS = 60

# Run by the child process. With PAUSE set, the memory model's write is wrapped so that the
# process stops after it, inside the submission's still-open transaction.
CHILD = """
import os, sys, time
import django
django.setup()
from django.db import connection
from quizzes.models import User
from quizzes.services import attempts

if os.environ.get("PSOASQUIZ_TEST_PAUSE") == "1":
    real_cards_review = attempts.cards_review

    def cards_review_then_stop(**kwargs):
        cards = real_cards_review(**kwargs)
        print("PAUSED", flush=True)
        time.sleep(3600)
        return cards

    attempts.cards_review = cards_review_then_stop

backend = ""
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
student = User.objects.get(pk=int(sys.argv[1]))
print(f"SUBMITTING {backend}", flush=True)
attempts.attempt_submit(attempt_id=int(sys.argv[2]), student=student)
print("SUBMITTED", flush=True)
"""


def database_url() -> str:
    """The URL of the database this test runs on (the test database, not the site's)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def start_child(student, attempt, *, pause: bool) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "psoasquiz.settings_test",
        "DATABASE_URL": database_url(),
        "PSOASQUIZ_TEST_PAUSE": "1" if pause else "0",
    }
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(student.pk), str(attempt.pk)],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def read_until(child: subprocess.Popen, word: str) -> str:
    """The child's output up to and including the line starting with `word`."""
    output = b""
    deadline = time.monotonic() + WAIT_SECONDS
    while word.encode() not in output:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([child.stdout], [], [], max(left, 0))
        chunk = os.read(child.stdout.fileno(), 4096) if ready else b""
        if not chunk:
            child.kill()
            pytest.fail(f"child never said {word}: {output!r} {child.stderr.read()!r}")
        output += chunk
    return next(line for line in output.decode().splitlines() if line.startswith(word))


def kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=WAIT_SECONDS) == -signal.SIGKILL
    assert b"SUBMITTED" not in child.stdout.read()


def snapshot(attempt) -> dict:
    """Everything a submission writes, as plain values."""
    return {
        "attempt": Attempt.objects.filter(pk=attempt.pk)
        .values("state", "revision", "submitted_at", "fraction", "marks", "max_marks")
        .get(),
        "answers": list(
            Answer.objects.filter(attempt=attempt)
            .order_by("position")
            .values("position", "response", "saved_at", "time_taken_ms", "fraction", "checked_at")
        ),
        "choices": list(AnswerChoice.objects.values_list("pk", flat=True)),
        "cards": list(CardState.objects.order_by("pk").values()),
        "reviews": list(ReviewLog.objects.values_list("pk", flat=True)),
        "grades": list(GradeSubmission.objects.values_list("pk", flat=True)),
    }


@pytest.fixture
def autosaved():
    """An attempt at four questions, three of them answered by autosave (the last one wrong),
    and a card the student already holds for the first question."""
    student, classroom, bank = enrolled_student()
    questions = [single_choice(bank, key=f"killed-{i}") for i in range(QUESTIONS)]
    quiz = QuizFactory(shuffle_questions=False, shuffle_options=False)
    for position, question in enumerate(questions, 1):
        QuizItemFactory(quiz=quiz, question=question, position=position)
    assignment = AssignmentFactory(quiz=quiz, classroom=classroom, due_at=None)
    now = timezone.now()
    card = CardStateFactory(
        student=student,
        question=questions[0],
        phase="review",
        stability=4.0,
        difficulty=5.0,
        reps=3,
        last_review=now - timedelta(days=4),
        due=now,
    )
    attempt = attempt_start(student=student, assignment=assignment, seed=1)
    for position, question in enumerate(questions[:3], 1):
        fraction = Decimal(0) if position == 3 else Decimal(1)
        option = question.current_version.options.get(fraction=fraction)
        saved = answer_save(
            attempt_id=attempt.pk,
            student=student,
            position=position,
            response={"option": option.pk},
            revision=None,
            spent_ms=5000,
        )
        assert saved.status == SaveStatus.SAVED
    return student, attempt, card


def assert_untouched_then_submit_once(student, attempt, before):
    assert snapshot(attempt) == before
    assert before["attempt"]["state"] == AttemptState.IN_PROGRESS
    assert [a["response"] is not None for a in before["answers"]] == [True, True, True, False]

    submitted = attempt_submit(attempt_id=attempt.pk, student=student)
    again = attempt_submit(attempt_id=attempt.pk, student=student)

    assert (submitted.state, submitted.revision) == (AttemptState.SUBMITTED, 4)
    assert submitted.fraction == Decimal("0.5")  # two right of four
    assert again.revision == submitted.revision
    assert ReviewLog.objects.count() == 3
    assert AnswerChoice.objects.count() == 3
    assert CardState.objects.get(student=student, question_id=before["cards"][0]["question_id"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_a_submission_killed_while_waiting_for_a_card_lock_leaves_nothing(autosaved):
    student, attempt, card = autosaved
    before = snapshot(attempt)

    with transaction.atomic():
        # The card the submission updates last: it waits here, mid-transaction.
        CardState.objects.select_for_update().get(pk=card.pk)
        child = start_child(student, attempt, pause=False)
        backend = int(read_until(child, "SUBMITTING").split()[1])
        waiting = False
        deadline = time.monotonic() + WAIT_SECONDS
        while not waiting and time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [backend]
                )
                waiting = cursor.fetchone()[0] > 0
            time.sleep(0.05)
        assert waiting, "the submission never reached the card lock"
        # By now it has graded the answers, recorded their choices and marked the attempt
        # submitted, all uncommitted; other connections still see the attempt as it was.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE pid = %s AND granted"
                " AND relation = 'quizzes_attempt'::regclass AND mode = 'RowExclusiveLock'",
                [backend],
            )
            assert cursor.fetchone()[0] == 1, "it has updated the attempt in its transaction"
        kill(child)
    # The orphaned server process gets the lock, finds its client gone and rolls back.
    deadline = time.monotonic() + WAIT_SECONDS
    gone = False
    while not gone and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
            gone = cursor.fetchone()[0] == 0
        time.sleep(0.05)
    assert gone, "the dead worker's server process is still there"

    assert_untouched_then_submit_once(student, attempt, before)


def test_a_submission_killed_just_before_its_commit_leaves_nothing(autosaved):
    student, attempt, _ = autosaved
    before = snapshot(attempt)

    child = start_child(student, attempt, pause=True)
    read_until(child, "PAUSED")
    # Graded, scored, cards and review log written: only the commit is missing.
    kill(child)

    assert_untouched_then_submit_once(student, attempt, before)


def test_the_child_process_really_submits_when_left_alone(autosaved):
    """The child script is sound: unpaused and unkilled, it submits the attempt."""
    student, attempt, _ = autosaved
    child = start_child(student, attempt, pause=False)
    out, err = child.communicate(timeout=WAIT_SECONDS)
    assert child.returncode == 0, err.decode()
    assert b"SUBMITTED" in out
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.SUBMITTED
    assert ReviewLog.objects.count() == 3
