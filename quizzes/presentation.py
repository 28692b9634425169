"""How a question version is shown to a student, and how a submitted form becomes a response.

The browser never sees option ids, weights or which option is right. Choices are named by their
place in the order this attempt (or study card) shows them: token "1" is the first option shown.
Database ids would give answers away (ordering items are stored in their right order, so their ids
ascend), and weights or feedback must wait until the quiz releases them.

Nothing here queries the database: callers pass versions with their options already loaded.
"""

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from quizzes.grading import Grade, GradingOption, GradingQuestion, InvalidResponse
from quizzes.rendering import render_markdown, render_markdown_inline

CHOICE_TYPES = {"single_choice", "true_false", "multiple_response"}
# Types whose options are shown in an order of their own; true/false always reads True, False.
SHUFFLED_TYPES = {"single_choice", "multiple_response", "matching", "cloze"}

UNKNOWN_CHOICE = "that choice is not one of this question's options; reload the page"
BLANK_PATTERN = re.compile(r"\{\{\s*(\d+)\s*\}\}")
MAX_TEXT = 500


@dataclass(frozen=True)
class Choice:
    token: str
    html: SafeString
    selected: bool = False


@dataclass(frozen=True)
class MatchRow:
    token: str
    prompt_html: SafeString
    selected: str = ""


@dataclass(frozen=True)
class Presented:
    """Everything a template needs to draw a question's input, and nothing that gives it away."""

    qtype: str
    prompt_html: SafeString
    choices: tuple[Choice, ...] = ()
    text_value: str = ""
    unit: str = ""
    rows: tuple[MatchRow, ...] = ()
    blank_count: int = 0
    diagram_svg: SafeString = mark_safe("")  # noqa: S308 - empty
    diagram_title: str = ""
    regions: tuple[Choice, ...] = ()
    back_html: SafeString = mark_safe("")  # noqa: S308 - empty; flashcards only, on reveal
    answered: bool = False


@dataclass(frozen=True)
class ReviewedChoice:
    html: SafeString
    chosen: bool
    right: bool
    feedback_html: SafeString


@dataclass(frozen=True)
class Reviewed:
    """What a released answer looks like: marks per choice, the right answer, feedback."""

    choices: tuple[ReviewedChoice, ...] = ()
    right_answer_html: SafeString = mark_safe("")  # noqa: S308 - empty
    given_html: SafeString = mark_safe("")  # noqa: S308 - empty
    feedback_html: tuple[SafeString, ...] = field(default_factory=tuple)
    parts: tuple[tuple[str, bool], ...] = ()


def _options(version) -> list:
    return sorted(version.options.all(), key=lambda o: o.position)


def initial_option_order(version, *, shuffle: bool, rng: random.Random) -> list[int]:
    """The order an attempt shows the options in, fixed once when it starts."""
    ids = [o.id for o in _options(version)]
    if version.qtype == "ordering":
        # Items are stored in their right order: never show them that way.
        if len(ids) > 1:
            shown = ids[:]
            while shown == ids:
                rng.shuffle(shown)
            return shown
        return ids
    if shuffle and version.qtype in SHUFFLED_TYPES:
        rng.shuffle(ids)
    return ids


def _in_order(version, option_order: Sequence[int]) -> list:
    by_id = {o.id: o for o in _options(version)}
    shown = [by_id[i] for i in option_order if i in by_id]
    # Options missing from the stored order (should not happen) go last rather than vanish.
    shown += [o for o in by_id.values() if o.id not in set(option_order)]
    return shown


def _matching_answers(shown: Sequence) -> list[str]:
    """Distinct answer texts (two prompts may share one answer), in alphabetical order.

    Never in the rows' order: rows and answers come from the same options, so listing answers
    as the options are shown would put each row's right answer at the row's own number.
    """
    return sorted({option.text for option in shown}, key=lambda text: (text.casefold(), text))


def _blank_choices(shown: Sequence, number: int) -> list[str]:
    return [o.text for o in shown if o.data.get("blank") == number and o.data.get("choice")]


def _blank_numbers(options: Sequence) -> list[int]:
    return sorted({o.data["blank"] for o in options if "blank" in o.data})


def cloze_blanks(
    version, option_order: Sequence[int], response: Mapping | None
) -> list[tuple[int, list[str], str]]:
    """Each blank of a cloze question: its number, its drop-down choices as shown (empty for a
    typed blank) and what the response filled in ("" when nothing). For clients that draw the
    blanks themselves (the API)."""
    shown = _in_order(version, option_order)
    filled = (response or {}).get("blanks") or {}
    return [
        (number, _blank_choices(shown, number), str(filled.get(str(number)) or ""))
        for number in _blank_numbers(shown)
    ]


