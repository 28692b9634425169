"""The banks that ship: complete, valid and consistent. Pure: reads the files, no database."""

import re
from collections import Counter

import pytest
from django.conf import settings

from quizzes.interchange.bankdir import read_bank_dir
from quizzes.interchange.validation import QUESTION_TYPES

TOPIC_BANKS = {
    "anatomy": "psoas-anatomy",
    "actions": "psoas-actions",
    "myths": "psoas-myths",
    "teaching": "psoas-teaching",
}


@pytest.fixture(scope="module")
def bank_dir():
    return read_bank_dir(settings.BANKS_DIR)


@pytest.fixture(scope="module")
def banks(bank_dir):
    return {f.bank.slug: f for f in bank_dir.banks.values()}


@pytest.fixture(scope="module")
def questions(banks):
    return [q for f in banks.values() for q in f.bank.questions]


def test_every_file_and_question_passes_validation(bank_dir):
    # Validation covers: right number of correct answers per type, explanation and source
    # present, myth flags only on wrong options, hotspot regions present in their diagram.
    assert bank_dir.problems() == []


def test_the_four_topic_banks_hold_at_least_40_questions_each(banks):
    for topic, slug in TOPIC_BANKS.items():
        assert slug in banks, slug
        bank = banks[slug].bank
        assert bank.topic == topic
        assert len(bank.questions) >= 40, (slug, len(bank.questions))


def test_totals_flashcards_hotspots_and_every_type(questions):
    types = Counter(q.qtype for q in questions)
    assert len(questions) >= 180
    assert types["flashcard"] >= 60
    assert types["hotspot"] >= 3
    assert set(types) == set(QUESTION_TYPES)


def normalized(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def test_no_two_questions_share_a_prompt(questions):
    counts = Counter(normalized(q.prompt) for q in questions)
    assert [prompt for prompt, n in counts.items() if n > 1] == []


def test_every_question_is_tagged_and_sourced_beyond_a_seed(questions):
    for q in questions:
        assert q.tags, q.key
        assert len(q.explanation) >= 80, f"{q.key}: explanation too short to teach"
        assert len(q.source) >= 15, q.key


def test_myth_flags_sit_on_questions_tagged_myth(questions):
    flagged = [q.key for q in questions if any(o.is_myth for o in q.options)]
    assert flagged
    untagged = [q.key for q in questions if q.key in flagged and "myth" not in q.tags]
    assert untagged == []


def test_ready_made_quizzes_one_per_bank_and_a_myth_buster(banks, questions):
    quizzes = {quiz.slug: quiz for f in banks.values() for quiz in f.quizzes}
    for slug in TOPIC_BANKS.values():
        assert banks[slug].quizzes, f"{slug} has no ready-made quiz"
    buster = quizzes["myth-buster"]
    (rule,) = buster.draws
    gradable_myths = [q for q in questions if "myth" in q.tags and q.qtype != "flashcard"]
    assert rule["tag"] == "myth"
    assert len(gradable_myths) >= rule["count"]
    for f in banks.values():
        gradable = [q for q in f.bank.questions if q.qtype != "flashcard"]
        for quiz in f.quizzes:
            for draw in quiz.draws:
                if not draw["tag"] and not draw["bank"]:
                    assert len(gradable) >= draw["count"], quiz.slug


def test_seed_claims_doc_names_only_questions_that_exist(questions):
    doc = (settings.BASE_DIR / "docs" / "seed-claims.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(?:anat|act|myth|teach)-[a-z0-9-]+[a-z0-9]", doc))
    keys = {q.key for q in questions}
    # "myth-buster" is a quiz; every other name must be a question key.
    assert named - keys - {"myth-buster"} == set()
    rows = [line for line in doc.splitlines() if re.match(r"^\| \d+ \|", line)]
    assert len(rows) >= 25


HOTSPOT_REGIONS = {
    *(f"{v}-body" for v in ("t12", "l1", "l2", "l3", "l4", "l5")),
    *(f"l{n}-tp" for n in range(1, 6)),
    "iliac-fossa",
    "lesser-trochanter",
    "inguinal-ligament",
    "psoas-major",
}


def test_the_diagram_has_the_named_regions_hotspots_need(bank_dir):
    diagram = bank_dir.diagrams["lumbar-pelvis"]
    assert diagram.problems == ()
    assert HOTSPOT_REGIONS <= set(diagram.regions)
