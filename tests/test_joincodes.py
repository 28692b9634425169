"""Join codes: made from an alphabet without look-alikes, and read back however they are typed."""

import pytest

from quizzes.joincodes import ALPHABET, LENGTH, join_code_new, join_code_normalize


def test_new_codes_use_only_the_alphabet():
    codes = {join_code_new() for _ in range(200)}
    assert all(len(code) == LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert len(codes) > 190  # random, not a constant


def test_alphabet_has_no_look_alikes():
    assert not set(ALPHABET) & set("0O1IL2Z5S")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("4KXM7TQA", "4KXM7TQA"),
        ("4kxm7tqa", "4KXM7TQA"),
        ("  4kxm 7tqa ", "4KXM7TQA"),
        ("4KXM-7TQA", "4KXM7TQA"),
        ("4KXM\u20137TQA", "4KXM7TQA"),  # en dash, from a phone's smart punctuation
        ("4KXM\u22127TQA", "4KXM7TQA"),  # minus sign
        ("4KXM_7TQA", "4KXM7TQA"),
        ("4kxm.7tqa", "4KXM7TQA"),
        ("4KXM\t7TQA\n", "4KXM7TQA"),
        ("4KXM\u00a07TQA", "4KXM7TQA"),  # no-break space, from pasted text
        ("\uff14\uff2b\uff38\uff2d\uff17\uff34\uff31\uff21", "4KXM7TQA"),  # full-width
        ("psoas-demo", "PSOASDEMO"),
        ("", ""),
        (" - ", ""),
    ],
)
def test_normalize_ignores_case_spaces_and_dashes(typed, expected):
    assert join_code_normalize(typed) == expected


def test_normalize_keeps_look_alikes_as_typed():
    # PSOASDEMO is hand-picked and contains O and S; turning them into 0 and 5 would break it.
    assert join_code_normalize("psoasdemo") == "PSOASDEMO"
    assert join_code_normalize("0O1I") == "0O1I"


def test_normalize_of_none_is_empty():
    assert join_code_normalize(None) == ""


def test_normalize_is_idempotent():
    for typed in ("4kxm-7tqa", " psoas demo ", "ab\u2013cd"):
        once = join_code_normalize(typed)
        assert join_code_normalize(once) == once
