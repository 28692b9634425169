"""The bundled bank format: one YAML file per bank, written by hand and reviewed in diffs.

The format is described in docs/bank-format.md. `parse_bank_file` turns a file's text into drafts
and lists every problem with its line; a file with problems imports nothing.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

import yaml

from quizzes.interchange.drafts import BankDraft, OptionDraft, Problem, QuestionDraft
from quizzes.interchange.validation import QUESTION_TYPES, validate_bank

FORMAT_TAG = "psoasquiz-bank/1"
TOPICS = ("anatomy", "actions", "myths", "teaching", "other")
QUANTUM = Decimal("0.00001")

NOT_YAML = "this is not valid YAML: {error}"
WRONG_FORMAT = f"the first line must be 'format: {FORMAT_TAG}'"
TOP_LEVEL_SHAPE = "the file needs a 'bank' mapping and a 'questions' list"
BANK_FIELD = "bank: {field} is missing"
BANK_TOPIC = "bank: topic must be one of " + ", ".join(TOPICS)
NOT_A_MAPPING = "each question must be a mapping of field: value"
UNKNOWN_FIELDS = "unknown field(s) {fields} for a {qtype} question; allowed: {allowed}"
BAD_WEIGHT = "option {n}: weight {weight!r} is not a number"
BAD_OPTION = "option {n} must be a mapping with at least 'text'"
BAD_LIST = "'{field}' must be a list"
QUIZ_SHAPE = "quiz {n}: needs slug, title, and 'questions' (keys) or 'draw' rules"
QUIZ_UNKNOWN_QUESTION = "quiz {slug!r}: no question with key {key!r} in this bank"
QUIZ_UNKNOWN_FIELDS = "quiz {slug!r}: unknown field(s) {fields}"
QUIZ_BAD_DRAW = (
    "quiz {slug!r}: each draw rule is a mapping with a whole 'count' above 0, "
    "and optionally 'bank' (a bank slug) and 'tag'"
)
QUIZ_UNKNOWN_BANK = "quiz {slug!r}: draws from bank {bank!r}, which no bank file defines"

COMMON_FIELDS = {"key", "type", "prompt", "explanation", "source", "difficulty", "tags"}
TYPE_FIELDS = {
    "single_choice": {"options"},
    "multiple_response": {"options"},
    "true_false": {"answer", "feedback_true", "feedback_false", "myth"},
    "short_answer": {"answers"},
    "numeric": {"answers", "unit"},
    "matching": {"pairs", "extra_answers"},
    "ordering": {"items"},
    "cloze": {"blanks"},
    "flashcard": {"front", "back"},
    "hotspot": {"diagram", "regions", "distractor_regions"},
}
QUIZ_FIELDS = {
    "slug",
    "title",
    "description",
    "questions",
    "draw",
    "time_limit_minutes",
    "attempts_allowed",
    "grading_method",
    "feedback_timing",
    "pass_mark",
    "shuffle_questions",
}


@dataclass(frozen=True)
class QuizDraft:
    slug: str
    title: str
    description: str = ""
    question_keys: tuple[str, ...] = ()
    # Each rule: {"count": n, "bank": slug or None, "tag": name or None}.
    draws: tuple[dict, ...] = ()
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class BankFile:
    bank: BankDraft | None
    quizzes: tuple[QuizDraft, ...]
    problems: tuple[Problem, ...]


def parse_bank_file(text: str, diagrams: Mapping[str, Mapping[str, str]] | None = None) -> BankFile:
    """Read one bank file. `diagrams` maps diagram slug to {region id: name}, when known."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", -1) + 1
        return BankFile(None, (), (Problem(line, NOT_YAML.format(error=_short(error))),))
    if not isinstance(data, dict) or data.get("format") != FORMAT_TAG:
        return BankFile(None, (), (Problem(1, WRONG_FORMAT),))
    if not isinstance(data.get("bank"), dict) or not isinstance(data.get("questions"), list):
        return BankFile(None, (), (Problem(1, TOP_LEVEL_SHAPE),))

    problems: list[Problem] = []
    bank_data = data["bank"]
    bank_line = _line_of(root, "bank")
    for name in ("slug", "title", "topic"):
        if not str(bank_data.get(name) or "").strip():
            problems.append(Problem(bank_line, BANK_FIELD.format(field=name)))
    if bank_data.get("topic") and bank_data["topic"] not in TOPICS:
        problems.append(Problem(bank_line, BANK_TOPIC))

    question_lines = _item_lines(root, "questions")
    drafts: list[QuestionDraft] = []
    for index, item in enumerate(data["questions"]):
        line = question_lines[index] if index < len(question_lines) else 0
        draft, item_problems = _question(item, line, diagrams or {})
        problems.extend(item_problems)
        if draft is not None:
            drafts.append(draft)
    problems.extend(validate_bank(drafts, diagrams))

    quizzes, quiz_problems = _quizzes(
        data.get("quizzes") or [], _item_lines(root, "quizzes"), {d.key for d in drafts}
    )
    problems.extend(quiz_problems)

    bank = BankDraft(
        slug=str(bank_data.get("slug") or ""),
        title=str(bank_data.get("title") or ""),
        topic=str(bank_data.get("topic") or "other"),
        description=str(bank_data.get("description") or "").strip(),
        questions=tuple(drafts),
    )
    return BankFile(bank, tuple(quizzes), tuple(sorted(problems, key=lambda p: p.line)))


