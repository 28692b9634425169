"""Rules every question must meet, whatever file it came from. Pure: no database.

Messages say what to fix; tests assert them by name.
"""

import re
from collections.abc import Mapping
from decimal import Decimal

from quizzes.interchange.drafts import Problem, QuestionDraft

QUESTION_TYPES = (
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
    "cloze",
    "flashcard",
    "hotspot",
)
# How messages name a type: words a person reads, close to the code a file writes.
TYPE_WORDS = {
    "single_choice": "single-choice",
    "multiple_response": "multiple-response",
    "true_false": "true/false",
    "short_answer": "short-answer",
    "numeric": "numeric",
    "matching": "matching",
    "ordering": "ordering",
    "cloze": "cloze",
    "flashcard": "flashcard",
    "hotspot": "hotspot",
}
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
CLOZE_BLANK = re.compile(r"\{\{(\d+)\}\}")
FULL = Decimal(1)

BAD_KEY = "key {key!r} must be 1-100 lowercase letters, digits, '-' or '_'"
DUPLICATE_KEY = "key {key!r} is used twice in this bank"
UNKNOWN_TYPE = "unknown type {qtype!r}; use one of: " + ", ".join(QUESTION_TYPES)
MISSING_FIELD = "{field} is empty; every question needs a {field}"
BAD_DIFFICULTY = "difficulty must be a whole number from 1 (easiest) to 5 (hardest)"
FRACTION_RANGE = "option {n}: weight must be between -100 and 100 percent"
MYTH_ON_RIGHT = "option {n} is flagged as a myth but earns credit; only wrong options state myths"
TOO_FEW_OPTIONS = "a {qtype} question needs at least {count} options"
SINGLE_NEEDS_ONE_RIGHT = "a single-choice question needs exactly one fully right option (found {n})"
MULTI_WEIGHTS = (
    "the positive weights of a multiple-response question must add up to 100% "
    "(they add up to {total}%)"
)
TRUE_FALSE_SHAPE = "a true/false question has the two options True and False, one of them right"
NEEDS_FULL_ANSWER = "a {qtype} question needs at least one answer worth 100%"
EMPTY_OPTION = "option {n} has no text"
NUMERIC_SHAPE = (
    "option {n}: give either value and tolerance (tolerance 0 or more) "
    "or min and max (min not above max)"
)
MATCHING_SHAPE = "a matching question needs at least two pairs, each with a prompt and an answer"
MATCHING_DUPLICATE = "matching prompt {prompt!r} appears twice"
ORDERING_SHAPE = "an ordering question needs at least two items"
CLOZE_PLACEHOLDERS = (
    "the prompt must contain the blanks {{{{1}}}} to {{{{{n}}}}} in order, once each "
    "(found {found})"
)
CLOZE_BLANK_EMPTY = "blank {n} has no accepted answer"
FLASHCARD_BACK = "a flashcard needs a back"
FLASHCARD_OPTIONS = "a flashcard has no options; put the answer on its back"
HOTSPOT_DIAGRAM = "a hotspot question needs a diagram"
UNKNOWN_DIAGRAM = "diagram {diagram!r} does not exist; known diagrams: {known}"
UNKNOWN_REGION = "region {region!r} is not in diagram {diagram!r}"


def validate_question(
    draft: QuestionDraft, diagrams: Mapping[str, Mapping[str, str]] | None = None
) -> list[Problem]:
    """Every problem with one question. `diagrams` maps diagram slug to its regions, when known."""
    problems: list[str] = []
    if not KEY_PATTERN.match(draft.key):
        problems.append(BAD_KEY.format(key=draft.key))
    if draft.qtype not in QUESTION_TYPES:
        return [Problem(draft.line, m) for m in [*problems, UNKNOWN_TYPE.format(qtype=draft.qtype)]]
    for field_name in ("prompt", "explanation", "source"):
        if not getattr(draft, field_name).strip():
            problems.append(MISSING_FIELD.format(field=field_name))
    if not (isinstance(draft.difficulty, int) and 1 <= draft.difficulty <= 5):
        problems.append(BAD_DIFFICULTY)
    for n, option in enumerate(draft.options, start=1):
        if not -FULL <= option.fraction <= FULL:
            problems.append(FRACTION_RANGE.format(n=n))
        if option.is_myth and option.fraction > 0:
            problems.append(MYTH_ON_RIGHT.format(n=n))
    problems.extend(_TYPE_RULES[draft.qtype](draft, diagrams))
    return [Problem(draft.line, message) for message in problems]


