"""Moodle's GIFT format: read instructors' question files, write ours back out. Pure: no database.

What GIFT constructs map to, and the comment conventions that carry what GIFT has no place for
(source, difficulty, tags, myth flags, numeric units), are described in docs/import-export.md.
`parse_gift` lists every problem with its line; the caller imports nothing when there is one.
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from quizzes.interchange.drafts import OptionDraft, Problem, QuestionDraft
from quizzes.interchange.validation import (
    CLOZE_BLANK,
    KEY_PATTERN,
    MISSING_FIELD,
    validate_question,
)

QUANTUM = Decimal("0.00001")
FORMATS = ("markdown", "html", "plain", "moodle")
# Our own metadata, one `// name: value` comment line each, in the question's block.
META = re.compile(r"^//\s*(source|difficulty|tags|myths|unit)\s*:(.*)$", re.IGNORECASE)
# `[tag:name]` in a comment line is another way to give a tag.
MOODLE_TAG = re.compile(r"\[tag:([^\]]+)\]")
WEIGHT = re.compile(r"^%([^%]*)%")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
INTEGER = re.compile(r"^[+-]?\d+$")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
ESCAPED = {"~", "=", "#", "{", "}", ":", "\\"}
_ESCAPE = re.compile(r"\\([~=#{}:\\n])")

ESSAY_UNSUPPORTED = (
    "essay questions ({{}} with no answers) are not supported: psoasquiz grades every answer "
    "automatically; write it as a short answer or remove it"
)
DESCRIPTION_UNSUPPORTED = (
    "this text has no answer block {{...}}, so Moodle would read it as a description; "
    "descriptions are not supported: remove it, or make it a // comment"
)
UNCLOSED_NAME = "the question name starts with :: but has no closing ::"
UNCLOSED_BRACE = "the answer block opened with {{ on this line is never closed with }}"
STRAY_CLOSE = "a }} with no {{ before it; write \\}} for a literal brace"
NESTED_BRACE = "a {{ inside an answer block; write \\{{ for a literal brace"
TWO_BLOCKS = (
    "more than one answer block {{...}}: GIFT has one blank per question; "
    "use the bank format (YAML) for several blanks"
)
CATEGORY_NOT_ALONE = "put a blank line after the $CATEGORY line; the question after it was ignored"
META_DETACHED = (
    "this '// {name}:' comment is separated from its question by a blank line; "
    "put it directly above the question"
)
MISSING_SOURCE = (
    "no source: add a comment line '// source: <where the claim comes from>' directly above "
    "the question (or import with a default source)"
)
MISSING_EXPLANATION = (
    "no explanation: add general feedback '####<why the right answer is right>' "
    "just before the closing }}"
)
TEXT_BEFORE_ANSWERS = (
    "text {text!r} before the first answer; start every answer with = (right) or ~ (wrong)"
)
BAD_WEIGHT = "answer weight %{weight}% is not a number between -100 and 100"
NO_RIGHT_ANSWER = "no right answer: mark one with = or give weights such as ~%50% to the right ones"
MATCHING_ARROW = "matching answer {n} needs 'question -> answer'"
BAD_NUMBER = "{text!r} is not a number; write value:tolerance, min..max or a plain number"
NUMERIC_CATCH_ALL = (
    "feedback for any other number (~ in a numeric block) is not supported; "
    "give a wrong value with =%0%value#feedback instead"
)
BLANK_TYPE = (
    "a blank in the middle of the text must hold choices {{=right ~wrong}} or typed answers "
    "{{=answer}}; {qtype} answers cannot fill a blank"
)
BAD_DIFFICULTY_META = "'// difficulty:' must be a whole number from 1 (easiest) to 5 (hardest)"
BAD_MYTHS_META = "'// myths:' lists option numbers (1 for the first answer), e.g. '// myths: 2, 4'"
MYTH_OUT_OF_RANGE = "'// myths:' names option {n}, but the question has {count} options"
UNIT_NOT_NUMERIC = "'// unit:' is only for numeric questions"
EMPTY_ANSWER = "answer {n} has no text"

SKIP_TYPE = "{qtype} questions cannot be written in GIFT"
SKIP_MULTI_BLANK = "GIFT has one blank per question; this cloze has {n}"
SKIP_BLANK_AT_END = "the blank ends the text, which GIFT would read as an ordinary question"
SKIP_ARROW = "'->' in a matching prompt or a short answer cannot be written in GIFT"


@dataclass(frozen=True)
class GiftResult:
    questions: list[QuestionDraft]
    problems: list[Problem]


@dataclass(frozen=True)
class GiftExport:
    text: str
    # (key, why) for every draft GIFT cannot express.
    skipped: list[tuple[str, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------- reading


class _Chars:
    """Text with escapes resolved, remembering which characters were escaped and their lines.

    Searching skips escaped characters, so `\\{` never opens an answer block.
    """

    __slots__ = ("text", "escaped", "lines")

    def __init__(self, text: str, escaped: list[bool], lines: list[int]):
        self.text, self.escaped, self.lines = text, escaped, lines

    @classmethod
    def read(cls, raw_lines: list[tuple[int, str]]) -> "_Chars":
        chars: list[str] = []
        escaped: list[bool] = []
        lines: list[int] = []
        for index, (number, line) in enumerate(raw_lines):
            if index:
                chars.append("\n"), escaped.append(False), lines.append(number)
            at = 0
            for match in _ESCAPE.finditer(line):
                plain = line[at : match.start()]
                chars.append(plain), escaped.extend([False] * len(plain))
                chars.append("\n" if match.group(1) == "n" else match.group(1))
                escaped.append(True)
                at = match.end()
            chars.append(line[at:]), escaped.extend([False] * (len(line) - at))
            lines.extend([number] * (len(escaped) - len(lines)))
        return cls("".join(chars), escaped, lines)

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, span: slice) -> "_Chars":
        return _Chars(self.text[span], self.escaped[span], self.lines[span])

    def line(self, index: int = 0) -> int:
        if not self.lines:
            return 0
        return self.lines[min(max(index, 0), len(self.lines) - 1)]

    def find(self, token: str, start: int = 0) -> int:
        index = self.text.find(token, start)
        while index != -1 and any(self.escaped[index : index + len(token)]):
            index = self.text.find(token, index + 1)
        return index

    def rfind(self, token: str) -> int:
        index = self.text.rfind(token)
        while index != -1 and any(self.escaped[index : index + len(token)]):
            index = self.text.rfind(token, 0, index + len(token) - 1)
        return index

    def lstrip(self) -> "_Chars":
        start = 0
        while start < len(self.text) and self.text[start].isspace() and not self.escaped[start]:
            start += 1
        return self[start:]

    def strip(self) -> "_Chars":
        start, end = 0, len(self.text)
        while start < end and self.text[start].isspace() and not self.escaped[start]:
            start += 1
        while end > start and self.text[end - 1].isspace() and not self.escaped[end - 1]:
            end -= 1
        return self[start:end]

    def split_markers(self, markers: str) -> tuple["_Chars", list[tuple[str, "_Chars"]]]:
        """Text before the first unescaped marker, then (marker, text up to the next) pairs."""
        cuts = [i for i, ch in enumerate(self.text) if ch in markers and not self.escaped[i]]
        head = self[: cuts[0]] if cuts else self
        parts = []
        for n, cut in enumerate(cuts):
            end = cuts[n + 1] if n + 1 < len(cuts) else len(self.text)
            parts.append((self.text[cut], self[cut + 1 : end]))
        return head, parts

    def partition(self, token: str) -> tuple["_Chars", "_Chars | None"]:
        index = self.find(token)
        if index == -1:
            return self, None
        return self[:index], self[index + len(token) :]

    def __str__(self) -> str:
        return self.text.strip()


@dataclass
class _Block:
    first_line: int
    content: list[tuple[int, str]]
    comments: list[tuple[int, str]]


@dataclass
class _Meta:
    source: list[str] = field(default_factory=list)
    difficulty: int = 2
    tags: list[str] = field(default_factory=list)
    myths: list[int] = field(default_factory=list)
    unit: str = ""


class _Invalid(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def parse_gift(text: str, *, default_source: str = "") -> GiftResult:
    """Read a GIFT file into drafts, with every problem and its line.

    `default_source` fills the source of questions that have no `// source:` comment.
    """
    problems: list[Problem] = []
    drafts: list[QuestionDraft] = []
    used_keys: set[str] = set()
    category_tag = ""
    for block in _blocks(text):
        if not block.content:
            problems.extend(_detached_meta(block))
            continue
        first = block.content[0][1].strip()
        if first.startswith("$CATEGORY:"):
            category_tag = _category_tag(first[len("$CATEGORY:") :])
            if len(block.content) > 1:
                problems.append(Problem(block.content[1][0], CATEGORY_NOT_ALONE))
            continue
        try:
            meta = _meta(block)
            draft, own = _question(block, meta, default_source)
        except _Invalid as invalid:
            problems.append(Problem(invalid.line, invalid.message))
            continue
        key = _unique_key(draft.key, used_keys)
        tags = list(meta.tags)
        if category_tag and category_tag not in tags:
            tags.append(category_tag)
        draft = _with_myths(replace(draft, key=key, tags=tuple(tags)), meta)
        problems.extend(Problem(draft.line, m) for m in own)
        problems.extend(_myth_problems(draft, meta))
        problems.extend(_validation(draft))
        drafts.append(draft)
    return GiftResult(drafts, sorted(problems, key=lambda p: p.line))


def _blocks(text: str):
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    block = None
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            if block is not None:
                yield block
            block = None
            continue
        if block is None:
            block = _Block(number, [], [])
        if line.strip().startswith("//"):
            block.comments.append((number, line.lstrip()))
        else:
            block.content.append((number, line))
    if block is not None:
        yield block


def _detached_meta(block: _Block) -> list[Problem]:
    found = []
    for number, line in block.comments:
        match = META.match(line)
        if match:
            found.append(Problem(number, META_DETACHED.format(name=match.group(1).lower())))
    return found


def _category_tag(path: str) -> str:
    parts = [p.strip() for p in path.strip().split("/") if p.strip()]
    if not parts or parts[-1] == "top" or parts[-1].startswith("$"):
        return ""
    return slugify(parts[-1], limit=60)


def _meta(block: _Block) -> _Meta:
    meta = _Meta()
    for number, line in block.comments:
        for tag in MOODLE_TAG.findall(line):
            _add_tag(meta.tags, tag)
        match = META.match(line)
        if not match:
            continue
        name, value = match.group(1).lower(), match.group(2)
        if name == "source":
            meta.source.append(value[1:] if value.startswith(" ") else value)
        elif name == "difficulty":
            if not INTEGER.match(value.strip()) or not 1 <= int(value) <= 5:
                raise _Invalid(number, BAD_DIFFICULTY_META)
            meta.difficulty = int(value)
        elif name == "tags":
            for tag in value.split(","):
                _add_tag(meta.tags, tag)
        elif name == "myths":
            try:
                meta.myths.extend(int(n) for n in value.replace(" ", "").split(",") if n)
            except ValueError:
                raise _Invalid(number, BAD_MYTHS_META) from None
        else:
            meta.unit = value.strip()
    return meta


def _add_tag(tags: list[str], raw: str) -> None:
    # Tags are slugs (Anki and our URLs need them without spaces).
    tag = slugify(raw, limit=60)
    if tag and tag not in tags:
        tags.append(tag)


def _question(block: _Block, meta: _Meta, default_source: str):
    chars = _Chars.read(block.content).strip()
    line = block.content[0][0]
    name = ""
    if chars.text.startswith("::") and not any(chars.escaped[:2]):
        end = chars.find("::", 2)
        if end == -1:
            raise _Invalid(line, UNCLOSED_NAME)
        name = str(chars[2:end])
        chars = chars[end + 2 :].strip()

    open_at = chars.find("{")
    close_at = chars.find("}")
    if open_at == -1:
        if close_at != -1:
            raise _Invalid(chars.line(close_at), STRAY_CLOSE)
        raise _Invalid(line, DESCRIPTION_UNSUPPORTED)
    if close_at != -1 and close_at < open_at:
        raise _Invalid(chars.line(close_at), STRAY_CLOSE)
    if close_at == -1:
        raise _Invalid(chars.line(open_at), UNCLOSED_BRACE)
    nested = chars.find("{", open_at + 1)
    if nested != -1 and nested < close_at:
        raise _Invalid(chars.line(nested), NESTED_BRACE)
    after = chars[close_at + 1 :]
    if after.find("{") != -1:
        raise _Invalid(after.line(after.find("{")), TWO_BLOCKS)
    if after.find("}") != -1:
        raise _Invalid(after.line(after.find("}")), STRAY_CLOSE)

    before = chars[:open_at]
    fmt, before = _format_prefix(before, "markdown")
    answers = chars[open_at + 1 : close_at]
    general = ""
    cut = answers.rfind("####")
    if cut != -1:
        general = _formatted(answers[cut + 4 :], fmt)
        answers = answers[:cut]
    answers = answers.strip()
    blank = bool(after.strip().text)

    if not answers.text:
        raise _Invalid(chars.line(open_at), ESSAY_UNSUPPORTED)
    qtype, options = _answers(answers, fmt)
    if blank:
        if qtype not in ("single_choice", "short_answer"):
            raise _Invalid(chars.line(open_at), BLANK_TYPE.format(qtype=qtype))
        choice = qtype == "single_choice"
        options = [
            replace(o, data={"blank": 1, "choice": True} if choice else {"blank": 1})
            for o in options
        ]
        qtype = "cloze"
        parts = [_formatted(side, fmt, prefix=False, strip=False) for side in (before, after)]
        prompt = "{{1}}".join(parts).strip()
    else:
        prompt = _formatted(before, fmt, prefix=False)

    config = {}
    if meta.unit:
        if qtype != "numeric":
            raise _Invalid(line, UNIT_NOT_NUMERIC)
        config["unit"] = meta.unit
    source = "\n".join(meta.source).strip() or default_source.strip()
    own = []
    if not source:
        own.append(MISSING_SOURCE)
    if not general:
        own.append(MISSING_EXPLANATION)
    key = name if KEY_PATTERN.match(name) else slugify(name or prompt, limit=60)
    draft = QuestionDraft(
        key=key or "question",
        qtype=qtype,
        prompt=prompt,
        explanation=general,
        source=source,
        difficulty=meta.difficulty,
        options=tuple(options),
        config=config,
        line=line,
    )
    return draft, own


def _format_prefix(chars: _Chars, default: str) -> tuple[str, _Chars]:
    chars = chars.lstrip()
    if chars.text.startswith("["):
        end = chars.text.find("]")
        if end != -1 and chars.text[1:end] in FORMATS:
            return chars.text[1:end], chars[end + 1 :]
    return default, chars


def _formatted(chars: _Chars, default: str, *, prefix: bool = True, strip: bool = True) -> str:
    """A text field as Markdown: html is kept (nh3 cleans it when shown), plain is escaped."""
    fmt, chars = _format_prefix(chars, default) if prefix else (default, chars)
    text = chars.text.strip() if strip else chars.text
    if fmt == "plain":
        return plain_to_markdown(text)
    return text


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def plain_to_markdown(text: str) -> str:
    """Plain text that shows exactly as typed once rendered as Markdown."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", "  \n")


