"""The import service every format ends in: create, version, leave alone, retag."""

from decimal import Decimal

import pytest

from quizzes.interchange.drafts import OptionDraft, QuestionDraft
from quizzes.models import Question, QuestionVersion
from quizzes.services.banks import questions_import
from tests.factories import QuestionBankFactory

pytestmark = pytest.mark.django_db


def draft(key="insertion", prompt="Where does psoas major insert?", tags=("insertion",)):
    return QuestionDraft(
        key=key,
        qtype="single_choice",
        prompt=prompt,
        explanation="With iliacus, on the lesser trochanter.",
        source="Gray's Anatomy, 42nd ed.",
        tags=tags,
        options=(
            OptionDraft("Lesser trochanter", Decimal(1)),
            OptionDraft("Greater trochanter", Decimal(0), is_myth=True),
        ),
    )


def test_import_creates_question_version_and_options():
    bank = QuestionBankFactory()
    report = questions_import(bank=bank, drafts=[draft()])
    assert report.created == ["insertion"]
    question = Question.objects.get(bank=bank, key="insertion")
    version = question.current_version
    assert version.number == 1
    assert [(o.text, o.fraction, o.is_myth) for o in version.options.all()] == [
        ("Lesser trochanter", Decimal(1), False),
        ("Greater trochanter", Decimal(0), True),
    ]
    assert [t.name for t in question.tags.all()] == ["insertion"]


def test_same_import_twice_changes_nothing():
    bank = QuestionBankFactory()
    questions_import(bank=bank, drafts=[draft(), draft(key="other", prompt="Other?")])
    versions_before = list(QuestionVersion.objects.values_list("pk", flat=True))
    report = questions_import(bank=bank, drafts=[draft(), draft(key="other", prompt="Other?")])
    assert report.unchanged == ["insertion", "other"]
    assert not report.changed
    assert list(QuestionVersion.objects.values_list("pk", flat=True)) == versions_before


def test_changed_content_makes_a_new_version_and_keeps_the_old():
    bank = QuestionBankFactory()
    questions_import(bank=bank, drafts=[draft()])
    report = questions_import(bank=bank, drafts=[draft(prompt="Where does it insert?")])
    assert report.versioned == ["insertion"]
    question = Question.objects.get(key="insertion")
    assert question.current_version.number == 2
    assert question.current_version.prompt == "Where does it insert?"
    assert list(question.versions.values_list("number", "prompt")) == [
        (1, "Where does psoas major insert?"),
        (2, "Where does it insert?"),
    ]


def test_changed_tags_alone_do_not_make_a_version():
    bank = QuestionBankFactory()
    questions_import(bank=bank, drafts=[draft()])
    report = questions_import(bank=bank, drafts=[draft(tags=("femur", "insertion"))])
    assert report.retagged == ["insertion"]
    assert report.unchanged == ["insertion"]
    question = Question.objects.get(key="insertion")
    assert question.versions.count() == 1
    assert sorted(t.name for t in question.tags.all()) == ["femur", "insertion"]


def test_import_query_count_does_not_grow_with_question_count(django_assert_max_num_queries):
    bank = QuestionBankFactory()
    questions_import(bank=bank, drafts=[draft()])
    many = [draft(key=f"q{n}", prompt=f"Question {n}?", tags=(f"t{n % 3}",)) for n in range(60)]
    with django_assert_max_num_queries(14):
        questions_import(bank=bank, drafts=many)
    assert Question.objects.filter(bank=bank).count() == 61