def _question(item, line: int, diagrams) -> tuple[QuestionDraft | None, list[Problem]]:
    if not isinstance(item, dict):
        return None, [Problem(line, NOT_A_MAPPING)]
    qtype = str(item.get("type", ""))
    if qtype not in QUESTION_TYPES:
        # validate_question words the message; give it a draft to look at.
        return _draft(item, line, qtype, (), {}), []
    allowed = COMMON_FIELDS | TYPE_FIELDS[qtype]
    unknown = sorted(set(item) - allowed)
    if unknown:
        return None, [
            Problem(
                line,
                UNKNOWN_FIELDS.format(
                    fields=", ".join(unknown), qtype=qtype, allowed=", ".join(sorted(allowed))
                ),
            )
        ]
    try:
        options, config = _BUILDERS[qtype](item, diagrams)
    except _Invalid as invalid:
        return None, [Problem(line, str(invalid))]
    return _draft(item, line, qtype, options, config), []


def _draft(item, line, qtype, options, config) -> QuestionDraft:
    prompt = item.get("front") if qtype == "flashcard" else item.get("prompt")
    difficulty = item.get("difficulty", 2)
    return QuestionDraft(
        key=str(item.get("key", "")),
        qtype=qtype,
        prompt=_text(prompt),
        explanation=_text(item.get("explanation")),
        source=_text(item.get("source")),
        difficulty=difficulty if isinstance(difficulty, int) else -1,
        tags=tuple(str(t) for t in (item.get("tags") or [])),
        options=tuple(options),
        config=config,
        line=line,
    )


class _Invalid(ValueError):
    pass


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _fraction(weight, n: int) -> Decimal:
    try:
        return (Decimal(str(weight)) / 100).quantize(QUANTUM, rounding=ROUND_HALF_EVEN)
    except (InvalidOperation, ValueError):
        raise _Invalid(BAD_WEIGHT.format(n=n, weight=weight)) from None


def _list(item, name) -> list:
    value = item.get(name) or []
    if not isinstance(value, list):
        raise _Invalid(BAD_LIST.format(field=name))
    return value


def _choices(item, diagrams):
    raw = _list(item, "options")
    for n, option in enumerate(raw, 1):
        if not isinstance(option, dict) or "text" not in option:
            raise _Invalid(BAD_OPTION.format(n=n))
    right = sum(1 for o in raw if o.get("correct"))
    # Without explicit weights, right options share the marks and each wrong one takes back as
    # much as a right one gives, so ticking every box earns nothing.
    share = 100 / right if right else 100
    options = []
    for n, option in enumerate(raw, 1):
        if "weight" in option:
            weight = option["weight"]
        elif option.get("correct"):
            weight = share if item["type"] == "multiple_response" else 100
        else:
            weight = -share if item["type"] == "multiple_response" else 0
        options.append(
            OptionDraft(
                text=_text(option["text"]),
                fraction=_fraction(weight, n),
                feedback=_text(option.get("feedback")),
                is_myth=bool(option.get("myth", False)),
            )
        )
    return options, {}