def _answers(answers: _Chars, fmt: str) -> tuple[str, list[OptionDraft]]:
    if answers.text.startswith("#") and not answers.escaped[0]:
        return "numeric", _numeric(answers[1:], fmt)
    if answers.find("~") != -1:
        return _choices(answers, fmt)
    head, parts = answers.split_markers("=")
    if parts and parts[0][1].partition("#")[0].find("->") != -1:
        return "matching", _matching(answers, fmt)
    if answers.partition("#")[0].strip().text in TRUE_FALSE:
        return "true_false", _true_false(answers, fmt)
    return "short_answer", _short_answers(answers, fmt)


def _weight(chars: _Chars, default: int) -> tuple[Decimal, _Chars]:
    chars = chars.strip()
    match = WEIGHT.match(chars.text)
    if not match or any(chars.escaped[: match.end()]):
        return Decimal(default) / 100, chars
    raw = match.group(1).strip()
    try:
        weight = Decimal(raw)
    except InvalidOperation:
        raise _Invalid(chars.line(), BAD_WEIGHT.format(weight=raw)) from None
    if not weight.is_finite() or not -100 <= weight <= 100:
        raise _Invalid(chars.line(), BAD_WEIGHT.format(weight=raw))
    fraction = (weight / 100).quantize(QUANTUM, rounding=ROUND_HALF_EVEN)
    return fraction, chars[match.end() :]


