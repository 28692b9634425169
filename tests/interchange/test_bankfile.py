"""The bank file format: every type parses, and every mistake is reported with its line."""

from decimal import Decimal
from textwrap import dedent

import pytest

from quizzes.interchange import bankfile, validation
from quizzes.interchange.bankfile import parse_bank_file

DIAGRAMS = {"pelvis": {"lesser-trochanter": "Lesser trochanter", "greater-trochanter": "Greater"}}
HEADER = """\
format: psoasquiz-bank/1
bank:
  slug: test-bank
  title: Test bank
  topic: anatomy
questions:
"""


def parse(questions: str, quizzes: str = ""):
    return parse_bank_file(HEADER + dedent(questions) + dedent(quizzes), DIAGRAMS)


def only_question(result):
    assert result.problems == (), [str(p) for p in result.problems]
    (question,) = result.bank.questions
    return question


def test_single_choice_with_feedback_and_myth_flag():
    q = only_question(
        parse(
            question(
                """\
            - key: insertion
              type: single_choice
              difficulty: 1
              tags: [insertion, femur]
              prompt: Where does psoas major insert?
              options:
                - text: Lesser trochanter
                  correct: true
                - text: Greater trochanter
                  feedback: That is where gluteus medius inserts.
                  myth: true
            """
            )
        )
    )
    assert q.qtype == "single_choice"
    assert q.difficulty == 1
    assert q.tags == ("insertion", "femur")
    assert [(o.text, o.fraction, o.is_myth) for o in q.options] == [
        ("Lesser trochanter", Decimal(1), False),
        ("Greater trochanter", Decimal(0), True),
    ]
    assert q.options[1].feedback == "That is where gluteus medius inserts."
    assert q.line == 7


def question(body: str) -> str:
    return dedent(body) + "  explanation: Because.\n  source: Gray's Anatomy.\n"


def test_multiple_response_default_weights_make_ticking_everything_worth_nothing():
    q = only_question(
        parse(
            question(
                """\
                - key: flexors
                  type: multiple_response
                  prompt: Which are hip flexors?
                  options:
                    - {text: Iliacus, correct: true}
                    - {text: Rectus femoris, correct: true}
                    - {text: Gluteus maximus}
                """
            )
        )
    )
    assert [o.fraction for o in q.options] == [Decimal("0.5"), Decimal("0.5"), Decimal("-0.5")]


def test_multiple_response_explicit_weights_in_percent():
    q = only_question(
        parse(
            question(
                """\
                - key: flexors
                  type: multiple_response
                  prompt: Which are hip flexors?
                  options:
                    - {text: Iliacus, weight: 33.33333}
                    - {text: Sartorius, weight: 33.33333}
                    - {text: Pectineus, weight: 33.33334}
                    - {text: Gluteus maximus, weight: -100}
                """
            )
        )
    )
    assert [o.fraction for o in q.options][-1] == Decimal(-1)


def test_true_false_flags_the_wrong_choice_as_the_myth():
    q = only_question(
        parse(
            question(
                """\
                - key: only-muscle
                  type: true_false
                  prompt: The psoas is the only muscle joining the spine to the legs.
                  answer: false
                  myth: true
                  feedback_true: Piriformis and gluteus maximus do too.
                """
            )
        )
    )
    assert [(o.text, o.fraction, o.is_myth, o.feedback) for o in q.options] == [
        ("True", Decimal(0), True, "Piriformis and gluteus maximus do too."),
        ("False", Decimal(1), False, ""),
    ]


def test_short_answer_accepts_strings_and_weighted_entries():
    q = only_question(
        parse(
            question(
                """\
                - key: insertion-typed
                  type: short_answer
                  prompt: Name the bony landmark where psoas major inserts.
                  answers:
                    - lesser trochanter
                    - {text: trochanter minor, weight: 100}
                    - {text: greater trochanter, weight: 0, feedback: Other side., myth: true}
                """
            )
        )
    )
    assert [(o.text, o.fraction) for o in q.options] == [
        ("lesser trochanter", Decimal(1)),
        ("trochanter minor", Decimal(1)),
        ("greater trochanter", Decimal(0)),
    ]
    assert q.options[2].is_myth


