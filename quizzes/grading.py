"""Grading: a question and a response in, a score and feedback out. Pure: no database.

Responses are plain JSON-shaped dicts, one shape per type (docs/grading.md lists them). A response
that does not fit its question raises InvalidResponse with a message a person can act on; a
question never scores below zero or above one.
"""

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

ZERO = Decimal(0)
ONE = Decimal(1)
QUANTUM = Decimal("0.00001")
# Weights written as thirds (33.333%) add up to 0.99999; that is full marks.
FULL_MARKS_SLACK = Decimal("0.0001")

NOT_AN_OPTION = "that choice is not one of this question's options"
NOT_A_NUMBER = "{value!r} is not a number; type digits, with a dot or comma for decimals"
BAD_SHAPE = "the answer to a {qtype} question must be {shape}"
NUMBER_TOO_LARGE = "{value!r} is too large or too small to be an answer here"
SELF_RATED = "flashcards are rated by the student, not graded"


class InvalidResponse(ValueError):
    pass


class Outcome(StrEnum):
    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    UNANSWERED = "unanswered"


@dataclass(frozen=True)
class GradingOption:
    id: int
    text: str
    fraction: Decimal
    feedback: str = ""
    data: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class GradingQuestion:
    qtype: str
    options: tuple[GradingOption, ...]
    config: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Grade:
    fraction: Decimal
    outcome: Outcome
    # Options the response chose or matched (for feedback, distractor and myth reports).
    matched: tuple[int, ...] = ()
    feedback: tuple[str, ...] = ()
    # Per part (blank, pair, item) whether it was right, for the review page.
    parts: Mapping[str, bool] = field(default_factory=dict)


def grade(question: GradingQuestion, response: Mapping | None) -> Grade:
    if question.qtype == "flashcard":
        raise InvalidResponse(SELF_RATED)
    if not response:
        return Grade(ZERO, Outcome.UNANSWERED)
    return _GRADERS[question.qtype](question, response)


def _result(fraction: Decimal, matched=(), feedback=(), parts=None) -> Grade:
    if abs(fraction - ONE) <= FULL_MARKS_SLACK:
        fraction = ONE
    fraction = min(ONE, max(ZERO, fraction)).quantize(QUANTUM)
    if fraction == ONE:
        outcome = Outcome.CORRECT
    elif fraction == ZERO:
        outcome = Outcome.INCORRECT
    else:
        outcome = Outcome.PARTIAL
    return Grade(
        fraction,
        outcome,
        tuple(matched),
        tuple(f for f in feedback if f),
        dict(parts or {}),
    )


def _options_by_id(question: GradingQuestion) -> dict[int, GradingOption]:
    return {o.id: o for o in question.options}


def _option_id(value, question: GradingQuestion) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidResponse(NOT_AN_OPTION)
    try:
        option_id = int(value)
    except ValueError:
        raise InvalidResponse(NOT_AN_OPTION) from None
    if option_id not in _options_by_id(question):
        raise InvalidResponse(NOT_AN_OPTION)
    return option_id


def _single(question, response):
    if "option" not in response:
        raise InvalidResponse(BAD_SHAPE.format(qtype=question.qtype, shape='{"option": id}'))
    option = _options_by_id(question)[_option_id(response["option"], question)]
    return _result(option.fraction, [option.id], [option.feedback])


def _multiple(question, response):
    chosen = response.get("options")
    if not isinstance(chosen, list):
        raise InvalidResponse(BAD_SHAPE.format(qtype=question.qtype, shape='{"options": [ids]}'))
    by_id = _options_by_id(question)
    ids = sorted({_option_id(value, question) for value in chosen})
    if not ids:
        return Grade(ZERO, Outcome.UNANSWERED)
    total = sum((by_id[i].fraction for i in ids), ZERO)
    return _result(total, ids, [by_id[i].feedback for i in ids])


_PUNCTUATION = re.compile(r"[^\w\s*]")
_SPACES = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Fold case, accents, punctuation and spacing: 'Lesser  Trochanter.' → 'lesser trochanter'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = _PUNCTUATION.sub(" ", bare.casefold().replace("_", " "))
    return _SPACES.sub(" ", bare).strip()


def text_matches(given: str, accepted: str) -> bool:
    """Normalised equality; '*' in an accepted answer stands for any run of characters."""
    given, accepted = normalize_text(given), normalize_text(accepted)
    if "*" not in accepted:
        return given == accepted
    pattern = ".*".join(re.escape(part.strip()) for part in accepted.split("*"))
    return re.fullmatch(pattern, given) is not None


def _short(question, response):
    text = response.get("text")
    if not isinstance(text, str):
        raise InvalidResponse(BAD_SHAPE.format(qtype=question.qtype, shape='{"text": "..."}'))
    if not text.strip():
        return Grade(ZERO, Outcome.UNANSWERED)
    # The most generous matching answer counts, as in Moodle.
    matches = [o for o in question.options if text_matches(text, o.text)]
    if not matches:
        return _result(ZERO)
    best = max(matches, key=lambda o: o.fraction)
    return _result(best.fraction, [best.id], [best.feedback])


