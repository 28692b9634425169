"""The GIFT benchmark's generated file is valid and covers every type GIFT can express."""

from bench.import_gift import gift_file
from quizzes.interchange.gift import parse_gift


def test_generated_questions_parse_cleanly_and_cover_every_gift_type():
    result = parse_gift(gift_file(70))
    assert result.problems == []
    assert len(result.questions) == 70
    assert {q.qtype for q in result.questions} == {
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numeric",
        "matching",
        "cloze",
    }
