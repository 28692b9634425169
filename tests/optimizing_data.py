"""Synthetic review logs for the fitting tests: learners who forget faster than FSRS-6's defaults
predict, studying on the defaults' schedule (a little late, as people do)."""

import math
import random
from datetime import UTC, datetime, timedelta

import fsrs

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
