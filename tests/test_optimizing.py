"""The pure fitting core: card histories, scores, the minimum data, and the real optimiser."""

import math
from datetime import timedelta

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from quizzes import optimizing
from quizzes.optimizing import LoggedReview
from tests.optimizing_data import START, log_loss_on, optimizer, synthetic_reviews  # noqa: F401


@pytest.fixture(scope="module")
def class_logs():
    return synthetic_reviews(cards=80)


@pytest.mark.usefixtures("optimizer")
def test_enough_reviews_fit_21_new_parameters_that_predict_better(class_logs):
    stages = []
    result = optimizing.fit(class_logs, progress=lambda p, s: stages.append((p, s)))

    assert result.parameters is not None
    assert len(result.parameters) == 21
    assert optimizing.valid_parameters(result.parameters) == result.parameters
    assert result.parameters != DEFAULT_PARAMETERS
    # These learners forget faster than the defaults assume: the fit must notice.
    assert log_loss_on(class_logs, result.parameters) < log_loss_on(class_logs)
    assert result.after.log_loss < result.before.log_loss
    assert result.after.count == result.before.count >= optimizing.MIN_HELD_OUT_REVIEWS
    assert result.message == optimizing.FITTED.format(reviews=len(class_logs), cards=80)
    assert (result.reviews, result.cards) == (len(class_logs), 80)
    percents = [p for p, _ in stages]
    assert percents == sorted(percents) and percents[-1] == 100
    assert sum(1 for _, s in stages if s == "fitting") >= 5


def test_too_few_reviews_keep_the_defaults_and_say_why():
    logs = synthetic_reviews(cards=20)
    have = optimizing.interday_count(optimizing.histories(logs))

    result = optimizing.fit(logs)

    assert result.parameters is None
    assert result.message == optimizing.TOO_FEW_REVIEWS.format(
        needed=optimizing.MIN_FIT_REVIEWS, held_out=optimizing.MIN_HELD_OUT_REVIEWS, have=have
    )
    assert result.before is None and result.after is None
    assert 0 < have < optimizing.MIN_FIT_REVIEWS


def test_no_reviews_at_all_keep_the_defaults():
    result = optimizing.fit([])
    assert result.parameters is None and result.reviews == 0 and result.cards == 0


def test_enough_reviews_but_no_optimiser_is_an_error_with_the_install_command(
    monkeypatch, class_logs
):
    monkeypatch.setattr(optimizing, "optimizer_available", lambda: False)
    with pytest.raises(RuntimeError, match="pip install -r requirements-optimizer.txt"):
        optimizing.fit(class_logs)


def test_parameters_no_better_than_the_defaults_are_not_used(monkeypatch, class_logs):
    # Initial stabilities of 100 days for every first rating: a model that never forgets.
    bad = list(DEFAULT_PARAMETERS)
    bad[0:4] = [100.0] * 4
    monkeypatch.setattr(optimizing, "optimizer_available", lambda: True)
    monkeypatch.setattr(optimizing, "_optimise", lambda cards, report: tuple(bad))

    result = optimizing.fit(class_logs)

    assert result.parameters is None
    assert result.after.log_loss > result.before.log_loss
    assert result.message == optimizing.NOT_BETTER.format(
        before=result.before.log_loss, after=result.after.log_loss
    )


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, 1000.0])
def test_an_optimiser_answer_out_of_bounds_is_refused(monkeypatch, class_logs, value):
    bad = list(DEFAULT_PARAMETERS)
    bad[2] = value
    monkeypatch.setattr(optimizing, "optimizer_available", lambda: True)
    monkeypatch.setattr(optimizing, "_optimise", lambda cards, report: tuple(bad))
    with pytest.raises(RuntimeError) as error:
        optimizing.fit(class_logs)
    assert str(error.value) == optimizing.INVALID_RESULT


def test_valid_parameters():
    assert optimizing.valid_parameters(list(DEFAULT_PARAMETERS)) == DEFAULT_PARAMETERS
    assert optimizing.valid_parameters(UPPER_BOUNDS_PARAMETERS) == UPPER_BOUNDS_PARAMETERS
    message = optimizing.BAD_PARAMETERS.format(count=21)
    for bad in (
        DEFAULT_PARAMETERS[:20],
        (*DEFAULT_PARAMETERS, 0.1),
        (math.nan, *DEFAULT_PARAMETERS[1:]),
        ("x", *DEFAULT_PARAMETERS[1:]),
        (None, *DEFAULT_PARAMETERS[1:]),
        {"w": 1},
        5,
        None,
    ):
        with pytest.raises(ValueError) as error:
            optimizing.valid_parameters(bad)
        assert str(error.value) == message


def test_histories_are_sorted_per_card_and_restart_after_a_leech_reset():
    day = timedelta(days=1)
    logs = [
        LoggedReview(2, 3, START + 2 * day, "review"),
        LoggedReview(2, 3, START, "new"),
        LoggedReview(1, 1, START, "new"),
        LoggedReview(1, 3, START + 3 * day, "review"),
        # Reset as a leech: learned again from scratch.
        LoggedReview(1, 3, START + 5 * day, "new"),
        LoggedReview(1, 3, START + 9 * day, "review"),
    ]
    assert optimizing.histories(logs) == [
        [(START, 1), (START + 3 * day, 3)],
        [(START + 5 * day, 3), (START + 9 * day, 3)],
        [(START, 3), (START + 2 * day, 3)],
    ]


def test_score_counts_only_reviews_a_day_or_more_after_the_previous_one():
    logs = synthetic_reviews(cards=10)
    cards = optimizing.histories(logs)
    result = optimizing.score(cards)
    assert result.count == optimizing.interday_count(cards) > 0
    assert 0 < result.log_loss < 2 and 0 <= result.rmse < 1
    same_day = [[(START, 3), (START + timedelta(minutes=10), 3)]]
    assert optimizing.score(same_day).count == 0


def test_the_split_is_by_card_and_repeats():
    cards = optimizing.histories(synthetic_reviews(cards=50))
    fitting, held_out = optimizing.split(cards)
    assert len(held_out) == 10 and len(fitting) == 40
    assert optimizing.split(cards) == (fitting, held_out)
    assert sorted(map(id, fitting + held_out)) == sorted(map(id, cards))