def _answer_parts(answers: _Chars, markers: str) -> list[tuple[str, _Chars]]:
    head, parts = answers.split_markers(markers)
    if head.strip().text:
        raise _Invalid(head.strip().line(), TEXT_BEFORE_ANSWERS.format(text=str(head)))
    return parts


def _option(marker_default: int, chars: _Chars, fmt: str, n: int, *, display=True) -> OptionDraft:
    fraction, rest = _weight(chars, marker_default)
    text, feedback = rest.partition("#")
    value = _formatted(text, fmt) if display else _formatted_answer(text)
    if not value:
        raise _Invalid(chars.line(), EMPTY_ANSWER.format(n=n))
    return OptionDraft(
        text=value,
        fraction=fraction,
        feedback=_formatted(feedback, fmt) if feedback is not None else "",
    )


def _formatted_answer(chars: _Chars) -> str:
    # Typed answers are compared with what students type, never rendered: no format applies.
    _, chars = _format_prefix(chars, "markdown")
    return chars.text.strip()


def _choices(answers: _Chars, fmt: str) -> tuple[str, list[OptionDraft]]:
    parts = _answer_parts(answers, "=~")
    options = [
        _option(100 if marker == "=" else 0, chars, fmt, n)
        for n, (marker, chars) in enumerate(parts, 1)
    ]
    if any(marker == "=" for marker, _ in parts):
        return "single_choice", options
    if not any(o.fraction > 0 for o in options):
        raise _Invalid(answers.line(), NO_RIGHT_ANSWER)
    return "multiple_response", options


