"""import_questions / export_questions and the selector behind exports (SQLite and PostgreSQL)."""

import io
import zipfile
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from quizzes.interchange.bankdir import read_bank_dir
from quizzes.interchange.csvfile import parse_csv
from quizzes.interchange.gift import MISSING_SOURCE, parse_gift
from quizzes.management.commands import export_questions, import_questions
from quizzes.models import Question, QuestionVersion
from quizzes.selectors.export import bank_drafts
from quizzes.services.banks import questions_import
from tests.factories import QuestionBankFactory

pytestmark = pytest.mark.django_db
BANKS = Path(__file__).resolve().parents[1] / "banks"
GIFT = (
    "// source: Moore, Clinically Oriented Anatomy\n"
    "// tags: insertion\n"
    "::insertion::Where does psoas major insert?{=Lesser trochanter ~Greater trochanter"
    "####With iliacus, on the lesser trochanter.}\n"
    "\n"
    "// source: Moore, Clinically Oriented Anatomy\n"
    "::crosses-knee::Psoas major crosses the knee.{F####It ends at the femur.}\n"
)


@cache
def anatomy():
    return next(
        f.bank for f in read_bank_dir(BANKS).banks.values() if f.bank.slug == "psoas-anatomy"
    )


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def comparable(draft):
    return replace(draft, line=0, tags=tuple(sorted(draft.tags)))


def test_gift_import_creates_questions_then_changes_nothing(tmp_path):
    bank = QuestionBankFactory(slug="mine")
    path = tmp_path / "questions.gift"
    path.write_text(GIFT, encoding="utf-8")
    out, _ = run("import_questions", str(path), "--bank", "mine")
    assert out == "mine: 2 new, 0 new versions, 0 unchanged\n"
    assert sorted(Question.objects.filter(bank=bank).values_list("key", flat=True)) == [
        "crosses-knee",
        "insertion",
    ]
    out, _ = run("import_questions", str(path), "--bank", "mine")
    assert out == "mine: 0 new, 0 new versions, 2 unchanged\n"


def test_a_file_with_a_problem_imports_nothing_and_lists_problems_with_lines(tmp_path):
    QuestionBankFactory(slug="mine")
    path = tmp_path / "questions.txt"
    path.write_text(GIFT + "\n::no-source::Where?{=a ~b####Why.}\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_questions", str(path), "--bank", "mine", stderr=err)
    assert str(raised.value) == import_questions.PROBLEMS_FOUND.format(count=1, path=path)
    assert err.getvalue() == f"{path}: line 8: {MISSING_SOURCE}\n"
    assert not Question.objects.exists()


def test_default_source_fills_missing_sources(tmp_path):
    QuestionBankFactory(slug="mine")
    path = tmp_path / "questions.gift"
    path.write_text("::q::Where?{=a ~b####Why.}\n", encoding="utf-8")
    run("import_questions", str(path), "--bank", "mine", "--default-source", "Gray's Anatomy")
    assert QuestionVersion.objects.get().source == "Gray's Anatomy"


def test_dry_run_reports_and_writes_nothing(tmp_path):
    QuestionBankFactory(slug="mine")
    path = tmp_path / "questions.gift"
    path.write_text(GIFT, encoding="utf-8")
    out, _ = run("import_questions", str(path), "--bank", "mine", "--dry-run")
    assert out == "mine: 2 new, 0 new versions, 0 unchanged\nDry run: nothing was written.\n"
    assert not Question.objects.exists()


def test_the_bank_must_exist(tmp_path):
    path = tmp_path / "questions.gift"
    path.write_text(GIFT, encoding="utf-8")
    with pytest.raises(CommandError, match="no bank with the slug 'nope'"):
        run("import_questions", str(path), "--bank", "nope")