def test_numeric_value_with_tolerance_and_range():
    q = only_question(
        parse(
            question(
                """\
                - key: lumbar-count
                  type: numeric
                  prompt: How many lumbar vertebrae give psoas a transverse-process attachment?
                  unit: vertebrae
                  answers:
                    - {value: 5, tolerance: 0}
                    - {min: 4, max: 6, weight: 50}
                """
            )
        )
    )
    assert q.config == {"unit": "vertebrae"}
    assert [o.data for o in q.options] == [{"value": 5, "tolerance": 0}, {"min": 4, "max": 6}]
    assert [o.fraction for o in q.options] == [Decimal(1), Decimal("0.5")]


def test_matching_pairs_and_extra_answers():
    q = only_question(
        parse(
            question(
                """\
                - key: nerves
                  type: matching
                  prompt: Match each nerve to where it leaves psoas major.
                  pairs:
                    - {prompt: Genitofemoral, answer: Anterior surface}
                    - {prompt: Obturator, answer: Medial border}
                  extra_answers: [Through the tendon]
                """
            )
        )
    )
    assert [(o.text, o.data, o.fraction) for o in q.options] == [
        ("Anterior surface", {"prompt": "Genitofemoral"}, Decimal(1)),
        ("Medial border", {"prompt": "Obturator"}, Decimal(1)),
        ("Through the tendon", {}, Decimal(0)),
    ]


def test_ordering_keeps_the_given_order():
    q = only_question(
        parse(
            question(
                """\
                - key: gait
                  type: ordering
                  prompt: Order these from top to bottom.
                  items: [T12 body, L3 body, Lesser trochanter]
                """
            )
        )
    )
    assert [o.text for o in q.options] == ["T12 body", "L3 body", "Lesser trochanter"]


def test_cloze_typed_and_dropdown_blanks():
    q = only_question(
        parse(
            question(
                """\
                - key: cloze
                  type: cloze
                  prompt: Psoas inserts on the {{1}} trochanter and is supplied by {{2}}.
                  blanks:
                    - {answers: [lesser, minor]}
                    - {answers: [L1-L3], choices: [L1-L3, S1-S3]}
                """
            )
        )
    )
    assert [(o.text, o.fraction, o.data) for o in q.options] == [
        ("lesser", Decimal(1), {"blank": 1}),
        ("minor", Decimal(1), {"blank": 1}),
        ("L1-L3", Decimal(1), {"blank": 2, "choice": True}),
        ("S1-S3", Decimal(0), {"blank": 2, "choice": True}),
    ]


def test_flashcard_front_and_back():
    q = only_question(
        parse(
            question(
                """\
                - key: card
                  type: flashcard
                  front: Insertion of psoas major?
                  back: Lesser trochanter of the femur.
                """
            )
        )
    )
    assert q.prompt == "Insertion of psoas major?"
    assert q.config == {"back": "Lesser trochanter of the femur."}
    assert q.options == ()


def test_hotspot_regions_take_their_names_from_the_diagram():
    q = only_question(
        parse(
            question(
                """\
                - key: spot
                  type: hotspot
                  prompt: Click where psoas major inserts.
                  diagram: pelvis
                  regions: [lesser-trochanter]
                  distractor_regions:
                    - {region: greater-trochanter, feedback: Lateral, not medial.}
                """
            )
        )
    )
    assert q.config == {"diagram": "pelvis"}
    assert [(o.text, o.fraction, o.data) for o in q.options] == [
        ("Lesser trochanter", Decimal(1), {"region": "lesser-trochanter"}),
        ("Greater", Decimal(0), {"region": "greater-trochanter"}),
    ]


def messages(result):
    return [(p.line, p.message) for p in result.problems]


def test_hotspot_region_missing_from_the_diagram_is_reported():
    result = parse(
        question(
            """\
            - key: spot
              type: hotspot
              prompt: Click.
              diagram: pelvis
              regions: [patella]
            """
        )
    )
    assert messages(result) == [
        (7, validation.UNKNOWN_REGION.format(region="patella", diagram="pelvis"))
    ]


