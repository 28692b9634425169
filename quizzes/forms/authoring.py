"""The authoring forms: banks, and one question form (plus a formset of rows) per question type.

A question editor turns what an instructor typed into the same `QuestionDraft` a bank file or an
import produces, so `validate_question` judges authored questions by the same rules and words.
Its problems are then put back beside the fields they are about.
"""

import ast
import dataclasses
import re
import string
from decimal import ROUND_HALF_EVEN, Decimal

from django import forms
from django.utils.text import slugify

from quizzes.interchange.drafts import OptionDraft, QuestionDraft
from quizzes.interchange.validation import (
    BAD_DIFFICULTY,
    BAD_KEY,
    CLOZE_BLANK_EMPTY,
    CLOZE_PLACEHOLDERS,
    EMPTY_OPTION,
    FLASHCARD_BACK,
    FRACTION_RANGE,
    HOTSPOT_DIAGRAM,
    MATCHING_DUPLICATE,
    MISSING_FIELD,
    MYTH_ON_RIGHT,
    NUMERIC_SHAPE,
    UNKNOWN_DIAGRAM,
    UNKNOWN_REGION,
    validate_question,
)
from quizzes.models.banks import QuestionType, Topic, Visibility

QUANTUM = Decimal("0.00001")
MAX_ROWS = 40

TAG_INVALID = (
    "Tag {tag!r} cannot be used: tags are lowercase words joined by hyphens, like hip-flexion."
)
WEIGHT_RANGE = "Credit must be between -100 and 100 percent."
NUMERIC_NEEDS_ONE = "Give either a value (with a tolerance) or a minimum and a maximum."
NUMERIC_BOTH = "Give either a value and tolerance or a minimum and maximum, not both."
NEGATIVE_TOLERANCE = "The tolerance cannot be negative: 0 means the value exactly."
MIN_ABOVE_MAX = "The minimum is above the maximum."
MATCH_ANSWER_MISSING = "Give the answer that matches this prompt."
CLOZE_CHOICE_NOT_ANSWER = (
    "Every accepted answer must be one of the drop-down choices: add {missing} to the choices."
)
FIX_ROWS_FIRST = "Fix the problems marked below to see the preview."