def present(
    version, option_order: Sequence[int], response: Mapping | None, *, diagram=None
) -> Presented:
    """The question as the student sees it, with `response` filled back in."""
    response = response or {}
    shown = _in_order(version, option_order)
    qtype = version.qtype
    prompt = render_markdown(version.prompt)
    answered = is_answered(qtype, response)
    if qtype in CHOICE_TYPES:
        chosen = _chosen_ids(qtype, response)
        choices = tuple(
            Choice(str(n), render_markdown_inline(o.text), o.id in chosen)
            for n, o in enumerate(shown, 1)
        )
        return Presented(qtype, prompt, choices=choices, answered=answered)
    if qtype in {"short_answer", "numeric"}:
        key = "text" if qtype == "short_answer" else "value"
        value = str(response.get(key) or "")
        unit = version.config.get("unit", "")
        return Presented(qtype, prompt, text_value=value, unit=unit, answered=answered)
    if qtype == "matching":
        answers = _matching_answers(shown)
        by_id = {o.id: o for o in shown}
        pairs = response.get("pairs") or {}
        rows = []
        for n, option in enumerate((o for o in shown if o.data.get("prompt")), 1):
            picked = by_id.get(_int(pairs.get(str(option.id))))
            token = str(answers.index(picked.text) + 1) if picked else ""
            rows.append(MatchRow(str(n), render_markdown_inline(option.data["prompt"]), token))
        choices = tuple(Choice(str(n), render_markdown_inline(t)) for n, t in enumerate(answers, 1))
        return Presented(qtype, prompt, choices=choices, rows=tuple(rows), answered=answered)
    if qtype == "ordering":
        tokens = {o.id: str(n) for n, o in enumerate(shown, 1)}
        by_id = {o.id: o for o in shown}
        current = [_int(i) for i in response.get("order") or []]
        if sorted(current, key=str) != sorted(by_id, key=str):
            current = [o.id for o in shown]
        choices = tuple(Choice(tokens[i], render_markdown_inline(by_id[i].text)) for i in current)
        return Presented(qtype, prompt, choices=choices, answered=answered)
    if qtype == "cloze":
        filled = response.get("blanks") or {}
        numbers = _blank_numbers(shown)
        html = BLANK_PATTERN.sub(lambda m: _blank_input(m, shown, filled), str(prompt))
        return Presented(
            qtype,
            mark_safe(html),
            blank_count=len(numbers),
            answered=answered,  # noqa: S308
        )
    if qtype == "hotspot":
        region = response.get("region") or ""
        names = dict(diagram.regions) if diagram else {}
        regions = tuple(
            Choice(rid, escape(name), rid == region)
            for rid, name in sorted(names.items(), key=lambda item: item[1].lower())
        )
        svg = _mark_regions(diagram.svg if diagram else "", chosen={region} if region else set())
        title = diagram.title if diagram else ""
        return Presented(
            qtype, prompt, diagram_svg=svg, diagram_title=title, regions=regions, answered=answered
        )
    if qtype == "flashcard":
        return Presented(qtype, prompt, back_html=render_markdown(version.config.get("back", "")))
    raise ValueError(f"no presentation for question type {qtype!r}")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _chosen_ids(qtype: str, response: Mapping) -> set[int]:
    if qtype == "multiple_response":
        return {i for i in (_int(v) for v in response.get("options") or []) if i is not None}
    option = _int(response.get("option"))
    return {option} if option is not None else set()


def _blank_input(match: re.Match, shown: Sequence, filled: Mapping) -> str:
    number = int(match.group(1))
    value = filled.get(str(number)) or ""
    label = f"Blank {number}"
    choices = _blank_choices(shown, number)
    if choices:
        items = [format_html('<option value="">Choose…</option>')]
        items += [
            format_html(
                '<option value="{}"{}>{}</option>', text, " selected" if text == value else "", text
            )
            for text in choices
        ]
        return str(
            format_html(
                '<select class="blank" name="blank-{}" aria-label="{}">{}</select>',
                number,
                label,
                mark_safe("".join(items)),  # noqa: S308 - every item built by format_html
            )
        )
    return str(
        format_html(
            '<input class="blank" type="text" name="blank-{}" value="{}" aria-label="{}" '
            'maxlength="{}" autocomplete="off" autocapitalize="off" spellcheck="false">',
            number,
            value,
            label,
            MAX_TEXT,
        )
    )


