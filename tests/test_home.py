"""The home page: a landing page for visitors, a dashboard for students and instructors."""

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.models.attempts import AttemptState
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_visitor_sees_the_landing_page_with_a_way_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Know the psoas" in html
    assert f'href="{reverse("login")}"' in html


def test_student_sees_assignments_with_attempts_and_best_score(client):
    enrollment = f.EnrollmentFactory()
    student = enrollment.student
    assignment = f.AssignmentFactory(
        classroom=enrollment.classroom,
        quiz=f.QuizFactory(title="Anatomy check", attempts_allowed=3),
    )
    f.SubmittedAttemptFactory(student=student, quiz=assignment.quiz, fraction=Decimal("0.6"))
    f.SubmittedAttemptFactory(student=student, quiz=assignment.quiz, fraction=Decimal("0.85"))
    f.AttemptFactory(student=student, quiz=assignment.quiz, state=AttemptState.IN_PROGRESS)
    f.SubmittedAttemptFactory(quiz=assignment.quiz, fraction=Decimal("1"))  # someone else's
    client.force_login(student)

    html = client.get("/").content.decode()
    assert "Anatomy check" in html
    assert "3 of 3" in html
    assert "85%" in html
    assert "100%" not in html


def test_extension_replaces_the_due_date_for_that_student_only(client):
    enrollment = f.EnrollmentFactory()
    assignment = f.AssignmentFactory(classroom=enrollment.classroom)
    extension = f.ExtensionFactory(assignment=assignment, student=enrollment.student)
    client.force_login(enrollment.student)
    (row,) = client.get("/").context["assignments"]
    assert row.effective_due == extension.due_at


def test_student_without_a_class_is_told_how_to_join(client):
    client.force_login(f.StudentFactory())
    assert "Ask your instructor for the class" in client.get("/").content.decode()


def test_instructor_sees_own_classes_and_visible_banks_only(client):
    instructor = f.InstructorFactory()
    mine = f.ClassroomFactory(name="Spring cohort", instructors=[instructor])
    f.EnrollmentFactory.create_batch(2, classroom=mine)
    f.ClassroomFactory(name="Someone else's cohort")
    f.QuestionBankFactory(title="My bank", owner=instructor)
    f.QuestionBankFactory(title="Private bank of another")
    client.force_login(instructor)

    html = client.get("/").content.decode()
    assert "Spring cohort" in html
    assert "2 students" in html
    assert mine.join_code in html
    assert "My bank" in html
    assert "Someone else" not in html
    assert "Private bank of another" not in html


@pytest.mark.parametrize("size", [1, 8])
def test_student_home_query_count_does_not_grow(client, django_assert_num_queries, size):
    enrollment = f.EnrollmentFactory()
    for _ in range(size):
        assignment = f.AssignmentFactory(classroom=enrollment.classroom)
        f.SubmittedAttemptFactory(student=enrollment.student, quiz=assignment.quiz)
    client.force_login(enrollment.student)
    # session, user, assignments, cards due (the class list is only read when nothing is assigned)
    with django_assert_num_queries(4):
        client.get("/")


@pytest.mark.parametrize("size", [1, 8])
def test_instructor_home_query_count_does_not_grow(client, django_assert_num_queries, size):
    instructor = f.InstructorFactory()
    for _ in range(size):
        f.EnrollmentFactory(classroom=f.ClassroomFactory(instructors=[instructor]))
        f.QuestionFactory(bank=f.QuestionBankFactory(owner=instructor))
    client.force_login(instructor)
    # session, user, classes, banks
    with django_assert_num_queries(4):
        client.get("/")


def test_logout_is_a_post_and_returns_home(client):
    client.force_login(f.StudentFactory())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_login_with_wrong_password_says_so_and_keeps_the_username(client):
    f.StudentFactory(username="asha")
    response = client.post(reverse("login"), {"username": "asha", "password": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct username and password" in html
    assert 'value="asha"' in html
