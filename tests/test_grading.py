"""Grading, type by type, with property-based checks of the rules every type must keep."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import (
    NOT_AN_OPTION,
    SELF_RATED,
    GradingOption,
    GradingQuestion,
    InvalidResponse,
    Outcome,
    grade,
    normalize_text,
    ordering_score,
    parse_number,
    text_matches,
)

D = Decimal


def q(qtype, *options, config=None):
    built = tuple(
        GradingOption(id=i + 1, text=t, fraction=D(str(f)), feedback=fb, data=data or {})
        for i, (t, f, fb, data) in enumerate(
            (o + ("", None))[:4] if len(o) < 4 else o for o in options
        )
    )
    return GradingQuestion(qtype, built, config or {})


SINGLE = q("single_choice", ("Lesser trochanter", 1, "Yes."), ("Greater trochanter", 0, "Lateral."))


def test_single_choice_right_and_wrong_with_option_feedback():
    right = grade(SINGLE, {"option": 1})
    assert (right.fraction, right.outcome, right.matched) == (D(1), Outcome.CORRECT, (1,))
    wrong = grade(SINGLE, {"option": "2"})
    assert (wrong.fraction, wrong.outcome, wrong.feedback) == (
        D(0),
        Outcome.INCORRECT,
        ("Lateral.",),
    )


def test_single_choice_partial_credit_option():
    question = q("single_choice", ("A", 1), ("B", "0.5"), ("C", 0))
    assert grade(question, {"option": 2}).outcome == Outcome.PARTIAL


@pytest.mark.parametrize("response", [None, {}])
def test_no_response_is_unanswered_and_scores_zero(response):
    result = grade(SINGLE, response)
    assert (result.fraction, result.outcome) == (D(0), Outcome.UNANSWERED)


@pytest.mark.parametrize("bad", [{"option": 99}, {"option": "x"}, {"option": True}, {"x": 1}])
def test_a_choice_outside_the_question_is_refused(bad):
    with pytest.raises(InvalidResponse):
        grade(SINGLE, bad)


def test_invalid_option_message_is_the_named_constant():
    with pytest.raises(InvalidResponse, match=NOT_AN_OPTION):
        grade(SINGLE, {"option": 99})


MULTI = q(
    "multiple_response",
    ("Iliacus", "0.5"),
    ("Rectus femoris", "0.5"),
    ("Gluteus maximus", "-0.5"),
    ("Hamstrings", "-0.5"),
)


@pytest.mark.parametrize(
    ("chosen", "expected", "outcome"),
    [
        ([1, 2], "1", Outcome.CORRECT),
        ([1], "0.5", Outcome.PARTIAL),
        ([1, 3], "0", Outcome.INCORRECT),
        ([1, 2, 3], "0.5", Outcome.PARTIAL),
        ([1, 2, 3, 4], "0", Outcome.INCORRECT),
        ([3, 4], "0", Outcome.INCORRECT),  # never below zero
        ([], "0", Outcome.UNANSWERED),
    ],
)
def test_multiple_response_partial_and_negative_weights(chosen, expected, outcome):
    result = grade(MULTI, {"options": chosen})
    assert (result.fraction, result.outcome) == (D(expected), outcome)


def test_thirds_add_up_to_full_marks():
    question = q(
        "multiple_response", ("A", "0.33333"), ("B", "0.33333"), ("C", "0.33333"), ("D", -1)
    )
    assert grade(question, {"options": [1, 2, 3]}).fraction == D(1)


@given(st.sets(st.integers(min_value=1, max_value=4)))
def test_multiple_response_is_always_between_zero_and_one(chosen):
    assert D(0) <= grade(MULTI, {"options": sorted(chosen)}).fraction <= D(1)


@given(st.sets(st.integers(min_value=1, max_value=4)), st.sampled_from([3, 4]))
def test_adding_a_wrong_option_never_raises_the_score(chosen, wrong):
    before = grade(MULTI, {"options": sorted(chosen)}).fraction
    after = grade(MULTI, {"options": sorted(chosen | {wrong})}).fraction
    assert after <= before or not chosen


def test_true_false_is_single_choice_over_two_options():
    question = q("true_false", ("True", 0, "Piriformis too."), ("False", 1))
    assert grade(question, {"option": 1}).feedback == ("Piriformis too.",)
    assert grade(question, {"option": 2}).outcome == Outcome.CORRECT


SHORT = q(
    "short_answer",
    ("lesser trochanter", 1),
    ("trochanter minor", 1),
    ("greater trochanter", 0, "That is lateral."),
    ("*trochanter", "0.5"),
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Lesser trochanter", "1"),
        ("  LESSER   trochanter. ", "1"),
        ("lesser-trochanter", "1"),
        ("Trochanter minor", "1"),
        ("greater trochanter", "0.5"),  # the wildcard is more generous than the wrong answer
        ("the trochanter", "0.5"),
        ("femur", "0"),
    ],
)
def test_short_answer_normalises_and_takes_the_best_match(typed, expected):
    assert grade(SHORT, {"text": typed}).fraction == D(expected)


def test_short_answer_blank_is_unanswered():
    assert grade(SHORT, {"text": "   "}).outcome == Outcome.UNANSWERED


def test_normalisation_folds_accents_and_is_idempotent():
    assert normalize_text("Psóas  Májor!") == "psoas major"
    assert text_matches("psoas major", "Psóas Májor")


@given(st.text())
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


NUMERIC = q(
    "numeric",
    ("5", 1, "", {"value": 5, "tolerance": 0}),
    ("4 to 6", "0.5", "Close.", {"min": 4, "max": 6}),
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("5", "1"), ("5.0", "1"), (" 5 ", "1"), ("4,5", "0.5"), (6, "0.5"), ("7", "0"), ("", None)],
)
def test_numeric_value_tolerance_and_range(typed, expected):
    result = grade(NUMERIC, {"value": typed})
    if expected is None:
        assert result.outcome == Outcome.UNANSWERED
    else:
        assert result.fraction == D(expected)


@pytest.mark.parametrize("typed", ["five", "1e999999", "nan", "inf", [5]])
def test_numeric_refuses_what_is_not_a_number(typed):
    with pytest.raises(InvalidResponse):
        grade(NUMERIC, {"value": typed})


def test_numeric_tolerance_edges_are_inclusive():
    question = q("numeric", ("60 ± 5", 1, "", {"value": 60, "tolerance": 5}))
    assert grade(question, {"value": "55"}).fraction == D(1)
    assert grade(question, {"value": "65"}).fraction == D(1)
    assert grade(question, {"value": "65.01"}).fraction == D(0)


def test_parse_number_accepts_comma_decimals_only_when_unambiguous():
    assert parse_number("1,5") == D("1.5")
    with pytest.raises(InvalidResponse):
        parse_number("1,000.5,2")


MATCHING = q(
    "matching",
    ("Anterior surface", 1, "", {"prompt": "Genitofemoral"}),
    ("Medial border", 1, "", {"prompt": "Obturator"}),
    ("Lateral border", 1, "", {"prompt": "Femoral"}),
    ("Through the tendon", 0),
)


def test_matching_scores_the_share_of_right_pairs():
    all_right = grade(MATCHING, {"pairs": {"1": 1, "2": 2, "3": 3}})
    assert all_right.fraction == D(1)
    one_swap = grade(MATCHING, {"pairs": {"1": 1, "2": 3, "3": 2}})
    assert one_swap.fraction == D("0.33333")
    assert one_swap.parts == {"1": True, "2": False, "3": False}
    assert grade(MATCHING, {"pairs": {"1": 4}}).fraction == D(0)
    assert grade(MATCHING, {"pairs": {}}).outcome == Outcome.UNANSWERED


def test_matching_with_a_shared_answer_text_accepts_either_option():
    question = q(
        "matching",
        ("Hip flexor", 1, "", {"prompt": "Iliacus"}),
        ("Hip flexor", 1, "", {"prompt": "Psoas"}),
    )
    assert grade(question, {"pairs": {"1": 2, "2": 1}}).fraction == D(1)


ORDER = q("ordering", ("T12", 1), ("L1", 1), ("L2", 1), ("L3", 1), ("L4", 1))


def test_ordering_default_gives_credit_for_items_followed_by_the_right_next_item():
    assert grade(ORDER, {"order": [1, 2, 3, 4, 5]}).fraction == D(1)
    assert grade(ORDER, {"order": [5, 4, 3, 2, 1]}).fraction == D(0)
    # One item moved to the end: 3 of 4 neighbours still right.
    assert grade(ORDER, {"order": [2, 3, 4, 5, 1]}).fraction == D("0.75")


def test_ordering_other_methods():
    moved = [2, 3, 4, 5, 1]
    assert ordering_score(moved, [1, 2, 3, 4, 5], "absolute_position") == D(0)
    assert ordering_score(moved, [1, 2, 3, 4, 5], "all_or_nothing") == D(0)
    assert ordering_score([1, 2, 3, 5, 4], [1, 2, 3, 4, 5], "absolute_position") == D("0.6")


def test_ordering_must_use_every_item_once():
    with pytest.raises(InvalidResponse):
        grade(ORDER, {"order": [1, 1, 2, 3, 4]})


@given(
    st.permutations([1, 2, 3, 4, 5]), st.sampled_from([None, "absolute_position", "all_or_nothing"])
)
def test_every_order_scores_between_zero_and_one_and_only_the_right_one_scores_one(order, method):
    question = q("ordering", *ORDER_OPTIONS, config={"ordering_grading": method})
    result = grade(question, {"order": order})
    assert D(0) <= result.fraction <= D(1)
    assert (result.fraction == D(1)) == (order == [1, 2, 3, 4, 5])


ORDER_OPTIONS = [("T12", 1), ("L1", 1), ("L2", 1), ("L3", 1), ("L4", 1)]

CLOZE = q(
    "cloze",
    ("lesser", 1, "", {"blank": 1}),
    ("minor", 1, "", {"blank": 1}),
    ("L1-L3", 1, "", {"blank": 2, "choice": True}),
    ("S1-S3", 0, "Those are sacral.", {"blank": 2, "choice": True}),
)


def test_cloze_scores_each_blank_equally():
    assert grade(CLOZE, {"blanks": {"1": "Lesser", "2": "L1-L3"}}).fraction == D(1)
    half = grade(CLOZE, {"blanks": {"1": "greater", "2": "L1-L3"}})
    assert (half.fraction, half.parts) == (D("0.5"), {"1": False, "2": True})
    wrong_choice = grade(CLOZE, {"blanks": {"1": "minor", "2": "S1-S3"}})
    assert wrong_choice.feedback == ("Those are sacral.",)
    assert grade(CLOZE, {"blanks": {"1": " "}}).outcome == Outcome.UNANSWERED


def test_cloze_dropdown_needs_the_exact_choice():
    assert grade(CLOZE, {"blanks": {"1": "lesser", "2": "l1 l3"}}).fraction == D("0.5")


HOTSPOT = q(
    "hotspot",
    ("Lesser trochanter", 1, "", {"region": "lesser-trochanter"}),
    ("Greater trochanter", 0, "Lateral side.", {"region": "greater-trochanter"}),
)


def test_hotspot_right_named_wrong_and_unnamed_regions():
    assert grade(HOTSPOT, {"region": "lesser-trochanter"}).outcome == Outcome.CORRECT
    named = grade(HOTSPOT, {"region": "greater-trochanter"})
    assert (named.fraction, named.feedback, named.matched) == (D(0), ("Lateral side.",), (2,))
    assert grade(HOTSPOT, {"region": "sacrum"}).fraction == D(0)


def test_flashcards_are_not_graded():
    with pytest.raises(InvalidResponse, match=SELF_RATED):
        grade(GradingQuestion("flashcard", ()), {"rating": 3})