def validate_bank(
    questions: list[QuestionDraft], diagrams: Mapping[str, Mapping[str, str]] | None = None
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for draft in questions:
        if draft.key in seen:
            problems.append(Problem(draft.line, DUPLICATE_KEY.format(key=draft.key)))
        seen.add(draft.key)
        problems.extend(validate_question(draft, diagrams))
    return problems


def _text_options_present(draft: QuestionDraft) -> list[str]:
    return [EMPTY_OPTION.format(n=n) for n, o in enumerate(draft.options, 1) if not o.text.strip()]


def _single_choice(draft, diagrams):
    if len(draft.options) < 2:
        return [TOO_FEW_OPTIONS.format(qtype=TYPE_WORDS[draft.qtype], count=2)]
    right = sum(1 for o in draft.options if o.fraction == FULL)
    problems = _text_options_present(draft)
    if right != 1:
        problems.append(SINGLE_NEEDS_ONE_RIGHT.format(n=right))
    return problems


def _multiple_response(draft, diagrams):
    if len(draft.options) < 2:
        return [TOO_FEW_OPTIONS.format(qtype=TYPE_WORDS[draft.qtype], count=2)]
    problems = _text_options_present(draft)
    total = sum((o.fraction for o in draft.options if o.fraction > 0), Decimal(0))
    if abs(total - FULL) > Decimal("0.0001"):
        problems.append(MULTI_WEIGHTS.format(total=format((total * 100).normalize(), "f")))
    return problems


def _true_false(draft, diagrams):
    texts = [o.text for o in draft.options]
    right = [o for o in draft.options if o.fraction == FULL]
    if texts != ["True", "False"] or len(right) != 1:
        return [TRUE_FALSE_SHAPE]
    return []


def _short_answer(draft, diagrams):
    problems = _text_options_present(draft)
    if not any(o.fraction == FULL for o in draft.options):
        problems.append(NEEDS_FULL_ANSWER.format(qtype=TYPE_WORDS[draft.qtype]))
    return problems


def _numeric(draft, diagrams):
    problems = []
    for n, option in enumerate(draft.options, 1):
        if not _numeric_shape_ok(option.data):
            problems.append(NUMERIC_SHAPE.format(n=n))
    if not any(o.fraction == FULL for o in draft.options):
        problems.append(NEEDS_FULL_ANSWER.format(qtype=TYPE_WORDS[draft.qtype]))
    return problems


def _numeric_shape_ok(data: Mapping) -> bool:
    def is_number(value):
        return isinstance(value, int | float | Decimal) and not isinstance(value, bool)

    if set(data) == {"value", "tolerance"}:
        return is_number(data["value"]) and is_number(data["tolerance"]) and data["tolerance"] >= 0
    if set(data) == {"min", "max"}:
        return is_number(data["min"]) and is_number(data["max"]) and data["min"] <= data["max"]
    return False


def _matching(draft, diagrams):
    pairs = [o for o in draft.options if o.data.get("prompt")]
    if len(pairs) < 2 or any(not o.text.strip() for o in draft.options):
        return [MATCHING_SHAPE]
    problems = []
    seen = set()
    for option in pairs:
        prompt = option.data["prompt"]
        if prompt in seen:
            problems.append(MATCHING_DUPLICATE.format(prompt=prompt))
        seen.add(prompt)
    return problems


def _ordering(draft, diagrams):
    if len(draft.options) < 2:
        return [ORDERING_SHAPE]
    return _text_options_present(draft)


def _cloze(draft, diagrams):
    found = [int(n) for n in CLOZE_BLANK.findall(draft.prompt)]
    blanks = sorted({o.data.get("blank") for o in draft.options if "blank" in o.data})
    count = len(blanks)
    problems = []
    if count == 0 or found != list(range(1, count + 1)) or blanks != list(range(1, count + 1)):
        problems.append(CLOZE_PLACEHOLDERS.format(n=max(count, 1), found=found))
    for blank in blanks:
        if not any(o.data.get("blank") == blank and o.fraction == FULL for o in draft.options):
            problems.append(CLOZE_BLANK_EMPTY.format(n=blank))
    return problems + _text_options_present(draft)


def _flashcard(draft, diagrams):
    problems = []
    if not str(draft.config.get("back", "")).strip():
        problems.append(FLASHCARD_BACK)
    if draft.options:
        problems.append(FLASHCARD_OPTIONS)
    return problems


def _hotspot(draft, diagrams):
    diagram = draft.config.get("diagram")
    if not diagram:
        return [HOTSPOT_DIAGRAM]
    problems = []
    if not any(o.fraction == FULL for o in draft.options):
        problems.append(NEEDS_FULL_ANSWER.format(qtype=TYPE_WORDS[draft.qtype]))
    if diagrams is not None:
        if diagram not in diagrams:
            known = ", ".join(sorted(diagrams)) or "none"
            return [*problems, UNKNOWN_DIAGRAM.format(diagram=diagram, known=known)]
        for option in draft.options:
            region = option.data.get("region")
            if region not in diagrams[diagram]:
                problems.append(UNKNOWN_REGION.format(region=region, diagram=diagram))
    return problems


_TYPE_RULES = {
    "single_choice": _single_choice,
    "multiple_response": _multiple_response,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
    "cloze": _cloze,
    "flashcard": _flashcard,
    "hotspot": _hotspot,
}
