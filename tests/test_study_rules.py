"""The pure study rules: queue order, daily limits, related cards, labels. No database."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from quizzes.studying import (
    DueCard,
    Limits,
    Used,
    build_queue,
    bury_until,
    day_bounds,
    interval_label,
    limits_for,
    next_due_label,
    related_questions,
    should_bury,
)

NOW = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
BANKS = Path(__file__).resolve().parent.parent / "banks"


def due(qid, minutes_ago, phase="review"):
    return DueCard(qid, NOW - timedelta(minutes=minutes_ago), phase)


def test_due_cards_come_first_oldest_due_first_then_new_cards_in_order():
    queue = build_queue(
        learning=[due(1, 5, "learning")],
        reviews=[due(2, 60), due(3, 1)],
        new=[10, 11],
        limits=Limits(new_per_day=20, reviews_per_day=200),
        used=Used(),
    )
    assert queue.question_ids == (2, 1, 3, 10, 11)
    assert queue.head == 2
    assert (queue.learning_left, queue.reviews_left, queue.new_left, queue.left) == (1, 2, 2, 5)


def test_the_review_limit_counts_todays_reviews_and_holds_the_rest_back():
    queue = build_queue(
        learning=[],
        reviews=[due(1, 30), due(2, 20), due(3, 10)],
        new=[],
        limits=Limits(new_per_day=0, reviews_per_day=5),
        used=Used(reviews=3),
    )
    assert queue.question_ids == (1, 2)
    assert queue.reviews_held_back


def test_learning_steps_are_not_limited_by_the_review_limit():
    queue = build_queue(
        learning=[due(1, 1, "learning"), due(2, 2, "relearning")],
        reviews=[due(3, 10)],
        new=[],
        limits=Limits(new_per_day=0, reviews_per_day=1),
        used=Used(reviews=1),
    )
    assert queue.question_ids == (2, 1)
    assert queue.reviews_held_back


def test_the_new_card_limit_counts_cards_already_introduced_today():
    queue = build_queue(
        learning=[],
        reviews=[],
        new=[7, 8, 9],
        limits=Limits(new_per_day=10, reviews_per_day=10),
        used=Used(new=8),
    )
    assert queue.question_ids == (7, 8)
    assert queue.new_held_back
    spent = build_queue(
        learning=[],
        reviews=[],
        new=[7],
        limits=Limits(new_per_day=10, reviews_per_day=10),
        used=Used(new=12),
    )
    assert spent.question_ids == ()
    assert spent.new_held_back


def test_nothing_held_back_when_everything_fits():
    queue = build_queue(learning=[], reviews=[due(1, 3)], new=[4], limits=Limits(1, 1), used=Used())
    assert queue.question_ids == (1, 4)
    assert not queue.new_held_back and not queue.reviews_held_back


def test_several_classes_give_the_largest_of_each_limit():
    assert limits_for([(10, 300), (25, 100)]) == Limits(new_per_day=25, reviews_per_day=300)
    assert limits_for([]) == Limits(0, 0)


def test_today_is_the_utc_day():
    start, end = day_bounds(datetime(2026, 3, 10, 23, 30, tzinfo=UTC))
    assert start == datetime(2026, 3, 10, tzinfo=UTC)
    assert end == datetime(2026, 3, 11, tzinfo=UTC)
    from zoneinfo import ZoneInfo

    # 01:30 in Sydney on the 11th is still the 10th in UTC.
    sydney = datetime(2026, 3, 11, 1, 30, tzinfo=ZoneInfo("Australia/Sydney"))
    assert day_bounds(sydney)[0] == datetime(2026, 3, 10, tzinfo=UTC)
    assert bury_until(NOW) == datetime(2026, 3, 11, tzinfo=UTC)
    with pytest.raises(ValueError):
        day_bounds(datetime(2026, 3, 10))  # noqa: DTZ001 - the naive datetime is the point


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=20), "1 min"),
        (timedelta(minutes=10), "10 min"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=5, minutes=10), "5 hours"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=3, hours=2), "3 days"),
        (timedelta(days=61), "2 months"),
        (timedelta(days=800), "2.2 years"),
    ],
)
def test_interval_labels(interval, label):
    assert interval_label(interval) == label


def test_next_due_labels():
    assert next_due_label(NOW, NOW + timedelta(minutes=25)) == "in 25 min"
    assert next_due_label(NOW, NOW + timedelta(hours=3)) == "in 3 hours"
    assert next_due_label(NOW, datetime(2026, 3, 10, 23, 0, tzinfo=UTC)) == "today at 23:00 UTC"
    assert next_due_label(NOW, datetime(2026, 3, 11, 9, 0, tzinfo=UTC)) == "tomorrow at 09:00 UTC"
    assert next_due_label(NOW, datetime(2026, 3, 14, 9, 0, tzinfo=UTC)) == (
        "on Sat 14 Mar at 09:00 UTC"
    )


BANK = {
    1: ("myth-fc-soul", frozenset({"myth", "koch"})),
    2: ("myth-soul", frozenset({"myth"})),
    3: ("myth-origin-a", frozenset({"myth", "origin", "vertebrae"})),
    4: ("myth-origin-b", frozenset({"myth", "origin", "vertebrae", "extra"})),
    5: ("myth-unrelated", frozenset({"myth", "origin"})),
    6: ("myth-other", frozenset({"myth", "breathing"})),
    # Filler, so that `origin` (on 3 of 12) is not a theme tag.
    **{n: (f"myth-filler-{n}", frozenset({"myth"})) for n in range(7, 13)},
}


def test_related_by_flashcard_key_or_two_shared_tags_beyond_the_banks_theme():
    assert related_questions(1, BANK) == {2}
    assert related_questions(2, BANK) == {1}
    # `myth` is on every question, so sharing it (and one more tag) is not enough.
    assert related_questions(3, BANK) == {4}
    assert related_questions(5, BANK) == set()
    assert related_questions(99, BANK) == set()


def _bank_file(name):
    data = yaml.safe_load((BANKS / f"{name}.yaml").read_text())
    return {
        n: (q["key"], frozenset(q.get("tags") or ())) for n, q in enumerate(data["questions"], 1)
    }


def test_in_the_bundled_banks_a_flashcard_is_related_to_the_quiz_forms_of_its_fact():
    bank = _bank_file("myths")
    ids = {key: n for n, (key, _) in bank.items()}
    related = {bank[n][0] for n in related_questions(ids["myth-fc-only-connector"], bank)}
    assert {"myth-only-connector", "myth-spine-femur-muscles", "myth-only-lumbar-cloze"} <= related
    assert "myth-fc-soul" not in related
    anatomy = _bank_file("anatomy")
    ids = {key: n for n, (key, _) in anatomy.items()}
    related = {anatomy[n][0] for n in related_questions(ids["anat-fc-origin"], anatomy)}
    assert "anat-origin-body-levels" in related
    # Related sets stay small: burying must not empty a day's queue.
    for name in ("anatomy", "actions", "myths", "teaching"):
        bank = _bank_file(name)
        sizes = [len(related_questions(n, bank)) for n in bank]
        assert max(sizes) <= 10, name


def test_which_related_cards_are_buried():
    tomorrow = bury_until(NOW)
    assert should_bury(phase="new", due=NOW, is_leech=False, tomorrow=tomorrow)
    assert should_bury(
        phase="review", due=NOW + timedelta(hours=2), is_leech=False, tomorrow=tomorrow
    )
    assert not should_bury(
        phase="review", due=NOW + timedelta(days=2), is_leech=False, tomorrow=tomorrow
    )
    assert not should_bury(phase="learning", due=NOW, is_leech=False, tomorrow=tomorrow)
    assert not should_bury(phase="relearning", due=NOW, is_leech=False, tomorrow=tomorrow)
    assert not should_bury(phase="review", due=NOW, is_leech=True, tomorrow=tomorrow)
