"""The scheduling benchmark (bench/srs_simulation.py): ground truth, SM-2, Leitner, a tiny run."""

import math

import pytest

from bench.srs_simulation import (
    INITIAL_HALF_LIFE,
    LAPSE_KEEP,
    Calibration,
    Card,
    Config,
    Leitner,
    Ours,
    Sm2,
    Sm2State,
    expose,
    leitner_box,
    main,
    parse,
    render,
    run,
    sm2_ef,
    sm2_review,
    to_datetime,
    true_recall,
)
from quizzes import scheduling

TINY = Config(learners=5, items=10, days=60, new_per_day=3, exam_day=30)


@pytest.fixture(scope="module")
def tiny_results():
    return run(TINY)


def test_the_same_seed_gives_the_same_numbers(tiny_results):
    assert render(run(TINY), TINY) == render(tiny_results, TINY)


def test_another_seed_gives_other_numbers(tiny_results):
    other = Config(**{**TINY.__dict__, "seed": TINY.seed + 1})
    assert render(run(other), other) != render(tiny_results, TINY)


def test_every_scheduler_runs_and_recall_is_a_probability(tiny_results):
    assert [r.name for r in tiny_results][2:] == ["SM-2", "Leitner (1-2-4-8-16 d)"]
    for result in tiny_results:
        assert len(result.learners) == TINY.learners
        for learner in result.learners:
            assert 0.0 < learner.retention_exam < 1.0
            assert 0.0 < learner.retention_end < 1.0
            # Every card is seen at least once, and more than that under any scheduler.
            assert learner.reviews > TINY.items
            assert learner.reviews_by_exam <= learner.reviews


def test_ours_calibration_figures_are_finite(tiny_results):
    for result in tiny_results[:2]:
        calibration = result.calibration
        assert result.has_prediction
        assert calibration.count > 0
        assert math.isfinite(calibration.log_loss) and calibration.log_loss > 0
        assert 0.0 <= calibration.rmse_bins <= 1.0


def test_the_table_says_n_a_where_a_scheduler_predicts_nothing(tiny_results):
    rows = render(tiny_results, TINY).splitlines()
    sm2_row = next(row for row in rows if row.startswith("| SM-2 |"))
    ours_row = rows[2]
    assert sm2_row.endswith("| n/a | n/a |")
    assert "n/a" not in ours_row


def _dues_when_always_recalled(policy, until):
    ours, card, now, dues = Ours("ours", policy), Card(item=0, learnability=1.0), 0.4, []
    while now < until:
        ours.answer(card, True, now, "0:0")
        dues.append(card.due)
        now = card.due
    return dues


def test_exam_mode_brings_every_card_back_the_day_before_the_exam():
    exam_day = 30
    free = _dues_when_always_recalled(scheduling.Policy(), exam_day)
    capped = _dues_when_always_recalled(scheduling.Policy(exam_at=to_datetime(exam_day)), 29)
    assert max(free) > exam_day
    assert max(capped) == pytest.approx(exam_day - 1)


# --- Ground truth ---


def test_true_recall_is_a_power_law_with_the_half_life_at_one_half():
    card = Card(item=0, learnability=1.0, half_life=5.0, last_seen=10.0)
    assert true_recall(card, 10.0, 0.5) == pytest.approx(1.0)
    assert true_recall(card, 15.0, 0.5) == pytest.approx(0.5)
    # d = 0.5: (1 + 3 t / h)^-0.5, so at t = 20 days, h = 5: 13^-0.5
    assert true_recall(card, 30.0, 0.5) == pytest.approx(13**-0.5)
    assert true_recall(Card(item=1, learnability=1.0), 99.0, 0.5) == 0.0


def test_recalling_a_nearly_forgotten_card_strengthens_it_more_than_a_fresh_one():
    late = Card(item=0, learnability=1.0, half_life=10.0, last_seen=0.0)
    early = Card(item=1, learnability=1.0, half_life=10.0, last_seen=0.0)
    expose(late, 20.0, True, true_recall(late, 20.0, 0.5))
    expose(early, 0.01, True, true_recall(early, 0.01, 0.5))
    assert late.half_life > early.half_life > 10.0


