"""GIFT: one case per Moodle construct, every problem with its line, and round trips."""

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.grading import GradingOption, GradingQuestion, grade
from quizzes.interchange import gift
from quizzes.interchange.bankdir import read_bank_dir
from quizzes.interchange.drafts import OptionDraft, Problem, QuestionDraft
from quizzes.interchange.gift import export_gift, parse_gift, write_gift
from quizzes.interchange.validation import (
    MULTI_WEIGHTS,
    SINGLE_NEEDS_ONE_RIGHT,
    validate_question,
)

BANKS = Path(__file__).resolve().parents[2] / "banks"
SRC = "// source: Moore, Clinically Oriented Anatomy\n"
GIFT_TYPES = {
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
}
ONE, ZERO = Decimal(1), Decimal(0)


def only(text: str, **kwargs) -> QuestionDraft:
    result = parse_gift(text, **kwargs)
    assert result.problems == []
    assert len(result.questions) == 1
    return result.questions[0]


def problems(text: str, **kwargs) -> list[Problem]:
    return parse_gift(text, **kwargs).problems


def draft(**fields) -> QuestionDraft:
    base = {
        "key": "q",
        "qtype": "single_choice",
        "prompt": "Where does psoas major insert?",
        "explanation": "On the lesser trochanter.",
        "source": "Moore, Clinically Oriented Anatomy",
        "line": 2,
    }
    return QuestionDraft(**{**base, **fields})


# ------------------------------------------------------------------ constructs, one case each


def test_multiple_choice_is_single_choice():
    text = SRC + (
        "::q::Where does psoas major insert?{=Lesser trochanter ~Greater trochanter "
        "####On the lesser trochanter.}"
    )
    assert only(text) == draft(
        options=(OptionDraft("Lesser trochanter", ONE), OptionDraft("Greater trochanter", ZERO))
    )


def test_per_answer_feedback_and_general_feedback():
    text = SRC + (
        "::q::Where does psoas major insert?{\n"
        "=Lesser trochanter#Right: with iliacus.\n"
        "~Greater trochanter#That one serves the gluteals.\n"
        "####On the lesser trochanter.\n}"
    )
    assert only(text).options == (
        OptionDraft("Lesser trochanter", ONE, "Right: with iliacus."),
        OptionDraft("Greater trochanter", ZERO, "That one serves the gluteals."),
    )
    assert only(text).explanation == "On the lesser trochanter."


def test_partial_credit_on_a_wrong_option_keeps_single_choice():
    text = SRC + "::q::Where does psoas major insert?{=Lesser ~%50%Femur ~Tibia####On it.}"
    got = only(text)
    assert got.qtype == "single_choice"
    assert [o.fraction for o in got.options] == [ONE, Decimal("0.5"), ZERO]


def test_weights_with_negatives_make_multiple_response():
    text = SRC + (
        "::q::Which attach to psoas major?{~%50%T12 body ~%50%L1 transverse process "
        "~%-50%Iliac fossa ~%-50%Sacrum####Bodies T12-L5 and lumbar transverse processes.}"
    )
    got = only(text)
    assert got.qtype == "multiple_response"
    assert [(o.text, o.fraction) for o in got.options] == [
        ("T12 body", Decimal("0.5")),
        ("L1 transverse process", Decimal("0.5")),
        ("Iliac fossa", Decimal("-0.5")),
        ("Sacrum", Decimal("-0.5")),
    ]


def test_decimal_weights_are_read_like_the_bank_format():
    text = SRC + "::q::Pick.{~%33.333%a ~%33.333%b ~%33.334%c ~d####Why.}"
    assert [o.fraction for o in only(text).options] == [
        Decimal("0.33333"),
        Decimal("0.33333"),
        Decimal("0.33334"),
        ZERO,
    ]


