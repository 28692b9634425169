"""On PostgreSQL: the study queue's query uses indexes on a million cards, not a table scan.

Filling the million rows with generate_series takes about 10 s on an idle machine (the whole test
about 25 s); it is not timed here, since a shared CI runner can be several times slower.
"""

import re

import pytest
from django.db import connection
from django.utils import timezone

from quizzes.models import CardState
from quizzes.selectors.study import deck_cards, study_today
from tests.study_helpers import enrolled_student

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"),
]
STUDENTS, QUESTIONS = 1000, 1000


def _fill(bank_id: int, student_id: int) -> None:
    """A deck of QUESTIONS flashcards and STUDENTS students with a card for each: 1,000,000 rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO quizzes_question (bank_id, key, created_at)
            SELECT %s, 'bulk-' || n, now() FROM generate_series(1, %s) AS n
            """,
            [bank_id, QUESTIONS],
        )
        cursor.execute(
            """
            INSERT INTO quizzes_questionversion (question_id, number, qtype, prompt, explanation,
                source, difficulty, config, content_hash, created_at, change_note)
            SELECT id, 1, 'flashcard', 'front', 'why', 'Gray''s Anatomy', 2,
                '{"back": "back"}'::jsonb, md5(id::text), now(), ''
            FROM quizzes_question WHERE bank_id = %s
            """,
            [bank_id],
        )
        cursor.execute(
            """
            UPDATE quizzes_question q SET current_version_id = v.id
            FROM quizzes_questionversion v WHERE v.question_id = q.id AND q.bank_id = %s
            """,
            [bank_id],
        )
        cursor.execute(
            """
            INSERT INTO quizzes_user (password, is_superuser, username, first_name, last_name,
                email, is_staff, is_active, date_joined, role, display_name)
            SELECT '!', false, 'bulk-student-' || n, '', '', '', false, true, now(), 'student', ''
            FROM generate_series(1, %s) AS n
            """,
            [STUDENTS - 1],
        )
        # Every student holds a card for every question, a few of them leeches, with the due
        # dates of students who have studied for a while: about 4% due, the rest up to a year
        # ahead. That is the shape the (student, due) index is for, and what the planner sees.
        cursor.execute(
            """
            INSERT INTO quizzes_cardstate (student_id, question_id, phase, step, stability,
                difficulty, due, last_review, reps, lapses, is_leech, buried_until)
            SELECT u.id, q.id,
                (ARRAY['learning', 'review', 'review', 'review', 'relearning'])
                    [1 + (q.id + u.id) %% 5],
                NULL, 5.0, 5.0,
                now() + ((q.id * 7919 + u.id * 104729) %% 525600 - 20000) * interval '1 minute',
                now() - interval '3 days', 3, 0, (q.id + u.id) %% 97 = 0, NULL
            FROM quizzes_user u CROSS JOIN quizzes_question q
            WHERE q.bank_id = %s AND (u.username LIKE 'bulk-student-%%' OR u.id = %s)
            """,
            [bank_id, student_id],
        )
        cursor.execute("ANALYZE quizzes_cardstate")
        cursor.execute("ANALYZE quizzes_question")
        cursor.execute("ANALYZE quizzes_user")


def test_the_queue_uses_an_index_on_a_million_cards():
    student, _, bank = enrolled_student()
    _fill(bank.pk, student.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM quizzes_cardstate")
        assert cursor.fetchone()[0] == STUDENTS * QUESTIONS
    now = timezone.now()
    # The queue reads the deck with the student's card on each question, in one query.
    plan = deck_cards(student).explain()
    assert "Seq Scan on quizzes_cardstate" not in plan, plan
    # Reached through an index: a plain or index-only scan, or a bitmap scan of one (the planner
    # picks by its statistics; all three read only this student's rows).
    assert re.search(
        r"Index (Only )?Scan using \w+ on quizzes_cardstate"
        r"|Bitmap Index Scan on quizzes_cardstate_",
        plan,
    ), plan

    today = study_today(student, now)
    due_reviews = CardState.objects.filter(
        student=student, phase="review", due__lte=now, is_leech=False
    ).count()
    assert 10 < due_reviews < 200
    assert today.queue.reviews_left == due_reviews and not today.queue.reviews_held_back
    assert all(today.cards[qid].due <= now for qid in today.queue.question_ids)
