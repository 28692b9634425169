"""The home page: a landing page for visitors, a dashboard for students and instructors."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models.attempts import AttemptState
from quizzes.selectors.home import Status, assignment_status
from quizzes.services.attempts import Window
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
    assert "0 of 3 left" in html
    assert "85%" in html
    assert "100%" not in html


def test_extension_replaces_the_due_date_for_that_student_only(client):
    enrollment = f.EnrollmentFactory()
    assignment = f.AssignmentFactory(classroom=enrollment.classroom)
    extension = f.ExtensionFactory(assignment=assignment, student=enrollment.student)
    classmate = f.EnrollmentFactory(classroom=enrollment.classroom).student
    client.force_login(enrollment.student)
    (row,) = client.get("/").context["rows"]
    assert row.window.due_at == extension.due_at
    assert row.extended
    client.force_login(classmate)
    (row,) = client.get("/").context["rows"]
    assert row.window.due_at == assignment.due_at
    assert not row.extended


def test_an_extension_that_gives_no_more_time_changes_nothing(client):
    enrollment = f.EnrollmentFactory()
    assignment = f.AssignmentFactory(classroom=enrollment.classroom)
    f.ExtensionFactory(
        assignment=assignment,
        student=enrollment.student,
        due_at=assignment.due_at - timedelta(days=1),
    )
    client.force_login(enrollment.student)
    response = client.get("/")
    (row,) = response.context["rows"]
    assert row.window.due_at == assignment.due_at
    assert not row.extended
    assert "Extended for you" not in response.content.decode()


def test_assignments_are_listed_soonest_due_first_with_extensions_applied(client):
    now = timezone.now()
    enrollment = f.EnrollmentFactory()
    first = f.AssignmentFactory(classroom=enrollment.classroom, due_at=now + timedelta(days=1))
    undated = f.AssignmentFactory(classroom=enrollment.classroom, due_at=None)
    later = f.AssignmentFactory(classroom=enrollment.classroom, due_at=now + timedelta(days=3))
    extended = f.AssignmentFactory(classroom=enrollment.classroom, due_at=now + timedelta(days=2))
    f.ExtensionFactory(
        assignment=extended, student=enrollment.student, due_at=now + timedelta(days=5)
    )
    client.force_login(enrollment.student)
    rows = client.get("/").context["rows"]
    assert [row.assignment for row in rows] == [first, later, extended, undated]


def test_student_without_a_class_is_told_how_to_join(client):
    client.force_login(f.StudentFactory())
    html = client.get("/").content.decode()
    assert "You are not in a class yet." in html
    assert "Ask your instructor for the class" in html
    assert f'href="{reverse("class_join")}"' in html
    assert "Assigned quizzes" not in html


def test_student_whose_classes_have_nothing_assigned_is_told_so(client):
    enrollment = f.EnrollmentFactory(classroom=f.ClassroomFactory(name="Autumn cohort"))
    client.force_login(enrollment.student)
    html = client.get("/").content.decode()
    assert "Your classes have no quizzes assigned yet." in html
    assert "Autumn cohort" in html
    assert f'href="{reverse("class_join")}"' in html


def test_join_a_class_is_always_offered_to_students(client):
    enrollment = f.EnrollmentFactory()
    f.AssignmentFactory(classroom=enrollment.classroom)
    client.force_login(enrollment.student)
    html = client.get("/").content.decode()
    assert f'href="{reverse("class_join")}"' in html
    assert enrollment.classroom.name in html


def test_instructor_home_does_not_offer_to_join(client):
    client.force_login(f.InstructorFactory())
    assert f'href="{reverse("class_join")}"' not in client.get("/").content.decode()


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
    f.EnrollmentFactory(student=enrollment.student, classroom=f.ClassroomFactory())
    for _ in range(size):
        other = f.AssignmentFactory(classroom=f.ClassroomFactory())
        f.EnrollmentFactory(student=enrollment.student, classroom=other.classroom)
        f.ExtensionFactory(assignment=other, student=enrollment.student)
        f.AttemptFactory(student=enrollment.student, quiz=other.quiz)
    client.force_login(enrollment.student)
    # session, user, assignments (with extensions and attempts), class list, cards due
    with django_assert_num_queries(5):
        response = client.get("/")
    assert len(response.context["rows"]) == 2 * size


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


# The student's list of assigned quizzes: attempts left, status, due dates.


def student_row(client, **assignment_fields):
    """The student's one row, for an assignment made with these fields."""
    enrollment = f.EnrollmentFactory()
    assignment = f.AssignmentFactory(classroom=enrollment.classroom, **assignment_fields)
    client.force_login(enrollment.student)
    (row,) = client.get("/").context["rows"]
    assert row.assignment == assignment
    return row, enrollment.student


def test_unlimited_attempts_say_no_limit(client):
    row, _ = student_row(client, quiz=f.QuizFactory(attempts_allowed=0))
    assert row.attempts_left is None
    assert "No limit" in client.get("/").content.decode()