def test_a_failed_recall_keeps_part_of_the_memory_but_never_less_than_fresh_study():
    strong = Card(item=0, learnability=1.0, half_life=100.0, last_seen=0.0)
    expose(strong, 50.0, False, 0.3)
    assert strong.half_life == pytest.approx(100.0 * LAPSE_KEEP)
    weak = Card(item=1, learnability=1.0, half_life=1.0, last_seen=0.0)
    expose(weak, 5.0, False, 0.3)
    assert weak.half_life == pytest.approx(INITIAL_HALF_LIFE)
    assert weak.last_seen == 5.0


# --- SM-2, by hand from EF' = EF + (0.1 - (5 - q)(0.08 + (5 - q) 0.02)) ---


@pytest.mark.parametrize(
    ("ef", "quality", "expected"),
    [
        (2.5, 5, 2.6),  # 2.5 + 0.1
        (2.5, 4, 2.5),  # 2.5 + 0.1 - 1 * 0.10
        (2.5, 3, 2.36),  # 2.5 + 0.1 - 2 * 0.12
        (2.5, 2, 2.18),  # 2.5 + 0.1 - 3 * 0.14
        (2.5, 0, 1.7),  # 2.5 + 0.1 - 5 * 0.18
        (1.4, 2, 1.3),  # 1.08, floored
    ],
)
def test_sm2_ease_factor(ef, quality, expected):
    assert sm2_ef(ef, quality) == pytest.approx(expected)


def test_sm2_intervals_by_hand():
    state = Sm2State()  # memorised: first repetition after I(1) = 1 day
    steps = []
    for quality in (5, 5, 3, 2, 4):
        state = sm2_review(state, quality, 0.0)
        steps.append((state.repetitions, round(state.ef, 2), state.interval))
    assert steps == [
        (1, 2.6, 6),  # I(2) = 6
        (2, 2.7, 17),  # ceil(6 * 2.7 = 16.2)
        (3, 2.56, 44),  # ceil(17 * 2.56 = 43.52)
        (0, 2.24, 1),  # q < 3: start over; EF 2.56 - 0.32 still updates
        (1, 2.24, 6),  # q = 4 keeps EF
    ]


def test_sm2_drills_a_miss_the_same_day_without_rescheduling_it():
    sm2, card = Sm2(), Card(item=0, learnability=1.0)
    sm2.answer(card, False, 0.5, "k")  # first sight is memorisation, ungraded
    assert card.due == pytest.approx(1.5) and not card.drill
    sm2.answer(card, False, 1.6, "k")
    assert card.drill
    assert card.due == pytest.approx(2.6)
    assert card.state.ef == pytest.approx(2.18)


# --- Leitner ---


def test_leitner_moves_up_one_box_on_a_hit_and_back_to_the_first_on_a_miss():
    assert leitner_box(1, True) == 2
    assert leitner_box(4, True) == 5
    assert leitner_box(5, True) == 5
    assert leitner_box(4, False) == 1
    assert leitner_box(1, False) == 1


def test_leitner_intervals_double_then_reset():
    leitner, card, now = Leitner(), Card(item=0, learnability=1.0), 0.5
    gaps = []
    for recalled in (True, True, True, True, True, True, False, True):
        before = now
        leitner.answer(card, recalled, now, "k")
        gaps.append(round(card.due - before))
        now = card.due
    # first sight puts the card in box 1, then 2, 4, 8, 16, 16 (top box), a miss, box 2
    assert gaps == [1, 2, 4, 8, 16, 16, 1, 2]


# --- Calibration and the command line ---


def test_calibration_of_a_perfect_constant_prediction():
    calibration = Calibration()
    for n in range(100):
        calibration.add(0.8, n % 5 != 0)
    assert calibration.log_loss == pytest.approx(-(0.8 * math.log(0.8) + 0.2 * math.log(0.2)))
    assert calibration.rmse_bins == pytest.approx(0.0)


def test_command_line_checks_the_exam_day():
    with pytest.raises(SystemExit):
        parse(["--days", "30", "--exam-day", "40"])


def test_command_line_prints_the_table_and_writes_the_file(tmp_path, capsys):
    output = tmp_path / "srs.md"
    main(
        [
            "--learners",
            "2",
            "--items",
            "5",
            "--days",
            "20",
            "--exam-day",
            "10",
            "--output",
            str(output),
        ]
    )
    printed = capsys.readouterr().out
    assert "| SM-2 |" in printed
    written = output.read_text()
    assert written.startswith("# Spaced-repetition benchmark results")
    assert printed.strip() in written
