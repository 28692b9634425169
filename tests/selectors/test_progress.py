"""Every figure of the progress page against values worked out by hand on a small dataset."""

from datetime import UTC, date, datetime, timedelta

import pytest

from quizzes import scheduling
from quizzes.selectors.progress import (
    FORECAST_DAYS,
    class_exam,
    exam_at_for,
    exam_for,
    student_progress,
)
from tests.factories import (
    AssignmentFactory,
    CardStateFactory,
    ClassroomFactory,
    EnrollmentFactory,
    QuestionBankFactory,
    QuestionFactory,
    QuizItemFactory,
    ReviewLogFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
W20 = 0.1542
F = 0.9 ** (-1 / W20) - 1


def hand_r(days: int, stability: float) -> float:
    """FSRS-6 retrievability, written out: (1 + F·t/S)^(−w20)."""
    return (1 + F * days / stability) ** -W20


def deck(student, *, topics: dict[str, int], classroom=None):
    """Enrol the student in a class whose assigned quiz brings one bank per topic.

    Returns {topic: [questions]}.
    """
    classroom = classroom or ClassroomFactory()
    EnrollmentFactory(classroom=classroom, student=student)
    assignment = AssignmentFactory(classroom=classroom)
    questions = {}
    for topic, count in topics.items():
        bank = QuestionBankFactory(topic=topic)
        questions[topic] = [QuestionFactory(bank=bank) for _ in range(count)]
        QuizItemFactory(quiz=assignment.quiz, question=questions[topic][0])
    return questions


def studied(student, question, *, days_ago: float, stability: float, **extra):
    extra.setdefault("phase", "review")
    extra.setdefault("due", NOW + timedelta(days=3))
    return CardStateFactory(
        student=student,
        question=question,
        stability=stability,
        difficulty=5.0,
        last_review=NOW - timedelta(days=days_ago),
        reps=3,
        **extra,
    )


def test_mastery_per_topic_is_mean_recall_over_the_deck_with_unstudied_cards_as_zero():
    student = StudentFactory()
    q = deck(student, topics={"anatomy": 3, "myths": 2})
    studied(student, q["anatomy"][0], days_ago=5, stability=10.0)
    studied(student, q["anatomy"][1], days_ago=12.125, stability=2.0)  # 12 whole days
    # anatomy[2] has no card at all.
    studied(student, q["myths"][0], days_ago=0.1, stability=0.5, phase="learning")
    CardStateFactory(student=student, question=q["myths"][1], phase="new", due=NOW)
    # Neither a card outside the deck nor another student's card counts.
    studied(student, QuestionFactory(), days_ago=1, stability=1.0)
    other = StudentFactory()
    studied(other, q["anatomy"][2], days_ago=1, stability=100.0)

    topics = student_progress(student, NOW).topics

    assert [(t.topic, t.label, t.cards, t.studied) for t in topics] == [
        ("anatomy", "Anatomy", 3, 2),
        ("myths", "Myths and evidence", 2, 1),
    ]
    assert topics[0].mastery == pytest.approx((hand_r(5, 10.0) + hand_r(12, 2.0) + 0) / 3, abs=1e-9)
    assert topics[1].mastery == pytest.approx((1.0 + 0) / 2, abs=1e-9)


def test_forecast_buckets_the_next_30_utc_days_with_overdue_on_day_0():
    student = StudentFactory()
    q = deck(student, topics={"anatomy": 9})["anatomy"]
    midnight = datetime(2026, 3, 10, tzinfo=UTC)
    studied(student, q[0], days_ago=4, stability=3.0, due=NOW - timedelta(days=3))  # overdue: 0
    studied(
        student, q[1], days_ago=0, stability=0.5, phase="learning", due=NOW + timedelta(minutes=10)
    )  # 0
    studied(student, q[2], days_ago=1, stability=3.0, due=midnight + timedelta(days=1))  # 1
    studied(
        student,
        q[3],
        days_ago=1,
        stability=3.0,
        due=midnight + timedelta(days=2) - timedelta(microseconds=1),
    )  # 1
    studied(  # buried: counts on the day it wakes up
        student,
        q[4],
        days_ago=1,
        stability=3.0,
        due=midnight + timedelta(days=1),
        buried_until=midnight + timedelta(days=3, hours=4),
    )
    studied(
        student, q[5], days_ago=1, stability=3.0, due=midnight + timedelta(days=29, hours=23)
    )  # 29
    studied(student, q[6], days_ago=1, stability=3.0, due=midnight + timedelta(days=30))  # beyond
    studied(
        student, q[7], days_ago=1, stability=3.0, due=midnight + timedelta(days=5), is_leech=True
    )
    CardStateFactory(student=student, question=q[8], phase="new", due=NOW - timedelta(days=1))

    forecast = student_progress(student, NOW).forecast

    assert len(forecast) == FORECAST_DAYS
    assert forecast[0].day == TODAY and forecast[-1].day == date(2026, 4, 8)
    assert {d.offset: d.due for d in forecast if d.due} == {0: 2, 1: 2, 3: 1, 29: 1}


def test_retention_counts_review_phase_reviews_of_the_last_30_days_not_rated_again():
    student = StudentFactory()
    q = deck(student, topics={"anatomy": 1}, classroom=ClassroomFactory(desired_retention="0.85"))
    EnrollmentFactory(student=student, classroom=ClassroomFactory(desired_retention="0.92"))
    card = studied(student, q["anatomy"][0], days_ago=1, stability=3.0)
    for rating, days_ago in ((3, 1), (1, 2), (4, 10), (2, 29.9)):
        ReviewLogFactory(
            card=card,
            rating=rating,
            phase_before="review",
            reviewed_at=NOW - timedelta(days=days_ago),
        )
    ReviewLogFactory(
        card=card, rating=1, phase_before="learning", reviewed_at=NOW - timedelta(days=1)
    )
    ReviewLogFactory(
        card=card, rating=1, phase_before="relearning", reviewed_at=NOW - timedelta(days=1)
    )
    ReviewLogFactory(
        card=card, rating=1, phase_before="review", reviewed_at=NOW - timedelta(days=30, hours=1)
    )

    retention = student_progress(student, NOW).retention

    assert (retention.reviews, retention.recalled) == (4, 3)
    assert retention.rate == 0.75
    assert retention.target == pytest.approx(0.92)  # the highest of the student's classes
    assert not retention.on_target


def test_retention_without_reviews_has_no_rate_and_default_target_without_a_class():
    retention = student_progress(StudentFactory(), NOW).retention
    assert retention.reviews == 0 and retention.rate is None
    assert retention.target == 0.9


def _reviews_on(student, moments):
    card = CardStateFactory(student=student)
    for moment in moments:
        ReviewLogFactory(card=card, reviewed_at=moment)


@pytest.mark.parametrize(
    ("days_ago", "streak", "today"),
    [
        ([], 0, False),
        ([0], 1, True),
        ([0, 0, 0], 1, True),
        ([1], 1, False),  # yesterday: the streak is not broken yet
        ([2], 0, False),  # the day before yesterday: broken
        ([0, 1, 2, 3], 4, True),
        ([1, 2, 3, 5, 6], 3, False),
        ([0, 1, 3, 4, 5, 6, 7], 2, True),  # a gap three days ago ends it
        ([0, 2, 3], 1, True),
    ],
)
def test_streak(days_ago, streak, today):
    student = StudentFactory()
    _reviews_on(student, [NOW - timedelta(days=d) for d in days_ago])
    result = student_progress(student, NOW).streak
    assert (result.days, result.reviewed_today) == (streak, today)


def test_streak_follows_utc_day_boundaries_not_24_hour_spans():
    student = StudentFactory()
    midnight = datetime(2026, 3, 10, tzinfo=UTC)
    # One microsecond before midnight and at midnight: two different days, so a 2-day streak.
    _reviews_on(student, [midnight - timedelta(microseconds=1), midnight])
    assert student_progress(student, midnight + timedelta(minutes=1)).streak.days == 2
    other = StudentFactory()
    # 01:00 and 23:00 yesterday: 22 hours apart, one UTC day, so a 1-day streak.
    _reviews_on(other, [midnight - timedelta(hours=1), midnight - timedelta(hours=23)])
    assert student_progress(other, NOW).streak.days == 1


def test_leeches_are_counted():
    student = StudentFactory()
    CardStateFactory(student=student, is_leech=True)
    CardStateFactory(student=student, is_leech=True)
    CardStateFactory(student=student)
    CardStateFactory(is_leech=True)
    assert student_progress(student, NOW).leeches == 2


def test_exam_outlook_predicts_mean_recall_at_the_exam_over_studied_cards():
    classroom = ClassroomFactory(exam_date=date(2026, 4, 1))
    student = StudentFactory()
    q = deck(student, topics={"anatomy": 3, "teaching": 1}, classroom=classroom)
    a = studied(student, q["anatomy"][0], days_ago=5, stability=10.0)
    b = studied(student, q["teaching"][0], days_ago=0.5, stability=40.0)
    CardStateFactory(student=student, question=q["anatomy"][1], phase="new", due=NOW)

    outlook = student_progress(student, NOW).exam

    exam_at = datetime(2026, 4, 1, tzinfo=UTC)
    # From 2026-03-05 15:00 and 2026-03-10 03:00 to 2026-04-01 00:00: 26 and 21 whole days.
    assert outlook.exam.on == date(2026, 4, 1) and outlook.exam.set_by == "class"
    assert outlook.exam.classroom == classroom
    assert outlook.days_left == 22
    assert outlook.studied == 2
    assert outlook.predicted_recall == pytest.approx(
        (hand_r(26, 10.0) + hand_r(21, 40.0)) / 2, abs=1e-9
    )
    # …which is what the scheduling core says for each card.
    from quizzes.services.memory import memory_of

    policy = scheduling.Policy()
    core = [scheduling.recall_probability(memory_of(c), exam_at, policy=policy) for c in (a, b)]
    assert outlook.predicted_recall == pytest.approx(sum(core) / 2, abs=1e-6)


def test_no_exam_and_no_studied_cards():
    student = StudentFactory()
    deck(student, topics={"anatomy": 2})
    progress = student_progress(student, NOW)
    assert progress.exam is None
    assert progress.studied == 0 and progress.deck_size == 2


def test_exam_with_nothing_studied_has_no_prediction():
    student = StudentFactory(exam_date=date(2026, 5, 1))
    outlook = student_progress(student, NOW).exam
    assert outlook.exam.set_by == "student" and outlook.predicted_recall is None


class TestExamFor:
    def test_the_students_own_date_wins_earlier_or_later(self):
        classroom = ClassroomFactory(exam_date=date(2026, 6, 1))
        later = StudentFactory(exam_date=date(2026, 9, 1))
        earlier = StudentFactory(exam_date=date(2026, 4, 1))
        assert exam_for(later, classroom, now=NOW).on == date(2026, 9, 1)
        assert exam_for(earlier, [classroom], now=NOW).on == date(2026, 4, 1)
        assert exam_at_for(later, classroom, now=NOW) == datetime(2026, 9, 1, tzinfo=UTC)

    def test_the_class_date_applies_without_one_and_the_earliest_class_of_several(self):
        student = StudentFactory()
        first = ClassroomFactory(exam_date=date(2026, 5, 1))
        second = ClassroomFactory(exam_date=date(2026, 4, 20))
        past = ClassroomFactory(exam_date=date(2026, 3, 9))
        none = ClassroomFactory(exam_date=None)
        exam = exam_for(student, [first, second, past, none], now=NOW)
        assert (exam.on, exam.set_by, exam.classroom) == (date(2026, 4, 20), "class", second)
        assert class_exam([past, none], today=TODAY) is None

    def test_a_past_own_date_is_ignored_and_today_still_counts(self):
        classroom = ClassroomFactory(exam_date=date(2026, 6, 1))
        stale = StudentFactory(exam_date=date(2026, 3, 9))
        assert exam_for(stale, classroom, now=NOW).set_by == "class"
        today = StudentFactory(exam_date=TODAY)
        assert exam_for(today, None, now=NOW).on == TODAY

    def test_no_date_anywhere(self):
        assert exam_at_for(StudentFactory(), None, now=NOW) is None
        assert exam_at_for(StudentFactory(), ClassroomFactory(), now=NOW) is None


@pytest.mark.parametrize("size", [2, 40])
def test_progress_costs_the_same_queries_whatever_the_deck_size(size, django_assert_num_queries):
    student = StudentFactory()
    classroom = ClassroomFactory(exam_date=date(2026, 4, 1))
    q = deck(student, topics={"anatomy": size, "actions": size, "myths": size}, classroom=classroom)
    for topic in q.values():
        for i, question in enumerate(topic):
            card = studied(
                student,
                question,
                days_ago=i % 7,
                stability=1.0 + i,
                due=NOW + timedelta(days=i % 40),
            )
            ReviewLogFactory(
                card=card, phase_before="review", reviewed_at=NOW - timedelta(days=i % 9)
            )
    with django_assert_num_queries(6):
        progress = student_progress(student, NOW)
    assert progress.deck_size == 3 * size