def _short_answers(answers: _Chars, fmt: str) -> list[OptionDraft]:
    parts = _answer_parts(answers, "=")
    return [_option(100, chars, fmt, n, display=False) for n, (_, chars) in enumerate(parts, 1)]


def _true_false(answers: _Chars, fmt: str) -> list[OptionDraft]:
    verdict, rest = answers.partition("#")
    right = TRUE_FALSE[verdict.strip().text]
    wrong_feedback, right_feedback = "", ""
    if rest is not None:
        wrong, rest = rest.partition("#")
        wrong_feedback = _formatted(wrong, fmt)
        right_feedback = _formatted(rest, fmt) if rest is not None else ""
    # Moodle's order: feedback for a wrong answer first, then for a right one.
    true_feedback = right_feedback if right else wrong_feedback
    false_feedback = wrong_feedback if right else right_feedback
    return [
        OptionDraft("True", Decimal(1) if right else Decimal(0), true_feedback),
        OptionDraft("False", Decimal(0) if right else Decimal(1), false_feedback),
    ]


def _matching(answers: _Chars, fmt: str) -> list[OptionDraft]:
    options = []
    for n, (_, chars) in enumerate(_answer_parts(answers, "="), 1):
        prompt, answer = chars.partition("->")
        if answer is None:
            raise _Invalid(chars.line(), MATCHING_ARROW.format(n=n))
        prompt_text, answer_text = _formatted(prompt, fmt), _formatted(answer, fmt)
        if not answer_text:
            raise _Invalid(chars.line(), EMPTY_ANSWER.format(n=n))
        if prompt_text:
            options.append(OptionDraft(answer_text, Decimal(1), data={"prompt": prompt_text}))
        else:
            # Moodle's matching questions take an empty question as an extra wrong answer.
            options.append(OptionDraft(answer_text))
    return options