def test_attempts_left_count_an_attempt_in_progress(client):
    enrollment = f.EnrollmentFactory()
    quiz = f.QuizFactory(attempts_allowed=3)
    f.AssignmentFactory(classroom=enrollment.classroom, quiz=quiz)
    f.AttemptFactory(student=enrollment.student, quiz=quiz)
    client.force_login(enrollment.student)
    response = client.get("/")
    (row,) = response.context["rows"]
    assert row.attempts_left == 2
    assert row.status == Status.IN_PROGRESS
    html = response.content.decode()
    assert "2 of 3 left" in html
    assert "In progress" in html


def test_a_new_assignment_is_not_started(client):
    row, _ = student_row(client)
    assert row.status == Status.NOT_STARTED
    assert "Not started" in client.get("/").content.decode()


def test_a_submitted_attempt_makes_it_done_and_offers_another_if_allowed(client):
    enrollment = f.EnrollmentFactory()
    quiz = f.QuizFactory(attempts_allowed=2)
    f.AssignmentFactory(classroom=enrollment.classroom, quiz=quiz)
    f.SubmittedAttemptFactory(student=enrollment.student, quiz=quiz, fraction=Decimal("0.5"))
    client.force_login(enrollment.student)
    (row,) = client.get("/").context["rows"]
    assert row.status == Status.DONE
    assert row.can_start_another
    f.SubmittedAttemptFactory(student=enrollment.student, quiz=quiz, fraction=Decimal("0.7"))
    (row,) = client.get("/").context["rows"]
    assert row.status == Status.DONE
    assert not row.can_start_another
    assert row.assignment.best_fraction == Decimal("0.7")


def test_a_future_assignment_says_when_it_opens(client):
    opens = timezone.now() + timedelta(days=2)
    row, _ = student_row(client, opens_at=opens, due_at=opens + timedelta(days=7))
    assert row.status == Status.NOT_OPEN
    html = client.get("/").content.decode()
    assert "Opens on" in html
    assert opens.strftime("%-d %b") in html


def test_a_closed_assignment_says_closed(client):
    past = timezone.now() - timedelta(days=1)
    row, _ = student_row(client, due_at=past - timedelta(days=1), closes_at=past)
    assert row.status == Status.CLOSED
    assert not row.overdue
    assert "Closed" in client.get("/").content.decode()


def test_past_due_but_open_is_overdue(client):
    row, _ = student_row(client, due_at=timezone.now() - timedelta(hours=1))
    assert row.status == Status.NOT_STARTED
    assert row.overdue
    assert "Overdue" in client.get("/").content.decode()


def test_an_extension_reopens_a_closed_assignment_for_that_student(client):
    now = timezone.now()
    enrollment = f.EnrollmentFactory()
    assignment = f.AssignmentFactory(
        classroom=enrollment.classroom,
        due_at=now - timedelta(days=2),
        closes_at=now - timedelta(days=1),
    )
    f.ExtensionFactory(assignment=assignment, student=enrollment.student)
    client.force_login(enrollment.student)
    response = client.get("/")
    (row,) = response.context["rows"]
    assert row.status == Status.NOT_STARTED
    assert row.window.due_at > now
    assert "Extended for you" in response.content.decode()


def test_quiz_titles_link_to_their_assignment_page(client):
    row, _ = student_row(client)
    html = client.get("/").content.decode()
    url = reverse("assignment_detail", args=[row.assignment.pk])
    assert f'href="{url}"' in html


def test_study_today_links_to_the_study_page(client):
    card = f.CardStateFactory(due=timezone.now() - timedelta(minutes=1), phase="review")
    f.CardStateFactory(student=card.student, due=timezone.now() - timedelta(minutes=1))  # new
    client.force_login(card.student)
    html = client.get("/").content.decode()
    assert "<strong>1</strong> card due" in html
    url = reverse("study")
    assert f'href="{url}"' in html


NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("window", "used", "allowed", "in_progress", "expected"),
    [
        (Window(None, None, None), 0, 0, False, Status.NOT_STARTED),
        (Window(NOW + HOUR, None, None), 0, 0, False, Status.NOT_OPEN),
        (Window(None, None, NOW), 0, 0, False, Status.CLOSED),  # closes at this instant
        (Window(None, None, NOW + HOUR), 1, 0, True, Status.IN_PROGRESS),
        (Window(None, None, NOW - HOUR), 1, 0, True, Status.CLOSED),
        (Window(None, NOW - HOUR, None), 1, 3, False, Status.DONE),
        (Window(None, None, None), 3, 3, False, Status.DONE),
    ],
)
def test_assignment_status(window, used, allowed, in_progress, expected):
    status = assignment_status(
        window=window,
        now=NOW,
        attempts_used=used,
        attempts_allowed=allowed,
        in_progress=in_progress,
    )
    assert status == expected
