"""The study queue as read from the database: the deck, order, limits, query counts."""

from datetime import UTC, datetime, timedelta

import pytest

from quizzes.models import CardState
from quizzes.selectors.study import (
    _CARD_FIELDS,
    leeches_for_class,
    next_card_at,
    student_deck,
    student_deck_ids,
    study_card,
    study_today,
)
from tests.factories import (
    AssignmentFactory,
    CardStateFactory,
    ClassroomFactory,
    EnrollmentFactory,
    QuestionBankFactory,
    QuestionFactory,
    QuizDrawFactory,
    QuizFactory,
    QuizItemFactory,
    ReviewLogFactory,
    StudentFactory,
    TagFactory,
)
from tests.study_helpers import enrolled_student, flashcard, single_choice

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def card(student, question, *, phase="review", due_in=timedelta(hours=-1), **fields):
    return CardStateFactory(
        student=student,
        question=question,
        phase=phase,
        due=NOW + due_in,
        stability=None if phase == "new" else 3.0,
        difficulty=None if phase == "new" else 5.0,
        reps=0 if phase == "new" else 2,
        **fields,
    )


def test_the_deck_is_the_banks_the_assigned_quizzes_draw_from():
    student, classroom, drawn_bank = enrolled_student()
    drawn = [single_choice(drawn_bank), flashcard(drawn_bank)]
    archived = single_choice(drawn_bank)
    archived.archived_at = NOW
    archived.save()
    # A fixed quiz question brings its whole bank.
    item_bank = QuestionBankFactory()
    fixed, sibling = single_choice(item_bank), flashcard(item_bank)
    quiz = QuizFactory()
    QuizItemFactory(quiz=quiz, question=fixed, position=1)
    AssignmentFactory(quiz=quiz, classroom=classroom)
    # A tag-only draw brings the tagged questions of any bank, not their banks.
    tag = TagFactory(name="lumbar-plexus")
    elsewhere = QuestionBankFactory()
    tagged, untagged = single_choice(elsewhere, tags=["lumbar-plexus"]), single_choice(elsewhere)
    tag_quiz = QuizFactory()
    QuizDrawFactory(quiz=tag_quiz, bank=None, tag=tag)
    AssignmentFactory(quiz=tag_quiz, classroom=classroom)
    # Another class's quiz brings nothing.
    other_bank = QuestionBankFactory()
    other = single_choice(other_bank)
    other_quiz = QuizFactory()
    QuizDrawFactory(quiz=other_quiz, bank=other_bank)
    AssignmentFactory(quiz=other_quiz, classroom=ClassroomFactory())

    deck = set(student_deck(student))
    assert deck == {*drawn, fixed, sibling, tagged}
    assert not deck & {archived, untagged, other}
    assert set(student_deck(StudentFactory())) == set()
    # The reads that run the deck's SQL compiled once, with this student's id, find the same.
    ids = {q.pk for q in deck}
    assert student_deck_ids(student) == study_today(student, NOW).deck == ids
    assert student_deck_ids(StudentFactory()) == frozenset()


def test_a_draw_with_a_bank_and_a_tag_brings_only_that_banks_tagged_questions():
    student, classroom, _ = enrolled_student()
    bank = QuestionBankFactory()
    tagged, plain = single_choice(bank, tags=["origin"]), single_choice(bank)
    single_choice(QuestionBankFactory(), tags=["origin"])
    quiz = QuizFactory()
    QuizDrawFactory(quiz=quiz, bank=bank, tag=TagFactory(name="origin"))
    AssignmentFactory(quiz=quiz, classroom=classroom)
    deck = set(student_deck(student))
    assert tagged in deck and plain not in deck
    assert len(deck) == 1
    assert student_deck_ids(student) == study_today(student, NOW).deck == {tagged.pk}


def test_due_cards_first_by_due_then_new_cards_and_never_leeches_or_buried_cards():
    student, _, bank = enrolled_student()
    q = [single_choice(bank) for _ in range(7)]
    card(student, q[0], due_in=timedelta(minutes=-5))
    card(student, q[1], due_in=timedelta(days=-2))
    card(student, q[2], phase="learning", due_in=timedelta(minutes=-1))
    card(student, q[3], due_in=timedelta(hours=2))  # not due yet
    card(student, q[4], due_in=timedelta(days=-3), is_leech=True)
    card(student, q[5], due_in=timedelta(days=-3), buried_until=NOW + timedelta(hours=9))
    # q[6] has no card: it is new.
    today = study_today(student, NOW)
    assert today.queue.question_ids == (q[1].pk, q[0].pk, q[2].pk, q[6].pk)
    assert today.reps_of(q[1].pk) == 2 and today.reps_of(q[6].pk) == 0


def test_a_burial_that_has_ended_no_longer_hides_the_card():
    student, _, bank = enrolled_student()
    question = single_choice(bank)
    card(student, question, buried_until=NOW - timedelta(minutes=1))
    assert study_today(student, NOW).queue.question_ids == (question.pk,)