def _numeric(answers: _Chars, fmt: str) -> list[OptionDraft]:
    if answers.find("~") != -1:
        raise _Invalid(answers.line(answers.find("~")), NUMERIC_CATCH_ALL)
    head, parts = answers.split_markers("=")
    if head.strip().text:
        if parts:
            raise _Invalid(head.strip().line(), TEXT_BEFORE_ANSWERS.format(text=str(head)))
        parts = [("=", head)]
    options = []
    for _, chars in parts:
        fraction, rest = _weight(chars, 100)
        text, feedback = rest.partition("#")
        options.append(
            _numeric_option(
                text.strip(), fraction, _formatted(feedback, fmt) if feedback is not None else ""
            )
        )
    return options


def _numeric_option(chars: _Chars, fraction: Decimal, feedback: str) -> OptionDraft:
    raw = chars.text
    dots = raw.find("..", 1)
    if dots > 0:
        low, high = _number(raw[:dots], chars), _number(raw[dots + 2 :], chars)
        data = {"min": low, "max": high}
        text = f"{low} to {high}"
    else:
        colon = chars.find(":")
        value = _number(raw[:colon] if colon != -1 else raw, chars)
        tolerance = _number(raw[colon + 1 :], chars) if colon != -1 else 0
        data = {"value": value, "tolerance": tolerance}
        # Same wording as the bank format, so a question reads the same from either file.
        text = f"{value}" + (f" ± {tolerance}" if tolerance else "")
    return OptionDraft(text=text, fraction=fraction, feedback=feedback, data=data)


