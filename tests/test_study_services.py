"""Study services: rating flashcards, answering questions, idempotency, burying, leeches."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from quizzes import scheduling
from quizzes.grading import Outcome
from quizzes.models import CardState, Question, ReviewLog
from quizzes.selectors.study import student_leeches, study_today
from quizzes.services.memory import (
    BAD_RATING,
    CARD_CHANGED,
    LEECH_RESTING,
    NOT_A_FLASHCARD,
    NOT_SELF_RATED,
    NOTHING_GIVEN,
    STALE_REVIEW,
    StudyRefused,
    card_leech_reset,
    flashcard_review,
    policy_for_classes,
    study_answer,
)
from tests.factories import (
    CardStateFactory,
    ClassroomFactory,
    QuestionBankFactory,
    StudentFactory,
)
from tests.study_helpers import enrolled_student, flashcard, multiple_response, single_choice

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
TOMORROW = datetime(2026, 3, 11, tzinfo=UTC)


def option_id(question, text):
    return question.current_version.options.get(text=text).pk


def test_rating_a_new_flashcard_creates_its_card_and_logs_the_review():
    student, _, bank = enrolled_student()
    question = flashcard(bank)
    result = flashcard_review(
        student=student, question_id=question.pk, rating=3, duration_ms=4200, reps=0, now=NOW
    )
    assert result.rating == scheduling.Rating.GOOD
    card = CardState.objects.get(student=student, question=question)
    assert (card.phase, card.reps) == ("learning", 1)
    assert result.interval == card.due - NOW == timedelta(minutes=10)
    log = ReviewLog.objects.get(card=card)
    assert (log.source, log.rating, log.phase_before, log.duration_ms) == (
        "flashcard",
        3,
        "new",
        4200,
    )


def test_a_double_submit_of_the_same_review_applies_once():
    student, _, bank = enrolled_student()
    question = flashcard(bank)
    flashcard_review(
        student=student, question_id=question.pk, rating=4, duration_ms=0, reps=0, now=NOW
    )
    with pytest.raises(StudyRefused, match="already reviewed") as refusal:
        flashcard_review(
            student=student, question_id=question.pk, rating=4, duration_ms=0, reps=0, now=NOW
        )
    assert str(refusal.value) == STALE_REVIEW
    assert ReviewLog.objects.count() == 1
    assert CardState.objects.get(question=question).reps == 1
    # The page drawn after the first review carries reps=1 and is accepted.
    flashcard_review(
        student=student,
        question_id=question.pk,
        rating=3,
        duration_ms=0,
        reps=1,
        now=NOW + timedelta(days=1),
    )
    assert ReviewLog.objects.count() == 2


@pytest.mark.parametrize("rating", [0, 5, "good", None, "3.5"])
def test_a_rating_outside_one_to_four_is_refused(rating):
    student, _, bank = enrolled_student()
    question = flashcard(bank)
    with pytest.raises(StudyRefused) as refusal:
        flashcard_review(
            student=student, question_id=question.pk, rating=rating, duration_ms=0, now=NOW
        )
    assert str(refusal.value) == BAD_RATING
    assert not CardState.objects.exists()


def test_a_question_outside_the_students_deck_does_not_exist_for_them():
    student, _, _ = enrolled_student()
    elsewhere = flashcard(QuestionBankFactory())
    with pytest.raises(Question.DoesNotExist):
        flashcard_review(
            student=student, question_id=elsewhere.pk, rating=3, duration_ms=0, now=NOW
        )
    with pytest.raises(Question.DoesNotExist):
        study_answer(
            student=StudentFactory(),
            question_id=elsewhere.pk,
            response={"option": 1},
            duration_ms=0,
            now=NOW,
        )
    assert not CardState.objects.exists()


def test_flashcards_are_rated_and_questions_are_answered_not_the_other_way_round():
    student, _, bank = enrolled_student()
    card, question = flashcard(bank), single_choice(bank)
    with pytest.raises(StudyRefused, match=re.escape(NOT_A_FLASHCARD)):
        flashcard_review(student=student, question_id=question.pk, rating=3, duration_ms=0)
    with pytest.raises(StudyRefused, match=re.escape(NOT_SELF_RATED)):
        study_answer(student=student, question_id=card.pk, response={"x": 1}, duration_ms=0)


def test_a_changed_question_refuses_the_answer_given_to_its_old_version():
    student, _, bank = enrolled_student()
    question = single_choice(bank)
    with pytest.raises(StudyRefused, match="updated"):
        study_answer(
            student=student,
            question_id=question.pk,
            response={"option": option_id(question, "Lesser trochanter")},
            duration_ms=0,
            version_id=question.current_version_id + 1000,
            now=NOW,
        )
    assert CARD_CHANGED.startswith("This question was updated")
    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize(
    ("answer", "outcome", "rating"),
    [
        ("Lesser trochanter", Outcome.CORRECT, scheduling.Rating.GOOD),
        ("Greater trochanter", Outcome.INCORRECT, scheduling.Rating.AGAIN),
    ],
)
def test_study_answer_grades_and_the_grade_rates_the_card(answer, outcome, rating):
    student, _, bank = enrolled_student()
    question = single_choice(bank)
    result = study_answer(
        student=student,
        question_id=question.pk,
        response={"option": option_id(question, answer)},
        duration_ms=9000,
        reps=0,
        now=NOW,
    )
    assert result.grade.outcome == outcome
    assert result.rating == rating
    log = ReviewLog.objects.get()
    assert (log.source, log.rating) == ("study", int(rating))


def test_partial_credit_rates_hard():
    student, _, bank = enrolled_student()
    question = multiple_response(bank)
    result = study_answer(
        student=student,
        question_id=question.pk,
        response={"options": [option_id(question, "Psoas major")]},
        duration_ms=5000,
        now=NOW,
    )
    assert result.grade.fraction == Decimal("0.5")
    assert result.rating == scheduling.Rating.HARD


def test_an_empty_or_impossible_answer_is_refused_and_changes_nothing():
    student, _, bank = enrolled_student()
    question = single_choice(bank)
    with pytest.raises(StudyRefused, match=re.escape(NOTHING_GIVEN)):
        study_answer(student=student, question_id=question.pk, response={}, duration_ms=0)
    with pytest.raises(StudyRefused, match="not one of this question's options"):
        study_answer(
            student=student, question_id=question.pk, response={"option": 10**9}, duration_ms=0
        )
    assert not ReviewLog.objects.exists()


def test_reviews_follow_the_class_exam_date_and_retention():
    student, classroom, bank = enrolled_student(exam_date=date(2026, 3, 14))
    question = flashcard(bank)
    CardStateFactory(
        student=student,
        question=question,
        phase="review",
        stability=40.0,
        difficulty=5.0,
        due=NOW,
        last_review=NOW - timedelta(days=30),
        reps=5,
    )
    result = flashcard_review(
        student=student, question_id=question.pk, rating=4, duration_ms=0, reps=5, now=NOW
    )
    # Without the exam this would be months away; it comes back the day before the exam.
    assert result.card.due == datetime(2026, 3, 13, tzinfo=UTC)


def test_one_policy_for_several_classes():
    strict = ClassroomFactory(desired_retention="0.95", exam_date=date(2026, 6, 1))
    loose = ClassroomFactory(desired_retention="0.80", exam_date=date(2026, 4, 1))
    past = ClassroomFactory(desired_retention="0.85", exam_date=date(2026, 1, 1))
    policy = policy_for_classes(classrooms=[strict, loose, past], now=NOW)
    assert policy.desired_retention == 0.95
    assert policy.exam_at == datetime(2026, 4, 1, tzinfo=UTC)
    assert policy_for_classes(classrooms=[]) == scheduling.Policy()
    # A student's own exam date still ahead wins; one already past is ignored.
    own = policy_for_classes(classrooms=[strict, loose], now=NOW, own_exam_date=date(2026, 5, 2))
    assert own.exam_at == datetime(2026, 5, 2, tzinfo=UTC)
    stale = policy_for_classes(classrooms=[strict], now=NOW, own_exam_date=date(2026, 3, 1))
    assert stale.exam_at == datetime(2026, 6, 1, tzinfo=UTC)


def related_bank():
    bank = QuestionBankFactory()
    # Filler questions, so that no tag below is a theme of the whole bank.
    for n in range(12):
        single_choice(bank, key=f"myth-filler-{n}", tags=["myth"])
    return bank


def test_reviewing_a_card_buries_its_related_cards_until_tomorrow():
    bank = related_bank()
    student, _, _ = enrolled_student(bank=bank)
    fc = flashcard(bank, key="myth-fc-only-connector", tags=["myth", "attachments"])
    quiz_form = single_choice(bank, key="myth-only-connector", tags=["myth"])  # never seen
    tagged_due = single_choice(bank, key="myth-femur", tags=["attachments", "piriformis"])
    tagged_later = single_choice(bank, key="myth-femur-2", tags=["attachments", "piriformis"])
    tagged_learning = single_choice(bank, key="myth-femur-3", tags=["attachments", "piriformis"])
    # These share two tags with the flashcard only when it has `piriformis`: add it.
    fc.tags.add(*tagged_due.tags.all())
    for question, phase, due in [
        (tagged_due, "review", NOW + timedelta(hours=3)),
        (tagged_later, "review", NOW + timedelta(days=4)),
        (tagged_learning, "learning", NOW + timedelta(minutes=5)),
    ]:
        CardStateFactory(
            student=student,
            question=question,
            phase=phase,
            due=due,
            stability=3.0,
            difficulty=5.0,
            reps=2,
        )
    unrelated = single_choice(bank, key="myth-soul", tags=["myth", "koch"])
    result = flashcard_review(
        student=student, question_id=fc.pk, rating=3, duration_ms=0, reps=0, now=NOW
    )
    assert result.buried == 2
    cards = {c.question_id: c for c in CardState.objects.filter(student=student)}
    assert cards[quiz_form.pk].buried_until == TOMORROW
    assert cards[quiz_form.pk].phase == "new"
    assert cards[tagged_due.pk].buried_until == TOMORROW
    assert cards[tagged_later.pk].buried_until is None
    assert cards[tagged_learning.pk].buried_until is None
    assert unrelated.pk not in cards
    # Another student's cards are never touched.
    assert not CardState.objects.exclude(student=student).exists()

    later_today = study_today(student, NOW + timedelta(hours=4)).queue.question_ids
    assert quiz_form.pk not in later_today and tagged_due.pk not in later_today
    assert unrelated.pk in later_today
    tomorrow = study_today(student, TOMORROW + timedelta(minutes=1)).queue.question_ids
    assert quiz_form.pk in tomorrow and tagged_due.pk in tomorrow


def lapse_to_leech(student, question):
    """Review a card until its eighth lapse; returns the last review."""
    CardStateFactory(
        student=student,
        question=question,
        phase="review",
        stability=5.0,
        difficulty=8.0,
        due=NOW,
        last_review=NOW - timedelta(days=5),
        reps=20,
        lapses=7,
    )
    return flashcard_review(
        student=student, question_id=question.pk, rating=1, duration_ms=0, reps=20, now=NOW
    )


def test_the_eighth_lapse_makes_a_leech_that_leaves_the_queue_and_is_listed():
    student, _, bank = enrolled_student()
    question = flashcard(bank)
    lapse_to_leech(student, question)
    card = CardState.objects.get(student=student, question=question)
    assert card.is_leech and card.lapses == 8
    assert question.pk not in study_today(student, NOW + timedelta(days=2)).queue.question_ids
    assert list(student_leeches(student)) == [card]
    with pytest.raises(StudyRefused, match=re.escape(LEECH_RESTING)):
        flashcard_review(student=student, question_id=question.pk, rating=3, duration_ms=0, reps=21)


def test_resetting_a_leech_brings_it_back_as_a_new_card_with_history_kept():
    student, _, bank = enrolled_student()
    question = flashcard(bank)
    lapse_to_leech(student, question)
    card = CardState.objects.get(student=student, question=question)
    with pytest.raises(CardState.DoesNotExist):
        card_leech_reset(student=StudentFactory(), card_id=card.pk)
    reset = card_leech_reset(student=student, card_id=card.pk, now=NOW + timedelta(hours=1))
    reset.refresh_from_db()
    assert (reset.phase, reset.is_leech, reset.lapses, reset.reps) == ("new", False, 0, 21)
    assert reset.stability is None and reset.difficulty is None
    assert ReviewLog.objects.filter(card=card).count() == 1
    queue = study_today(student, NOW + timedelta(hours=1)).queue
    assert question.pk in queue.question_ids
    # Resetting again changes nothing; a page drawn before the reset (reps 20) stays stale.
    assert card_leech_reset(student=student, card_id=card.pk).phase == "new"
    with pytest.raises(StudyRefused, match=re.escape(STALE_REVIEW)):
        flashcard_review(student=student, question_id=question.pk, rating=3, duration_ms=0, reps=20)
