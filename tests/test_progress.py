"""The progress page: who may see it, what it shows, the exam date form, its query count."""

import re
from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from quizzes.forms.progress import BAD_DATE
from quizzes.services.exam_dates import EXAM_DATE_IN_PAST, EXAM_DATE_TOO_FAR
from quizzes.views.progress import EXAM_DATE_CLEARED, EXAM_DATE_SAVED, FOR_STUDENTS
from tests.factories import (
    CardStateFactory,
    ClassroomFactory,
    InstructorFactory,
    ReviewLogFactory,
    StudentFactory,
)
from tests.selectors.test_progress import deck

pytestmark = pytest.mark.django_db
URL = "/progress/"


def today():
    return timezone.now().astimezone(UTC).date()


def seed(student, *, size=3, classroom=None):
    """A student who studied every deck card yesterday and today, with a class exam ahead."""
    now = timezone.now()
    classroom = classroom or ClassroomFactory(exam_date=today() + timedelta(days=40))
    questions = deck(student, topics={"anatomy": size, "myths": size}, classroom=classroom)
    for i, question in enumerate(q for qs in questions.values() for q in qs):
        card = CardStateFactory(
            student=student,
            question=question,
            phase="review",
            stability=4.0 + i,
            difficulty=5.0,
            last_review=now - timedelta(days=1),
            due=now + timedelta(days=i % 10),
            reps=2,
        )
        ReviewLogFactory(
            card=card, rating=3, phase_before="review", reviewed_at=now - timedelta(days=1)
        )
        ReviewLogFactory(
            card=card, rating=1 if i == 0 else 3, phase_before="review", reviewed_at=now
        )
    return questions


def test_url_name():
    assert reverse("progress") == URL


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login")) and "next=/progress/" in response.url
    assert (
        client.post(reverse("progress_exam_date"), {"exam_date": "2030-01-01"}).status_code == 302
    )


def test_instructors_get_a_clear_message(client):
    client.force_login(InstructorFactory())
    response = client.get(URL)
    assert response.status_code == 403
    assert escape(FOR_STUDENTS) in response.content.decode()
    assert (
        client.post(reverse("progress_exam_date"), {"exam_date": "2030-01-01"}).status_code == 403
    )


def test_a_student_with_no_reviews_sees_an_explanation_not_zeros(client):
    student = StudentFactory()
    deck(student, topics={"anatomy": 4})
    client.force_login(student)
    html = client.get(URL).content.decode()
    assert "Nothing to measure yet" in html
    assert "Your deck has <strong>4</strong> cards waiting" in html
    assert "<svg" not in html and "Streak" not in html
    # The exam date can still be set before studying.
    assert 'name="exam_date"' in html


def test_a_student_in_no_class_is_told_how_to_join(client):
    client.force_login(StudentFactory())
    html = client.get(URL).content.decode()
    assert "You are not in a class yet" in html


def test_the_page_shows_every_figure(client):
    student = StudentFactory()
    seed(student, size=3)
    CardStateFactory(student=student, is_leech=True)
    client.force_login(student)
    response = client.get(URL)
    html = response.content.decode()
    progress = response.context["progress"]
    # Streak: yesterday and today.
    assert progress.streak.days == 2
    assert re.search(r"Streak</span>\s*<span class=\"stat-value\">2 days", html)
    # Retention: 12 review-phase reviews, one rated Again → 92%, target 90%.
    assert (progress.retention.reviews, progress.retention.recalled) == (12, 11)
    assert "of 12 reviews in 30 days; target 90%. On target." in html
    # Leeches.
    assert re.search(r"Leeches</span>\s*<span class=\"stat-value\">1<", html)
    # Mastery chart and its table: every studied card was reviewed a day ago (t = 1).
    assert 'role="img" aria-labelledby="mastery-title mastery-desc"' in html
    for t in progress.topics:
        assert (
            f'<th scope="row">{t.label}</th><td>{round(t.mastery * 100)}%</td><td>3 of 3</td>'
            in html
        )
    # Forecast chart: 30 bars, each with its own tooltip, and a 30-row table.
    assert 'aria-labelledby="forecast-title forecast-desc"' in html
    forecast_svg = html[
        html.index('id="forecast-title"') : html.index("</svg>", html.index('id="forecast-title"'))
    ]
    assert forecast_svg.count("<rect") == 30
    assert html.count("Show as a table") == 2
    # Exam outlook: the class's date, and the predicted recall on it.
    assert "Your exam:" in html and "in 40 days" in html
    assert f"{round(progress.exam.predicted_recall * 100)}%</strong> of the 6 cards" in html
    assert "capped so that every card comes back for review before the exam" in html


