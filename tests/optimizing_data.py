"""Synthetic review logs for the fitting tests: learners who forget faster than FSRS-6's defaults
predict, studying on the defaults' schedule (a little late, as people do)."""

import math
import os
import random
from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from quizzes.optimizing import LoggedReview

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def synthetic_reviews(
    *, cards: int, days: int = 120, seed: int = 7, memory_factor: float = 0.3, first_id: int = 1
) -> list[LoggedReview]:
    """Reviews of `cards` cards, each started on one of the first 20 days and reviewed when due
    until `days` have passed. Recall follows FSRS's forgetting curve with the card's stability
    multiplied by `memory_factor`: below 1, these learners forget faster than predicted."""
    rng = random.Random(seed)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    end = START + timedelta(days=days)
    logs = []
    for card_id in range(first_id, first_id + cards):
        moment = START + timedelta(days=rng.randrange(20), minutes=rng.randrange(600))
        card = fsrs.Card(card_id=card_id, due=moment)
        phase = "new"
        while moment < end:
            if card.last_review is None:
                recalled = rng.random() < 0.6
            else:
                elapsed = (moment - card.last_review).total_seconds() / 86400
                true_stability = card.stability * memory_factor
                recall = (1 + factor * elapsed / true_stability) ** decay
                recalled = rng.random() < recall
            rating = rng.choice([2, 3, 3, 3, 4]) if recalled else 1
            logs.append(LoggedReview(card_id, rating, moment, phase_before=phase))
            card, _ = scheduler.review_card(card, fsrs.Rating(rating), moment)
            phase = card.state.name.lower()
            late = timedelta(hours=rng.randrange(36)) if card.state == fsrs.State.Review else None
            moment = card.due + (late or timedelta(minutes=1))
    return logs


def log_loss_on(logs, parameters=None) -> float:
    from quizzes.optimizing import histories, score

    result = score(histories(logs), parameters)
    assert result.count and math.isfinite(result.log_loss)
    return result.log_loss


def store_reviews(classroom, logs, *, students: int = 4) -> list:
    """Write `logs` as the review history of `students` new students enrolled in `classroom`,
    one card per synthetic card id (spread over the students). Returns the students."""
    from quizzes.models import CardState, ReviewLog
    from tests import factories as f

    card_ids = sorted({r.card_id for r in logs})
    people = [f.EnrollmentFactory(classroom=classroom).student for _ in range(students)]
    per_student = -(-len(card_ids) // students)
    questions = [f.QuestionFactory() for _ in range(per_student)]
    cards = {}
    for n, card_id in enumerate(card_ids):
        question = questions[n // students]
        cards[card_id] = CardState.objects.create(
            student=people[n % students], question=question, due=START
        )
    ReviewLog.objects.bulk_create(
        ReviewLog(
            card=cards[r.card_id],
            question_version=cards[r.card_id].question.current_version,
            rating=r.rating,
            source="flashcard",
            reviewed_at=r.reviewed_at,
            phase_before=r.phase_before,
            due_after=r.reviewed_at,
        )
        for r in logs
    )
    return people


@pytest.fixture
def optimizer():
    """Skips a test of the real optimiser when torch is missing, unless CI requires it."""
    from quizzes.optimizing import OPTIMIZER_MISSING, optimizer_available

    if not optimizer_available():
        if os.environ.get("PSOASQUIZ_REQUIRE_OPTIMIZER") == "1":
            pytest.fail(f"{OPTIMIZER_MISSING} (PSOASQUIZ_REQUIRE_OPTIMIZER=1)")
        pytest.skip(OPTIMIZER_MISSING)