def _mark_regions(svg: str, *, chosen: set[str], right: set[str] = frozenset()) -> SafeString:
    """The diagram with classes on the chosen and (in review) the right regions."""

    def classes(match: re.Match) -> str:
        region = match.group(1)
        flags = (("is-chosen", region in chosen), ("is-right", region in right))
        names = [name for name, on in flags if on]
        extra = f' class="{" ".join(names)}"' if names else ""
        # No button role: regions are not focusable; the list of region names beside the
        # diagram is the keyboard and screen-reader way to answer.
        return f'data-region="{region}"{extra}'

    # Diagrams are checked for scripts and handlers when they are loaded (interchange.svg).
    return mark_safe(re.sub(r'data-region="([^"]+)"', classes, svg))  # noqa: S308


def is_answered(qtype: str, response: Mapping | None) -> bool:
    if not response:
        return False
    if qtype in {"single_choice", "true_false"}:
        return response.get("option") not in (None, "")
    if qtype == "multiple_response":
        return bool(response.get("options"))
    if qtype == "short_answer":
        return bool(str(response.get("text") or "").strip())
    if qtype == "numeric":
        return bool(str(response.get("value") or "").strip())
    if qtype == "matching":
        return any(response.get("pairs", {}).values())
    if qtype == "ordering":
        return bool(response.get("order"))
    if qtype == "cloze":
        return any(str(v).strip() for v in (response.get("blanks") or {}).values())
    if qtype == "hotspot":
        return bool(response.get("region"))
    return False


def response_from_form(version, option_order: Sequence[int], data: Mapping) -> dict | None:
    """The response a submitted form stands for, in the shape `grading.grade` reads.

    `data` is a QueryDict (or a dict of lists for tests). Returns None when nothing was given.
    Raises InvalidResponse when the form names a choice the question does not have.
    """
    shown = _in_order(version, option_order)
    qtype = version.qtype

    def one(name: str) -> str:
        value = data.get(name, "")
        # NUL never belongs in an answer, and PostgreSQL's JSON refuses to store it.
        return value.replace("\x00", "").strip()[:MAX_TEXT] if isinstance(value, str) else ""

    def many(name: str) -> list[str]:
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter else data.get(name, [])
        return [v for v in values if isinstance(v, str)]

    def by_token(token: str):
        n = _int(token)
        if n is None or not 1 <= n <= len(shown):
            raise InvalidResponse(UNKNOWN_CHOICE)
        return shown[n - 1]

    if qtype in {"single_choice", "true_false"}:
        token = one("choice")
        return {"option": by_token(token).id} if token else None
    if qtype == "multiple_response":
        tokens = many("choice")
        return {"options": sorted({by_token(t).id for t in tokens})} if tokens else None
    if qtype == "short_answer":
        text = one("text")
        return {"text": text} if text else None
    if qtype == "numeric":
        value = one("value")
        return {"value": value} if value else None
    if qtype == "matching":
        answers = _matching_answers(shown)
        first_with_text = {}
        for option in shown:
            first_with_text.setdefault(option.text, option.id)
        pairs = {}
        for n, option in enumerate((o for o in shown if o.data.get("prompt")), 1):
            token = one(f"pair-{n}")
            if not token:
                continue
            index = _int(token)
            if index is None or not 1 <= index <= len(answers):
                raise InvalidResponse(UNKNOWN_CHOICE)
            pairs[str(option.id)] = first_with_text[answers[index - 1]]
        return {"pairs": pairs} if pairs else None
    if qtype == "ordering":
        ranked = []
        for n, option in enumerate(shown, 1):
            rank = _int(one(f"rank-{n}"))
            if rank is None:
                return None
            ranked.append((rank, _position_in(many("item"), str(n)), option.id))
        return {"order": [option_id for *_, option_id in sorted(ranked)]}
    if qtype == "cloze":
        blanks = {}
        for number in _blank_numbers(shown):
            value = one(f"blank-{number}")
            choices = _blank_choices(shown, number)
            if value and choices and value not in choices:
                raise InvalidResponse(UNKNOWN_CHOICE)
            if value:
                blanks[str(number)] = value
        return {"blanks": blanks} if blanks else None
    if qtype == "hotspot":
        region = one("region")
        return {"region": region} if region else None
    return None


def _position_in(values: list[str], token: str) -> int:
    """Where the page listed an item; ties between equal ranks keep the order shown."""
    return values.index(token) if token in values else len(values)


def to_grading_question(version) -> GradingQuestion:
    return GradingQuestion(
        qtype=version.qtype,
        options=tuple(
            GradingOption(
                id=o.id, text=o.text, fraction=Decimal(o.fraction), feedback=o.feedback, data=o.data
            )
            for o in _options(version)
        ),
        config=version.config,
    )