TEXTAREA = {"rows": 3}
DIFFICULTY_CHOICES = [
    (1, "1 (easiest)"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5 (hardest)"),
]


def tag_names(raw: str) -> tuple[list[str], list[str]]:
    """Tag names from a comma-separated field: (valid names, invalid inputs)."""
    names, bad = [], []
    for part in (p.strip() for p in re.split(r"[,\n]", raw or "")):
        if not part:
            continue
        name = slugify(part)
        if not name or len(name) > 60:
            bad.append(part)
        elif name not in names:
            names.append(name)
    return names, bad


# --- banks -----------------------------------------------------------------------------------


class BankForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the bank a title, for example “Psoas attachments”."},
    )
    topic = forms.ChoiceField(choices=Topic.choices, initial=Topic.ANATOMY)
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Optional: what the bank covers and who it is for.",
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        widget=forms.RadioSelect,
        help_text=(
            "Shared: the instructors named below may edit its questions. Public: every "
            "instructor may read it, use it in quizzes and copy its questions, but not edit it."
        ),
    )
    share_with = forms.CharField(
        label="Share with (usernames)",
        required=False,
        max_length=2000,
        help_text="Instructors' usernames, separated by commas. They may edit the questions.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )

    def usernames(self) -> list[str]:
        raw = self.cleaned_data.get("share_with", "")
        return list(dict.fromkeys(p.strip() for p in re.split(r"[,\s]+", raw) if p.strip()))


class BulkTagForm(forms.Form):
    tag = forms.CharField(max_length=60, help_text="One tag, like hip-flexion.")
    operation = forms.ChoiceField(
        choices=[("add", "Add this tag"), ("remove", "Remove this tag")], initial="add"
    )

    def clean_tag(self):
        names, bad = tag_names(self.cleaned_data["tag"])
        if bad or len(names) != 1:
            raise forms.ValidationError(TAG_INVALID.format(tag=self.cleaned_data["tag"]))
        return names[0]


# --- questions: the common part --------------------------------------------------------------


class QuestionForm(forms.Form):
    """What every type has. Types add fields in their subclasses below."""

    key = forms.CharField(
        label="Key (optional)",
        required=False,
        max_length=100,
        help_text="A short id used by imports and exports: lowercase letters, digits, - and _. "
        "Made from the prompt if you leave it empty.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    prompt = forms.CharField(
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown: *italic*, **bold**, lists. HTML is cleaned away.",
    )
    explanation = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Why the right answer is right. Students see it in reviews.",
    )
    source = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The reference for the fact, e.g. a textbook with its edition, or a paper.",
    )
    difficulty = forms.TypedChoiceField(choices=DIFFICULTY_CHOICES, coerce=int, initial=2)
    tags = forms.CharField(
        required=False,
        max_length=1000,
        help_text="Separated by commas, like hip-flexion, attachments.",
        widget=forms.TextInput(attrs={"autocapitalize": "none"}),
    )
    change_note = forms.CharField(
        label="What changed (optional)",
        required=False,
        max_length=300,
        help_text="Shown in the question's history.",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["key"]
        else:
            del self.fields["change_note"]

    def clean_tags(self):
        names, bad = tag_names(self.cleaned_data["tags"])
        if bad:
            raise forms.ValidationError(TAG_INVALID.format(tag=bad[0]))
        return names


class TrueFalseForm(QuestionForm):
    answer = forms.TypedChoiceField(
        label="The statement is",
        choices=[("true", "True"), ("false", "False")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the statement is true or false."},
    )
    feedback_true = forms.CharField(
        label="Feedback for “True”", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    feedback_false = forms.CharField(
        label="Feedback for “False”", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    myth = forms.BooleanField(
        label="The wrong answer is a popular myth",
        required=False,
        help_text="Counts in the myth-prevalence report.",
    )

    field_order = ["prompt", "answer"]


class NumericForm(QuestionForm):
    unit = forms.CharField(
        required=False, max_length=40, help_text="Optional, shown beside the answer box: cm, °."
    )


class FlashcardForm(QuestionForm):
    back = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown. What the student sees when they turn the card over.",
    )
    field_order = ["prompt", "back"]


class HotspotForm(QuestionForm):
    diagram = forms.ChoiceField(choices=[], required=False)

    def __init__(self, *args, diagrams: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["diagram"].choices = [("", "Choose a diagram…")] + [
            (slug, title) for slug, title in (diagrams or {}).items()
        ]

    field_order = ["prompt", "diagram"]


# --- rows ------------------------------------------------------------------------------------


class RowForm(forms.Form):
    """One option, answer, pair, item, blank or region. A row left empty is ignored."""

    blank_fields: tuple[str, ...] = ("text",)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return all(data.get(name) in (None, "", []) for name in self.blank_fields)


def _weight_field(label="Credit % (optional)", help_text=""):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=-100,
        max_value=100,
        decimal_places=3,
        help_text=help_text,
        error_messages={"min_value": WEIGHT_RANGE, "max_value": WEIGHT_RANGE},
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class ChoiceRow(RowForm):
    text = forms.CharField(label="Answer text", required=False, max_length=2000)
    correct = forms.BooleanField(label="Right answer", required=False)
    weight = _weight_field()
    feedback = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_myth = forms.BooleanField(label="States a popular myth", required=False)


class ShortAnswerRow(RowForm):
    text = forms.CharField(label="Accepted answer", required=False, max_length=500)
    weight = _weight_field("Credit %", "100 for a fully right answer; less for a partly right one.")
    feedback = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_myth = forms.BooleanField(label="States a popular myth", required=False)


def _number_field(label, help_text=""):
    return forms.DecimalField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class NumericRow(RowForm):
    blank_fields = ("value", "minimum", "maximum")

    value = _number_field("Value")
    tolerance = _number_field("Tolerance (±)", "0 or more; empty means exactly.")
    minimum = _number_field("Or: minimum")
    maximum = _number_field("and maximum")
    weight = _weight_field("Credit %", "100 for a fully right answer.")
    feedback = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        value, tolerance = data.get("value"), data.get("tolerance")
        low, high = data.get("minimum"), data.get("maximum")
        if value is not None and (low is not None or high is not None):
            self.add_error("value", NUMERIC_BOTH)
        elif value is None and (low is None) != (high is None):
            self.add_error("minimum" if low is None else "maximum", NUMERIC_NEEDS_ONE)
        if tolerance is not None and tolerance < 0:
            self.add_error("tolerance", NEGATIVE_TOLERANCE)
        if low is not None and high is not None and low > high:
            self.add_error("minimum", MIN_ABOVE_MAX)
        return data


class MatchingRow(RowForm):
    blank_fields = ("prompt", "answer")

    prompt = forms.CharField(
        required=False,
        max_length=500,
        help_text="Leave empty to add a wrong answer that matches nothing.",
    )
    answer = forms.CharField(required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("prompt") and not data.get("answer"):
            self.add_error("answer", MATCH_ANSWER_MISSING)
        return data


class OrderingRow(RowForm):
    text = forms.CharField(label="Item", required=False, max_length=500)


def _lines(value: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in (value or "").splitlines() if line.strip()))


class ClozeRow(RowForm):
    blank_fields = ("answers", "choices")

    answers = forms.CharField(
        label="Accepted answers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line.",
    )
    choices = forms.CharField(
        label="Drop-down choices (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line. With choices the blank is a drop-down; without, a text box.",
    )
    feedback = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        choices = _lines(data.get("choices", ""))
        missing = [a for a in _lines(data.get("answers", "")) if choices and a not in choices]
        if missing:
            self.add_error(
                "choices", CLOZE_CHOICE_NOT_ANSWER.format(missing=", ".join(map(repr, missing)))
            )
        return data


class HotspotRow(RowForm):
    blank_fields = ("region",)

    region = forms.ChoiceField(choices=[], required=False)
    correct = forms.BooleanField(label="Right answer", required=False)
    feedback = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to a student who picks this region.",
    )
    is_myth = forms.BooleanField(label="A popular myth", required=False)

    def __init__(self, *args, region_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Choose a region…"), *region_choices]


# --- one spec per type -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TypeSpec:
    qtype: str
    form_class: type[QuestionForm]
    row_class: type[RowForm] | None
    row_noun: str = "Option"
    rows_heading: str = "Options"
    rows_hint: str = ""
    prompt_label: str = "Prompt"
    prompt_hint: str = ""
    extra_new: int = 4


TYPES: dict[str, TypeSpec] = {
    spec.qtype: spec
    for spec in [
        TypeSpec(
            "single_choice",
            QuestionForm,
            ChoiceRow,
            rows_hint="Tick the one right answer. Credit % is optional: leave it empty for 100% "
            "on the right answer and 0% on the others. Empty rows are ignored.",
        ),
        TypeSpec(
            "multiple_response",
            QuestionForm,
            ChoiceRow,
            rows_hint="Tick every right answer. Credit % is optional: left empty, the right "
            "answers share 100% and each wrong tick takes one share back. Empty rows are ignored.",
        ),
        TypeSpec("true_false", TrueFalseForm, None, prompt_label="Statement"),
        TypeSpec(
            "short_answer",
            QuestionForm,
            ShortAnswerRow,
            row_noun="Answer",
            rows_heading="Accepted answers",
            rows_hint="Matching ignores case and extra spaces. Empty rows are ignored.",
            extra_new=3,
        ),
        TypeSpec(
            "numeric",
            NumericForm,
            NumericRow,
            row_noun="Answer",
            rows_heading="Accepted answers",
            rows_hint="Each answer is a value with a tolerance, or a range.",
            extra_new=2,
        ),
        TypeSpec(
            "matching",
            QuestionForm,
            MatchingRow,
            row_noun="Pair",
            rows_heading="Pairs",
            rows_hint="Each prompt with the answer that matches it. Two prompts may share an "
            "answer.",
        ),
        TypeSpec(
            "ordering",
            QuestionForm,
            OrderingRow,
            row_noun="Item",
            rows_heading="Items, in the right order",
            rows_hint="Students see them shuffled. Empty rows are ignored.",
        ),
        TypeSpec(
            "cloze",
            QuestionForm,
            ClozeRow,
            row_noun="Blank",
            rows_heading="Blanks",
            rows_hint="Blank 1 fills {{1}} in the prompt, blank 2 fills {{2}}, and so on.",
            prompt_hint="Write {{1}}, {{2}}, … where the blanks go, in order.",
            extra_new=3,
        ),
        TypeSpec("flashcard", FlashcardForm, None, prompt_label="Front"),
        TypeSpec(
            "hotspot",
            HotspotForm,
            HotspotRow,
            row_noun="Region",
            rows_heading="Regions",
            rows_hint="Tick the region(s) that answer the question; others may carry feedback "
            "for a common wrong pick. Use regions of the chosen diagram.",
            extra_new=3,
        ),
    ]
}
TYPE_LABELS = dict(QuestionType.choices)


def _fraction(weight: Decimal) -> Decimal:
    return (Decimal(weight) / 100).quantize(QUANTUM, rounding=ROUND_HALF_EVEN)


def _percent(fraction) -> Decimal:
    value = (Decimal(fraction) * 100).quantize(Decimal("0.001")).normalize()
    return value + 0  # -0 -> 0


def _json_number(value: Decimal):
    """Numbers in `Option.data` as JSON stores them: ints when whole, floats otherwise."""
    return int(value) if value == value.to_integral_value() else float(value)


def _number_text(value) -> str:
    return format(Decimal(str(value)).normalize(), "f")


@dataclasses.dataclass
class Built:
    """A draft and, for each of its options, the row it came from (for placing problems)."""

    draft: QuestionDraft
    option_rows: list[int] = dataclasses.field(default_factory=list)


class QuestionEditor:
    """A question form and its rows for one type, bound to a POST or filled from a version."""

    def __init__(
        self,
        qtype: str,
        *,
        data=None,
        initial: dict | None = None,
        rows: list[dict] | None = None,
        editing: bool = False,
        diagrams: dict | None = None,
        key: str = "",
        extra_rows: int = 0,
    ):
        self.spec = TYPES[qtype]
        self.qtype = qtype
        self.key = key
        self.diagrams = diagrams or {}
        kwargs = {"editing": editing}
        if self.spec.form_class is HotspotForm:
            kwargs["diagrams"] = {slug: d["title"] for slug, d in self.diagrams.items()}
        self.form = self.spec.form_class(data, initial=initial, **kwargs)
        self.form.fields["prompt"].label = self.spec.prompt_label
        if self.spec.prompt_hint:
            self.form.fields["prompt"].help_text = (
                self.spec.prompt_hint + " " + self.form.fields["prompt"].help_text
            )
        self.formset = None
        if self.spec.row_class is not None:
            extra = (2 if rows else self.spec.extra_new) + extra_rows
            formset_class = forms.formset_factory(
                self.spec.row_class, extra=extra, max_num=MAX_ROWS, absolute_max=MAX_ROWS
            )
            form_kwargs = {}
            if self.spec.row_class is HotspotRow:
                form_kwargs["region_choices"] = [
                    (d["title"], [(rid, name) for rid, name in sorted(d["regions"].items())])
                    for d in self.diagrams.values()
                ]
            self.formset = formset_class(
                data, initial=rows or None, prefix="rows", form_kwargs=form_kwargs
            )
        self.built: Built | None = None

    def _fields(self, names):
        return [self.form[name] for name in names if name in self.form.fields]

    @property
    def head_fields(self):
        return self._fields(["key", "prompt"])

    @property
    def type_fields(self):
        return self._fields([n for n in self.form.fields if n not in _COMMON_FIELDS])

    @property
    def tail_fields(self):
        return self._fields(["explanation", "source", "difficulty", "tags", "change_note"])

    @property
    def rows(self):
        return list(self.formset) if self.formset is not None else []

    def parsed(self) -> bool:
        """True when every field parsed (types, ranges); the domain rules come after."""
        ok = self.form.is_valid()
        if self.formset is not None:
            ok = self.formset.is_valid() and ok
        return ok

    def build(self) -> Built | None:
        """The draft, or None when some field did not parse. Call after `parsed`."""
        if self.form.errors or (self.formset is not None and not self.formset.is_valid()):
            return None
        data = self.form.cleaned_data
        kept = [
            (index, row.cleaned_data)
            for index, row in enumerate(self.rows)
            if row.cleaned_data and not row.is_blank()
        ]
        options, option_rows, config = _BUILDERS[self.qtype](self, data, kept)
        key = self.key or data.get("key") or ""
        self.built = Built(
            QuestionDraft(
                key=key,
                qtype=self.qtype,
                prompt=data.get("prompt", "").strip(),
                explanation=data.get("explanation", "").strip(),
                source=data.get("source", "").strip(),
                difficulty=data.get("difficulty", 2),
                tags=tuple(data.get("tags") or ()),
                options=tuple(options),
                config=config,
            ),
            option_rows,
        )
        return self.built

    def check(self, *, key_for_rules: str) -> bool:
        """Parse, build and validate; problems are added beside their fields. True when clean."""
        if not self.parsed():
            return False
        built = self.build()
        draft = built.draft
        # An empty key is made from the prompt when saving; validate with the one it will get.
        if not draft.key:
            draft = dataclasses.replace(draft, key=key_for_rules)
        regions = {slug: d["regions"] for slug, d in self.diagrams.items()}
        problems = validate_question(draft, regions)
        for problem in problems:
            self._place(problem.message, built)
        return not problems

    def add_error(self, field_name: str | None, message: str) -> None:
        if field_name is not None and field_name not in self.form.fields:
            field_name = None
        self.form.add_error(field_name, message)

    def _place(self, message: str, built: Built) -> None:
        def row_error(index: int, name: str | None):
            rows = self.rows
            if 0 <= index < len(rows):
                rows[index].add_error(name if name in rows[index].fields else None, message)
            else:
                self.add_rows_error(message)

        if (m := _match(MISSING_FIELD, message)) is not None:
            self.add_error(m["field"], message)
        elif _match(BAD_KEY, message) is not None:
            self.add_error("key", message)
        elif message == BAD_DIFFICULTY:
            self.add_error("difficulty", message)
        elif message in (FLASHCARD_BACK,):
            self.add_error("back", message)
        elif message == HOTSPOT_DIAGRAM or _match(UNKNOWN_DIAGRAM, message) is not None:
            self.add_error("diagram", message)
        elif _match(CLOZE_PLACEHOLDERS, message) is not None:
            self.add_error("prompt", message)
        elif (m := _match(CLOZE_BLANK_EMPTY, message)) is not None:
            n = int(m["n"])
            blank_rows = getattr(self, "blank_rows", [])
            row_error(blank_rows[n - 1] if 1 <= n <= len(blank_rows) else -1, "answers")
        elif (m := _match(UNKNOWN_REGION, message)) is not None:
            region = m["region"]
            for index, row in enumerate(self.rows):
                if getattr(row, "cleaned_data", {}).get("region") == region:
                    row_error(index, "region")
                    break
            else:
                self.add_rows_error(message)
        elif (m := _match(MATCHING_DUPLICATE, message)) is not None:
            matches = [
                i
                for i, row in enumerate(self.rows)
                if getattr(row, "cleaned_data", {}).get("prompt") == m["prompt"]
            ]
            row_error(matches[-1] if matches else -1, "prompt")
        else:
            for template, name in _OPTION_MESSAGES:
                if (m := _match(template, message)) is not None:
                    n = int(m["n"])
                    if self.qtype == "true_false":
                        self.add_error("myth" if template == MYTH_ON_RIGHT else "answer", message)
                    elif 1 <= n <= len(built.option_rows):
                        row_error(built.option_rows[n - 1], name)
                    else:
                        self.add_rows_error(message)
                    return
            # The rest are about the options as a whole: how many are right, weights' sum.
            if self.formset is None:
                self.add_error("answer" if self.qtype == "true_false" else None, message)
            else:
                self.add_rows_error(message)

    def add_rows_error(self, message: str) -> None:
        # A formset's own errors live in non_form_errors; there is no public setter.
        errors = self.formset.non_form_errors()
        errors.append(message)
        self.formset._non_form_errors = errors

    @property
    def error_count(self) -> int:
        count = len(self.form.errors.get("__all__", [])) + sum(
            len(v) for k, v in self.form.errors.items() if k != "__all__"
        )
        if self.formset is not None and self.formset.is_bound:
            count += len(self.formset.non_form_errors())
            count += sum(sum(len(v) for v in row.errors.values()) for row in self.rows)
        return count


_COMMON_FIELDS = {"key", "prompt", "explanation", "source", "difficulty", "tags", "change_note"}
_OPTION_MESSAGES = [
    (FRACTION_RANGE, "weight"),
    (MYTH_ON_RIGHT, "is_myth"),
    (EMPTY_OPTION, "text"),
    (NUMERIC_SHAPE, "tolerance"),
]


def _template_regex(template: str) -> re.Pattern:
    """A pattern that matches what `template.format(...)` produced, capturing each field."""
    pattern, seen = "", set()
    for literal, name, _spec, conversion in string.Formatter().parse(template):
        pattern += re.escape(literal)
        if name is None:
            continue
        body = "'.*?'|\".*?\"" if conversion == "r" else ".*?"
        pattern += f"(?P={name})" if name in seen else f"(?P<{name}>{body})"
        seen.add(name)
    return re.compile(f"^{pattern}$", re.DOTALL)


_PATTERNS: dict[str, re.Pattern] = {}


def _match(template: str, message: str) -> dict | None:
    pattern = _PATTERNS.setdefault(template, _template_regex(template))
    found = pattern.match(message)
    if found is None:
        return None
    values = {}
    for name, value in found.groupdict().items():
        if value[:1] in "'\"":
            try:
                value = ast.literal_eval(value)
            except (SyntaxError, ValueError):
                pass
        values[name] = value
    return values


# --- from rows to options, and back ----------------------------------------------------------


def _build_choices(editor, data, kept):
    right = sum(1 for _, row in kept if row.get("correct"))
    share = Decimal(100) / right if right else Decimal(100)
    multi = editor.qtype == "multiple_response"
    options, rows = [], []
    for index, row in kept:
        weight = row.get("weight")
        if weight is None:
            if row.get("correct"):
                weight = share if multi else Decimal(100)
            else:
                weight = -share if multi else Decimal(0)
        options.append(
            OptionDraft(
                text=row.get("text", "").strip(),
                fraction=_fraction(weight),
                feedback=row.get("feedback", "").strip(),
                is_myth=bool(row.get("is_myth")),
            )
        )
        rows.append(index)
    return options, rows, {}


def _build_true_false(editor, data, kept):
    answer = data.get("answer")
    myth = bool(data.get("myth"))
    return (
        [
            OptionDraft(
                text="True",
                fraction=Decimal(1) if answer else Decimal(0),
                feedback=data.get("feedback_true", "").strip(),
                is_myth=myth and not answer,
            ),
            OptionDraft(
                text="False",
                fraction=Decimal(0) if answer else Decimal(1),
                feedback=data.get("feedback_false", "").strip(),
                is_myth=myth and bool(answer),
            ),
        ],
        [],
        {},
    )


def _build_short(editor, data, kept):
    options = [
        OptionDraft(
            text=row.get("text", "").strip(),
            fraction=_fraction(row["weight"] if row.get("weight") is not None else 100),
            feedback=row.get("feedback", "").strip(),
            is_myth=bool(row.get("is_myth")),
        )
        for _, row in kept
    ]
    return options, [i for i, _ in kept], {}


def _build_numeric(editor, data, kept):
    options = []
    for _, row in kept:
        if row.get("value") is not None:
            tolerance = row.get("tolerance") or Decimal(0)
            option_data = {
                "value": _json_number(row["value"]),
                "tolerance": _json_number(tolerance),
            }
            text = _number_text(row["value"]) + (
                f" ± {_number_text(tolerance)}" if tolerance else ""
            )
        else:
            option_data = {
                "min": _json_number(row["minimum"]),
                "max": _json_number(row["maximum"]),
            }
            text = f"{_number_text(row['minimum'])} to {_number_text(row['maximum'])}"
        options.append(
            OptionDraft(
                text=text,
                fraction=_fraction(row["weight"] if row.get("weight") is not None else 100),
                feedback=row.get("feedback", "").strip(),
                data=option_data,
            )
        )
    unit = data.get("unit", "").strip()
    return options, [i for i, _ in kept], ({"unit": unit} if unit else {})


def _build_matching(editor, data, kept):
    pairs = [(i, r) for i, r in kept if r.get("prompt")]
    extras = [(i, r) for i, r in kept if not r.get("prompt")]
    options = [
        OptionDraft(
            text=r["answer"].strip(), fraction=Decimal(1), data={"prompt": r["prompt"].strip()}
        )
        for _, r in pairs
    ] + [OptionDraft(text=r.get("answer", "").strip()) for _, r in extras]
    return options, [i for i, _ in pairs + extras], {}


def _build_ordering(editor, data, kept):
    options = [OptionDraft(text=r["text"].strip(), fraction=Decimal(1)) for _, r in kept]
    return options, [i for i, _ in kept], {}


def _build_cloze(editor, data, kept):
    options, rows = [], []
    blank_rows = []
    for number, (index, row) in enumerate(kept, 1):
        blank_rows.append(index)
        accepted = _lines(row.get("answers", ""))
        choices = _lines(row.get("choices", ""))
        feedback = row.get("feedback", "").strip()
        if choices:
            for choice in choices:
                options.append(
                    OptionDraft(
                        text=choice,
                        fraction=Decimal(1) if choice in accepted else Decimal(0),
                        feedback=feedback,
                        data={"blank": number, "choice": True},
                    )
                )
                rows.append(index)
        else:
            for answer in accepted:
                options.append(
                    OptionDraft(
                        text=answer, fraction=Decimal(1), feedback=feedback, data={"blank": number}
                    )
                )
                rows.append(index)
    editor.blank_rows = blank_rows
    return options, rows, {}


def _build_flashcard(editor, data, kept):
    return [], [], {"back": data.get("back", "").strip()}


def _build_hotspot(editor, data, kept):
    diagram = data.get("diagram") or ""
    names = editor.diagrams.get(diagram, {}).get("regions", {})
    options = [
        OptionDraft(
            text=names.get(r["region"], r["region"]),
            fraction=Decimal(1) if r.get("correct") else Decimal(0),
            feedback=r.get("feedback", "").strip(),
            is_myth=bool(r.get("is_myth")),
            data={"region": r["region"]},
        )
        for _, r in kept
    ]
    return options, [i for i, _ in kept], {"diagram": diagram}


_BUILDERS = {
    "single_choice": _build_choices,
    "multiple_response": _build_choices,
    "true_false": _build_true_false,
    "short_answer": _build_short,
    "numeric": _build_numeric,
    "matching": _build_matching,
    "ordering": _build_ordering,
    "cloze": _build_cloze,
    "flashcard": _build_flashcard,
    "hotspot": _build_hotspot,
}


def initial_from_version(version, tags=()) -> tuple[dict, list[dict]]:
    """The form's initial values and rows that build back to the same content."""
    options = sorted(version.options.all(), key=lambda o: o.position)
    initial = {
        "prompt": version.prompt,
        "explanation": version.explanation,
        "source": version.source,
        "difficulty": version.difficulty,
        "tags": ", ".join(tags),
    }
    qtype = version.qtype
    rows: list[dict] = []
    if qtype in ("single_choice", "multiple_response"):
        right = [o for o in options if o.fraction > 0]
        share = Decimal(100) / len(right) if right else Decimal(100)
        multi = qtype == "multiple_response"

        def default(o):
            if o.fraction > 0:
                return _fraction(share if multi else 100)
            return _fraction(-share if multi else 0)

        defaults = all(Decimal(o.fraction) == default(o) for o in options)
        rows = [
            {
                "text": o.text,
                "correct": o.fraction > 0,
                "weight": None if defaults else _percent(o.fraction),
                "feedback": o.feedback,
                "is_myth": o.is_myth,
            }
            for o in options
        ]
    elif qtype == "true_false":
        by_text = {o.text: o for o in options}
        true, false = by_text.get("True"), by_text.get("False")
        initial.update(
            answer="true" if true and true.fraction == 1 else "false",
            feedback_true=true.feedback if true else "",
            feedback_false=false.feedback if false else "",
            myth=any(o.is_myth for o in options),
        )
    elif qtype == "short_answer":
        rows = [
            {
                "text": o.text,
                "weight": _percent(o.fraction),
                "feedback": o.feedback,
                "is_myth": o.is_myth,
            }
            for o in options
        ]
    elif qtype == "numeric":
        initial["unit"] = version.config.get("unit", "")
        for o in options:
            row = {"weight": _percent(o.fraction), "feedback": o.feedback}
            if "value" in o.data:
                row.update(value=o.data["value"], tolerance=o.data.get("tolerance", 0))
            else:
                row.update(minimum=o.data.get("min"), maximum=o.data.get("max"))
            rows.append(row)
    elif qtype == "matching":
        rows = [{"prompt": o.data.get("prompt", ""), "answer": o.text} for o in options]
    elif qtype == "ordering":
        rows = [{"text": o.text} for o in options]
    elif qtype == "cloze":
        numbers = sorted({o.data.get("blank") for o in options if "blank" in o.data})
        for number in numbers:
            mine = [o for o in options if o.data.get("blank") == number]
            has_choices = any(o.data.get("choice") for o in mine)
            rows.append(
                {
                    "answers": "\n".join(o.text for o in mine if o.fraction == 1),
                    "choices": "\n".join(o.text for o in mine) if has_choices else "",
                    "feedback": mine[0].feedback if mine else "",
                }
            )
    elif qtype == "flashcard":
        initial["back"] = version.config.get("back", "")
    elif qtype == "hotspot":
        initial["diagram"] = version.config.get("diagram", "")
        rows = [
            {
                "region": o.data.get("region", ""),
                "correct": o.fraction == 1,
                "feedback": o.feedback,
                "is_myth": o.is_myth,
            }
            for o in options
        ]
    return initial, rows