@pytest.mark.parametrize(
    ("answer", "right"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_true_false_spellings(answer, right):
    got = only(SRC + f"::q::Psoas major flexes the hip.{{{answer}####Why.}}")
    assert got.qtype == "true_false"
    assert got.options == (
        OptionDraft("True", ONE if right else ZERO),
        OptionDraft("False", ZERO if right else ONE),
    )


def test_true_false_feedback_is_wrong_first_then_right_as_moodle_defines():
    got = only(SRC + "::q::Psoas flexes the hip.{T#You chose false.#You chose true.####Why.}")
    assert got.options == (
        OptionDraft("True", ONE, "You chose true."),
        OptionDraft("False", ZERO, "You chose false."),
    )
    got = only(SRC + "::q::Psoas is a soul muscle.{FALSE#You chose true.#You chose false.####W.}")
    assert got.options == (
        OptionDraft("True", ZERO, "You chose true."),
        OptionDraft("False", ONE, "You chose false."),
    )


def test_true_false_with_only_right_feedback():
    got = only(SRC + "::q::Psoas flexes the hip.{TRUE##Yes.####Why.}")
    assert got.options == (OptionDraft("True", ONE, "Yes."), OptionDraft("False", ZERO, ""))


def test_short_answer_all_answers_right_and_partial_weights():
    text = SRC + (
        "::q::Name the unit of psoas and iliacus.{=iliopsoas =ilio-psoas "
        "=%50%hip flexor#Too general. =%0%iliacus#Only one part.####Iliopsoas.}"
    )
    assert only(text) == draft(
        qtype="short_answer",
        prompt="Name the unit of psoas and iliacus.",
        explanation="Iliopsoas.",
        options=(
            OptionDraft("iliopsoas", ONE),
            OptionDraft("ilio-psoas", ONE),
            OptionDraft("hip flexor", Decimal("0.5"), "Too general."),
            OptionDraft("iliacus", ZERO, "Only one part."),
        ),
    )


def test_missing_word_with_choices_is_a_drop_down_cloze():
    text = SRC + "::q::Psoas major inserts on the {=lesser ~greater#No.####Why.} trochanter."
    assert only(text) == draft(
        qtype="cloze",
        prompt="Psoas major inserts on the {{1}} trochanter.",
        explanation="Why.",
        options=(
            OptionDraft("lesser", ONE, data={"blank": 1, "choice": True}),
            OptionDraft("greater", ZERO, "No.", data={"blank": 1, "choice": True}),
        ),
    )


def test_missing_word_with_equals_only_is_a_typed_cloze():
    got = only(SRC + "::q::Psoas major inserts on the {=lesser =small####Why.} trochanter.")
    assert got.qtype == "cloze"
    assert got.options == (
        OptionDraft("lesser", ONE, data={"blank": 1}),
        OptionDraft("small", ONE, data={"blank": 1}),
    )


def test_missing_word_at_the_start_of_the_text():
    got = only(SRC + "::q::{=Psoas ~Piriformis####Why.} major flexes the hip.")
    assert got.prompt == "{{1}} major flexes the hip."


def test_numeric_value_and_tolerance():
    got = only(SRC + "::q::How many lumbar vertebrae?{#5:0.5####Five.}")
    assert got.qtype == "numeric"
    assert got.options == (OptionDraft("5 ± 0.5", ONE, data={"value": 5, "tolerance": 0.5}),)


def test_numeric_exact_value_without_tolerance():
    got = only(SRC + "::q::How many lumbar vertebrae?{#5#Right.####Five.}")
    assert got.options == (OptionDraft("5", ONE, "Right.", data={"value": 5, "tolerance": 0}),)


def test_numeric_range():
    got = only(SRC + "::q::A number from 1 to 5?{#1..5####Any.}")
    assert got.options == (OptionDraft("1 to 5", ONE, data={"min": 1, "max": 5}),)


def test_numeric_negative_and_decimal_range():
    got = only(SRC + "::q::Pick.{#-2.5..-0.5####Any.}")
    assert got.options[0].data == {"min": -2.5, "max": -0.5}


def test_numeric_several_answers_with_weights():
    got = only(SRC + "::q::How many?{# =2:0 =%50%3:1#Close.####Two.}")
    assert got.options == (
        OptionDraft("2", ONE, data={"value": 2, "tolerance": 0}),
        OptionDraft("3 ± 1", Decimal("0.5"), "Close.", data={"value": 3, "tolerance": 1}),
    )


def test_numeric_unit_from_comment():
    got = only(SRC + "// unit: vertebrae\n::q::How many?{#5####Five.}")
    assert got.config == {"unit": "vertebrae"}


def test_matching_pairs_and_extra_answers():
    text = SRC + (
        "::q::Match each muscle to its role.{\n"
        "=Iliacus -> Shares the tendon\n"
        "=Gluteus maximus -> Extends the hip\n"
        "= -> Flexes the knee only\n"
        "####Why.\n}"
    )
    assert only(text).options == (
        OptionDraft("Shares the tendon", ONE, data={"prompt": "Iliacus"}),
        OptionDraft("Extends the hip", ONE, data={"prompt": "Gluteus maximus"}),
        OptionDraft("Flexes the knee only", ZERO),
    )
    assert only(text).qtype == "matching"


def test_question_name_becomes_a_slugified_key():
    assert only(SRC + "::Psoas: origin (T12–L5)::Where?{=a ~b####W.}").key == "psoas-origin-t12-l5"


def test_escaped_colon_in_name_and_names_are_deduplicated():
    text = (
        SRC + "::Insertion::Where?{=a ~b####W.}\n\n"
        + SRC + "::Insertion::Where again?{=a ~b####W.}\n\n"
        + SRC + "::Hip\\: flexion::Which?{=a ~b####W.}"
    )  # fmt: skip
    result = parse_gift(text)
    assert result.problems == []
    assert [d.key for d in result.questions] == ["insertion", "insertion-2", "hip-flexion"]


def test_question_without_a_name_gets_a_key_from_its_text():
    assert only(SRC + "Where does psoas insert?{=a ~b####W.}").key == "where-does-psoas-insert"


def test_comments_are_ignored_and_comment_only_blocks_are_skipped():
    text = (
        "// A file of psoas questions\n// written for the spring cohort\n\n"
        + SRC
        + "// question: 12  name: Moodle writes lines like this\n"
        + "::q::Where?{\n// a comment inside the block\n=a ~b####W.}"
    )
    got = only(text)
    assert got.prompt == "Where?"
    assert [o.text for o in got.options] == ["a", "b"]


def test_category_becomes_a_tag_on_the_questions_after_it():
    text = (
        SRC + "::one::Before?{=a ~b####W.}\n\n"
        "$CATEGORY: $course$/top/Psoas anatomy\n\n"
        + SRC + "// tags: origin\n::two::After?{=a ~b####W.}"
    )  # fmt: skip
    result = parse_gift(text)
    assert result.problems == []
    assert [d.tags for d in result.questions] == [(), ("origin", "psoas-anatomy")]


def test_metadata_comments_source_difficulty_tags_myths():
    text = (
        "// source: Moore KL. Clinically Oriented Anatomy.\n"
        "// source:   - indented second line\n"
        "// difficulty: 4\n"
        "// tags: origin, Vertebrae\n"
        "// [tag:moodle-style]\n"
        "// myths: 2\n"
        "::q::Where?{=a ~b####W.}"
    )
    got = only(text)
    assert got.source == "Moore KL. Clinically Oriented Anatomy.\n  - indented second line"
    assert got.difficulty == 4
    assert got.tags == ("origin", "vertebrae", "moodle-style")
    assert [o.is_myth for o in got.options] == [False, True]


def test_default_source_fills_questions_without_one():
    got = only("::q::Where?{=a ~b####W.}", default_source="Gray's Anatomy, 42nd ed.")
    assert got.source == "Gray's Anatomy, 42nd ed."


def test_markdown_prefix_is_kept_as_markdown():
    assert only(SRC + "::q::[markdown]Where does **psoas** insert?{=a ~b####W.}").prompt == (
        "Where does **psoas** insert?"
    )


def test_html_prefix_keeps_html_for_the_sanitiser():
    got = only(SRC + "::q::[html]<p>Where does <b>psoas</b> insert?</p>{=<i>a</i> ~b####<p>W</p>}")
    assert got.prompt == "<p>Where does <b>psoas</b> insert?</p>"
    assert got.options[0].text == "<i>a</i>"
    assert got.explanation == "<p>W</p>"


def test_plain_prefix_is_escaped_so_it_shows_as_typed():
    got = only(SRC + "::q::[plain]Is 2 * 3 <b>six</b>?{=yes ~no####W.}")
    assert got.prompt == "Is 2 \\* 3 &lt;b&gt;six&lt;/b&gt;?"


def test_moodle_prefix_is_read_as_markdown():
    assert only(SRC + "::q::[moodle]Where?{=a ~b####W.}").prompt == "Where?"


def test_answer_with_its_own_format_prefix():
    got = only(SRC + "::q::[markdown]Where?{=[html]<b>a</b> ~b####W.}")
    assert got.options[0].text == "<b>a</b>"


def test_every_escape():
    text = SRC + "::q::a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni{=x\\=y ~z\\#1#fb\\~####W\\:}"
    got = only(text)
    assert got.prompt == "a~b=c#d{e}f:g\\h\ni"
    assert [o.text for o in got.options] == ["x=y", "z#1"]
    assert got.options[1].feedback == "fb~"
    assert got.explanation == "W:"


def test_unknown_escape_keeps_its_backslash():
    assert only(SRC + "::q::C\\d?{=a ~b####W.}").prompt == "C\\d?"


def test_multi_line_questions_crlf_and_bom_with_right_lines():
    text = "\ufeff" + (
        "// source: S\r\n"
        "::one::Where does\r\n"
        "psoas insert?{\r\n"
        "=a\r\n"
        "~b\r\n"
        "####W.\r\n"
        "}\r\n"
        "\r\n"
        "\r\n"
        "// source: S\r\n"
        "::two::Second?{=a ~b####W.}\r\n"
    )
    result = parse_gift(text)
    assert result.problems == []
    assert [(d.key, d.line, d.prompt) for d in result.questions] == [
        ("one", 2, "Where does\npsoas insert?"),
        ("two", 11, "Second?"),
    ]


def test_imported_drafts_pass_validation():
    text = "\n\n".join(
        SRC + body
        for body in (
            "::a::Where?{=a ~b####W.}",
            "::b::Pick.{~%50%a ~%50%b ~%-100%c####W.}",
            "::c::True?{T####W.}",
            "::d::Name.{=a =b####W.}",
            "::e::How many?{#5:1####W.}",
            "::f::Match.{=a -> 1 =b -> 2####W.}",
            "::g::Fill {=a ~b####W.} this.",
        )
    )
    result = parse_gift(text)
    assert result.problems == []
    assert len(result.questions) == 7
    for question in result.questions:
        assert validate_question(question) == []


# ------------------------------------------------------------------ problems: message and line


def test_essay_is_unsupported_with_its_line():
    assert problems("\n\n" + SRC + "::q::Describe psoas.{####W.}") == [
        Problem(4, gift.ESSAY_UNSUPPORTED)
    ]


def test_empty_braces_are_an_essay():
    assert problems(SRC + "::q::Describe psoas.{}") == [Problem(2, gift.ESSAY_UNSUPPORTED)]


def test_description_is_unsupported_with_its_line():
    assert problems("::intro::Read about psoas first.") == [
        Problem(1, gift.DESCRIPTION_UNSUPPORTED)
    ]


def test_missing_source_says_what_to_add():
    assert problems("::q::Where?{=a ~b####W.}") == [Problem(1, gift.MISSING_SOURCE)]


def test_missing_explanation_says_what_to_add():
    assert problems(SRC + "::q::Where?{=a ~b}") == [Problem(2, gift.MISSING_EXPLANATION)]


def test_unclosed_answer_block_names_the_line_it_opened():
    assert problems(SRC + "::q::Where\ndoes it insert?{=a\n~b") == [Problem(3, gift.UNCLOSED_BRACE)]


def test_stray_closing_brace():
    assert problems(SRC + "::q::Where} is it?{=a ~b####W.}") == [Problem(2, gift.STRAY_CLOSE)]


def test_nested_brace():
    assert problems(SRC + "::q::Where?{=a\n~{b}####W.}") == [Problem(3, gift.NESTED_BRACE)]


def test_two_answer_blocks_are_multi_blank_and_unsupported():
    assert problems(SRC + "::q::The {=a ~b} and\nthe {=c ~d} trochanters.") == [
        Problem(3, gift.TWO_BLOCKS)
    ]


def test_unclosed_question_name():
    assert problems(SRC + "::q:Where?{=a ~b####W.}") == [Problem(2, gift.UNCLOSED_NAME)]


def test_bad_weight():
    assert problems(SRC + "::q::Pick.{~%half%a ~b####W.}") == [
        Problem(2, gift.BAD_WEIGHT.format(weight="half"))
    ]


def test_weight_beyond_100():
    assert problems(SRC + "::q::Pick.{~%150%a ~b####W.}") == [
        Problem(2, gift.BAD_WEIGHT.format(weight="150"))
    ]


def test_text_before_the_first_answer():
    assert problems(SRC + "::q::Pick.{oops =a ~b####W.}") == [
        Problem(2, gift.TEXT_BEFORE_ANSWERS.format(text="oops"))
    ]


def test_multiple_choice_without_a_right_answer():
    assert problems(SRC + "::q::Pick.{~a ~b####W.}") == [Problem(2, gift.NO_RIGHT_ANSWER)]


def test_matching_answer_without_arrow():
    assert problems(SRC + "::q::Match.{=a -> 1\n=b 2####W.}") == [
        Problem(3, gift.MATCHING_ARROW.format(n=2))
    ]


def test_numeric_answer_that_is_not_a_number():
    assert problems(SRC + "::q::How many?{#five####W.}") == [
        Problem(2, gift.BAD_NUMBER.format(text="five"))
    ]


def test_numeric_catch_all_feedback_is_unsupported():
    assert problems(SRC + "::q::How many?{#5 ~#No.####W.}") == [Problem(2, gift.NUMERIC_CATCH_ALL)]


def test_true_false_cannot_fill_a_blank():
    assert problems(SRC + "::q::Psoas {T####W.} flexes.") == [
        Problem(2, gift.BLANK_TYPE.format(qtype="true_false"))
    ]


def test_bad_difficulty_comment():
    assert problems(SRC + "// difficulty: 9\n::q::Pick.{=a ~b####W.}") == [
        Problem(2, gift.BAD_DIFFICULTY_META)
    ]


def test_bad_myths_comment():
    assert problems(SRC + "// myths: second\n::q::Pick.{=a ~b####W.}") == [
        Problem(2, gift.BAD_MYTHS_META)
    ]


def test_myth_number_out_of_range():
    assert problems(SRC + "// myths: 3\n::q::Pick.{=a ~b####W.}") == [
        Problem(3, gift.MYTH_OUT_OF_RANGE.format(n=3, count=2))
    ]


def test_unit_on_a_question_that_is_not_numeric():
    assert problems(SRC + "// unit: cm\n::q::Pick.{=a ~b####W.}") == [
        Problem(3, gift.UNIT_NOT_NUMERIC)
    ]


def test_metadata_separated_by_a_blank_line():
    assert problems("// source: S\n\n::q::Pick.{=a ~b####W.}") == [
        Problem(1, gift.META_DETACHED.format(name="source")),
        Problem(3, gift.MISSING_SOURCE),
    ]


def test_category_followed_by_a_question_without_a_blank_line():
    assert problems("$CATEGORY: top/Psoas\n::q::Pick.{=a ~b####W.}") == [
        Problem(2, gift.CATEGORY_NOT_ALONE)
    ]


def test_rules_of_every_question_apply_with_the_line():
    text = SRC + "::q::Pick.{=a =b ~c####W.}\n\n" + SRC + "::r::Pick.{~%50%a ~%30%b ~c####W.}"
    assert problems(text) == [
        Problem(2, SINGLE_NEEDS_ONE_RIGHT.format(n=2)),
        Problem(5, MULTI_WEIGHTS.format(total="80")),
    ]


def test_every_problem_in_a_file_is_reported_in_line_order():
    text = (
        "::a::Describe.{}\n\n"
        "::b::Where?{=a ~b}\n\n"
        + SRC + "::c::Intro text only"
    )  # fmt: skip
    assert problems(text) == [
        Problem(1, gift.ESSAY_UNSUPPORTED),
        Problem(3, gift.MISSING_SOURCE),
        Problem(3, gift.MISSING_EXPLANATION),
        Problem(6, gift.DESCRIPTION_UNSUPPORTED),
    ]


# ------------------------------------------------------------------ round trips


def bundled_questions() -> list[QuestionDraft]:
    bank_dir = read_bank_dir(BANKS)
    assert bank_dir.problems() == []
    return [q for f in bank_dir.banks.values() for q in f.bank.questions]


def same(a: QuestionDraft, b: QuestionDraft) -> bool:
    return replace(a, line=0) == replace(b, line=0) and a.content_hash() == b.content_hash()


def test_bundled_banks_round_trip_for_every_type_gift_expresses():
    questions = bundled_questions()
    assert len(questions) == 210
    exported = export_gift(questions)
    result = parse_gift(exported.text)
    assert result.problems == []
    expressible = [q for q in questions if q.key not in dict(exported.skipped)]
    assert {q.qtype for q in expressible} == GIFT_TYPES
    assert len(result.questions) == len(expressible) == 127
    for original, back in zip(expressible, result.questions, strict=True):
        assert same(original, back), original.key


def test_what_gift_cannot_express_is_skipped_with_a_reason():
    exported = export_gift(bundled_questions())
    reasons = dict(exported.skipped)
    by_type = {}
    for question in bundled_questions():
        if question.key in reasons:
            by_type.setdefault(question.qtype, set()).add(reasons[question.key])
    assert set(by_type) == {"flashcard", "hotspot", "ordering", "cloze"}
    assert by_type["flashcard"] == {gift.SKIP_TYPE.format(qtype="flashcard")}
    assert all("one blank per question" in r for r in by_type["cloze"])
    for key in reasons:
        assert f"// Not exported: {key}: " in exported.text


@pytest.mark.parametrize(
    "question",
    [
        draft(
            key="cloze-drop",
            qtype="cloze",
            prompt="Psoas inserts on the {{1}} trochanter.",
            options=(
                OptionDraft("lesser", ONE, "Yes", data={"blank": 1, "choice": True}),
                OptionDraft("%greater", Decimal("0.25"), data={"blank": 1, "choice": True}),
                OptionDraft("third", ZERO, is_myth=True, data={"blank": 1, "choice": True}),
            ),
        ),
        draft(
            key="cloze-typed",
            qtype="cloze",
            prompt="{{1}} major flexes the hip.",
            options=(
                OptionDraft("Psoas", ONE, data={"blank": 1}),
                OptionDraft("psoas mayor", Decimal("0.5"), "Spelling.", data={"blank": 1}),
            ),
        ),
        draft(
            key="num-range",
            qtype="numeric",
            difficulty=5,
            config={"unit": "cm"},
            options=(
                OptionDraft("1.5 to 2.5", ONE, data={"min": 1.5, "max": 2.5}),
                OptionDraft("-3 ± 0.25", Decimal("-0.5"), data={"value": -3, "tolerance": 0.25}),
            ),
        ),
        draft(
            key="tf-feedback",
            qtype="true_false",
            options=(OptionDraft("True", ZERO, "", is_myth=True), OptionDraft("False", ONE, "R")),
        ),
        draft(
            key="sc-two-full",
            prompt="[html] looks like a prefix: {braces}, ~tilde, =equals, #hash, ::colons::",
            options=(
                OptionDraft("[plain]a", ONE, "#1"),
                OptionDraft("b", ONE),
                OptionDraft("%c", ZERO),
            ),
        ),
    ],
    ids=lambda q: q.key,
)
def test_hand_made_questions_round_trip(question):
    result = parse_gift(write_gift([question]))
    assert result.problems == [] or question.key == "sc-two-full"
    assert same(result.questions[0], question)


# ------------------------------------------------------------------ grading is unchanged


def grading_question(question: QuestionDraft) -> GradingQuestion:
    return GradingQuestion(
        qtype=question.qtype,
        options=tuple(
            GradingOption(n, o.text, o.fraction, o.feedback, o.data)
            for n, o in enumerate(question.options)
        ),
        config=question.config,
    )


def responses(question: QuestionDraft) -> list[dict]:
    n = len(question.options)
    if question.qtype in ("single_choice", "true_false"):
        return [{"option": i} for i in range(n)]
    if question.qtype == "multiple_response":
        return [{"options": [i]} for i in range(n)] + [{"options": list(range(n))}]
    if question.qtype == "short_answer":
        return [{"text": o.text.upper()} for o in question.options] + [{"text": "nothing"}]
    if question.qtype == "numeric":
        values = [o.data.get("value", o.data.get("min")) for o in question.options]
        return [{"value": str(v)} for v in values] + [{"value": "999"}]
    if question.qtype == "matching":
        prompts = [i for i, o in enumerate(question.options) if o.data.get("prompt")]
        return [
            {"pairs": {str(p): str(p) for p in prompts}},
            {"pairs": {str(p): str(prompts[0]) for p in prompts}},
        ]
    raise AssertionError(question.qtype)


def test_grading_an_imported_question_matches_the_bundled_one():
    questions = [q for q in bundled_questions() if q.qtype in GIFT_TYPES]
    imported = {q.key: q for q in parse_gift(write_gift(questions)).questions}
    checked = 0
    for question in questions:
        for response in responses(question):
            bundled = grade(grading_question(question), response)
            again = grade(grading_question(imported[question.key]), response)
            assert again == bundled, (question.key, response)
            checked += 1
    assert checked > 500


# ------------------------------------------------------------------ escaping, by property

SPECIALS = "~=#{}:\\\n\r%[]->/ \t"
texts = st.text(
    alphabet=st.one_of(st.sampled_from(SPECIALS), st.characters(codec="utf-8")), max_size=40
).filter(lambda t: t.strip() and "\x00" not in t)


def expected(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@settings(max_examples=300, deadline=None)
@given(prompt=texts, option=texts, feedback=texts, explanation=texts)
def test_any_text_with_gift_special_characters_survives(prompt, option, feedback, explanation):
    question = draft(
        prompt=expected(prompt),
        explanation=expected(explanation),
        options=(
            OptionDraft(expected(option), ONE, expected(feedback)),
            OptionDraft("other", ZERO),
        ),
    )
    result = parse_gift(write_gift([question]))
    back = result.questions[0]
    assert (back.prompt, back.explanation) == (question.prompt, question.explanation)
    assert back.options == question.options


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_escape_then_read_gives_the_text_back(text):
    chars = gift._Chars.read([(1, gift.escape(text))])
    assert chars.text == text.replace("\r\n", "\n").replace("\r", "\n")
