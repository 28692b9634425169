"""`load_banks` loads the bundled banks through the import service, and is idempotent."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from quizzes.models import Diagram, Option, Question, QuestionBank, QuestionVersion, Quiz, Tag
from quizzes.services.bundled import bundled_banks_load

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (QuestionBank, Question, QuestionVersion, Option, Tag, Quiz, Diagram)
    }


def test_bundled_banks_load_cleanly_and_twice_changes_nothing():
    out = StringIO()
    call_command("load_banks", stdout=out)
    first = snapshot()
    assert first["Question"], "the bundled banks hold questions"
    assert first["Diagram"], "the bundled diagrams are loaded"

    out = StringIO()
    call_command("load_banks", stdout=out)
    assert snapshot() == first
    assert "0 new, 0 new versions" in out.getvalue()


def test_every_bundled_hotspot_points_at_a_region_of_a_loaded_diagram():
    call_command("load_banks", stdout=StringIO())
    regions = {d.slug: set(d.regions) for d in Diagram.objects.all()}
    hotspots = QuestionVersion.objects.filter(qtype="hotspot").prefetch_related("options")
    for version in hotspots:
        diagram = version.config["diagram"]
        assert {o.data["region"] for o in version.options.all()} <= regions[diagram]


@pytest.fixture
def bank_folder(tmp_path) -> Path:
    folder = tmp_path / "banks"
    shutil.copytree(settings.BANKS_DIR, folder)
    return folder


def test_a_changed_question_becomes_a_new_version(bank_folder):
    bundled_banks_load(folder=bank_folder)
    bank_file = sorted(bank_folder.glob("*.yaml"))[0]
    report = bundled_banks_load(folder=bank_folder)
    assert not report.changed

    text = bank_file.read_text()
    marker = "explanation: "
    bank_file.write_text(text.replace(marker, marker + "Edited. ", 1))
    report = bundled_banks_load(folder=bank_folder)
    (edited,) = [key for r in report.banks.values() for key in r.versioned]
    question = Question.objects.get(key=edited)
    assert question.versions.count() == 2
    assert question.current_version.number == 2


def test_a_file_with_a_problem_loads_nothing(bank_folder):
    broken = bank_folder / "zz-broken.yaml"
    broken.write_text(
        "format: psoasquiz-bank/1\nbank: {slug: broken, title: B, topic: other}\n"
        "questions:\n  - {key: x, type: flashcard, front: F, back: B}\n"
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_banks", folder=bank_folder, stdout=StringIO(), stderr=err)
    assert "zz-broken.yaml: line 4: explanation is empty" in err.getvalue()
    assert QuestionBank.objects.count() == 0


def test_dry_run_writes_nothing():
    out = StringIO()
    call_command("load_banks", dry_run=True, stdout=out)
    assert "Dry run" in out.getvalue()
    assert Question.objects.count() == 0


def test_a_draw_from_a_bank_no_file_defines_loads_nothing(bank_folder):
    (bank_folder / "zz-quiz.yaml").write_text(
        "format: psoasquiz-bank/1\nbank: {slug: extra, title: Extra, topic: other}\n"
        "questions: []\nquizzes:\n  - {slug: x, title: X, draw: [{bank: nowhere, count: 2}]}\n"
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_banks", folder=bank_folder, stdout=StringIO(), stderr=err)
    assert "draws from bank 'nowhere', which no bank file defines" in err.getvalue()
    assert QuestionBank.objects.count() == 0