def _number(raw: str, chars: _Chars) -> int | float:
    raw = raw.strip()
    if not NUMBER.match(raw):
        raise _Invalid(chars.line(), BAD_NUMBER.format(text=chars.text.strip()))
    return int(raw) if INTEGER.match(raw) else float(raw)


def _myth_problems(draft: QuestionDraft, meta: _Meta) -> list[Problem]:
    count = len(draft.options)
    return [
        Problem(draft.line, MYTH_OUT_OF_RANGE.format(n=n, count=count))
        for n in meta.myths
        if not 1 <= n <= count
    ]


def _with_myths(draft: QuestionDraft, meta: _Meta) -> QuestionDraft:
    if not meta.myths:
        return draft
    options = tuple(
        replace(o, is_myth=True) if n in meta.myths else o for n, o in enumerate(draft.options, 1)
    )
    return replace(draft, options=options)


def _validation(draft: QuestionDraft) -> list[Problem]:
    # Our own messages already say how to add a source or explanation in GIFT.
    covered = {MISSING_FIELD.format(field="source"), MISSING_FIELD.format(field="explanation")}
    return [p for p in validate_question(draft) if p.message not in covered]


def slugify(text: str, *, limit: int = 100) -> str:
    """'Psoas: origin (T12–L5)' → 'psoas-origin-t12-l5'; empty when nothing is left."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9_]+", "-", bare.lower()).strip("-_")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug.strip("-_")


def _unique_key(key: str, used: set[str]) -> str:
    candidate, n = key, 2
    while candidate in used:
        suffix = f"-{n}"
        candidate = key[: 100 - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate


# ---------------------------------------------------------------------------------------- writing


def write_gift(drafts) -> str:
    """GIFT text for every draft GIFT can express; the others are listed in a comment on top."""
    return export_gift(drafts).text


def export_gift(drafts) -> GiftExport:
    blocks, skipped = [], []
    for draft in drafts:
        reason = _unwritable(draft)
        if reason:
            skipped.append((draft.key, reason))
        else:
            blocks.append(_write_question(draft))
    header = ["// Questions exported from psoasquiz (GIFT; see docs/import-export.md)."]
    header += [f"// Not exported: {key}: {why}" for key, why in skipped]
    text = "\n\n".join(["\n".join(header), *blocks]) + "\n"
    return GiftExport(text, skipped)


def escape(text: str) -> str:
    """A text as GIFT writes it: special characters escaped, line breaks as \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for ch in text:
        if ch in ESCAPED:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        else:
            out.append(ch)
    return "".join(out)


_FORMAT_LIKE = re.compile(r"^\s*\[(markdown|html|plain|moodle)\]")


def _text(text: str) -> str:
    # A text that itself begins like a format prefix gets ours first, so it is read back as text.
    return ("[markdown]" if _FORMAT_LIKE.match(text) else "") + escape(text)


def _percent(fraction: Decimal) -> str:
    return format((Decimal(fraction) * 100).normalize(), "f")


def _number_text(value) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _unwritable(draft: QuestionDraft) -> str:
    qtype = draft.qtype
    if qtype in ("ordering", "flashcard", "hotspot") or qtype not in _WRITERS:
        return SKIP_TYPE.format(qtype=qtype)
    if qtype in ("single_choice", "multiple_response", "true_false", "short_answer"):
        if any(o.data for o in draft.options):
            return SKIP_TYPE.format(qtype=f"{qtype} with option data")
    if qtype == "short_answer" and draft.options and "->" in draft.options[0].text:
        return SKIP_ARROW
    if qtype == "true_false" and [o.text for o in draft.options] != ["True", "False"]:
        return SKIP_TYPE.format(qtype="malformed true_false")
    if qtype == "matching":
        for option in draft.options:
            prompt = option.data.get("prompt", "")
            if "->" in prompt:
                return SKIP_ARROW
            if option.feedback or option.fraction != (1 if prompt else 0):
                return SKIP_TYPE.format(qtype="matching with feedback or weights")
    if qtype == "cloze":
        blanks = {o.data.get("blank") for o in draft.options}
        found = CLOZE_BLANK.findall(draft.prompt)
        if blanks != {1} or found != ["1"]:
            return SKIP_MULTI_BLANK.format(n=max(len(blanks), len(found)))
        if len({bool(o.data.get("choice")) for o in draft.options}) != 1:
            return SKIP_TYPE.format(qtype="cloze mixing typed and drop-down answers")
        if not draft.prompt.split("{{1}}", 1)[1].strip():
            return SKIP_BLANK_AT_END
    return ""


