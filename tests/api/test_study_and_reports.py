"""The study queue and reviews, the student's progress and the quiz report through the API."""

import pytest

from quizzes.models import CardState, ReviewLog
from quizzes.services.memory import STALE_REVIEW
from tests import factories as f
from tests import study_helpers as sh
from tests.api.conftest import API, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck():
    student, classroom, bank = sh.enrolled_student()
    card = sh.flashcard(bank, key="a-flashcard")
    return student, classroom, bank, card


def queue(client, **params):
    response = client.get(f"{API}/study/queue/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_flashcard_shows_its_back_only_when_revealed(deck):
    student, _, _, card = deck
    client = token_client(student)
    front = queue(client)
    assert front["state"] == "card"
    shown = front["card"]
    assert shown["question_id"] == card.pk and shown["revealed"] is False
    assert sh.BACK not in str(front) and "EXPLANATION-MARK" not in str(front)
    assert shown["ratings"] == []
    revealed = queue(client, reveal=card.pk)["card"]
    assert sh.BACK in revealed["back_html"] and "EXPLANATION-MARK" in revealed["explanation_html"]
    assert [r["label"] for r in revealed["ratings"]] == ["Again", "Hard", "Good", "Easy"]


def test_rating_a_flashcard_and_a_retry_with_the_same_key(deck):
    student, _, _, card = deck
    client = token_client(student)
    shown = queue(client)["card"]
    body = {
        "question_id": shown["question_id"],
        "version_id": shown["version_id"],
        "reps": shown["reps"],
        "rating": 3,
        "duration_ms": 5000,
    }
    url = f"{API}/study/reviews/"
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert first.status_code == 201, first.content
    assert first.json()["rating_label"] == "Good" and first.json()["feedback"] is None
    retry = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert retry.status_code == 201 and retry.json() == first.json()
    assert ReviewLog.objects.filter(card__student=student).count() == 1
    # Without a key, the stale review count refuses the second review.
    stale = client.post(url, body, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"] == {
        "code": "review_refused",
        "message": STALE_REVIEW,
        "fields": {},
    }


def test_answering_a_question_on_the_study_queue(deck):
    student, _, bank, card = deck
    CardState.objects.create(student=student, question=card, due=card.created_at, is_leech=True)
    question = sh.single_choice(bank, key="b-question")
    client = token_client(student)
    shown = queue(client)["card"]
    assert shown["question_id"] == question.pk
    right = next(c["token"] for c in shown["question"]["choices"] if "Lesser" in c["html"])
    body = {
        "question_id": question.pk,
        "version_id": shown["version_id"],
        "reps": shown["reps"],
        "response": {"choice": right},
    }
    reviewed = client.post(f"{API}/study/reviews/", body, format="json")
    assert reviewed.status_code == 201, reviewed.content
    feedback = reviewed.json()["feedback"]
    assert feedback["outcome"] == "correct" and "RIGHT-FEEDBACK" in str(feedback)
    assert reviewed.json()["rating_label"] == "Good"


def test_review_mistakes(deck):
    student, _, _, card = deck
    client = token_client(student)
    shown = queue(client)["card"]
    base = {"question_id": card.pk, "version_id": shown["version_id"], "reps": 0}
    url = f"{API}/study/reviews/"
    neither = client.post(url, base, format="json")
    assert neither.status_code == 400 and neither.json()["error"]["code"] == "invalid"
    both = client.post(url, {**base, "rating": 3, "response": {"choice": "1"}}, format="json")
    assert both.status_code == 400
    answered = client.post(url, {**base, "response": {"choice": "1"}}, format="json")
    assert answered.status_code == 400  # a flashcard takes no answer
    assert client.post(url, {**base, "rating": 7}, format="json").status_code == 400
    outside = f.QuestionFactory()
    missing = client.post(url, {**base, "question_id": outside.pk, "rating": 3}, format="json")
    assert missing.status_code == 404
    assert not ReviewLog.objects.exists()


def test_the_queue_without_a_class():
    client = token_client(f.StudentFactory())
    assert queue(client)["state"] == "no_class"


def test_progress_is_the_student_s(deck):
    student, classroom, _, card = deck
    progress = token_client(student).get(f"{API}/progress/")
    assert progress.status_code == 200
    body = progress.json()
    assert body["classes"] == [{"id": classroom.pk, "name": classroom.name}]
    assert body["deck_size"] == 1 and body["studied"] == 0
    assert len(body["forecast"]) == 30
    assert token_client(f.InstructorFactory()).get(f"{API}/progress/").status_code == 403


def test_the_quiz_report_is_for_the_class_s_instructors(world):
    student = token_client(world.student)
    attempt = student.post(f"{API}/assignments/{world.assignment.pk}/attempts/").json()
    student.put(
        f"{API}/attempts/{attempt['attempt']['id']}/answers/1/",
        {"response": {"choice": "1"}},
        format="json",
    )
    student.post(f"{API}/attempts/{attempt['attempt']['id']}/submit/")
    url = f"{API}/classes/{world.classroom.pk}/quizzes/{world.quiz.pk}/report/"
    instructor = token_client(world.instructor)
    report = instructor.get(url)
    assert report.status_code == 200, report.content
    body = report.json()
    assert body["test"]["attempts"] == 1
    assert len(body["questions"]) == 3
    assert body["classroom"]["id"] == world.classroom.pk
    assert token_client(world.other_instructor).get(url).status_code == 404
    assert student.get(url).status_code == 403
    other_quiz = world.other_assignment.quiz.pk
    unassigned = f"{API}/classes/{world.classroom.pk}/quizzes/{other_quiz}/report/"
    assert instructor.get(unassigned).status_code == 404