def _true_false(item, diagrams):
    answer = item.get("answer")
    if not isinstance(answer, bool):
        raise _Invalid("a true/false question needs 'answer: true' or 'answer: false'")
    myth = bool(item.get("myth", False))
    return [
        OptionDraft(
            text="True",
            fraction=Decimal(1) if answer else Decimal(0),
            feedback=_text(item.get("feedback_true")),
            is_myth=myth and not answer,
        ),
        OptionDraft(
            text="False",
            fraction=Decimal(0) if answer else Decimal(1),
            feedback=_text(item.get("feedback_false")),
            is_myth=myth and answer,
        ),
    ], {}


def _short_answer(item, diagrams):
    options = []
    for n, answer in enumerate(_list(item, "answers"), 1):
        if isinstance(answer, str):
            answer = {"text": answer}
        if not isinstance(answer, dict) or "text" not in answer:
            raise _Invalid(BAD_OPTION.format(n=n))
        options.append(
            OptionDraft(
                text=_text(answer["text"]),
                fraction=_fraction(answer.get("weight", 100), n),
                feedback=_text(answer.get("feedback")),
                is_myth=bool(answer.get("myth", False)),
            )
        )
    return options, {}


def _numeric(item, diagrams):
    options = []
    for n, answer in enumerate(_list(item, "answers"), 1):
        if not isinstance(answer, dict):
            raise _Invalid(BAD_OPTION.format(n=n))
        if "min" in answer or "max" in answer:
            data = {"min": answer.get("min"), "max": answer.get("max")}
            text = f"{answer.get('min')} to {answer.get('max')}"
        else:
            data = {"value": answer.get("value"), "tolerance": answer.get("tolerance", 0)}
            text = f"{answer.get('value')}" + (
                f" ± {data['tolerance']}" if data["tolerance"] else ""
            )
        options.append(
            OptionDraft(
                text=text,
                fraction=_fraction(answer.get("weight", 100), n),
                feedback=_text(answer.get("feedback")),
                is_myth=bool(answer.get("myth", False)),
                data=data,
            )
        )
    config = {"unit": _text(item["unit"])} if item.get("unit") else {}
    return options, config


def _matching(item, diagrams):
    options = []
    for n, pair in enumerate(_list(item, "pairs"), 1):
        if not isinstance(pair, dict) or not pair.get("prompt") or not pair.get("answer"):
            raise _Invalid(f"pair {n} needs a prompt and an answer")
        options.append(
            OptionDraft(
                text=_text(pair["answer"]),
                fraction=Decimal(1),
                data={"prompt": _text(pair["prompt"])},
            )
        )
    for extra in _list(item, "extra_answers"):
        options.append(OptionDraft(text=_text(extra)))
    return options, {}


def _ordering(item, diagrams):
    return [
        OptionDraft(text=_text(entry), fraction=Decimal(1)) for entry in _list(item, "items")
    ], {}


def _cloze(item, diagrams):
    options = []
    for n, blank in enumerate(_list(item, "blanks"), 1):
        if not isinstance(blank, dict) or not isinstance(blank.get("answers"), list):
            raise _Invalid(f"blank {n} needs a list of accepted 'answers'")
        accepted = [_text(a) for a in blank["answers"]]
        choices = [_text(c) for c in blank.get("choices") or []]
        feedback = _text(blank.get("feedback"))
        if choices:
            for choice in choices:
                options.append(
                    OptionDraft(
                        text=choice,
                        fraction=Decimal(1) if choice in accepted else Decimal(0),
                        feedback=feedback,
                        data={"blank": n, "choice": True},
                    )
                )
        else:
            for answer in accepted:
                options.append(
                    OptionDraft(
                        text=answer, fraction=Decimal(1), feedback=feedback, data={"blank": n}
                    )
                )
    return options, {}