def test_format_comes_from_the_name_or_the_option(tmp_path):
    QuestionBankFactory(slug="mine")
    path = tmp_path / "questions.dat"
    path.write_text(GIFT, encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        run("import_questions", str(path), "--bank", "mine")
    assert str(raised.value) == import_questions.UNKNOWN_FORMAT.format(path=path)
    out, _ = run("import_questions", str(path), "--bank", "mine", "--format", "gift")
    assert out.startswith("mine: 2 new")


def test_files_that_are_not_utf8_or_missing(tmp_path):
    QuestionBankFactory(slug="mine")
    path = tmp_path / "latin1.csv"
    path.write_bytes("key,type,prompt\nq,flashcard,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(CommandError) as raised:
        run("import_questions", str(path), "--bank", "mine")
    assert str(raised.value) == import_questions.NOT_UTF8.format(path=path)
    with pytest.raises(CommandError, match="does not exist"):
        run("import_questions", str(tmp_path / "gone.csv"), "--bank", "mine")


def test_csv_export_then_import_into_another_bank_gives_the_same_questions(tmp_path):
    source = QuestionBankFactory(slug="psoas-anatomy", title="Psoas anatomy")
    questions_import(bank=source, drafts=anatomy().questions)
    path = tmp_path / "anatomy.csv"
    out, _ = run(
        "export_questions", "--bank", "psoas-anatomy", "--format", "csv", "--output", str(path)
    )
    assert out == f"psoas-anatomy: {len(anatomy().questions)} questions exported\n"
    parsed = parse_csv(path.read_text(encoding="utf-8"))
    assert parsed.problems == []
    assert [comparable(d) for d in parsed.questions] == [comparable(d) for d in anatomy().questions]

    QuestionBankFactory(slug="copy")
    out, _ = run("import_questions", str(path), "--bank", "copy")
    assert out == f"copy: {len(anatomy().questions)} new, 0 new versions, 0 unchanged\n"
    again = tmp_path / "again.csv"
    run("export_questions", "--bank", "copy", "--format", "csv", "--output", str(again))
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_gift_export_lists_what_it_skipped_and_reads_back(tmp_path):
    source = QuestionBankFactory(slug="psoas-anatomy", title="Psoas anatomy")
    questions_import(bank=source, drafts=anatomy().questions)
    path = tmp_path / "anatomy.gift"
    out, _ = run(
        "export_questions", "--bank", "psoas-anatomy", "--format", "gift", "--output", str(path)
    )
    skipped = [line for line in out.splitlines() if line.startswith("not exported: ")]
    parsed = parse_gift(path.read_text(encoding="utf-8"))
    assert parsed.problems == []
    assert skipped and len(parsed.questions) + len(skipped) == len(anatomy().questions)
    expected = {d.key: comparable(d) for d in anatomy().questions}
    for draft in parsed.questions:
        assert comparable(draft) == expected[draft.key]


def test_gift_to_stdout(tmp_path):
    bank = QuestionBankFactory(slug="mine")
    questions_import(bank=bank, drafts=parse_gift(GIFT).questions)
    out, err = run("export_questions", "--bank", "mine", "--format", "gift", "--output", "-")
    assert "::insertion::[markdown]Where does psoas major insert?{" in out
    assert err == "mine: 2 questions exported\n"


def test_apkg_export_writes_a_deck(tmp_path):
    source = QuestionBankFactory(slug="psoas-anatomy", title="Psoas anatomy")
    questions_import(bank=source, drafts=anatomy().questions)
    path = tmp_path / "anatomy.apkg"
    run("export_questions", "--bank", "psoas-anatomy", "--format", "apkg", "--output", str(path))
    assert "collection.anki2" in zipfile.ZipFile(path).namelist()
    with pytest.raises(CommandError) as raised:
        run("export_questions", "--bank", "psoas-anatomy", "--format", "apkg", "--output", "-")
    assert str(raised.value) == export_questions.APKG_NEEDS_FILE


def test_export_of_a_missing_bank():
    with pytest.raises(CommandError, match="no bank with the slug 'nope'"):
        run("export_questions", "--bank", "nope", "--format", "csv", "--output", "-")


def test_bank_drafts_reads_current_versions_in_three_queries(django_assert_num_queries):
    bank = QuestionBankFactory()
    questions_import(bank=bank, drafts=anatomy().questions[:3])
    with django_assert_num_queries(3):
        small = bank_drafts(bank)
    questions_import(bank=bank, drafts=anatomy().questions)
    with django_assert_num_queries(3):
        large = bank_drafts(bank)
    assert len(small) == 3
    assert [comparable(d) for d in large] == [comparable(d) for d in anatomy().questions]


def test_bank_drafts_leaves_out_archived_questions_and_old_versions():
    bank = QuestionBankFactory()
    first, second = anatomy().questions[:2]
    questions_import(bank=bank, drafts=[first, second])
    questions_import(bank=bank, drafts=[replace(first, prompt="A newer prompt?")])
    Question.objects.filter(bank=bank, key=second.key).update(archived_at=timezone.now())
    assert [(d.key, d.prompt) for d in bank_drafts(bank)] == [(first.key, "A newer prompt?")]
