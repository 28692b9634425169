"""The database refuses what the code must never write."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.models.attempts import AttemptState
from tests import factories as f

pytestmark = pytest.mark.django_db


def refused(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


def test_every_factory_builds_a_valid_row():
    for factory in (
        f.UserFactory,
        f.QuestionBankFactory,
        f.TagFactory,
        f.DiagramFactory,
        f.QuestionFactory,
        f.QuestionVersionFactory,
        f.OptionFactory,
        f.QuizFactory,
        f.QuizItemFactory,
        f.QuizDrawFactory,
        f.ClassroomFactory,
        f.EnrollmentFactory,
        f.AssignmentFactory,
        f.ExtensionFactory,
        f.AttemptFactory,
        f.SubmittedAttemptFactory,
        f.AnswerFactory,
        f.AnswerChoiceFactory,
        f.CardStateFactory,
        f.ReviewLogFactory,
    ):
        row = factory()
        assert row.pk is not None, factory.__name__
        assert str(row)


def test_second_card_state_for_same_student_and_question_is_refused():
    card = f.CardStateFactory()
    refused(lambda: f.CardStateFactory(student=card.student, question=card.question))


def test_same_student_may_hold_cards_for_different_questions():
    card = f.CardStateFactory()
    f.CardStateFactory(student=card.student)


def test_second_open_attempt_for_same_student_and_quiz_is_refused():
    attempt = f.AttemptFactory()
    refused(lambda: f.AttemptFactory(student=attempt.student, quiz=attempt.quiz))


def test_a_new_attempt_is_allowed_once_the_open_one_is_submitted():
    attempt = f.SubmittedAttemptFactory()
    f.AttemptFactory(student=attempt.student, quiz=attempt.quiz)


@pytest.mark.parametrize("fraction", [Decimal("-0.01"), Decimal("1.00001")])
def test_attempt_and_answer_fractions_outside_0_to_1_are_refused(fraction):
    refused(lambda: f.SubmittedAttemptFactory(fraction=fraction))
    refused(lambda: f.AnswerFactory(fraction=fraction))


def test_closed_attempt_without_score_is_refused():
    refused(lambda: f.AttemptFactory(state=AttemptState.SUBMITTED, submitted_at=timezone.now()))


@pytest.mark.parametrize("fraction", [Decimal("-1.5"), Decimal("1.5")])
def test_option_weight_outside_minus_1_to_1_is_refused(fraction):
    refused(lambda: f.OptionFactory(fraction=fraction))


def test_myth_flag_on_a_right_option_is_refused():
    refused(lambda: f.OptionFactory(fraction=Decimal(1), is_myth=True))
    f.OptionFactory(fraction=Decimal(0), is_myth=True)


def test_join_codes_are_unique():
    classroom = f.ClassroomFactory()
    refused(lambda: f.ClassroomFactory(join_code=classroom.join_code))


@pytest.mark.parametrize("retention", ["0.69", "1.00"])
def test_desired_retention_outside_0_70_to_0_99_is_refused(retention):
    refused(lambda: f.ClassroomFactory(desired_retention=Decimal(retention)))


def test_version_numbers_are_unique_per_question():
    question = f.QuestionFactory()
    refused(lambda: f.QuestionVersionFactory(question=question, number=1))


def test_question_keys_are_unique_per_bank():
    question = f.QuestionFactory()
    refused(lambda: f.QuestionFactory(bank=question.bank, key=question.key))


def test_review_rating_must_be_1_to_4():
    refused(lambda: f.ReviewLogFactory(rating=5))


def test_student_enrolls_once_per_class():
    enrollment = f.EnrollmentFactory()
    refused(lambda: f.EnrollmentFactory(classroom=enrollment.classroom, student=enrollment.student))


def test_assignment_due_before_it_opens_is_refused():
    now = timezone.now()
    refused(lambda: f.AssignmentFactory(opens_at=now, due_at=now - timedelta(hours=1)))
