"""Scheduling: deterministic fuzz, lapses and leeches, exam-date capping, the answer→rating map."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes import scheduling
from quizzes.scheduling import (
    NAIVE_DATETIME,
    Memory,
    Policy,
    Rating,
    fuzz_days,
    preview,
    rating_for_answer,
    recall_probability,
    review,
)

START = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
POLICY = Policy()


def run(ratings, *, key="student-1:question-7", policy=POLICY, gap=None):
    """Review a new card with `ratings`, each when it falls due (or `gap` after the last)."""
    memory, now, history = Memory(), START, []
    for rating in ratings:
        outcome = review(memory, rating, now, policy=policy, card_key=key)
        memory = outcome.memory
        history.append(outcome)
        now = memory.due if gap is None else now + gap
    return history


def test_the_same_history_gives_the_same_schedule():
    ratings = [Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.HARD, Rating.GOOD, Rating.GOOD]
    first = [h.memory.due for h in run(ratings)]
    second = [h.memory.due for h in run(ratings)]
    assert first == second


def test_fuzz_depends_on_the_card_so_cards_learned_together_spread_out():
    ratings = [Rating.GOOD] * 6
    dues = {run(ratings, key=f"student-1:question-{n}")[-1].memory.due for n in range(20)}
    assert len(dues) > 1


@given(st.integers(min_value=3, max_value=3000), st.text(min_size=1, max_size=12))
def test_fuzz_stays_near_the_interval(days, seed):
    fuzzed = fuzz_days(days, seed=seed, maximum=36500)
    assert abs(fuzzed - days) <= 1 + 0.05 * days + 2
    assert fuzzed == fuzz_days(days, seed=seed, maximum=36500)


def test_short_intervals_are_not_fuzzed():
    assert fuzz_days(1, seed="x", maximum=36500) == 1
    assert fuzz_days(2, seed="x", maximum=36500) == 2


def test_a_new_card_goes_through_learning_steps_then_review():
    history = run([Rating.GOOD, Rating.GOOD])
    assert history[0].memory.phase == "learning"
    assert history[0].interval == timedelta(minutes=10)
    assert history[1].memory.phase == "review"
    assert history[1].interval >= timedelta(days=1)


def test_again_in_review_is_a_lapse_and_starts_relearning():
    history = run([Rating.GOOD, Rating.GOOD, Rating.AGAIN])
    assert history[-1].memory.phase == "relearning"
    assert history[-1].memory.lapses == 1
    assert history[-1].interval == timedelta(minutes=10)


def test_again_while_learning_is_not_a_lapse():
    assert run([Rating.AGAIN, Rating.AGAIN])[-1].memory.lapses == 0


def test_the_eighth_lapse_makes_a_leech_once():
    ratings = [Rating.GOOD, Rating.GOOD] + [Rating.AGAIN, Rating.GOOD] * 9
    history = run(ratings)
    leech_flags = [h.became_leech for h in history]
    assert leech_flags.count(True) == 1
    (at,) = [i for i, flag in enumerate(leech_flags) if flag]
    assert history[at].memory.lapses == 8


def test_leech_threshold_follows_the_policy():
    policy = Policy(leech_lapses=2)
    history = run(
        [Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.AGAIN], policy=policy
    )
    assert history[-1].became_leech


def test_exam_date_brings_every_card_back_before_the_exam():
    exam = START + timedelta(days=10)
    policy = Policy(exam_at=exam)
    history = run(
        [Rating.GOOD, Rating.EASY, Rating.EASY, Rating.EASY], policy=policy, gap=timedelta(hours=1)
    )
    for outcome in history:
        assert outcome.memory.due <= exam - timedelta(days=1)
    uncapped = run([Rating.GOOD, Rating.EASY, Rating.EASY, Rating.EASY], gap=timedelta(hours=1))
    assert uncapped[-1].memory.due > exam


def test_exam_less_than_a_day_away_caps_at_the_exam_itself():
    exam = START + timedelta(hours=12)
    outcome = review(Memory(), Rating.EASY, START, policy=Policy(exam_at=exam), card_key="k")
    assert outcome.memory.due <= exam


def test_preview_intervals_grow_with_the_rating_for_a_review_card():
    memory = run([Rating.GOOD, Rating.GOOD])[-1].memory
    intervals = preview(memory, memory.due, policy=POLICY, card_key="k")
    assert intervals[Rating.AGAIN] < intervals[Rating.HARD] <= intervals[Rating.GOOD]
    assert intervals[Rating.GOOD] <= intervals[Rating.EASY]


def test_recall_probability_falls_with_time_and_is_about_the_target_when_due():
    memory = run([Rating.GOOD, Rating.GOOD, Rating.GOOD])[-1].memory
    soon = recall_probability(memory, memory.last_review + timedelta(hours=1), policy=POLICY)
    later = recall_probability(memory, memory.due + timedelta(days=30), policy=POLICY)
    at_due = recall_probability(memory, memory.due, policy=POLICY)
    assert soon > at_due > later
    assert 0.8 < at_due < 0.97
    assert recall_probability(Memory(), START, policy=POLICY) == 0.0


def test_higher_desired_retention_gives_shorter_intervals():
    low = run([Rating.GOOD] * 4, policy=Policy(desired_retention=0.75))[-1].interval
    high = run([Rating.GOOD] * 4, policy=Policy(desired_retention=0.97))[-1].interval
    assert high < low


@pytest.mark.parametrize(
    ("fraction", "duration", "expected", "rating"),
    [
        ("0", 5_000, None, Rating.AGAIN),
        ("0.5", 5_000, None, Rating.HARD),
        ("1", 5_000, 10_000, Rating.GOOD),
        ("1", 25_000, 10_000, Rating.HARD),
        ("1", 25_000, None, Rating.GOOD),
    ],
)
def test_auto_graded_answer_to_rating(fraction, duration, expected, rating):
    assert (
        rating_for_answer(Decimal(fraction), duration_ms=duration, expected_ms=expected) == rating
    )


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match=NAIVE_DATETIME):
        review(Memory(), Rating.GOOD, datetime(2026, 9, 1), policy=POLICY, card_key="k")  # noqa: DTZ001


def test_expected_answer_time_grows_with_difficulty_and_is_none_for_flashcards():
    assert scheduling.expected_answer_ms("single_choice") == 30_000
    assert scheduling.expected_answer_ms("single_choice", 4) == 45_000
    assert scheduling.expected_answer_ms("true_false", 1) == 15_000
    assert scheduling.expected_answer_ms("ordering", 9) == scheduling.expected_answer_ms(
        "ordering", 5
    )
    assert scheduling.expected_answer_ms("flashcard") is None


def test_a_right_answer_found_very_slowly_is_hard():
    expected = scheduling.expected_answer_ms("matching", 3)
    fast = scheduling.rating_for_answer(Decimal(1), duration_ms=expected, expected_ms=expected)
    slow = scheduling.rating_for_answer(
        Decimal(1), duration_ms=2 * expected + 1, expected_ms=expected
    )
    assert (fast, slow) == (scheduling.Rating.GOOD, scheduling.Rating.HARD)
