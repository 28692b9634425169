"""Anki export: a zip holding a SQLite collection with one note per question."""

import io
import sqlite3
import zipfile
from dataclasses import replace
from functools import cache
from pathlib import Path

from quizzes.interchange.apkg import anki_tag, note_guid, write_apkg
from quizzes.interchange.bankdir import read_bank_dir

BANKS = Path(__file__).resolve().parents[2] / "banks"


@cache
def bundled():
    return {f.bank.slug: list(f.bank.questions) for f in read_bank_dir(BANKS).banks.values()}


def notes(apkg: bytes, tmp_path: Path) -> list[tuple[str, list[str], list[str]]]:
    archive = zipfile.ZipFile(io.BytesIO(apkg))
    assert {"collection.anki2", "media"} <= set(archive.namelist())
    path = tmp_path / "collection.anki2"
    path.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("select guid, flds, tags from notes order by id").fetchall()
        decks = connection.execute("select decks from col").fetchone()[0]
    finally:
        connection.close()
    assert "Psoas anatomy" in decks
    return [(guid, flds.split("\x1f"), tags.split()) for guid, flds, tags in rows]


def test_every_question_becomes_a_note_with_fields_and_tags(tmp_path):
    questions = bundled()["psoas-anatomy"]
    found = notes(
        write_apkg(questions, deck_name="Psoas anatomy", bank_slug="psoas-anatomy"), tmp_path
    )
    assert len(found) == len(questions) > 40
    for (guid, fields, tags), question in zip(found, questions, strict=True):
        assert len(fields) == 3
        assert fields[2] == question.key
        assert guid == note_guid("psoas-anatomy", question.key)
        assert set(tags) == set(question.tags)


def test_front_lists_choices_and_back_gives_the_answer_explanation_and_source(tmp_path):
    question = next(q for q in bundled()["psoas-anatomy"] if q.key == "anat-insertion-landmark")
    [(_, (front, back, _key), _)] = notes(
        write_apkg([question], deck_name="Psoas anatomy", bank_slug="psoas-anatomy"), tmp_path
    )
    assert "Which bony landmark" in front
    assert front.count("<li>") == len(question.options)
    assert '<p class="answer">The lesser trochanter</p>' in back
    assert "lesser trochanter" in back and "Moore KL" in back


def test_guids_are_stable_across_exports_and_differ_between_banks(tmp_path):
    questions = bundled()["psoas-anatomy"][:5]
    first = notes(
        write_apkg(questions, deck_name="Psoas anatomy", bank_slug="a", timestamp=1), tmp_path
    )
    again = notes(
        write_apkg(questions, deck_name="Psoas anatomy", bank_slug="a", timestamp=9), tmp_path
    )
    other = notes(write_apkg(questions, deck_name="Psoas anatomy", bank_slug="b"), tmp_path)
    assert [g for g, _, _ in first] == [g for g, _, _ in again]
    assert not {g for g, _, _ in first} & {g for g, _, _ in other}


def test_tags_with_spaces_are_joined_for_anki(tmp_path):
    question = replace(bundled()["psoas-anatomy"][0], tags=("hip flexion", "origin"))
    [(_, _, tags)] = notes(
        write_apkg([question], deck_name="Psoas anatomy", bank_slug="s"), tmp_path
    )
    assert tags == ["hip_flexion", "origin"]
    assert anki_tag(" two  words ") == "two_words"


def test_every_type_exports(tmp_path):
    questions = [q for qs in bundled().values() for q in qs]
    found = notes(write_apkg(questions, deck_name="Psoas anatomy", bank_slug="all"), tmp_path)
    assert len(found) == 210
    assert all(fields[1].strip() for _, fields, _ in found)
