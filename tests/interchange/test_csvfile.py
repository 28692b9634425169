"""CSV: columns, defaults, row-numbered problems, formula neutralising and exact round trips."""

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.interchange import csvfile
from quizzes.interchange.bankdir import read_bank_dir
from quizzes.interchange.csvfile import (
    COLUMNS,
    csv_template,
    export_csv,
    neutral_read,
    neutral_write,
    parse_csv,
    write_csv,
)
from quizzes.interchange.drafts import OptionDraft, Problem, QuestionDraft
from quizzes.interchange.validation import DUPLICATE_KEY, QUESTION_TYPES, validate_question

BANKS = Path(__file__).resolve().parents[2] / "banks"
HEADER = "key,type,prompt,explanation,source,option,weight,feedback,myth\n"
ONE, ZERO = Decimal(1), Decimal(0)


def bundled_questions() -> list[QuestionDraft]:
    return [q for f in read_bank_dir(BANKS).banks.values() for q in f.bank.questions]


def same(a: QuestionDraft, b: QuestionDraft) -> bool:
    return replace(a, line=0) == replace(b, line=0) and a.content_hash() == b.content_hash()


def test_all_bundled_questions_round_trip_exactly():
    questions = bundled_questions()
    assert len(questions) == 210
    exported = export_csv(questions)
    assert exported.skipped == []
    result = parse_csv(exported.text)
    assert result.problems == []
    assert {q.qtype for q in result.questions} == set(QUESTION_TYPES)
    for original, back in zip(questions, result.questions, strict=True):
        assert same(original, back), original.key


def test_template_has_every_type_but_hotspot_and_is_valid():
    result = parse_csv(csv_template())
    assert result.problems == []
    assert {q.qtype for q in result.questions} == set(QUESTION_TYPES) - {"hotspot"}
    assert csv_template().splitlines()[0] == ",".join(COLUMNS)
    for question in result.questions:
        assert validate_question(question) == []


def test_one_row_per_option_with_question_fields_on_the_first():
    text = HEADER + (
        "insertion,single_choice,Where does psoas insert?,On the lesser trochanter.,Moore,"
        "Lesser trochanter,100,Right.,\n"
        ",,,,,Greater trochanter,,Gluteals go there.,yes\n"
    )
    result = parse_csv(text)
    assert result.problems == []
    assert result.questions == [
        QuestionDraft(
            key="insertion",
            qtype="single_choice",
            prompt="Where does psoas insert?",
            explanation="On the lesser trochanter.",
            source="Moore",
            options=(
                OptionDraft("Lesser trochanter", ONE, "Right."),
                OptionDraft("Greater trochanter", ZERO, "Gluteals go there.", is_myth=True),
            ),
            line=2,
        )
    ]


def test_empty_weight_means_right_for_accepted_answers():
    text = HEADER + "q,short_answer,Name it.,Iliopsoas.,Moore,iliopsoas,,,\nq,,,,,ilio psoas,,,\n"
    assert [o.fraction for o in parse_csv(text).questions[0].options] == [ONE, ONE]


def test_semicolon_separated_files_from_european_spreadsheets():
    text = HEADER.replace(",", ";") + "q;true_false;Psoas crosses the knee.;No.;Moore;True;;;\n"
    text += "q;;;;;False;100;;\n"
    result = parse_csv(text)
    assert result.problems == []
    assert [o.fraction for o in result.questions[0].options] == [ZERO, ONE]


def test_blank_rows_are_skipped_and_bom_is_ignored():
    text = "\ufeffkey,type,prompt,explanation,source,back\n,,,,,\nq,flashcard,Front?,Why.,S,Back\n"
    result = parse_csv(text)
    assert result.problems == []
    assert result.questions[0].config == {"back": "Back"}
    assert result.questions[0].line == 3


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            "q,single_choce,P,E,S,a,100,,\n",
            Problem(2, csvfile.BAD_TYPE.format(qtype="single_choce")),
        ),
        ("q,single_choice,P,E,S,a,lots,,\n", Problem(2, csvfile.BAD_WEIGHT.format(value="lots"))),
        ("q,single_choice,P,E,S,a,150,,\n", Problem(2, csvfile.BAD_WEIGHT.format(value="150"))),
        (
            "q,single_choice,P,E,S,a,100,,maybe\n",
            Problem(2, csvfile.BAD_FLAG.format(column="myth", value="maybe")),
        ),
        (",single_choice,P,E,S,a,100,,\n", Problem(2, csvfile.FIRST_ROW_NEEDS_KEY)),
        (
            "q,single_choice,P,E,S,a,100,,\nq,,Other prompt,,,b,0,,\n",
            Problem(3, csvfile.REPEATED_FIELDS.format(columns="prompt")),
        ),
        (
            "q,single_choice,P,E,S,a,100,,\nr,single_choice,P,E,S,a,100,,\nr,,,,,b,,,\n"
            "q,single_choice,P,E,S,a,100,,\nq,,,,,b,,,\n",
            Problem(5, DUPLICATE_KEY.format(key="q")),
        ),
    ],
    ids=["type", "weight-word", "weight-range", "flag", "no-key", "repeated", "duplicate"],
)
def test_problems_name_the_spreadsheet_row(rows, expected):
    assert expected in parse_csv(HEADER + rows).problems


