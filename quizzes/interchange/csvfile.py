"""Questions as a spreadsheet (CSV): one row per option, the question's fields on its first row.

Pure: no database. The columns are described in docs/import-export.md; `csv_template()` gives a
file with one example of every type. `parse_csv` lists every problem with its spreadsheet row
number (the header is row 1); the caller imports nothing when there is one.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from quizzes.interchange.drafts import OptionDraft, Problem, QuestionDraft
from quizzes.interchange.gift import slugify
from quizzes.interchange.validation import QUESTION_TYPES, validate_bank

QUESTION_COLUMNS = (
    "key",
    "type",
    "difficulty",
    "tags",
    "prompt",
    "explanation",
    "source",
    "unit",
    "back",
    "diagram",
)
OPTION_COLUMNS = (
    "option",
    "weight",
    "feedback",
    "myth",
    "match",
    "blank",
    "dropdown",
    "value",
    "tolerance",
    "min",
    "max",
    "region",
)
COLUMNS = QUESTION_COLUMNS + OPTION_COLUMNS
REQUIRED = ("key", "type", "prompt")
# The question setting each column fills, and the only type that has it.
CONFIG_COLUMNS = {"unit": "numeric", "back": "flashcard", "diagram": "hotspot"}
# Types whose options are accepted answers: an empty weight means fully right.
RIGHT_BY_DEFAULT = {"short_answer", "numeric", "ordering"}
QUANTUM = Decimal("0.00001")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
INTEGER = re.compile(r"^[+-]?\d+$")
YES = {"yes", "y", "true", "1", "x"}
NO = {"", "no", "n", "false", "0"}

EMPTY_FILE = "the file is empty; start with the header row (download the template)"
NOT_CSV = "this is not a readable CSV file: {error}"
UNKNOWN_COLUMNS = "unknown column(s) {columns}; the columns are: " + ", ".join(COLUMNS)
MISSING_COLUMNS = "the header row lacks the column(s) {columns}"
DUPLICATE_COLUMN = "column {column!r} appears twice in the header row"
FIRST_ROW_NEEDS_KEY = "the first question row needs a key"
REPEATED_FIELDS = (
    "{columns}: question fields are read from a question's first row only; "
    "leave them empty on its option rows"
)
BAD_TYPE = "unknown type {qtype!r}; use one of: " + ", ".join(QUESTION_TYPES)
BAD_DIFFICULTY = "difficulty {value!r} must be a whole number from 1 (easiest) to 5 (hardest)"
BAD_WEIGHT = "weight {value!r} must be a percentage from -100 to 100, like 100, 50 or -25"
BAD_NUMBER = "{column} {value!r} is not a number"
BAD_BLANK = "blank {value!r} must be a whole number (1 for the first blank)"
BAD_FLAG = "{column} {value!r} must be yes or no"
COLUMN_NOT_FOR_TYPE = "column {column!r} is only for {qtype} questions"
NUMERIC_NEEDS_NUMBERS = "a numeric answer needs 'value' (and 'tolerance') or 'min' and 'max'"

SKIP_CONFIG = "its settings {keys} have no column"
SKIP_DATA = "option {n} holds {keys}, which have no column"
SKIP_NUMERIC_TEXT = "option {n}'s text {text!r} differs from its value"


@dataclass(frozen=True)
class CsvResult:
    questions: list[QuestionDraft]
    problems: list[Problem]


@dataclass(frozen=True)
class CsvExport:
    text: str
    skipped: list[tuple[str, str]] = field(default_factory=list)


class _Invalid(ValueError):
    pass


# ---------------------------------------------------------------------------------------- reading


def parse_csv(text: str) -> CsvResult:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return CsvResult([], [Problem(1, EMPTY_FILE)])
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as error:
        return CsvResult([], [Problem(0, NOT_CSV.format(error=error))])
    header = [neutral_read(cell).strip().lower() for cell in rows[0]]
    header_problems = _header_problems(header)
    if header_problems:
        return CsvResult([], header_problems)

    problems: list[Problem] = []
    groups: list[tuple[int, dict, list[tuple[int, dict]]]] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {
            name: neutral_read(row[i]) if i < len(row) else "" for i, name in enumerate(header)
        }
        if not any(value.strip() for value in cells.values()):
            continue
        key = cells.get("key", "").strip()
        if key and (not groups or key != groups[-1][1]["key"].strip()):
            groups.append((number, cells, [(number, cells)]))
            continue
        if not groups:
            problems.append(Problem(number, FIRST_ROW_NEEDS_KEY))
            continue
        first = groups[-1][1]
        repeated = [
            c for c in QUESTION_COLUMNS if c != "key" and cells.get(c) and cells[c] != first.get(c)
        ]
        if repeated:
            problems.append(Problem(number, REPEATED_FIELDS.format(columns=", ".join(repeated))))
        groups[-1][2].append((number, cells))

    drafts = []
    for number, first, option_rows in groups:
        try:
            drafts.append(_question(number, first, option_rows))
        except _RowInvalid as invalid:
            problems.append(Problem(invalid.row, str(invalid)))
    problems.extend(validate_bank(drafts))
    return CsvResult(drafts, sorted(problems, key=lambda p: p.line))


class _RowInvalid(ValueError):
    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row


def _delimiter(text: str) -> str:
    # Spreadsheets in many European locales save CSV with semicolons.
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _header_problems(header: list[str]) -> list[Problem]:
    found = []
    unknown = [c for c in header if c and c not in COLUMNS]
    if unknown:
        found.append(Problem(1, UNKNOWN_COLUMNS.format(columns=", ".join(unknown))))
    for column in sorted({c for c in header if c and header.count(c) > 1}):
        found.append(Problem(1, DUPLICATE_COLUMN.format(column=column)))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        found.append(Problem(1, MISSING_COLUMNS.format(columns=", ".join(missing))))
    return found


def _question(number: int, first: dict, option_rows: list[tuple[int, dict]]) -> QuestionDraft:
    def cell(name: str, cells: dict = first) -> str:
        return cells.get(name, "").strip()

    qtype = cell("type")
    if qtype not in QUESTION_TYPES:
        raise _RowInvalid(number, BAD_TYPE.format(qtype=qtype))
    difficulty = 2
    if cell("difficulty"):
        if not INTEGER.match(cell("difficulty")):
            raise _RowInvalid(number, BAD_DIFFICULTY.format(value=cell("difficulty")))
        difficulty = int(cell("difficulty"))
    config = {}
    for column, owner in CONFIG_COLUMNS.items():
        if cell(column) and qtype != owner:
            raise _RowInvalid(number, COLUMN_NOT_FOR_TYPE.format(column=column, qtype=owner))
    if qtype == "numeric" and cell("unit"):
        config["unit"] = cell("unit")
    elif qtype == "flashcard":
        config["back"] = cell("back")
    elif qtype == "hotspot":
        config["diagram"] = cell("diagram")
    tags = []
    for raw in cell("tags").split(","):
        tag = slugify(raw, limit=60)
        if tag and tag not in tags:
            tags.append(tag)
    options = []
    for row, cells in option_rows:
        if any(cells.get(c, "").strip() for c in OPTION_COLUMNS):
            try:
                options.append(_option(qtype, cells))
            except _Invalid as invalid:
                raise _RowInvalid(row, str(invalid)) from None
    return QuestionDraft(
        key=cell("key"),
        qtype=qtype,
        prompt=cell("prompt"),
        explanation=cell("explanation"),
        source=cell("source"),
        difficulty=difficulty,
        tags=tuple(tags),
        options=tuple(options),
        config=config,
        line=number,
    )


def _option(qtype: str, cells: dict) -> OptionDraft:
    def cell(name: str) -> str:
        return cells.get(name, "").strip()

    pairs = (
        ("match", "matching"),
        ("region", "hotspot"),
        ("blank", "cloze"),
        ("dropdown", "cloze"),
    )
    for column, owner in pairs:
        if cell(column) and qtype != owner:
            raise _Invalid(COLUMN_NOT_FOR_TYPE.format(column=column, qtype=owner))
    for column in ("value", "tolerance", "min", "max"):
        if cell(column) and qtype != "numeric":
            raise _Invalid(COLUMN_NOT_FOR_TYPE.format(column=column, qtype="numeric"))
    text, data = cell("option"), {}
    right_by_default = qtype in RIGHT_BY_DEFAULT
    if qtype == "matching" and cell("match"):
        data = {"prompt": cell("match")}
        right_by_default = True
    elif qtype == "hotspot":
        data = {"region": cell("region")}
        text = text or cell("region")
    elif qtype == "cloze":
        if not INTEGER.match(cell("blank")):
            raise _Invalid(BAD_BLANK.format(value=cell("blank")))
        data = {"blank": int(cell("blank"))}
        if _flag(cells, "dropdown"):
            data["choice"] = True
        else:
            right_by_default = True
    elif qtype == "numeric":
        data, text = _numeric(cells)
    return OptionDraft(
        text=text,
        fraction=_weight(cell("weight"), right_by_default),
        feedback=cell("feedback"),
        is_myth=_flag(cells, "myth"),
        data=data,
    )


def _numeric(cells: dict) -> tuple[dict, str]:
    def number(name: str):
        raw = cells.get(name, "").strip()
        if not raw:
            return None
        if not PLAIN_NUMBER.match(raw.lstrip("+")):
            raise _Invalid(BAD_NUMBER.format(column=name, value=raw))
        return int(raw) if INTEGER.match(raw) else float(raw)

    value, tolerance, low, high = (number(n) for n in ("value", "tolerance", "min", "max"))
    if value is not None and low is None and high is None:
        tolerance = tolerance if tolerance is not None else 0
        # Same wording as the bank format, so a question reads the same from either file.
        return {"value": value, "tolerance": tolerance}, f"{value}" + (
            f" ± {tolerance}" if tolerance else ""
        )
    if value is None and tolerance is None and low is not None and high is not None:
        return {"min": low, "max": high}, f"{low} to {high}"
    raise _Invalid(NUMERIC_NEEDS_NUMBERS)


def _weight(raw: str, right_by_default: bool) -> Decimal:
    if not raw:
        return Decimal(1) if right_by_default else Decimal(0)
    try:
        weight = Decimal(raw.rstrip("%").strip())
    except InvalidOperation:
        raise _Invalid(BAD_WEIGHT.format(value=raw)) from None
    if not weight.is_finite() or not -100 <= weight <= 100:
        raise _Invalid(BAD_WEIGHT.format(value=raw))
    return (weight / 100).quantize(QUANTUM, rounding=ROUND_HALF_EVEN)


def _flag(cells: dict, name: str) -> bool:
    raw = cells.get(name, "").strip().lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise _Invalid(BAD_FLAG.format(column=name, value=cells[name].strip()))


def neutral_read(cell: str) -> str:
    """Undo `neutral_write`: drop the apostrophe written before a formula-like cell."""
    if cell.startswith("'") and cell[1:2] and (cell[1] in FORMULA_START or cell[1] == "'"):
        return cell[1:]
    return cell


def neutral_write(cell: str) -> str:
    """Keep a spreadsheet from running a cell as a formula: a leading apostrophe makes it text.

    Plain numbers (-25) are safe and stay numbers; an apostrophe cell is guarded too, so that
    reading it back removes exactly the apostrophe we added.
    """
    if PLAIN_NUMBER.match(cell):
        return cell
    if cell.startswith(FORMULA_START) or cell.startswith("'"):
        return "'" + cell
    return cell


# ---------------------------------------------------------------------------------------- writing


def write_csv(drafts) -> str:
    return export_csv(drafts).text


def export_csv(drafts) -> CsvExport:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    skipped = []
    for draft in drafts:
        reason = _unwritable(draft)
        if reason:
            skipped.append((draft.key, reason))
            continue
        for row in _rows(draft):
            writer.writerow([neutral_write(row.get(c, "")) for c in COLUMNS])
    return CsvExport(out.getvalue(), skipped)


def _percent(fraction: Decimal) -> str:
    return format((Decimal(fraction) * 100).normalize(), "f")


def _number_text(value) -> str:
    return repr(value) if isinstance(value, float) else str(value)


_OPTION_DATA = {
    "matching": ({"prompt"}, set()),
    "hotspot": ({"region"},),
    "cloze": ({"blank"}, {"blank", "choice"}),
    "numeric": ({"value", "tolerance"}, {"min", "max"}),
}
_CONFIG = {"numeric": {"unit"}, "flashcard": {"back"}, "hotspot": {"diagram"}}


def _unwritable(draft: QuestionDraft) -> str:
    extra = set(draft.config) - _CONFIG.get(draft.qtype, set())
    if extra:
        return SKIP_CONFIG.format(keys=", ".join(sorted(extra)))
    shapes = _OPTION_DATA.get(draft.qtype, (set(),))
    for n, option in enumerate(draft.options, 1):
        if set(option.data) not in shapes:
            return SKIP_DATA.format(n=n, keys=", ".join(sorted(option.data)) or "nothing")
        if draft.qtype == "numeric":
            try:
                _, text = _numeric({k: _number_text(v) for k, v in option.data.items()})
            except _Invalid:
                text = None
            if text != option.text:
                return SKIP_NUMERIC_TEXT.format(n=n, text=option.text)
    return ""


def _rows(draft: QuestionDraft) -> list[dict]:
    first = {
        "key": draft.key,
        "type": draft.qtype,
        "difficulty": str(draft.difficulty),
        "tags": ", ".join(draft.tags),
        "prompt": draft.prompt,
        "explanation": draft.explanation,
        "source": draft.source,
        **{name: str(draft.config.get(name, "")) for name in CONFIG_COLUMNS},
    }
    rows = [dict(first)]
    for n, option in enumerate(draft.options):
        row = rows[0] if n == 0 else {"key": draft.key}
        row.update(_option_cells(draft.qtype, option))
        if n:
            rows.append(row)
    return rows


def _option_cells(qtype: str, option: OptionDraft) -> dict:
    data = option.data
    cells = {
        "option": option.text,
        "weight": _percent(option.fraction),
        "feedback": option.feedback,
        "myth": "yes" if option.is_myth else "",
    }
    if qtype == "matching" and data.get("prompt"):
        cells["match"] = data["prompt"]
    elif qtype == "hotspot":
        cells["region"] = data["region"]
    elif qtype == "cloze":
        cells["blank"] = str(data["blank"])
        cells["dropdown"] = "yes" if data.get("choice") else ""
    elif qtype == "numeric":
        cells["option"] = ""
        for name in ("value", "tolerance", "min", "max"):
            if name in data:
                cells[name] = _number_text(data[name])
    return cells


# ---------------------------------------------------------------------------------------- template

_SOURCE = (
    "Moore KL, Dalley AF, Agur AMR. Clinically Oriented Anatomy, 8th ed. Wolters Kluwer, 2018."
)


def _example(key, qtype, prompt, explanation, options=(), **fields) -> QuestionDraft:
    return QuestionDraft(
        key=key,
        qtype=qtype,
        prompt=prompt,
        explanation=explanation,
        source=_SOURCE,
        options=tuple(options),
        **fields,
    )


def _o(text, weight=0, feedback="", **fields) -> OptionDraft:
    return OptionDraft(text, Decimal(weight) / 100, feedback, **fields)


TEMPLATE_QUESTIONS = (
    _example(
        "insertion",
        "single_choice",
        "Where does psoas major insert?",
        "With iliacus, on the lesser trochanter of the femur.",
        [
            _o("The lesser trochanter", 100, "Right."),
            _o("The greater trochanter", 0, "That one receives gluteus medius and minimus."),
        ],
        tags=("insertion", "femur"),
    ),
    _example(
        "hip-flexors",
        "multiple_response",
        "Which of these muscles flex the hip? Select all that apply.",
        "Iliacus and rectus femoris cross the front of the hip; gluteus maximus extends it.",
        [_o("Iliacus", 50), _o("Rectus femoris", 50), _o("Gluteus maximus", -50)],
    ),
    _example(
        "crosses-knee",
        "true_false",
        "Psoas major crosses the knee joint.",
        "It ends at the lesser trochanter, above the knee.",
        [_o("True", 0, "It stops at the femur's lesser trochanter."), _o("False", 100)],
    ),
    _example(
        "tendon-partner",
        "short_answer",
        "Which muscle shares psoas major's tendon of insertion?",
        "Iliacus joins psoas major; together they are called iliopsoas.",
        [_o("iliacus", 100), _o("psoas minor", 0, "Psoas minor ends at the pelvic brim.")],
    ),
    _example(
        "lumbar-processes",
        "numeric",
        "From how many lumbar transverse processes does psoas major arise?",
        "All five lumbar vertebrae, L1 to L5.",
        [OptionDraft("5", Decimal(1), data={"value": 5, "tolerance": 0})],
        config={"unit": "vertebrae"},
    ),
    _example(
        "origins",
        "matching",
        "Match each muscle to where it arises.",
        "Iliacus fills the iliac fossa; psoas major arises from the vertebral column.",
        [
            _o("The iliac fossa", 100, data={"prompt": "Iliacus"}),
            _o("The vertebral column (T12–L5)", 100, data={"prompt": "Psoas major"}),
            _o("The sacrum"),
        ],
    ),
    _example(
        "course",
        "ordering",
        "Put these in order along psoas major, from top to bottom.",
        "It runs from the T12 body, behind the inguinal ligament, to the lesser trochanter.",
        [
            _o("The T12 vertebral body", 100),
            _o("Behind the inguinal ligament", 100),
            _o("The lesser trochanter", 100),
        ],
    ),
    _example(
        "insertion-blank",
        "cloze",
        "Psoas major inserts on the {{1}} trochanter of the femur.",
        "The lesser trochanter, on the inner back side of the upper femur.",
        [
            _o("lesser", 100, data={"blank": 1, "choice": True}),
            _o("greater", 0, data={"blank": 1, "choice": True}),
        ],
    ),
    _example(
        "nerve-supply",
        "flashcard",
        "Nerve supply of psoas major?",
        "The branches come off inside the muscle, where the lumbar plexus forms.",
        config={"back": "Direct branches of the anterior rami of L1–L3 (some texts L1–L4)."},
    ),
)


def csv_template() -> str:
    """A CSV file with one example question of every type a spreadsheet usually holds."""
    return write_csv(TEMPLATE_QUESTIONS)
