"""Presentation fixes made for the quiz pages: nothing on the page hints at the right answer."""

import random
from decimal import Decimal

import pytest
from django.http import QueryDict

from quizzes import presentation
from quizzes.grading import grade
from tests import factories as f

pytestmark = pytest.mark.django_db

PAIRS = [
    ("Psoas major", "Lesser trochanter"),
    ("Iliacus", "Iliac fossa"),
    ("Quadratus lumborum", "12th rib"),
    ("Psoas minor", "Iliopubic eminence"),
]


def matching_version():
    version = f.QuestionVersionFactory(qtype="matching", prompt="Match each muscle to a bony site.")
    for n, (prompt, answer) in enumerate(PAIRS):
        f.OptionFactory(
            version=version, position=n, text=answer, fraction=Decimal(1), data={"prompt": prompt}
        )
    f.OptionFactory(version=version, position=len(PAIRS), text="Greater trochanter")
    return version


def test_matching_answers_are_listed_apart_from_the_rows_order():
    version = matching_version()
    ids = [o.id for o in version.options.order_by("position")]
    rng = random.Random(7)
    for _ in range(20):
        order = ids[:]
        rng.shuffle(order)
        shown = presentation.present(version, order, None)
        texts = [str(c.html) for c in shown.choices]
        assert texts == sorted(texts, key=str.casefold)
        # Row n's right answer is not simply choice n.
        rows = [str(r.prompt_html) for r in shown.rows]
        right = dict(PAIRS)
        aligned = sum(texts[n] == right[row] for n, row in enumerate(rows))
        assert aligned < len(rows)


def test_matching_form_round_trip_grades_right():
    version = matching_version()
    order = [o.id for o in version.options.order_by("-position")]
    shown = presentation.present(version, order, None)
    texts = [str(c.html) for c in shown.choices]
    right = dict(PAIRS)
    form = QueryDict(mutable=True)
    for row in shown.rows:
        form[f"pair-{row.token}"] = str(texts.index(right[str(row.prompt_html)]) + 1)
    response = presentation.response_from_form(version, order, form)
    result = grade(presentation.to_grading_question(version), response)
    assert result.fraction == 1
    again = presentation.present(version, order, response)
    assert [r.selected for r in again.rows] == [form[f"pair-{r.token}"] for r in again.rows]


def test_diagram_regions_are_not_announced_as_buttons():
    diagram = f.DiagramFactory()
    version = f.QuestionVersionFactory(qtype="hotspot", config={"diagram": diagram.slug})
    f.OptionFactory(version=version, text="A", fraction=1, data={"region": "a"})
    ids = [o.id for o in version.options.all()]
    shown = presentation.present(version, ids, {"region": "a"}, diagram=diagram)
    assert 'role="button"' not in shown.diagram_svg
    assert 'data-region="a" class="is-chosen"' in shown.diagram_svg


def test_form_text_loses_nul_characters_which_postgresql_cannot_store():
    version = f.QuestionVersionFactory(qtype="short_answer")
    f.OptionFactory(version=version, text="iliacus", fraction=1)
    form = QueryDict(mutable=True)
    form["text"] = "ilia\x00cus"
    assert presentation.response_from_form(version, [], form) == {"text": "iliacus"}