def test_unknown_field_is_reported_not_dropped():
    result = parse(
        question(
            """\
            - key: typo
              type: single_choice
              prompt: Which?
              optoins: []
            """
        )
    )
    ((line, message),) = messages(result)
    assert line == 7
    assert "unknown field(s) optoins" in message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            """\
            - key: two-right
              type: single_choice
              prompt: Which?
              options: [{text: A, correct: true}, {text: B, correct: true}]
            """,
            validation.SINGLE_NEEDS_ONE_RIGHT.format(n=2),
        ),
        (
            """\
            - key: weights
              type: multiple_response
              prompt: Which?
              options: [{text: A, weight: 50}, {text: B, weight: 40}]
            """,
            validation.MULTI_WEIGHTS.format(total=90),
        ),
        (
            """\
            - key: tol
              type: numeric
              prompt: How many?
              answers: [{value: 5, tolerance: -1}]
            """,
            validation.NUMERIC_SHAPE.format(n=1),
        ),
        (
            """\
            - key: Bad Key
              type: flashcard
              front: Front
              back: Back
            """,
            validation.BAD_KEY.format(key="Bad Key"),
        ),
        (
            """\
            - key: myth-right
              type: single_choice
              prompt: Which?
              options: [{text: A, correct: true, myth: true}, {text: B}]
            """,
            validation.MYTH_ON_RIGHT.format(n=1),
        ),
        (
            """\
            - key: cloze-gap
              type: cloze
              prompt: Only {{2}} here.
              blanks: [{answers: [x]}]
            """,
            validation.CLOZE_PLACEHOLDERS.format(n=1, found=[2]),
        ),
        (
            """\
            - key: no-type
              type: essay
              prompt: Discuss.
            """,
            validation.UNKNOWN_TYPE.format(qtype="essay"),
        ),
    ],
)
def test_each_rule_reports_what_to_fix(body, expected):
    assert (7, expected) in messages(parse(question(body)))


def test_missing_explanation_and_source_are_reported():
    result = parse(
        """\
        - key: bare
          type: flashcard
          front: Front
          back: Back
        """
    )
    assert messages(result) == [
        (7, validation.MISSING_FIELD.format(field="explanation")),
        (7, validation.MISSING_FIELD.format(field="source")),
    ]


def test_duplicate_keys_are_reported_on_the_second_question():
    card = "- {key: same, type: flashcard, front: F, back: B, explanation: E, source: S}\n"
    result = parse(card + card.replace("front: F", "front: G"))
    assert messages(result) == [(8, validation.DUPLICATE_KEY.format(key="same"))]


def test_broken_yaml_reports_its_line():
    result = parse_bank_file(HEADER + "  - key: [unclosed\n")
    assert result.bank is None
    ((line, message),) = messages(result)
    assert line >= 7
    assert message.startswith("this is not valid YAML")


def test_wrong_format_tag_is_refused():
    result = parse_bank_file("format: something-else\n")
    assert messages(result) == [(1, bankfile.WRONG_FORMAT)]


def test_quizzes_section_parses_and_checks_keys():
    result = parse(
        "- {key: card, type: flashcard, front: F, back: B, explanation: E, source: S}\n",
        """\
        quizzes:
          - slug: check
            title: Check
            questions: [card, missing]
            draw: [{count: 3}, {tag: myth, count: 2}]
            time_limit_minutes: 10
        """,
    )
    assert messages(result) == [
        (9, bankfile.QUIZ_UNKNOWN_QUESTION.format(slug="check", key="missing"))
    ]
    (quiz,) = result.quizzes
    assert quiz.draws == (
        {"count": 3, "bank": None, "tag": None},
        {"count": 2, "bank": None, "tag": "myth"},
    )
    assert quiz.settings == {"time_limit_minutes": 10}


def test_content_hash_ignores_key_tags_and_line_but_not_content():
    base = only_question(
        parse("- {key: a, type: flashcard, front: F, back: B, explanation: E, source: S}\n")
    )
    retagged = only_question(
        parse(
            "\n- {key: b, type: flashcard, front: F, back: B, explanation: E, source: S, "
            "tags: [x]}\n"
        )
    )
    edited = only_question(
        parse("- {key: a, type: flashcard, front: F, back: B2, explanation: E, source: S}\n")
    )
    assert base.content_hash() == retagged.content_hash()
    assert base.content_hash() != edited.content_hash()


@pytest.mark.parametrize("draw", ["[{count: zero}]", "[{count: 0}]", "[{cuont: 3}]", "[5]"])
def test_a_malformed_draw_rule_is_reported_not_crashed_on(draw):
    result = parse(
        "- {key: card, type: flashcard, front: F, back: B, explanation: E, source: S}\n",
        f"quizzes:\n  - {{slug: check, title: Check, draw: {draw}}}\n",
    )
    assert (9, bankfile.QUIZ_BAD_DRAW.format(slug="check")) in messages(result)
