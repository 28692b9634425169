"""The database's retrievability agrees with the scheduling core's, on SQLite and PostgreSQL."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from quizzes import scheduling
from quizzes.models import CardState
from quizzes.selectors.recall import (
    DEFAULT_DECAY,
    NAIVE_MOMENT,
    EpochDay,
    epoch_day,
    epoch_microseconds,
    retrievability,
    whole_days_since,
)
from quizzes.services.memory import memory_of
from tests.factories import CardStateFactory, StudentFactory

pytestmark = pytest.mark.django_db

AT = datetime(2026, 10, 15, 13, 37, 12, 345678, tzinfo=UTC)


def test_default_decay_is_fsrs6_w20():
    assert DEFAULT_DECAY == pytest.approx(0.1542)


def test_sql_retrievability_matches_recall_probability_on_many_random_cards():
    rng = random.Random(20261015)
    student = StudentFactory()
    for _ in range(300):
        # Microsecond-random ages from a few minutes to three years, some in the future.
        age = timedelta(microseconds=rng.randint(-2 * 86_400_000_000, 3 * 365 * 86_400_000_000))
        CardStateFactory(
            student=student,
            phase=rng.choice(["learning", "review", "relearning"]),
            stability=rng.choice([0.01, 0.2, 1.0, 3.3, 25.0, 400.0, rng.uniform(0.001, 3650.0)]),
            difficulty=rng.uniform(1, 10),
            last_review=AT - age,
            due=AT,
        )
    cards = CardState.objects.filter(student=student).annotate(r=retrievability(AT))
    policy = scheduling.Policy()
    checked = 0
    for card in cards:
        expected = scheduling.recall_probability(memory_of(card), AT, policy=policy)
        assert card.r == pytest.approx(expected, abs=1e-6), (card.last_review, card.stability)
        checked += 1
    assert checked == 300


def test_whole_days_flip_exactly_at_the_day_boundary():
    # fsrs counts whole days: 1 day minus a microsecond is still 0 days.
    student = StudentFactory()
    for offset in (
        timedelta(days=1) - timedelta(microseconds=1),
        timedelta(days=1),
        timedelta(days=2, microseconds=1),
        timedelta(seconds=-5),
    ):
        CardStateFactory(student=student, phase="review", stability=2.0, last_review=AT - offset)
    days = sorted(
        CardState.objects.filter(student=student)
        .annotate(t=whole_days_since("last_review", AT))
        .values_list("t", flat=True)
    )
    assert days == [0, 0, 1, 2]


def test_a_microsecond_before_a_whole_second_is_not_rounded_up():
    # SQLite's date functions round to the millisecond; whole days must not.
    at = datetime(2026, 10, 15, 12, 0, 0, tzinfo=UTC)
    student = StudentFactory()
    CardStateFactory(
        student=student,
        phase="review",
        stability=2.0,
        last_review=at - timedelta(days=1, microseconds=-1),
    )
    card = CardState.objects.annotate(
        t=whole_days_since("last_review", at), r=retrievability(at)
    ).get()
    assert card.t == 0
    assert card.r == scheduling.recall_probability(memory_of(card), at, policy=scheduling.Policy())


def test_new_and_unreviewed_cards_count_as_zero():
    student = StudentFactory()
    CardStateFactory(student=student, phase="new")
    CardStateFactory(student=student, phase="learning", stability=None, last_review=AT)
    values = CardState.objects.annotate(r=retrievability(AT)).values_list("r", flat=True)
    assert list(values) == [0.0, 0.0]


def test_a_card_reviewed_today_is_fully_recalled():
    card = CardStateFactory(phase="review", stability=5.0, last_review=AT - timedelta(hours=3))
    r = CardState.objects.annotate(r=retrievability(AT)).get(pk=card.pk).r
    assert r == pytest.approx(1.0)


def test_retrievability_reaches_cards_through_a_relation():
    from django.db.models import Avg

    from quizzes.models import User

    student = StudentFactory()
    a = CardStateFactory(
        student=student, phase="review", stability=3.0, last_review=AT - timedelta(days=3)
    )
    CardStateFactory(student=student, phase="new")
    mean = User.objects.filter(pk=student.pk).aggregate(m=Avg(retrievability(AT, prefix="cards__")))
    expected = scheduling.recall_probability(memory_of(a), AT, policy=scheduling.Policy()) / 2
    assert mean["m"] == pytest.approx(expected, abs=1e-9)


def test_epoch_day_in_sql_matches_python():
    student = StudentFactory()
    moments = [
        datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 1, 1, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2030, 6, 30, 12, 0, 0, 1, tzinfo=UTC),
    ]
    for moment in moments:
        CardStateFactory(student=student, due=moment)
    days = list(
        CardState.objects.filter(student=student)
        .annotate(d=EpochDay("due"))
        .order_by("due")
        .values_list("d", flat=True)
    )
    assert days == [epoch_day(m) for m in moments]
    assert days[0] == days[1] == (datetime(2026, 1, 1, tzinfo=UTC).date().toordinal() - 719163)


def test_naive_moments_are_refused():
    with pytest.raises(ValueError, match=NAIVE_MOMENT):
        epoch_microseconds(datetime(2026, 1, 1))  # noqa: DTZ001