def _flashcard(item, diagrams):
    return [], {"back": _text(item.get("back"))}


def _hotspot(item, diagrams):
    diagram = _text(item.get("diagram"))
    names = diagrams.get(diagram, {})
    options = [
        OptionDraft(text=names.get(region, region), fraction=Decimal(1), data={"region": region})
        for region in (_text(r) for r in _list(item, "regions"))
    ]
    for n, entry in enumerate(_list(item, "distractor_regions"), 1):
        if not isinstance(entry, dict) or "region" not in entry:
            raise _Invalid(f"distractor region {n} needs 'region'")
        region = _text(entry["region"])
        options.append(
            OptionDraft(
                text=names.get(region, region),
                feedback=_text(entry.get("feedback")),
                is_myth=bool(entry.get("myth", False)),
                data={"region": region},
            )
        )
    return options, {"diagram": diagram}


_BUILDERS = {
    "single_choice": _choices,
    "multiple_response": _choices,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
    "cloze": _cloze,
    "flashcard": _flashcard,
    "hotspot": _hotspot,
}


def _quizzes(raw, lines, keys) -> tuple[list[QuizDraft], list[Problem]]:
    quizzes, problems = [], []
    for n, entry in enumerate(raw if isinstance(raw, list) else [], 1):
        line = lines[n - 1] if n - 1 < len(lines) else 0
        if not isinstance(entry, dict) or not entry.get("slug") or not entry.get("title"):
            problems.append(Problem(line, QUIZ_SHAPE.format(n=n)))
            continue
        slug = str(entry["slug"])
        unknown = sorted(set(entry) - QUIZ_FIELDS)
        if unknown:
            problems.append(
                Problem(line, QUIZ_UNKNOWN_FIELDS.format(slug=slug, fields=", ".join(unknown)))
            )
            continue
        question_keys = tuple(str(k) for k in entry.get("questions") or [])
        raw_draws = entry.get("draw") or []
        if not isinstance(raw_draws, list) or not all(_draw_ok(d) for d in raw_draws):
            problems.append(Problem(line, QUIZ_BAD_DRAW.format(slug=slug)))
            continue
        draws = tuple(
            {"count": d["count"], "bank": d.get("bank"), "tag": d.get("tag")} for d in raw_draws
        )
        if not question_keys and not draws:
            problems.append(Problem(line, QUIZ_SHAPE.format(n=n)))
        for key in question_keys:
            if key not in keys:
                problems.append(Problem(line, QUIZ_UNKNOWN_QUESTION.format(slug=slug, key=key)))
        settings = {
            k: entry[k]
            for k in QUIZ_FIELDS - {"slug", "title", "description", "questions", "draw"}
            if k in entry
        }
        quizzes.append(
            QuizDraft(
                slug=slug,
                title=str(entry["title"]),
                description=_text(entry.get("description")),
                question_keys=question_keys,
                draws=draws,
                settings=settings,
            )
        )
    return quizzes, problems


def _draw_ok(rule) -> bool:
    return (
        isinstance(rule, dict)
        and set(rule) <= {"count", "bank", "tag"}
        and isinstance(rule.get("count"), int)
        and not isinstance(rule.get("count"), bool)
        and rule["count"] > 0
    )


def _line_of(root, key: str) -> int:
    if isinstance(root, yaml.MappingNode):
        for key_node, value_node in root.value:
            if key_node.value == key:
                return value_node.start_mark.line + 1
    return 0


def _item_lines(root, key: str) -> list[int]:
    if isinstance(root, yaml.MappingNode):
        for key_node, value_node in root.value:
            if key_node.value == key and isinstance(value_node, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value_node.value]
    return []


def _short(error: yaml.YAMLError) -> str:
    return str(error).splitlines()[0] if str(error) else error.__class__.__name__
