"""Answers sent to the API, in tokens, turned into the form data the pages post.

The API names choices as the pages do: by their place in the order shown ("1" is the first
choice listed), never by option id. Turning the API's shape into the page's form fields lets
`presentation.response_from_form` do the one true conversion, with its checks.

Shapes, per question type (docs/api.md):
- single_choice, true_false: {"choice": "2"}
- multiple_response: {"choices": ["1", "3"]}
- short_answer: {"text": "iliacus"}; numeric: {"value": "4.5"}
- matching: {"pairs": {"1": "3"}}: row token → answer token
- ordering: {"order": ["3", "1", "2"]}: every item token, first to last
- cloze: {"blanks": {"1": "lumbar"}}
- hotspot: {"region": "region-id"}
`null` clears the answer.
"""

from collections.abc import Mapping

from quizzes.grading import InvalidResponse

SHAPES = {
    "single_choice": ("choice", str),
    "true_false": ("choice", str),
    "multiple_response": ("choices", list),
    "short_answer": ("text", str),
    "numeric": ("value", str),
    "matching": ("pairs", dict),
    "ordering": ("order", list),
    "cloze": ("blanks", dict),
    "hotspot": ("region", str),
}
WRONG_SHAPE = "An answer to a {qtype} question is {example}, or null to clear it."
EXAMPLES = {
    "single_choice": '{"choice": "<token>"}',
    "true_false": '{"choice": "<token>"}',
    "multiple_response": '{"choices": ["<token>", ...]}',
    "short_answer": '{"text": "..."}',
    "numeric": '{"value": "..."}',
    "matching": '{"pairs": {"<row token>": "<answer token>"}}',
    "ordering": '{"order": ["<token>", ...]} with every item once',
    "cloze": '{"blanks": {"<blank number>": "..."}}',
    "hotspot": '{"region": "<region id>"}',
}
NOT_ANSWERABLE = "Flashcards are rated, not answered."


def _text(value) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError
    return str(value)


def form_data(qtype: str, response: Mapping | None, item_count: int) -> dict | None:
    """The form fields standing for `response`; None for no answer.

    `item_count` is the number of items an ordering question shows. Raises InvalidResponse with
    the expected shape when the response does not fit the question's type.
    """
    if response is None:
        return None
    if qtype not in SHAPES:
        raise InvalidResponse(NOT_ANSWERABLE)
    key, kind = SHAPES[qtype]
    wrong = InvalidResponse(WRONG_SHAPE.format(qtype=qtype, example=EXAMPLES[qtype]))
    if not isinstance(response, Mapping) or set(response) - {key}:
        raise wrong
    if key not in response:
        return None
    value = response[key]
    try:
        if kind is str:
            field = "choice" if key == "choice" else key
            return {field: _text(value)}
        if kind is list:
            if not isinstance(value, list):
                raise TypeError
            tokens = [_text(v) for v in value]
            if qtype == "multiple_response":
                return {"choice": tokens}
            return _ranks(tokens, item_count, wrong)
        if not isinstance(value, Mapping):
            raise TypeError
        prefix = "pair" if qtype == "matching" else "blank"
        return {f"{prefix}-{_text(k)}": _text(v) for k, v in value.items()}
    except TypeError:
        raise wrong from None


def _ranks(tokens: list[str], item_count: int, wrong: InvalidResponse) -> dict | None:
    if not tokens:
        return None
    if sorted(tokens) != sorted(str(n) for n in range(1, item_count + 1)):
        raise wrong
    return {f"rank-{token}": str(rank) for rank, token in enumerate(tokens, 1)}
