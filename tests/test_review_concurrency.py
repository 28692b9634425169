"""Reviews and submissions racing: nothing lost, nothing doubled, no deadlock, no 500.

Threads with their own database connections, released together (see `race`). On PostgreSQL
these are real row locks; on SQLite every write transaction is IMMEDIATE, so writers queue on
the file test database. The deadlock tests matter on PostgreSQL: there a review that locked its
own card and then the cards it buries, against another review doing the same the other way
round, was a lock cycle that PostgreSQL breaks by failing one of them (a 500).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Answer, Attempt, CardState, ReviewLog
from quizzes.models.attempts import AttemptState
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.memory import (
    STALE_REVIEW,
    StudyRefused,
    flashcard_review,
    study_answer,
    study_option_order,
)
from tests.api.conftest import token_client
from tests.factories import (
    AssignmentFactory,
    CardStateFactory,
    QuestionFactory,
    QuizFactory,
    QuizItemFactory,
)
from tests.study_helpers import enrolled_student, flashcard, single_choice
from tests.test_attempt_concurrency import THREADS, race

pytestmark = pytest.mark.django_db(transaction=True)

RELATED_TAGS = ("iliopsoas-tendon", "lesser-trochanter")


def right_option(question):
    return question.current_version.options.get(fraction=Decimal(1)).pk


def known_card(student, question, reps=2):
    """A card in review, last seen three days ago and due now."""
    now = timezone.now()
    return CardStateFactory(
        student=student,
        question=question,
        phase="review",
        stability=3.0,
        difficulty=5.0,
        reps=reps,
        last_review=now - timedelta(days=3),
        due=now,
    )


def review_or_refusal(review):
    """The review's card, or the refusal's message: a refusal is an answer, not an error."""
    try:
        return review()
    except StudyRefused as refusal:
        return str(refusal)


def related_deck(size=THREADS):
    """A student whose deck holds `size` questions that all bury one another when reviewed.

    They share two tags; enough unrelated questions sit in the bank that those tags stay under
    the share that would make them the bank's theme (which never relates anything).
    """
    student, _, bank = enrolled_student()
    QuestionFactory.create_batch(3 * size, bank=bank)
    related = [
        (flashcard if i % 2 else single_choice)(bank, key=f"tendon-{i}", tags=RELATED_TAGS)
        for i in range(size)
    ]
    return student, related


def review(student, question, *, reps=0):
    version = question.current_version
    if version.qtype == "flashcard":
        return flashcard_review(
            student=student,
            question_id=question.pk,
            rating=3,
            duration_ms=3000,
            reps=reps,
            version_id=version.pk,
        )
    return study_answer(
        student=student,
        question_id=question.pk,
        response={"option": right_option(question)},
        duration_ms=3000,
        reps=reps,
        version_id=version.pk,
    )


@pytest.mark.parametrize("qtype", ["flashcard", "single_choice"])
@pytest.mark.parametrize("seen_before", [False, True], ids=["new card", "known card"])
def test_the_same_review_sent_at_once_counts_once(qtype, seen_before):
    student, _, bank = enrolled_student()
    question = (flashcard if qtype == "flashcard" else single_choice)(bank)
    reps = 0
    if seen_before:
        reps = known_card(student, question, reps=3).reps

    results = race(lambda i: review_or_refusal(lambda: review(student, question, reps=reps)))

    applied = [r for r in results if not isinstance(r, str)]
    assert len(applied) == 1
    assert [r for r in results if isinstance(r, str)] == [STALE_REVIEW] * (THREADS - 1)
    card = CardState.objects.get(student=student, question=question)
    assert card.reps == reps + 1
    assert ReviewLog.objects.filter(card=card).count() == 1
    assert applied[0].card.due == card.due


def test_reviews_of_related_cards_at_once_all_apply_without_deadlock():
    student, questions = related_deck()

    results = race(lambda i: review(student, questions[i]))

    assert all(r.card.reps == 1 for r in results)
    cards = CardState.objects.filter(student=student, question__in=questions)
    assert sorted(cards.values_list("question_id", "reps")) == sorted((q.pk, 1) for q in questions)
    assert ReviewLog.objects.filter(card__student=student).count() == THREADS


def fixed_quiz(classroom, questions):
    quiz = QuizFactory(shuffle_questions=False, shuffle_options=False)
    for position, question in enumerate(questions, 1):
        QuizItemFactory(quiz=quiz, question=question, position=position)
    return AssignmentFactory(quiz=quiz, classroom=classroom, due_at=None)


def answered_attempt(student, assignment):
    attempt = attempt_start(student=student, assignment=assignment, seed=1)
    answers = list(attempt.answers.select_related("question_version__question"))
    for answer in answers:
        answer.response = {"option": right_option(answer.question_version.question)}
    Answer.objects.bulk_update(answers, ["response"])
    return attempt


def test_attempts_sharing_questions_in_opposite_orders_submitted_at_once():
    """Each submission locks its cards in one statement, so the order the attempt lists them in
    never decides the lock order (the rows are locked by question); this keeps it that way."""
    student, classroom, bank = enrolled_student()
    questions = [single_choice(bank, key=f"shared-{i}") for i in range(THREADS)]
    # Known cards, so both submissions lock existing rows rather than insert new ones.
    for question in questions:
        known_card(student, question)
    attempts = [
        answered_attempt(student, fixed_quiz(classroom, questions)),
        answered_attempt(student, fixed_quiz(classroom, questions[::-1])),
    ]

    race(lambda i: attempt_submit(attempt_id=attempts[i % 2].pk, student=student))

    assert set(Attempt.objects.values_list("state", "revision")) == {(AttemptState.SUBMITTED, 1)}
    assert set(CardState.objects.values_list("reps", flat=True)) == {4}
    assert ReviewLog.objects.count() == 2 * THREADS


def test_a_submission_and_study_reviews_of_related_cards_at_once():
    """The submission locks every card of the attempt; each review locks its card, then the
    related ones to bury them. Every write must still land, once."""
    student, questions = related_deck()
    choices = [q for q in questions if q.current_version.qtype != "flashcard"]
    attempt = answered_attempt(student, fixed_quiz(student.enrollments.get().classroom, choices))
    # Half the threads submit the attempt (once between them), the rest review every flashcard.
    flashcards = [q for q in questions if q.current_version.qtype == "flashcard"]

    def work(i):
        if i % 2 == 0:
            return attempt_submit(attempt_id=attempt.pk, student=student)
        return review(student, flashcards[i // 2])

    race(work)

    attempt.refresh_from_db()
    assert (attempt.state, attempt.revision) == (AttemptState.SUBMITTED, 1)
    cards = dict(CardState.objects.filter(student=student).values_list("question_id", "reps"))
    assert {q.pk: cards.get(q.pk) for q in questions} == {q.pk: 1 for q in questions}
    assert ReviewLog.objects.filter(card__student=student).count() == len(questions)


# --- the same through the REST API, with one Idempotency-Key -----------------------------------


def test_the_same_api_review_with_one_idempotency_key_writes_once():
    student, _, bank = enrolled_student()
    question = flashcard(bank)
    body = {
        "question_id": question.pk,
        "version_id": question.current_version_id,
        "reps": 0,
        "rating": 3,
        "duration_ms": 2000,
    }
    clients = [token_client(student, name=f"thread {i}") for i in range(THREADS)]

    responses = race(
        lambda i: clients[i].post(
            "/api/v1/study/reviews/", body, format="json", HTTP_IDEMPOTENCY_KEY="one-review"
        )
    )

    # The first request writes (201); the others replay it (201, marked) or, while it still
    # runs, are told to wait and retry (409). None writes again, none fails.
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}
    replayed = [r for r in responses if r.headers.get("Idempotent-Replayed") == "true"]
    assert statuses.count(201) == len(replayed) + 1
    conflicts = [r.json()["error"]["code"] for r in responses if r.status_code == 409]
    assert set(conflicts) <= {"idempotency_key_in_flight"}
    assert ReviewLog.objects.count() == 1
    assert CardState.objects.get().reps == 1
    # Once the first has finished, a retry replays its reply.
    retry = clients[0].post(
        "/api/v1/study/reviews/", body, format="json", HTTP_IDEMPOTENCY_KEY="one-review"
    )
    assert (retry.status_code, retry.headers["Idempotent-Replayed"]) == (201, "true")
    assert ReviewLog.objects.count() == 1


def test_the_same_api_submit_and_answer_with_one_idempotency_key():
    student, classroom, bank = enrolled_student()
    questions = [single_choice(bank, key=f"api-{i}") for i in range(3)]
    assignment = fixed_quiz(classroom, questions)
    clients = [token_client(student, name=f"thread {i}") for i in range(THREADS)]

    started = race(
        lambda i: clients[i].post(
            f"/api/v1/assignments/{assignment.pk}/attempts/", HTTP_IDEMPOTENCY_KEY="start"
        )
    )

    assert {r.status_code for r in started} <= {200, 201, 409}
    assert Attempt.objects.count() == 1
    attempt = Attempt.objects.get()
    saved = race(
        lambda i: clients[i].put(
            f"/api/v1/attempts/{attempt.pk}/answers/1/",
            {"response": {"choice": "1"}, "revision": 0, "spent_ms": 1000},
            format="json",
            HTTP_IDEMPOTENCY_KEY="answer-1",
        )
    )
    assert {r.status_code for r in saved} <= {200, 409}
    attempt.refresh_from_db()
    assert attempt.revision == 1, "saved once"

    submitted = race(lambda i: clients[i].post(f"/api/v1/attempts/{attempt.pk}/submit/"))

    assert {r.status_code for r in submitted} == {200}
    attempt.refresh_from_db()
    assert (attempt.state, attempt.revision) == (AttemptState.SUBMITTED, 2)
    assert ReviewLog.objects.count() == 1


# --- the same through the pages: one browser session per thread --------------------------------


def logged_in(student):
    client = Client()
    client.force_login(student)
    return client


def test_the_same_study_page_post_from_many_tabs_counts_once():
    student, questions = related_deck()
    flashcard_question = next(q for q in questions if q.current_version.qtype == "flashcard")
    clients = [logged_in(student) for _ in range(THREADS)]
    form = {
        "action": "rate",
        "question_id": flashcard_question.pk,
        "reps": 0,
        "version": flashcard_question.current_version_id,
        "rating": 3,
        "shown_at": 0,
    }

    responses = race(lambda i: clients[i].post(reverse("study"), form))

    assert {(r.status_code, r.url) for r in responses} == {(302, reverse("study"))}
    assert ReviewLog.objects.count() == 1
    # Every tab is told what happened: one rating, and the rest that it was already counted.
    shown = [[str(m) for m in r.wsgi_request._messages] for r in responses]
    assert sum(STALE_REVIEW in messages for messages in shown) == THREADS - 1


def test_study_page_answers_to_related_cards_from_many_tabs_all_count():
    student, questions = related_deck()
    clients = [logged_in(student) for _ in range(THREADS)]

    def post(i):
        question = questions[i]
        version = question.current_version
        form = {"question_id": question.pk, "reps": 0, "version": version.pk, "shown_at": 0}
        if version.qtype == "flashcard":
            form.update(action="rate", rating=3)
        else:
            # The study page shows the options shuffled; the form names the right one's token.
            order = study_option_order(version, student_id=student.pk, reps=0)
            token = order.index(right_option(question)) + 1
            form.update(action="answer", choice=str(token))
        return clients[i].post(reverse("study"), form)

    responses = race(post)

    assert all(r.status_code == 302 for r in responses)
    assert ReviewLog.objects.filter(card__student=student).count() == THREADS
    assert set(CardState.objects.filter(question__in=questions).values_list("reps", flat=True)) == {
        1
    }


def test_the_finish_button_from_many_tabs_submits_once():
    student, classroom, bank = enrolled_student()
    questions = [single_choice(bank, key=f"page-{i}") for i in range(3)]
    attempt = answered_attempt(student, fixed_quiz(classroom, questions))
    clients = [logged_in(student) for _ in range(THREADS)]
    url = reverse("attempt_finish", kwargs={"attempt_id": attempt.pk})

    responses = race(lambda i: clients[i].post(url))

    review_url = reverse("attempt_review", kwargs={"attempt_id": attempt.pk})
    assert {(r.status_code, r.url) for r in responses} == {(302, review_url)}
    attempt.refresh_from_db()
    assert (attempt.state, attempt.revision) == (AttemptState.SUBMITTED, 1)
    assert ReviewLog.objects.count() == 3
    assert timezone.now() >= attempt.submitted_at