def test_row_numbers_count_multi_line_cells_as_one_row():
    text = HEADER + '"q","single_choice","Line one\nline two",E,S,a,100,,\n' + "q,,,,,b,x,,\n"
    assert parse_csv(text).problems == [Problem(3, csvfile.BAD_WEIGHT.format(value="x"))]


def test_numeric_columns_and_type_specific_columns():
    header = "key,type,prompt,explanation,source,unit,value,tolerance,min,max,weight\n"
    text = header + "n,numeric,How many?,Five.,S,vertebrae,5,0.5,,,\nn,,,,,,,,4,6,50\n"
    question = parse_csv(text).questions[0]
    assert question.config == {"unit": "vertebrae"}
    assert question.options == (
        OptionDraft("5 ± 0.5", ONE, data={"value": 5, "tolerance": 0.5}),
        OptionDraft("4 to 6", Decimal("0.5"), data={"min": 4, "max": 6}),
    )
    bad = header + "n,single_choice,How many?,Five.,S,vertebrae,,,,,\n"
    assert parse_csv(bad).problems == [
        Problem(2, csvfile.COLUMN_NOT_FOR_TYPE.format(column="unit", qtype="numeric"))
    ]


def test_header_problems():
    assert parse_csv("key,type,colour\n").problems == [
        Problem(1, csvfile.UNKNOWN_COLUMNS.format(columns="colour")),
        Problem(1, csvfile.MISSING_COLUMNS.format(columns="prompt")),
    ]
    assert parse_csv("").problems == [Problem(1, csvfile.EMPTY_FILE)]


def test_formula_cells_are_neutralised_on_export_and_restored_on_import():
    question = QuestionDraft(
        key="formula",
        qtype="single_choice",
        prompt='=HYPERLINK("http://evil.example","click")',
        explanation="+1 is not a formula here",
        source="- Moore, a Markdown list item",
        options=(
            OptionDraft("@SUM(A1:A9)", ONE, "+ plus"),
            OptionDraft("'quoted", ZERO, "-25"),
        ),
    )
    text = write_csv([question])
    assert "'=HYPERLINK" in text and "'+1" in text and "'- Moore" in text
    assert "'@SUM" in text and "''quoted" in text
    # A plain negative number is data, not a formula: it stays a number.
    assert ",-25," in text
    assert same(parse_csv(text).questions[0], question)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("=+-@\t\r'a1 ,\"\n"), max_size=12))
def test_neutralising_is_undone_exactly(cell):
    written = neutral_write(cell)
    assert neutral_read(written) == cell
    assert csvfile.PLAIN_NUMBER.match(written) or not written.startswith(csvfile.FORMULA_START)


@settings(max_examples=200, deadline=None)
@given(
    st.text(min_size=1, max_size=30).filter(lambda t: t.strip() and "\x00" not in t),
)
def test_any_prompt_survives_a_round_trip(prompt):
    prompt = prompt.replace("\r\n", "\n").replace("\r", "\n").strip()
    question = QuestionDraft(
        key="q",
        qtype="true_false",
        prompt=prompt,
        explanation="E",
        source="S",
        options=(OptionDraft("True", ONE), OptionDraft("False", ZERO)),
    )
    assert parse_csv(write_csv([question])).questions[0].prompt == prompt


def test_questions_csv_cannot_hold_are_skipped_with_a_reason():
    odd = QuestionDraft(
        key="odd",
        qtype="ordering",
        prompt="P",
        explanation="E",
        source="S",
        options=(OptionDraft("a", ONE), OptionDraft("b", ONE)),
        config={"ordering_grading": "all_or_nothing"},
    )
    exported = export_csv([odd])
    assert exported.skipped == [("odd", csvfile.SKIP_CONFIG.format(keys="ordering_grading"))]
    assert parse_csv(exported.text).questions == []