def right_answer_html(version, *, diagram=None) -> SafeString:
    """The right answer in words, for review pages and study feedback."""
    options = _options(version)
    qtype = version.qtype
    if qtype in CHOICE_TYPES:
        right = [o for o in options if o.fraction > 0]
        return _list_html(render_markdown_inline(o.text) for o in right)
    if qtype in {"short_answer", "numeric"}:
        best = [o for o in options if o.fraction == 1] or [max(options, key=lambda o: o.fraction)]
        text = " or ".join(o.text for o in best)
        unit = version.config.get("unit", "")
        return format_html("{}{}", text, f" {unit}" if unit else "")
    if qtype == "matching":
        return _list_html(
            format_html(
                "{} → {}",
                render_markdown_inline(o.data["prompt"]),
                render_markdown_inline(o.text),
            )
            for o in options
            if o.data.get("prompt")
        )
    if qtype == "ordering":
        items = "".join(format_html("<li>{}</li>", render_markdown_inline(o.text)) for o in options)
        return mark_safe(f"<ol>{items}</ol>")  # noqa: S308 - items built by format_html
    if qtype == "cloze":
        rows = []
        for number in _blank_numbers(options):
            accepted = [
                o.text for o in options if o.data.get("blank") == number and o.fraction == 1
            ]
            rows.append(format_html("Blank {}: {}", number, " or ".join(accepted)))
        return _list_html(rows)
    if qtype == "hotspot":
        return _list_html(escape(o.text) for o in options if o.fraction == 1)
    if qtype == "flashcard":
        return render_markdown(version.config.get("back", ""))
    return mark_safe("")  # noqa: S308 - empty


def _list_html(items) -> SafeString:
    body = "".join(format_html("<li>{}</li>", item) for item in items)
    return mark_safe(f"<ul>{body}</ul>")  # noqa: S308 - items built by format_html


def review(
    version,
    option_order: Sequence[int],
    response: Mapping | None,
    grade: Grade | None,
    *,
    diagram=None,
) -> Reviewed:
    """A released answer: which choices were right, the feedback the response earned."""
    shown = _in_order(version, option_order)
    qtype = version.qtype
    feedback = tuple(render_markdown(f) for f in (grade.feedback if grade else ()) if f)
    right_html = right_answer_html(version, diagram=diagram)
    parts = tuple((k, v) for k, v in (grade.parts.items() if grade else ()))
    if qtype in CHOICE_TYPES:
        chosen = _chosen_ids(qtype, response or {})
        choices = tuple(
            ReviewedChoice(
                render_markdown_inline(o.text),
                o.id in chosen,
                o.fraction > 0,
                render_markdown_inline(o.feedback if o.id in chosen else ""),
            )
            for o in shown
        )
        return Reviewed(choices=choices, right_answer_html=right_html, parts=parts)
    if qtype == "hotspot" and diagram is not None:
        region = (response or {}).get("region") or ""
        right = {o.data["region"] for o in shown if o.fraction == 1}
        svg = _mark_regions(diagram.svg, chosen={region} if region else set(), right=right)
        given = escape(diagram.regions.get(region, region)) if region else ""
        return Reviewed(
            right_answer_html=format_html('{}<figure class="diagram">{}</figure>', right_html, svg),
            given_html=given,
            feedback_html=feedback,
        )
    return Reviewed(
        right_answer_html=right_html,
        given_html=given_html(version, option_order, response),
        feedback_html=feedback,
        parts=parts,
    )


def given_html(version, option_order: Sequence[int], response: Mapping | None) -> SafeString:
    """The student's response in words."""
    if not response:
        return mark_safe("")  # noqa: S308 - empty
    shown = _in_order(version, option_order)
    by_id = {o.id: o for o in shown}
    qtype = version.qtype
    if qtype == "short_answer":
        return escape(response.get("text", ""))
    if qtype == "numeric":
        unit = version.config.get("unit", "")
        return format_html("{}{}", response.get("value", ""), f" {unit}" if unit else "")
    if qtype == "matching":
        pairs = response.get("pairs") or {}
        return _list_html(
            format_html(
                "{} → {}",
                render_markdown_inline(o.data["prompt"]),
                render_markdown_inline(by_id[_int(pairs[str(o.id)])].text)
                if _int(pairs.get(str(o.id))) in by_id
                else "—",
            )
            for o in shown
            if o.data.get("prompt")
        )
    if qtype == "ordering":
        items = "".join(
            format_html("<li>{}</li>", render_markdown_inline(by_id[_int(i)].text))
            for i in response.get("order") or []
            if _int(i) in by_id
        )
        return mark_safe(f"<ol>{items}</ol>")  # noqa: S308 - items built by format_html
    if qtype == "cloze":
        blanks = response.get("blanks") or {}
        return _list_html(
            format_html("Blank {}: {}", n, blanks.get(str(n), "—")) for n in _blank_numbers(shown)
        )
    return mark_safe("")  # noqa: S308 - empty
