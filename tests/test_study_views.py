"""The study page: what it shows, what it never leaks, and how it answers bad requests."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import CardState, ReviewLog
from quizzes.services.memory import BAD_RATING, LEECH_RESTING, STALE_REVIEW
from quizzes.views.study import BAD_FORM, LEECH_RESET
from tests.factories import (
    CardStateFactory,
    InstructorFactory,
    QuestionBankFactory,
    StudentFactory,
)
from tests.study_helpers import (
    BACK,
    FRONT,
    enrolled_student,
    flashcard,
    multiple_response,
    single_choice,
)

pytestmark = pytest.mark.django_db
URL = "/study/"
# Text that only the answer side may show.
SECRETS = ["EXPLANATION-MARK", "SOURCE-MARK", "RIGHT-FEEDBACK", "WRONG-FEEDBACK", BACK]


@pytest.fixture
def setup(client):
    student, classroom, bank = enrolled_student()
    client.force_login(student)
    return client, student, bank


def hidden(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else None


def test_the_url_is_named_study_and_needs_a_login(client):
    assert reverse("study") == URL
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_student_without_a_class_is_sent_to_join_one(client):
    client.force_login(StudentFactory())
    html = client.get(URL).content.decode()
    assert "Join a class to start studying" in html
    assert reverse("class_join") in html


def test_an_instructor_is_told_the_page_is_for_students(client):
    client.force_login(InstructorFactory())
    response = client.get(URL)
    assert response.status_code == 200
    assert "The study page is for students" in response.content.decode()
    assert client.post(URL, {"action": "rate"}).status_code == 200


def test_the_nav_links_to_study_for_students(setup):
    client, _, _ = setup
    assert 'href="/study/"' in client.get("/").content.decode()


def test_a_flashcard_front_shows_no_answer_then_reveal_shows_it_with_rated_intervals(setup):
    client, student, bank = setup
    card = flashcard(bank)
    html = client.get(URL).content.decode()
    assert FRONT in html
    assert "Show answer" in html
    for secret in SECRETS:
        assert secret not in html
    assert 'name="rating"' not in html

    html = client.get(URL, {"reveal": card.pk, "shown_at": "1"}).content.decode()
    assert BACK in html and "EXPLANATION-MARK" in html and "SOURCE-MARK" in html
    for label in ["Again", "Hard", "Good", "Easy"]:
        assert f'<span class="rating-name">{label}</span>' in html
    # A new card's steps: Again 1 min, Hard about 6 min, Good 10 min, Easy a day or more.
    assert "1 min" in html and "10 min" in html
    assert hidden(html, "reps") == "0"


def test_reveal_only_applies_to_the_card_being_studied(setup):
    client, _, bank = setup
    flashcard(bank)
    other = flashcard(bank, back="THE-OTHER-BACK")
    html = client.get(URL, {"reveal": other.pk}).content.decode()
    assert "THE-OTHER-BACK" not in html and "Show answer" in html
    assert client.get(URL, {"reveal": "nonsense"}).status_code == 200


def test_rating_a_flashcard_redirects_and_a_resubmit_is_refused(setup):
    client, student, bank = setup
    card = flashcard(bank)
    html = client.get(URL, {"reveal": card.pk}).content.decode()
    form = {
        "action": "rate",
        "question_id": card.pk,
        "reps": hidden(html, "reps"),
        "version": hidden(html, "version"),
        "shown_at": hidden(html, "shown_at"),
        "rating": "3",
    }
    response = client.post(URL, form)
    assert response.status_code == 302 and response["Location"] == URL
    assert ReviewLog.objects.get().rating == 3
    page = client.get(URL).content.decode()
    assert "Rated Good: you will see this card again in 10 min." in page
    response = client.post(URL, form, follow=True)
    assert STALE_REVIEW in response.content.decode()
    assert ReviewLog.objects.count() == 1


@pytest.mark.parametrize("rating", ["0", "9", "good", ""])
def test_a_bad_rating_is_a_message_not_an_error(setup, rating):
    client, _, bank = setup
    card = flashcard(bank)
    version = card.current_version_id
    response = client.post(
        URL,
        {"action": "rate", "question_id": card.pk, "reps": 0, "version": version, "rating": rating},
        follow=True,
    )
    assert response.status_code == 200
    assert BAD_RATING in response.content.decode()
    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"action": "rate", "question_id": "x", "reps": 0, "version": 1, "rating": 3},
        {"action": "rate", "question_id": 1, "reps": "", "version": 1, "rating": 3},
        {"action": "dance", "question_id": 1, "reps": 0, "version": 1},
        {"action": "reset", "card_id": "abc"},
    ],
)
def test_malformed_posts_get_a_message(setup, form):
    client, _, bank = setup
    flashcard(bank)
    response = client.post(URL, form, follow=True)
    assert response.status_code == 200
    assert BAD_FORM in response.content.decode()


def test_unknown_questions_and_other_students_cards_are_404(setup):
    client, student, bank = setup
    outside = flashcard(QuestionBankFactory())
    for question_id in (outside.pk, 10**9):
        response = client.post(
            URL,
            {"action": "rate", "question_id": question_id, "reps": 0, "version": 1, "rating": 3},
        )
        assert response.status_code == 404
    answer = {"action": "answer", "question_id": outside.pk, "reps": 0, "version": 1}
    assert client.post(URL, answer).status_code == 404
    someone_else = CardStateFactory(
        student=StudentFactory(), question=flashcard(bank), is_leech=True
    )
    response = client.post(URL, {"action": "reset", "card_id": someone_else.pk})
    assert response.status_code == 404
    assert CardState.objects.get(pk=someone_else.pk).is_leech


def test_a_question_page_leaks_no_answer_and_answering_shows_the_review(setup):
    client, student, bank = setup
    for _ in range(3):  # so that option ids and the page's tokens differ
        single_choice(QuestionBankFactory())
    question = single_choice(bank)
    html = client.get(URL).content.decode()
    for secret in [*SECRETS, "fraction", "is-right", "Right answer"]:
        assert secret not in html
    # Options are named by their place on the page, never by database id.
    option_ids = {str(o.pk) for o in question.current_version.options.all()}
    assert set(re.findall(r'name="choice"[^>]*value="([^"]+)"', html)) == {"1", "2"}
    assert not option_ids & {"1", "2"}
    assert not option_ids & set(re.findall(r'value="(\d+)"', html)) - {
        hidden(html, n) for n in ("question_id", "reps", "version", "shown_at")
    }
    # Choose the right answer by its label on the page.
    token = re.search(
        r'id="choice-(\d)" value="\d"[^>]*>\s*<label for="choice-\d">Lesser trochanter', html
    ).group(1)
    form = {
        "action": "answer",
        "question_id": question.pk,
        "reps": hidden(html, "reps"),
        "version": hidden(html, "version"),
        "shown_at": hidden(html, "shown_at"),
        "choice": token,
    }
    response = client.post(URL, form)
    assert response.status_code == 302 and response["Location"] == URL + "?feedback=1"
    page = client.get(response["Location"]).content.decode()
    assert "Correct" in page and "RIGHT-FEEDBACK" in page
    assert "EXPLANATION-MARK" in page and "SOURCE-MARK" in page
    assert "Rated <strong>Good</strong> from your answer" in page
    assert ReviewLog.objects.get().source == "study"
    # Sending the same answer again does not count twice.
    again = client.post(URL, form, follow=True).content.decode()
    assert STALE_REVIEW in again
    assert ReviewLog.objects.count() == 1


def test_a_wrong_answer_rates_again_and_a_partial_one_hard(setup):
    client, student, bank = setup
    multiple_response(bank)
    html = client.get(URL).content.decode()
    tokens = dict(
        (label, token)
        for token, label in re.findall(
            r'value="(\d)"[^>]*>\s*<label for="choice-\d">([^<]+)<', html
        )
    )
    form = {
        "action": "answer",
        "question_id": hidden(html, "question_id"),
        "reps": hidden(html, "reps"),
        "version": hidden(html, "version"),
        "choice": [tokens["Psoas major"]],
    }
    page = client.post(URL, form, follow=True).content.decode()
    assert "Partly correct" in page and "Rated <strong>Hard</strong>" in page


def test_an_empty_answer_is_a_message_and_the_card_stays(setup):
    client, _, bank = setup
    question = single_choice(bank)
    form = {
        "action": "answer",
        "question_id": question.pk,
        "reps": 0,
        "version": question.current_version_id,
    }
    response = client.post(URL, form, follow=True)
    assert "Give an answer before checking it." in response.content.decode()
    assert 'name="choice"' in response.content.decode()
    bad = client.post(URL, {**form, "choice": "7"}, follow=True).content.decode()
    assert "not one of this question&#x27;s options" in bad
    assert not ReviewLog.objects.exists()


def test_a_stale_version_is_refused_with_a_message(setup):
    client, _, bank = setup
    question = single_choice(bank)
    form = {
        "action": "answer",
        "question_id": question.pk,
        "reps": 0,
        "version": question.current_version_id + 99,
        "choice": "1",
    }
    page = client.post(URL, form, follow=True).content.decode()
    assert "This question was updated" in page
    assert not ReviewLog.objects.exists()


def test_progress_and_the_empty_queue_say_what_is_next(setup):
    client, student, bank = setup
    card = flashcard(bank)
    html = client.get(URL).content.decode()
    assert re.search(r"<strong>0</strong> of 20 new .* <strong>1</strong> left", html)
    client.post(
        URL,
        {
            "action": "rate",
            "question_id": card.pk,
            "reps": 0,
            "version": card.current_version_id,
            "rating": 4,
        },
    )
    html = client.get(URL).content.decode()
    assert "All done for now" in html
    assert re.search(r"<strong>1</strong> of 20 new", html)
    due = CardState.objects.get().due
    assert due > timezone.now() + timedelta(hours=6)
    assert "Next card due <strong><time" in html
    assert f"at {due:%H:%M} UTC" in html


def test_a_class_without_quizzes_says_there_is_nothing_yet(client):
    from tests.factories import EnrollmentFactory

    student = EnrollmentFactory().student
    client.force_login(student)
    assert "Nothing to study yet" in client.get(URL).content.decode()


def test_leeches_are_listed_with_a_reset_that_brings_them_back(setup):
    client, student, bank = setup
    question = flashcard(bank, front="Name the LEECH-FRONT card.")
    leech = CardStateFactory(
        student=student,
        question=question,
        phase="review",
        stability=2.0,
        difficulty=9.0,
        reps=30,
        lapses=8,
        is_leech=True,
        due=timezone.now() - timedelta(days=1),
    )
    html = client.get(URL).content.decode()
    assert "Leeches" in html and "LEECH-FRONT" in html and "forgotten 8 times" in html
    assert "All done for now" in html  # the leech itself is never in the queue
    rate = {
        "action": "rate",
        "question_id": question.pk,
        "reps": 30,
        "version": question.current_version_id,
        "rating": 3,
    }
    assert LEECH_RESTING in client.post(URL, rate, follow=True).content.decode()
    response = client.post(URL, {"action": "reset", "card_id": leech.pk}, follow=True)
    html = response.content.decode()
    assert LEECH_RESET in html
    assert "Show answer" in html and "LEECH-FRONT" in html
    assert 'id="leeches-heading"' not in html


@pytest.mark.parametrize("size", [3, 40])
def test_the_page_and_a_rating_cost_the_same_queries_whatever_the_deck_size(
    setup, size, django_assert_num_queries
):
    client, student, bank = setup
    now = timezone.now()
    for n in range(size):
        CardStateFactory(
            student=student,
            question=flashcard(bank),
            phase="review",
            due=now - timedelta(minutes=n + 1),
            stability=3.0,
            difficulty=5.0,
            reps=2,
        )
    # Session, user; classes, today's use, the deck with the cards on it; leeches; the card.
    with django_assert_num_queries(7):
        html = client.get(URL).content.decode()
    question_id = hidden(html, "reveal")
    # Showing the answer reads the flashcard's options (it has none) for the right answer.
    with django_assert_num_queries(8):
        html = client.get(URL, {"reveal": question_id}).content.decode()
    form = {name: hidden(html, name) for name in ("question_id", "reps", "version", "shown_at")}
    # Session, user; the transaction (a savepoint in the test's): the deck's ids, the question,
    # the student's lock, the card, classes, the card and its review written, the question's
    # bank for related cards (none here); its end.
    with django_assert_num_queries(12):
        response = client.post(URL, {"action": "rate", "rating": "3", **form})
    assert response.status_code == 302
    assert ReviewLog.objects.filter(card__student=student).count() == 1