def parse_number(raw) -> Decimal:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return Decimal(str(raw))
    if not isinstance(raw, str):
        raise InvalidResponse(NOT_A_NUMBER.format(value=raw))
    text = raw.strip().replace(" ", "")
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidResponse(NOT_A_NUMBER.format(value=raw)) from None
    if not value.is_finite():
        raise InvalidResponse(NOT_A_NUMBER.format(value=raw))
    # Astronomical exponents are typing accidents, and arithmetic on them is slow.
    if value and abs(value.adjusted()) > 30:
        raise InvalidResponse(NUMBER_TOO_LARGE.format(value=raw))
    return value


def _numeric_accepts(option: GradingOption, value: Decimal) -> bool:
    data = option.data
    if "min" in data:
        return Decimal(str(data["min"])) <= value <= Decimal(str(data["max"]))
    centre, tolerance = Decimal(str(data["value"])), Decimal(str(data.get("tolerance", 0)))
    return abs(value - centre) <= tolerance


def _numeric(question, response):
    raw = response.get("value")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Grade(ZERO, Outcome.UNANSWERED)
    value = parse_number(raw)
    matches = [o for o in question.options if _numeric_accepts(o, value)]
    if not matches:
        return _result(ZERO)
    best = max(matches, key=lambda o: o.fraction)
    return _result(best.fraction, [best.id], [best.feedback])


def _matching(question, response):
    pairs = response.get("pairs")
    if not isinstance(pairs, Mapping):
        shape = '{"pairs": {prompt option id: chosen option id}}'
        raise InvalidResponse(BAD_SHAPE.format(qtype=question.qtype, shape=shape))
    by_id = _options_by_id(question)
    prompts = [o for o in question.options if o.data.get("prompt")]
    chosen = {_option_id(k, question): _option_id(v, question) for k, v in pairs.items() if v}
    if not chosen:
        return Grade(ZERO, Outcome.UNANSWERED)
    parts = {}
    for prompt in prompts:
        pick = chosen.get(prompt.id)
        # Two prompts may share an answer text; any option carrying that text is right.
        parts[str(prompt.id)] = pick is not None and by_id[pick].text == prompt.text
    right = sum(parts.values())
    return _result(
        Decimal(right) / Decimal(len(prompts)), sorted(set(chosen.values())), parts=parts
    )


def _ordering(question, response):
    order = response.get("order")
    if not isinstance(order, list):
        raise InvalidResponse(BAD_SHAPE.format(qtype=question.qtype, shape='{"order": [ids]}'))
    ids = [_option_id(value, question) for value in order]
    correct = [o.id for o in question.options]
    if sorted(ids) != sorted(correct):
        raise InvalidResponse("put every item in the list exactly once")
    return _result(ordering_score(ids, correct, question.config.get("ordering_grading")))


def ordering_score(given: Sequence[int], correct: Sequence[int], method: str | None) -> Decimal:
    """Share of credit for an order.

    relative_next (default): each item is followed by the item that should follow it; a
    single misplaced item costs little. absolute_position: each item sits in its place.
    all_or_nothing: the whole order is right.
    """
    n = len(correct)
    if method == "all_or_nothing":
        return ONE if list(given) == list(correct) else ZERO
    if method == "absolute_position":
        return Decimal(sum(g == c for g, c in zip(given, correct, strict=True))) / Decimal(n)
    following = {correct[i]: correct[i + 1] for i in range(n - 1)}
    right = sum(following.get(given[i]) == given[i + 1] for i in range(n - 1))
    return Decimal(right) / Decimal(n - 1)


def _cloze(question, response):
    blanks = response.get("blanks")
    if not isinstance(blanks, Mapping):
        shape = '{"blanks": {"1": "text", ...}}'
        raise InvalidResponse(BAD_SHAPE.format(qtype=question.qtype, shape=shape))
    numbers = sorted({o.data["blank"] for o in question.options})
    if not any(isinstance(v, str) and v.strip() for v in blanks.values()):
        return Grade(ZERO, Outcome.UNANSWERED)
    parts, matched, feedback = {}, [], []
    for number in numbers:
        given = blanks.get(str(number))
        candidates = [o for o in question.options if o.data["blank"] == number]
        hit = None
        if isinstance(given, str) and given.strip():
            for option in candidates:
                exact = option.data.get("choice")
                if (given == option.text) if exact else text_matches(given, option.text):
                    hit = option if hit is None or option.fraction > hit.fraction else hit
        parts[str(number)] = hit is not None and hit.fraction == ONE
        if hit is not None:
            matched.append(hit.id)
            if not parts[str(number)]:
                feedback.append(hit.feedback)
    right = sum(parts.values())
    return _result(Decimal(right) / Decimal(len(numbers)), matched, feedback, parts)


def _hotspot(question, response):
    region = response.get("region")
    if not isinstance(region, str):
        raise InvalidResponse(BAD_SHAPE.format(qtype=question.qtype, shape='{"region": "id"}'))
    named = [o for o in question.options if o.data.get("region") == region]
    if not named:
        # Any region the author did not name is simply wrong.
        return _result(ZERO)
    best = max(named, key=lambda o: o.fraction)
    return _result(best.fraction, [best.id], [best.feedback])


_GRADERS = {
    "single_choice": _single,
    "true_false": _single,
    "multiple_response": _multiple,
    "short_answer": _short,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
    "cloze": _cloze,
    "hotspot": _hotspot,
}
