"""Authoring services: versions only when content changes, keys, delete vs archive, sharing."""

from decimal import Decimal

import pytest

from quizzes.interchange.drafts import OptionDraft, QuestionDraft
from quizzes.models import Question
from quizzes.models.banks import Visibility
from quizzes.selectors.authoring import (
    can_edit_bank,
    can_manage_bank,
    question_versions,
    version_changes,
)
from quizzes.services import authoring as services
from tests import factories as f

pytestmark = pytest.mark.django_db


def draft(**changes) -> QuestionDraft:
    fields = {
        "key": "",
        "qtype": "single_choice",
        "prompt": "Where does psoas major insert?",
        "explanation": "On the lesser trochanter.",
        "source": "Gray's Anatomy, 42nd ed.",
        "options": (
            OptionDraft("Lesser trochanter", Decimal(1)),
            OptionDraft("Greater trochanter", Decimal(0), feedback="That is gluteus medius."),
        ),
        "tags": ("attachments",),
    }
    return QuestionDraft(**{**fields, **changes})


def test_update_versions_only_when_content_changes():
    bank = f.QuestionBankFactory()
    author, editor = f.InstructorFactory(), f.InstructorFactory()
    question = services.question_create(bank=bank, draft=draft(), actor=author)
    assert question.key == "where-does-psoas-major-insert"
    assert services.question_update(question=question, draft=draft(), actor=editor) is None
    new = services.question_update(
        question=question,
        draft=draft(explanation="Lesser trochanter, with iliacus."),
        actor=editor,
        change_note="Mention iliacus",
    )
    assert (new.number, new.created_by, new.change_note) == (2, editor, "Mention iliacus")
    question.refresh_from_db()
    assert question.current_version == new
    assert question.versions.get(number=1).explanation == "On the lesser trochanter."


def test_type_cannot_change_on_update():
    question = services.question_create(
        bank=f.QuestionBankFactory(), draft=draft(), actor=f.InstructorFactory()
    )
    with pytest.raises(services.AuthoringError, match="keeps its type"):
        services.question_update(
            question=question, draft=draft(qtype="ordering"), actor=f.InstructorFactory()
        )


def test_a_save_based_on_an_older_version_is_refused_and_changes_nothing():
    author = f.InstructorFactory()
    question = services.question_create(bank=f.QuestionBankFactory(), draft=draft(), actor=author)
    services.question_update(
        question=question, draft=draft(prompt="Second wording?"), actor=author, based_on=1
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.question_update(
            question=question,
            draft=draft(prompt="Third wording?", tags=("changed",)),
            actor=author,
            based_on=1,
        )
    assert conflict.value.current == 2
    assert conflict.value.message.startswith("You (in another tab) saved version 2")
    assert question.versions.count() == 2
    assert list(question.tags.values_list("name", flat=True)) == ["attachments"]
    # Based on the newest version, or without saying (imports, the API), it saves.
    assert (
        services.question_update(
            question=question, draft=draft(prompt="Third wording?"), actor=author, based_on=2
        ).number
        == 3
    )
    assert (
        services.question_update(
            question=question, draft=draft(prompt="Fourth wording?"), actor=author
        ).number
        == 4
    )


def test_delete_refuses_a_question_in_a_quiz():
    question = f.QuestionFactory()
    f.QuizItemFactory(question=question)
    with pytest.raises(services.AuthoringError) as refused:
        services.question_delete(question=question)
    assert refused.value.message == services.QUESTION_IN_USE
    unused = f.QuestionFactory()
    services.question_delete(question=unused)
    assert not Question.objects.filter(pk=unused.pk).exists()


def test_sharing_rules():
    owner, colleague, other = f.InstructorFactory(), f.InstructorFactory(), f.InstructorFactory()
    bank = services.bank_create(
        owner=owner,
        title="Cohort bank",
        topic="anatomy",
        description="",
        visibility=Visibility.SHARED,
        share_with=[colleague.username],
    )
    assert can_edit_bank(colleague, bank) and not can_manage_bank(colleague, bank)
    assert not can_edit_bank(other, bank)
    with pytest.raises(services.AuthoringError) as refused:
        services.bank_update(
            bank=bank,
            title="x",
            topic="anatomy",
            description="",
            visibility=Visibility.PRIVATE,
            share_with=[colleague.username],
        )
    assert refused.value.field == "share_with"
    with pytest.raises(services.AuthoringError, match="already"):
        services.bank_update(
            bank=bank,
            title="x",
            topic="anatomy",
            description="",
            visibility=Visibility.SHARED,
            share_with=[owner.username],
        )
    bundled = f.QuestionBankFactory(owner=None, visibility=Visibility.PUBLIC)
    assert not can_edit_bank(owner, bundled)
    assert can_edit_bank(f.InstructorFactory(is_staff=True), bundled)
    assert not can_edit_bank(f.StudentFactory(), bank)


def test_version_changes_lists_fields_and_options():
    question = services.question_create(
        bank=f.QuestionBankFactory(), draft=draft(), actor=f.InstructorFactory()
    )
    services.question_update(
        question=question,
        draft=draft(
            prompt="Where does the psoas major tendon insert?",
            source="Standring 2020",
            difficulty=3,
            options=(
                OptionDraft("Lesser trochanter", Decimal(1), feedback="Yes."),
                OptionDraft("Iliac crest", Decimal(0), is_myth=True),
            ),
        ),
        actor=None,
    )
    newer, older = question_versions(question)
    changes = version_changes(older, newer)
    assert [c.label for c in changes.fields] == ["Prompt", "Source", "Difficulty"]
    assert changes.fields[0].before == "Where does psoas major insert?"
    assert changes.added == ("Iliac crest",)
    assert changes.removed == ("Greater trochanter",)
    assert changes.changed == ("Lesser trochanter: feedback changed",)
    assert version_changes(older, older).empty


def test_questions_tag_is_scoped_to_the_bank():
    bank = f.QuestionBankFactory()
    mine, theirs = f.QuestionFactory(bank=bank), f.QuestionFactory()
    count = services.questions_tag(
        bank=bank, question_ids=[mine.pk, theirs.pk], tag="psoas", add=True
    )
    assert count == 1 and not theirs.tags.exists()
    assert services.questions_tag(bank=bank, question_ids=[mine.pk], tag="psoas", add=True) == 0