def test_daily_limits_count_todays_study_reviews_and_take_the_largest_class():
    student, classroom, bank = enrolled_student(new_cards_per_day=2, reviews_per_day=1)
    reviews = [single_choice(bank) for _ in range(3)]
    for n, question in enumerate(reviews):
        card(student, question, due_in=timedelta(hours=-n - 1))
    new = [flashcard(bank) for _ in range(4)]
    today = study_today(student, NOW)
    assert today.queue.question_ids == (reviews[2].pk, new[0].pk, new[1].pk)
    assert today.queue.new_held_back and today.queue.reviews_held_back

    # One new card introduced today on the study page; a quiz answer does not count.
    seen = card(student, flashcard(bank), phase="learning", due_in=timedelta(days=1))
    ReviewLogFactory(card=seen, reviewed_at=NOW - timedelta(hours=1), phase_before="new")
    quiz_seen = card(student, flashcard(bank), phase="learning", due_in=timedelta(days=1))
    ReviewLogFactory(
        card=quiz_seen, reviewed_at=NOW - timedelta(hours=1), phase_before="new", source="quiz"
    )
    # Yesterday's reviews do not count.
    ReviewLogFactory(card=seen, reviewed_at=NOW - timedelta(days=1), phase_before="review")
    today = study_today(student, NOW)
    assert today.used.new == 1 and today.used.reviews == 0
    assert today.queue.new_left == 1

    # A second class with larger limits lifts them.
    EnrollmentFactory(
        student=student, classroom=ClassroomFactory(new_cards_per_day=30, reviews_per_day=5)
    )
    today = study_today(student, NOW)
    assert (today.limits.new_per_day, today.limits.reviews_per_day) == (30, 5)
    assert today.queue.reviews_left == 3 and today.queue.new_left == 4


def test_a_student_without_a_class_has_an_empty_queue():
    today = study_today(StudentFactory(), NOW)
    assert today.queue.question_ids == () and today.classes == []


@pytest.mark.parametrize("size", [5, 200])
def test_the_queue_costs_the_same_queries_whatever_the_deck_size(size, django_assert_num_queries):
    student, _, bank = enrolled_student(new_cards_per_day=10, reviews_per_day=50)
    questions = [QuestionFactory(bank=bank) for _ in range(size)]
    for n, question in enumerate(questions[: size * 4 // 5]):
        card(student, question, due_in=timedelta(minutes=-n))
    ReviewLogFactory(card=CardState.objects.filter(student=student).first(), reviewed_at=NOW)
    # Classes, today's use, the deck with the student's cards on it: three, for 5 or 200 cards.
    with django_assert_num_queries(3):
        today = study_today(student, NOW)
    # One new card was introduced today, so nine more may come.
    assert today.queue.left == min(size * 4 // 5, 50) + min(size - size * 4 // 5, 9)


def test_study_card_loads_a_deck_question_and_refuses_others(django_assert_num_queries):
    student, _, bank = enrolled_student()
    question = single_choice(bank)
    with django_assert_num_queries(2):
        version, diagram = study_card(student, question.pk)
        assert [o.text for o in version.options.all()] == [
            "Lesser trochanter",
            "Greater trochanter",
        ]
    assert diagram is None
    from quizzes.models import Question

    with pytest.raises(Question.DoesNotExist):
        study_card(student, single_choice(QuestionBankFactory()).pk)
    with pytest.raises(Question.DoesNotExist):
        study_card(student, 10**9)


def test_next_card_at_is_the_soonest_due_or_end_of_burial():
    student, _, bank = enrolled_student()

    def both():
        """The query, and the queue's answer from the deck it read: always the same."""
        found = next_card_at(student, NOW)
        assert study_today(student, NOW).next_card_at(NOW) == found
        return found

    assert both() is None
    card(student, single_choice(bank), due_in=timedelta(days=3))
    card(student, single_choice(bank), due_in=timedelta(hours=5), is_leech=True)
    assert both() == NOW + timedelta(days=3)
    tomorrow = datetime(2026, 3, 11, tzinfo=UTC)
    card(student, single_choice(bank), phase="new", due_in=timedelta(0), buried_until=tomorrow)
    assert both() == tomorrow
    # Due now but buried until later: back when the burial ends.
    card(
        student,
        single_choice(bank),
        due_in=timedelta(hours=-1),
        buried_until=NOW + timedelta(hours=2),
    )
    assert both() == NOW + timedelta(hours=2)
    # A card off the deck (its bank no longer assigned) never counts.
    card(student, single_choice(QuestionBankFactory()), due_in=timedelta(minutes=5))
    assert both() == NOW + timedelta(hours=2)


def test_the_queue_holds_the_cards_as_stored():
    """The queue's cards come from the deck's query, not CardState.objects: same fields."""
    student, _, bank = enrolled_student()
    for n in range(3):
        card(
            student,
            single_choice(bank),
            due_in=timedelta(minutes=-n),
            lapses=n,
            last_review=NOW - timedelta(days=n + 1),
        )
    today = study_today(student, NOW)
    assert len(today.cards) == 3
    # The deck's rows carry every field of a card.
    assert {"student_id", "question_id", *_CARD_FIELDS} == {
        f.attname for f in CardState._meta.concrete_fields
    }
    for question_id, queued in today.cards.items():
        stored = CardState.objects.get(student=student, question_id=question_id)
        fields = [f.attname for f in CardState._meta.concrete_fields]
        assert [getattr(queued, f) for f in fields] == [getattr(stored, f) for f in fields]


def test_leeches_for_class_lists_the_class_students_leeches_on_its_deck():
    student, classroom, bank = enrolled_student()
    classmate = EnrollmentFactory(classroom=classroom).student
    leech = card(student, single_choice(bank), is_leech=True, lapses=8)
    classmate_leech = card(classmate, flashcard(bank), is_leech=True, lapses=8)
    card(student, single_choice(bank))  # not a leech
    outsider, _, other_bank = enrolled_student()
    card(outsider, single_choice(other_bank), is_leech=True)
    # A leech of this class's student, but on a bank this class does not study.
    card(student, single_choice(other_bank), is_leech=True)
    assert set(leeches_for_class(classroom)) == {leech, classmate_leech}