def test_the_leech_count_links_to_the_leech_list_on_the_study_page(client):
    student = StudentFactory()
    seed(student, size=1)
    CardStateFactory(student=student, is_leech=True)
    client.force_login(student)
    html = client.get(URL).content.decode()
    assert f'href="{reverse("study")}#leeches-heading">See your leeches' in html


def test_nav_has_a_progress_link_for_students_only(client):
    client.force_login(StudentFactory())
    assert f'href="{URL}"' in client.get("/").content.decode()
    client.force_login(InstructorFactory())
    assert f'href="{URL}"' not in client.get("/").content.decode()


class TestExamDateForm:
    def post(self, client, student, data):
        client.force_login(student)
        return client.post(reverse("progress_exam_date"), data)

    def test_a_valid_date_is_saved_and_shown(self, client):
        student = StudentFactory()
        exam = today() + timedelta(days=100)
        response = self.post(client, student, {"exam_date": exam.isoformat()})
        assert response.status_code == 302 and response.url == URL
        student.refresh_from_db()
        assert student.exam_date == exam
        html = client.get(URL).content.decode()
        assert EXAM_DATE_SAVED.format(date=exam.strftime("%A %-d %B %Y")) in html
        assert "the date you set" in html and "in 100 days" in html

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("yesterday", EXAM_DATE_IN_PAST),
            ("too far", EXAM_DATE_TOO_FAR),
            ("14/06/2027", BAD_DATE),
            ("2027-02-30", BAD_DATE),
        ],
    )
    def test_bad_dates_are_refused_with_a_clear_message_tied_to_the_field(
        self, client, value, message
    ):
        student = StudentFactory(exam_date=None)
        value = {
            "yesterday": (today() - timedelta(days=1)).isoformat(),
            "too far": (today() + timedelta(days=2 * 366 + 1)).isoformat(),
        }.get(value, value)
        response = self.post(client, student, {"exam_date": value})
        assert response.status_code == 200
        html = response.content.decode()
        assert escape(message) in html
        assert 'aria-invalid="true"' in html
        assert re.search(r'aria-describedby="id_exam_date_helptext id_exam_date_error"', html)
        assert 'id="id_exam_date_error"' in html
        student.refresh_from_db()
        assert student.exam_date is None

    def test_clearing_goes_back_to_the_class_date(self, client):
        classroom = ClassroomFactory(exam_date=today() + timedelta(days=30))
        student = StudentFactory(exam_date=today() + timedelta(days=60))
        deck(student, topics={"anatomy": 1}, classroom=classroom)
        client.force_login(student)
        html = client.get(URL).content.decode()
        assert "the date you set" in html and f"Your class {classroom.name} has its exam on" in html
        response = self.post(client, student, {"exam_date": "2030-01-01", "clear": "1"})
        assert response.status_code == 302
        student.refresh_from_db()
        assert student.exam_date is None
        html = client.get(URL).content.decode()
        assert escape(EXAM_DATE_CLEARED) in html and f"{classroom.name}'s date" in html

    def test_get_is_not_allowed_on_the_form_url(self, client):
        client.force_login(StudentFactory())
        assert client.get(reverse("progress_exam_date")).status_code == 405


@pytest.mark.parametrize("size", [2, 30])
def test_the_page_costs_the_same_queries_whatever_the_deck_size(
    client, size, django_assert_num_queries
):
    student = StudentFactory()
    seed(student, size=size)
    client.force_login(student)
    # Session, user, then the six of student_progress.
    with django_assert_num_queries(8):
        response = client.get(URL)
    assert response.context["progress"].deck_size == 2 * size