def _write_question(draft: QuestionDraft) -> str:
    lines = [f"// source: {line}" for line in draft.source.replace("\r", "").split("\n")]
    lines.append(f"// difficulty: {draft.difficulty}")
    if draft.tags:
        lines.append(f"// tags: {', '.join(draft.tags)}")
    myths = [str(n) for n, o in enumerate(draft.options, 1) if o.is_myth]
    if myths:
        lines.append(f"// myths: {', '.join(myths)}")
    if draft.config.get("unit"):
        lines.append(f"// unit: {draft.config['unit']}")
    answers = _WRITERS[draft.qtype](draft)
    if draft.explanation:
        answers.append("####" + _text(draft.explanation))
    block = "{\n" + "".join(f"\t{a}\n" for a in answers) + "}"
    head = f"::{escape(draft.key)}::[markdown]"
    if draft.qtype == "cloze":
        before, after = draft.prompt.split("{{1}}", 1)
        lines.append(head + escape(before) + block + escape(after))
    else:
        lines.append(head + escape(draft.prompt) + block)
    return "\n".join(lines)


def _feedback(option: OptionDraft) -> str:
    return "#" + _text(option.feedback) if option.feedback else ""


def _choice_lines(draft: QuestionDraft, *, single: bool) -> list[str]:
    out, marked = [], False
    for option in draft.options:
        text = _text(option.text)
        if single and option.fraction == 1 and not marked:
            marked = True
            prefix = "=%100%" if text.startswith("%") else "="
        elif option.fraction == 0 and not text.startswith("%"):
            prefix = "~"
        else:
            prefix = f"~%{_percent(option.fraction)}%"
        out.append(prefix + text + _feedback(option))
    return out


def _typed_lines(draft: QuestionDraft) -> list[str]:
    out = []
    for option in draft.options:
        text = _text(option.text)
        full = option.fraction == 1 and not text.startswith("%")
        prefix = "=" if full else f"=%{_percent(option.fraction)}%"
        out.append(prefix + text + _feedback(option))
    return out


def _true_false_lines(draft: QuestionDraft) -> list[str]:
    true, false = draft.options
    right = true.fraction == 1
    right_feedback = (true if right else false).feedback
    wrong_feedback = (false if right else true).feedback
    line = "TRUE" if right else "FALSE"
    if wrong_feedback:
        line += "#" + _text(wrong_feedback)
    elif right_feedback:
        line += "#"
    if right_feedback:
        line += "#" + _text(right_feedback)
    return [line]


def _numeric_lines(draft: QuestionDraft) -> list[str]:
    out = []
    for option in draft.options:
        data = option.data
        if "min" in data:
            answer = f"{_number_text(data['min'])}..{_number_text(data['max'])}"
        else:
            answer = f"{_number_text(data['value'])}:{_number_text(data.get('tolerance', 0))}"
        weight = "" if option.fraction == 1 else f"%{_percent(option.fraction)}%"
        out.append(f"={weight}{answer}{_feedback(option)}")
    # The leading # marks the block as numeric.
    return ["#", *out]


def _matching_lines(draft: QuestionDraft) -> list[str]:
    return [f"={_text(o.data.get('prompt', ''))} -> {_text(o.text)}" for o in draft.options]


def _cloze_lines(draft: QuestionDraft) -> list[str]:
    if draft.options[0].data.get("choice"):
        return _choice_lines(draft, single=True)
    return _typed_lines(draft)


_WRITERS = {
    "single_choice": lambda d: _choice_lines(d, single=True),
    "multiple_response": lambda d: _choice_lines(d, single=False),
    "true_false": _true_false_lines,
    "short_answer": _typed_lines,
    "numeric": _numeric_lines,
    "matching": _matching_lines,
    "cloze": _cloze_lines,
}
