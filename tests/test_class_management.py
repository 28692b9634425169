"""Instructors running classes: settings, join codes, people, assignments and extensions.

Services first (every refusal message), then the pages: who may see and change what, that
every change redirects with a message, that repeating a POST is harmless, and that the class
page costs the same number of queries for 2 students as for 30.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from quizzes.models import Assignment, Attempt, CardState, Classroom, Enrollment, Extension
from quizzes.services import classes as services
from quizzes.services.attempts import window_for
from quizzes.services.classes import ClassChangeRefused, JoinRefused, enrollment_join
from quizzes.services.exam_dates import latest_exam_date
from quizzes.views import teaching as views
from tests import factories as f

pytestmark = pytest.mark.django_db

RETENTION = services.RETENTION_OUT_OF_RANGE
NOW = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def refusal(call, **kwargs) -> dict:
    with pytest.raises(ClassChangeRefused) as caught:
        call(**kwargs)
    return caught.value.errors


def moment(days: float, hours: int = 0) -> datetime:
    return timezone.now().replace(second=0, microsecond=0) + timedelta(days=days, hours=hours)


def local_input(value: datetime) -> str:
    """A datetime as a datetime-local input sends it (the site's zone is UTC in tests)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


# --- services: classes -------------------------------------------------------------------------


def _settings(**changes):
    values = {
        "name": "Spring cohort",
        "desired_retention": Decimal("0.90"),
        "new_cards_per_day": 20,
        "reviews_per_day": 200,
        "exam_date": None,
        "join_code_expires_at": None,
    }
    return {**values, **changes}


def test_create_keeps_every_setting_and_makes_a_code():
    instructor = f.InstructorFactory()
    classroom = services.classroom_create(
        instructor=instructor,
        now=NOW,
        **_settings(
            name="  Spring cohort ",
            desired_retention=Decimal("0.85"),
            new_cards_per_day=0,
            reviews_per_day=50,
            exam_date=date(2030, 6, 1),
            join_code_expires_at=NOW + timedelta(days=14),
        ),
    )
    classroom.refresh_from_db()
    assert classroom.name == "Spring cohort"
    assert classroom.desired_retention == Decimal("0.85")
    assert (classroom.new_cards_per_day, classroom.reviews_per_day) == (0, 50)
    assert classroom.exam_date == date(2030, 6, 1)
    assert classroom.join_code_expires_at == NOW + timedelta(days=14)
    assert len(classroom.join_code) == 8
    assert list(classroom.instructors.all()) == [instructor]


def test_a_double_submitted_create_makes_one_class():
    instructor = f.InstructorFactory()
    first = services.classroom_create(instructor=instructor, **_settings())
    again = services.classroom_create(instructor=instructor, **_settings())
    assert again == first
    # Another name, or another instructor, is another class.
    services.classroom_create(instructor=instructor, **_settings(name="Autumn cohort"))
    services.classroom_create(instructor=f.InstructorFactory(), **_settings())
    assert Classroom.objects.count() == 3


def test_the_same_name_later_is_a_new_class():
    instructor = f.InstructorFactory()
    first = services.classroom_create(instructor=instructor, **_settings())
    Classroom.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - services.DOUBLE_SUBMIT_WINDOW - timedelta(seconds=1)
    )
    assert services.classroom_create(instructor=instructor, **_settings()) != first


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", services.NAME_EMPTY),
        ({"desired_retention": Decimal("0.69")}, "desired_retention", RETENTION),
        ({"desired_retention": Decimal("1.00")}, "desired_retention", RETENTION),
        ({"desired_retention": Decimal("90")}, "desired_retention", RETENTION),
        ({"new_cards_per_day": -1}, "new_cards_per_day", services.LIMIT_NEGATIVE),
        ({"reviews_per_day": -5}, "reviews_per_day", services.LIMIT_NEGATIVE),
        ({"reviews_per_day": 10_000}, "reviews_per_day", services.LIMIT_TOO_LARGE),
        ({"exam_date": TODAY - timedelta(days=1)}, "exam_date", services.EXAM_DATE_PAST),
        (
            {"exam_date": latest_exam_date(TODAY) + timedelta(days=1)},
            "exam_date",
            services.EXAM_DATE_TOO_FAR,
        ),
        ({"join_code_expires_at": NOW}, "join_code_expires_at", services.CODE_EXPIRY_PAST),
    ],
)
def test_create_refuses_bad_settings_with_the_field_and_message(changes, field, message):
    errors = refusal(
        services.classroom_create,
        instructor=f.InstructorFactory(),
        now=NOW,
        **_settings(**changes),
    )
    assert errors == {field: message}
    assert not Classroom.objects.exists()


def test_create_reports_every_problem_at_once():
    errors = refusal(
        services.classroom_create,
        instructor=f.InstructorFactory(),
        now=NOW,
        **_settings(name="", new_cards_per_day=-1, desired_retention=Decimal("0.5")),
    )
    assert set(errors) == {"name", "new_cards_per_day", "desired_retention"}


def test_the_edges_of_the_retention_range_are_allowed():
    for value in ("0.70", "0.99"):
        services.classroom_create(
            instructor=f.InstructorFactory(), now=NOW, **_settings(desired_retention=Decimal(value))
        )
    assert Classroom.objects.count() == 2


def test_students_cannot_create_classes():
    errors = refusal(
        services.classroom_create, instructor=f.StudentFactory(), now=NOW, **_settings()
    )
    assert errors == {None: services.CREATOR_NOT_INSTRUCTOR}


def test_update_changes_the_settings():
    classroom = f.ClassroomFactory()
    services.classroom_update(
        classroom=classroom,
        now=NOW,
        **_settings(name="Renamed", desired_retention=Decimal("0.95"), exam_date=TODAY),
    )
    classroom.refresh_from_db()
    assert (classroom.name, classroom.desired_retention, classroom.exam_date) == (
        "Renamed",
        Decimal("0.95"),
        TODAY,
    )


def test_update_keeps_a_past_exam_date_and_expiry_that_were_already_set():
    # Once the exam is over the class can still be renamed without clearing the date.
    classroom = f.ClassroomFactory(
        exam_date=TODAY - timedelta(days=30), join_code_expires_at=NOW - timedelta(days=1)
    )
    services.classroom_update(
        classroom=classroom,
        now=NOW,
        **_settings(
            name="After the exam",
            exam_date=classroom.exam_date,
            join_code_expires_at=classroom.join_code_expires_at,
        ),
    )
    classroom.refresh_from_db()
    assert classroom.name == "After the exam"
    # ...but a newly typed past date is refused.
    errors = refusal(
        services.classroom_update,
        classroom=classroom,
        now=NOW,
        **_settings(exam_date=TODAY - timedelta(days=29)),
    )
    assert errors == {"exam_date": services.EXAM_DATE_PAST}


def test_update_refuses_bad_settings_and_changes_nothing():
    classroom = f.ClassroomFactory(name="Keep me")
    errors = refusal(
        services.classroom_update,
        classroom=classroom,
        now=NOW,
        **_settings(name="New", reviews_per_day=-1),
    )
    assert errors == {"reviews_per_day": services.LIMIT_NEGATIVE}
    classroom.refresh_from_db()
    assert classroom.name == "Keep me"


def test_regenerating_the_code_stops_the_old_one_and_keeps_members():
    classroom = f.ClassroomFactory(join_code="OLDCODE1")
    member = f.EnrollmentFactory(classroom=classroom).student
    services.join_code_regenerate(classroom=classroom, now=NOW)
    classroom.refresh_from_db()
    assert classroom.join_code != "OLDCODE1"
    with pytest.raises(JoinRefused) as caught:
        enrollment_join(student=f.StudentFactory(), code="OLDCODE1")
    assert caught.value.message == services.CODE_UNKNOWN.format(code="OLDCODE1")
    enrollment_join(student=f.StudentFactory(), code=classroom.join_code.lower())
    assert classroom.enrollments.filter(student=member).exists()
    assert classroom.enrollments.count() == 2


def test_regenerating_sets_or_clears_the_expiry():
    classroom = f.ClassroomFactory(join_code_expires_at=NOW + timedelta(days=1))
    services.join_code_regenerate(classroom=classroom, now=NOW)
    assert classroom.join_code_expires_at is None
    later = timezone.now() + timedelta(days=3)
    services.join_code_regenerate(classroom=classroom, expires_at=later)
    classroom.refresh_from_db()
    assert classroom.join_code_expires_at == later


def test_regenerating_refuses_an_expiry_in_the_past_and_keeps_the_code():
    classroom = f.ClassroomFactory(join_code="KEEPCODE")
    errors = refusal(
        services.join_code_regenerate,
        classroom=classroom,
        expires_at=NOW - timedelta(minutes=1),
        now=NOW,
    )
    assert errors == {"expires_at": services.CODE_EXPIRY_PAST}
    classroom.refresh_from_db()
    assert classroom.join_code == "KEEPCODE"


# --- services: people --------------------------------------------------------------------------


def test_adding_a_student_by_username_any_capitalisation():
    classroom = f.ClassroomFactory()
    student = f.StudentFactory(username="Nia.Okafor")
    enrollment = services.enrollment_add(classroom=classroom, username="  nia.okafor ")
    assert enrollment.student == student


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", services.USERNAME_EMPTY),
        ("nobody-here", services.USER_UNKNOWN.format(username="nobody-here")),
        ("asha", services.STUDENT_IS_INSTRUCTOR.format(username="asha")),
        ("boss", services.STUDENT_IS_INSTRUCTOR.format(username="boss")),
    ],
)
def test_adding_a_student_refuses_with_a_message(username, message):
    f.InstructorFactory(username="asha")
    f.UserFactory(username="boss", is_staff=True)
    classroom = f.ClassroomFactory()
    assert refusal(services.enrollment_add, classroom=classroom, username=username) == {
        "username": message
    }
    assert not classroom.enrollments.exists()


def test_adding_a_student_twice_says_they_are_in():
    enrollment = f.EnrollmentFactory(student=f.StudentFactory(display_name="Ben Ito"))
    errors = refusal(
        services.enrollment_add,
        classroom=enrollment.classroom,
        username=enrollment.student.username,
    )
    assert errors == {"username": services.STUDENT_ALREADY_ENROLLED.format(name="Ben Ito")}


def test_removing_a_student_keeps_their_attempts_and_memory():
    enrollment = f.EnrollmentFactory()
    student, classroom = enrollment.student, enrollment.classroom
    assignment = f.AssignmentFactory(classroom=classroom)
    attempt = f.SubmittedAttemptFactory(
        student=student, quiz=assignment.quiz, assignment=assignment
    )
    card = f.CardStateFactory(student=student)
    extension = f.ExtensionFactory(assignment=assignment, student=student)

    assert services.enrollment_remove(classroom=classroom, student=student) is True

    assert not Enrollment.objects.filter(pk=enrollment.pk).exists()
    assert Attempt.objects.get(pk=attempt.pk).assignment == assignment
    assert CardState.objects.filter(pk=card.pk).exists()
    assert Extension.objects.filter(pk=extension.pk).exists()
    # A second removal (a double submit) is not an error.
    assert services.enrollment_remove(classroom=classroom, student=student) is False


def test_adding_an_instructor():
    classroom = f.ClassroomFactory()
    colleague = f.InstructorFactory(username="colleague")
    assert services.instructor_add(classroom=classroom, username="colleague") == colleague
    assert classroom.instructors.filter(pk=colleague.pk).exists()


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", services.USERNAME_EMPTY),
        ("ghost", services.USER_UNKNOWN.format(username="ghost")),
        ("pupil", services.INSTRUCTOR_IS_STUDENT.format(username="pupil")),
    ],
)
def test_adding_an_instructor_refuses_with_a_message(username, message):
    f.StudentFactory(username="pupil")
    classroom = f.ClassroomFactory()
    assert refusal(services.instructor_add, classroom=classroom, username=username) == {
        "username": message
    }
    assert classroom.instructors.count() == 1


def test_adding_an_instructor_twice_says_they_teach_it():
    teacher = f.InstructorFactory(display_name="Asha Rao")
    classroom = f.ClassroomFactory(instructors=[teacher])
    errors = refusal(services.instructor_add, classroom=classroom, username=teacher.username)
    assert errors == {"username": services.INSTRUCTOR_ALREADY_TEACHING.format(name="Asha Rao")}


def test_the_last_instructor_cannot_be_removed():
    teacher = f.InstructorFactory(display_name="Asha Rao")
    classroom = f.ClassroomFactory(instructors=[teacher])
    errors = refusal(services.instructor_remove, classroom=classroom, instructor=teacher)
    assert errors == {None: services.LAST_INSTRUCTOR.format(name="Asha Rao")}
    assert list(classroom.instructors.all()) == [teacher]


def test_an_instructor_may_leave_when_another_remains():
    me, colleague = f.InstructorFactory(), f.InstructorFactory()
    classroom = f.ClassroomFactory(instructors=[me, colleague])
    assert services.instructor_remove(classroom=classroom, instructor=me) is True
    assert list(classroom.instructors.all()) == [colleague]
    # Now the colleague is the last one.
    with pytest.raises(ClassChangeRefused):
        services.instructor_remove(classroom=classroom, instructor=colleague)
    assert services.instructor_remove(classroom=classroom, instructor=me) is False


# --- services: assignments ---------------------------------------------------------------------


@pytest.fixture
def classroom():
    return f.ClassroomFactory()


@pytest.fixture
def bundled_quiz():
    return f.QuizFactory(owner=None, title="Psoas major basics")


def test_assigning_a_bundled_or_own_quiz(classroom, bundled_quiz):
    teacher = classroom.instructors.get()
    own = f.QuizFactory(owner=teacher)
    opens, due, closes = moment(1), moment(8), moment(8)
    first = services.assignment_create(
        classroom=classroom,
        quiz=bundled_quiz,
        by=teacher,
        opens_at=opens,
        due_at=due,
        closes_at=closes,
    )
    assert (first.opens_at, first.due_at, first.closes_at) == (opens, due, closes)
    services.assignment_create(classroom=classroom, quiz=own, by=teacher)
    assert classroom.assignments.count() == 2


def test_another_instructors_quiz_cannot_be_assigned(classroom):
    theirs = f.QuizFactory(owner=f.InstructorFactory())
    errors = refusal(
        services.assignment_create,
        classroom=classroom,
        quiz=theirs,
        by=classroom.instructors.get(),
    )
    assert errors == {"quiz": services.QUIZ_NOT_AVAILABLE}


def test_a_quiz_is_assigned_once(classroom, bundled_quiz):
    teacher = classroom.instructors.get()
    services.assignment_create(classroom=classroom, quiz=bundled_quiz, by=teacher)
    errors = refusal(services.assignment_create, classroom=classroom, quiz=bundled_quiz, by=teacher)
    assert errors == {"quiz": services.QUIZ_ALREADY_ASSIGNED.format(quiz="Psoas major basics")}


def test_a_lost_race_to_assign_is_the_already_assigned_message(
    classroom, bundled_quiz, monkeypatch
):
    # The other request of a double submit inserted the row between the check and the insert.
    teacher = classroom.instructors.get()
    f.AssignmentFactory(classroom=classroom, quiz=bundled_quiz)
    real_filter = Assignment.objects.filter

    class NotYet:
        def exists(self):
            return False

    monkeypatch.setattr(
        Assignment.objects,
        "filter",
        lambda *a, **kw: NotYet() if "quiz" in kw else real_filter(*a, **kw),
    )
    errors = refusal(services.assignment_create, classroom=classroom, quiz=bundled_quiz, by=teacher)
    assert errors == {"quiz": services.QUIZ_ALREADY_ASSIGNED.format(quiz="Psoas major basics")}


def _fmt(value: datetime) -> str:
    return services.moment_text(value)


def test_moments_are_written_as_the_pages_show_them():
    assert services.moment_text(datetime(2030, 12, 5, 17, 0, tzinfo=UTC)) == "5 Dec 2030, 17:00"


def test_assignment_date_rules(bundled_quiz):
    opens = moment(2)
    check = services.assignment_date_errors
    assert check(quiz=bundled_quiz, opens_at=opens, due_at=opens, closes_at=None) == {
        "due_at": services.DUE_NOT_AFTER_OPENS.format(opens=_fmt(opens), tz="(UTC)")
    }
    due = moment(5)
    assert check(quiz=bundled_quiz, opens_at=opens, due_at=due, closes_at=moment(4)) == {
        "closes_at": services.CLOSES_BEFORE_DUE.format(due=_fmt(due), tz="(UTC)")
    }
    assert check(quiz=bundled_quiz, opens_at=opens, due_at=None, closes_at=opens) == {
        "closes_at": services.CLOSES_NOT_AFTER_OPENS.format(opens=_fmt(opens), tz="(UTC)")
    }
    # Closing at the due date (no late starts) and leaving any date empty are fine.
    assert check(quiz=bundled_quiz, opens_at=opens, due_at=due, closes_at=due) == {}
    assert check(quiz=bundled_quiz, opens_at=None, due_at=None, closes_at=None) == {}


def test_assignment_dates_are_judged_with_the_quizs_own(bundled_quiz):
    # window_for falls back to the quiz's dates where the assignment sets none.
    bundled_quiz.opens_at, bundled_quiz.closes_at = moment(3), moment(10)
    check = services.assignment_date_errors
    early_due = moment(2)
    assert check(quiz=bundled_quiz, opens_at=None, due_at=early_due, closes_at=None) == {
        "due_at": services.DUE_BEFORE_QUIZ_OPENS.format(opens=_fmt(moment(3)), tz="(UTC)")
    }
    assert check(quiz=bundled_quiz, opens_at=None, due_at=moment(12), closes_at=None) == {
        "due_at": services.DUE_AFTER_QUIZ_CLOSES.format(closes=_fmt(moment(10)), tz="(UTC)")
    }
    assert check(quiz=bundled_quiz, opens_at=None, due_at=None, closes_at=moment(1)) == {
        "closes_at": services.CLOSES_BEFORE_QUIZ_OPENS.format(opens=_fmt(moment(3)), tz="(UTC)")
    }
    # An assignment's own dates replace the quiz's.
    own = {"opens_at": moment(1), "due_at": moment(12), "closes_at": moment(13)}
    assert check(quiz=bundled_quiz, **own) == {}


def test_bad_dates_are_refused_by_create_and_update(classroom, bundled_quiz):
    teacher = classroom.instructors.get()
    errors = refusal(
        services.assignment_create,
        classroom=classroom,
        quiz=bundled_quiz,
        by=teacher,
        opens_at=moment(5),
        due_at=moment(4),
    )
    assert set(errors) == {"due_at"}
    assignment = services.assignment_create(
        classroom=classroom, quiz=bundled_quiz, by=teacher, due_at=moment(4)
    )
    errors = refusal(
        services.assignment_update,
        assignment=assignment,
        opens_at=None,
        due_at=moment(4),
        closes_at=moment(3),
    )
    assert set(errors) == {"closes_at"}
    services.assignment_update(
        assignment=assignment, opens_at=moment(1), due_at=moment(6), closes_at=None
    )
    assignment.refresh_from_db()
    assert (assignment.opens_at, assignment.due_at, assignment.closes_at) == (
        moment(1),
        moment(6),
        None,
    )


def test_an_attempted_assignment_cannot_be_deleted():
    assignment = f.AssignmentFactory()
    f.SubmittedAttemptFactory(quiz=assignment.quiz, assignment=assignment)
    errors = refusal(services.assignment_delete, assignment=assignment)
    assert errors == {None: services.ASSIGNMENT_HAS_ATTEMPTS.format(count=1, s="")}
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_deleting_an_unattempted_assignment_takes_its_extensions():
    extension = f.ExtensionFactory()
    services.assignment_delete(assignment=extension.assignment)
    assert not Assignment.objects.exists()
    assert not Extension.objects.exists()


# --- services: extensions ----------------------------------------------------------------------


@pytest.fixture
def enrolled():
    """An assignment due in 7 days and closing in 9, and a student of its class."""
    assignment = f.AssignmentFactory(due_at=moment(7), closes_at=moment(9))
    student = f.EnrollmentFactory(classroom=assignment.classroom).student
    return assignment, student


def test_an_extension_moves_the_students_window_later(enrolled):
    assignment, student = enrolled
    extension = services.extension_set(
        assignment=assignment, student=student, due_at=moment(10), closes_at=moment(12)
    )
    window = window_for(assignment, extension)
    assert (window.due_at, window.closes_at) == (moment(10), moment(12))
    # Setting it again replaces it.
    services.extension_set(assignment=assignment, student=student, due_at=moment(8))
    extension = Extension.objects.get()
    assert (extension.due_at, extension.closes_at) == (moment(8), None)
    assert services.extension_delete(assignment=assignment, student=student) is True
    assert services.extension_delete(assignment=assignment, student=student) is False


def test_extension_refusals(enrolled):
    assignment, student = enrolled
    due, closes = _fmt(moment(7)), _fmt(moment(9))

    def errors(**kwargs):
        return refusal(services.extension_set, assignment=assignment, student=student, **kwargs)

    assert errors(due_at=moment(7)) == {
        "due_at": services.EXTENSION_DUE_NOT_LATER.format(due=due, tz="(UTC)")
    }
    assert errors(due_at=moment(6)) == {
        "due_at": services.EXTENSION_DUE_NOT_LATER.format(due=due, tz="(UTC)")
    }
    assert errors(due_at=moment(10), closes_at=moment(9.5)) == {
        "closes_at": services.EXTENSION_CLOSES_BEFORE_DUE
    }
    assert errors(due_at=moment(8), closes_at=moment(9)) == {
        "closes_at": services.EXTENSION_CLOSES_NOT_LATER.format(closes=closes, tz="(UTC)")
    }
    outsider = f.StudentFactory()
    assert refusal(
        services.extension_set, assignment=assignment, student=outsider, due_at=moment(10)
    ) == {"student": services.EXTENSION_STUDENT_NOT_ENROLLED}
    assert not Extension.objects.exists()


def test_extensions_on_assignments_without_dates(enrolled):
    assignment, student = enrolled
    assignment.due_at = assignment.closes_at = None
    assignment.save()
    assert refusal(
        services.extension_set, assignment=assignment, student=student, due_at=moment(10)
    ) == {None: services.EXTENSION_NOTHING_TO_EXTEND}

    # Due but never closing: a close date would change nothing, so it is refused.
    assignment.due_at = moment(7)
    assignment.save()
    assert refusal(
        services.extension_set,
        assignment=assignment,
        student=student,
        due_at=moment(10),
        closes_at=moment(11),
    ) == {"closes_at": services.EXTENSION_NO_CLOSE_TO_EXTEND}

    # Closing but never due: the new due date must be after the close.
    assignment.due_at, assignment.closes_at = None, moment(9)
    assignment.save()
    assert refusal(
        services.extension_set, assignment=assignment, student=student, due_at=moment(8)
    ) == {
        "due_at": services.EXTENSION_DUE_NOT_AFTER_CLOSE.format(closes=_fmt(moment(9)), tz="(UTC)")
    }
    extension = services.extension_set(assignment=assignment, student=student, due_at=moment(10))
    assert window_for(assignment, extension).closes_at == moment(10)


def test_the_quizs_close_date_counts_as_the_assignments(enrolled):
    assignment, student = enrolled
    assignment.closes_at = None
    assignment.save()
    assignment.quiz.closes_at = moment(20)
    assignment.quiz.save()
    assert refusal(
        services.extension_set,
        assignment=assignment,
        student=student,
        due_at=moment(10),
        closes_at=moment(15),
    ) == {
        "closes_at": services.EXTENSION_CLOSES_NOT_LATER.format(closes=_fmt(moment(20)), tz="(UTC)")
    }


# --- pages: who may see and change what --------------------------------------------------------


@pytest.fixture
def world():
    """A class with an owner, a co-instructor, a student, an assignment with an extension."""
    owner = f.InstructorFactory(username="owner", display_name="Owner Olu")
    co = f.InstructorFactory(username="co", display_name="Co Carla")
    classroom = f.ClassroomFactory(name="Spring cohort", instructors=[owner, co])
    student = f.EnrollmentFactory(
        classroom=classroom, student=f.StudentFactory(username="stu", display_name="Stu Dent")
    ).student
    assignment = f.AssignmentFactory(
        classroom=classroom,
        quiz=f.QuizFactory(owner=None, title="Psoas major basics"),
        due_at=moment(7),
        closes_at=moment(9),
    )
    f.ExtensionFactory(assignment=assignment, student=student, due_at=moment(8), closes_at=None)
    users = {
        "owner": owner,
        "co": co,
        "staff": f.UserFactory(username="staffer", is_staff=True),
        "other": f.InstructorFactory(username="other"),
        "student": student,
        "anonymous": None,
    }
    return {"classroom": classroom, "assignment": assignment, "student": student, **users}


def _pages(w):
    c, a, s = w["classroom"].pk, w["assignment"].pk, w["student"].pk
    return {
        "class_detail": [c],
        "class_edit": [c],
        "class_code_regenerate": [c],
        "class_student_remove": [c, s],
        "class_instructor_remove": [c, w["co"].pk],
        "assignment_create": [c],
        "assignment_edit": [c, a],
        "assignment_delete": [c, a],
        "extension_set": [c, a],
        "extension_delete": [c, a, s],
    }


def _login(client, user):
    if user is not None:
        client.force_login(user)


ALLOWED = {"owner", "co", "staff"}
ROLES = ["owner", "co", "staff", "other", "student", "anonymous"]


@pytest.mark.parametrize("role", ROLES)
def test_class_pages_are_for_the_classs_instructors_and_staff(client, world, role):
    _login(client, world[role])
    for name, args in _pages(world).items():
        response = client.get(reverse(name, args=args))
        if role in ALLOWED:
            assert response.status_code == 200, name
        elif role == "anonymous":
            assert response.status_code == 302, name
            assert response.url.startswith(reverse("login")), name
        else:
            assert response.status_code == 404, name


@pytest.mark.parametrize("role", ROLES)
def test_class_list_and_create_are_for_instructors(client, world, role):
    _login(client, world[role])
    for name in ("class_list", "class_create"):
        response = client.get(reverse(name))
        if role == "anonymous":
            assert response.status_code == 302
        elif role == "student":
            assert response.status_code == 404
        else:
            assert response.status_code == 200


def _valid_posts(w):
    """A valid POST for every change, and how to tell whether it happened."""
    c = w["classroom"]
    f.StudentFactory(username="newbie")
    f.InstructorFactory(username="newteacher")
    other_quiz = f.QuizFactory(owner=None, title="Myths")
    pages = _pages(w)
    return [
        ("class_edit", pages["class_edit"], {**_form_settings(), "name": "Renamed"}),
        ("class_code_regenerate", pages["class_code_regenerate"], {"expires_at": ""}),
        ("class_student_add", [c.pk], {"student-username": "newbie"}),
        ("class_instructor_add", [c.pk], {"instructor-username": "newteacher"}),
        (
            "assignment_edit",
            pages["assignment_edit"],
            {"opens_at": "", "due_at": local_input(moment(7)), "closes_at": ""},
        ),
        (
            "extension_set",
            pages["extension_set"],
            {"student": w["student"].pk, "due_at": local_input(moment(8.5)), "closes_at": ""},
        ),
        (
            "assignment_create",
            [c.pk],
            {"quiz": other_quiz.pk, "opens_at": "", "due_at": "", "closes_at": ""},
        ),
        ("extension_delete", pages["extension_delete"], {}),
        ("class_student_remove", pages["class_student_remove"], {}),
        ("assignment_delete", pages["assignment_delete"], {}),
        # Last: when the co-instructor removes themselves, the class is no longer theirs.
        ("class_instructor_remove", pages["class_instructor_remove"], {}),
    ]


def _snapshot(w):
    c = Classroom.objects.get(pk=w["classroom"].pk)
    return (
        c.name,
        c.join_code,
        sorted(c.enrollments.values_list("student_id", flat=True)),
        sorted(c.instructors.values_list("pk", flat=True)),
        sorted(Assignment.objects.filter(classroom=c).values_list("pk", "due_at", "closes_at")),
        sorted(Extension.objects.values_list("student_id", "due_at")),
    )


def _form_settings(**changes):
    return {
        "name": "Spring cohort",
        "desired_retention": "0.90",
        "new_cards_per_day": "20",
        "reviews_per_day": "200",
        "exam_date": "",
        "join_code_expires_at": "",
        **changes,
    }


@pytest.mark.parametrize("role", ["other", "student", "anonymous"])
def test_outsiders_change_nothing(client, world, role):
    posts = _valid_posts(world)
    before = _snapshot(world)
    _login(client, world[role])
    for name, args, data in posts:
        response = client.post(reverse(name, args=args), data)
        if role == "anonymous":
            assert response.status_code == 302 and response.url.startswith(reverse("login"))
        else:
            assert response.status_code == 404, name
    assert _snapshot(world) == before


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_instructors_and_staff_change_things_and_are_redirected_with_a_message(client, world, role):
    posts = _valid_posts(world)
    _login(client, world[role])
    for name, args, data in posts:
        before = _snapshot(world)
        response = client.post(reverse(name, args=args), data)
        assert response.status_code == 302, (name, response.content[:2000])
        assert _snapshot(world) != before, name
        follow = client.get(response.url)
        assert follow.status_code == 200
        assert b'class="message message-success"' in follow.content, name


def test_an_unknown_class_or_an_assignment_of_another_class_is_404(client, world):
    client.force_login(world["owner"])
    assert client.get(reverse("class_detail", args=[99999])).status_code == 404
    elsewhere = f.AssignmentFactory()
    url = reverse("assignment_edit", args=[world["classroom"].pk, elsewhere.pk])
    assert client.get(url).status_code == 404
    url = reverse("extension_set", args=[world["classroom"].pk, elsewhere.pk])
    assert client.post(url, {}).status_code == 404


# --- pages: creating and editing a class -------------------------------------------------------


def test_creating_a_class_twice_by_double_click_makes_one(client):
    client.force_login(f.InstructorFactory())
    first = client.post(reverse("class_create"), _form_settings(name="Twice"))
    second = client.post(reverse("class_create"), _form_settings(name="Twice"))
    assert first.url == second.url
    assert Classroom.objects.count() == 1


def test_creating_a_class_leads_to_its_page(client):
    teacher = f.InstructorFactory()
    client.force_login(teacher)
    response = client.post(
        reverse("class_create"),
        _form_settings(name="Autumn intake", exam_date=timezone.now().date().isoformat()),
        follow=True,
    )
    classroom = Classroom.objects.get()
    assert response.redirect_chain == [(reverse("class_detail", args=[classroom.pk]), 302)]
    html = response.content.decode()
    assert escape(views.CLASS_CREATED.format(name="Autumn intake")) in html
    assert classroom.join_code in html
    assert f"/classes/join/?code={classroom.join_code}" in html


EXPIRY = "join_code_expires_at"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", services.NAME_EMPTY),
        ({"desired_retention": "0.5"}, "desired_retention", services.RETENTION_OUT_OF_RANGE),
        ({"desired_retention": "ninety"}, "desired_retention", "Type a number between 0.70"),
        ({"new_cards_per_day": "-3"}, "new_cards_per_day", services.LIMIT_NEGATIVE),
        ({"reviews_per_day": "lots"}, "reviews_per_day", "Type a whole number"),
        ({"exam_date": "2001-01-01"}, "exam_date", services.EXAM_DATE_PAST),
        ({"exam_date": "31/12/2031"}, "exam_date", "year-month-day"),
        ({"join_code_expires_at": "2001-01-01T10:00"}, EXPIRY, services.CODE_EXPIRY_PAST),
        ({"join_code_expires_at": "tomorrow"}, EXPIRY, "for example 2027-06-14 17:00"),
    ],
)
def test_class_settings_errors_are_tied_to_their_fields(client, world, changes, field, message):
    client.force_login(world["owner"])
    url = reverse("class_edit", args=[world["classroom"].pk])
    response = client.post(url, _form_settings(**changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<div class="field-error" id="id_{field}_error">' in html
    assert escape(message) in html
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in html or (
        f'aria-describedby="id_{field}_error"' in html
    )
    assert Classroom.objects.get(pk=world["classroom"].pk).name == "Spring cohort"


def test_editing_shows_the_current_settings(client, world):
    classroom = world["classroom"]
    classroom.exam_date = date(2031, 5, 4)
    classroom.join_code_expires_at = datetime(2031, 1, 2, 15, 30, tzinfo=UTC)
    classroom.save()
    client.force_login(world["co"])
    html = client.get(reverse("class_edit", args=[classroom.pk])).content.decode()
    assert 'value="2031-05-04"' in html
    assert 'value="2031-01-02T15:30"' in html
    assert "Times are in UTC." in html


# --- pages: the join code ----------------------------------------------------------------------


def test_regenerating_asks_first_then_the_old_code_stops_working(client, world):
    classroom = world["classroom"]
    old = classroom.join_code
    client.force_login(world["owner"])
    url = reverse("class_code_regenerate", args=[classroom.pk])
    confirm = client.get(url).content.decode()
    assert old in confirm and "Regenerate the code" in confirm
    classroom.refresh_from_db()
    assert classroom.join_code == old  # a GET changes nothing

    response = client.post(url, {"expires_at": local_input(moment(3))}, follow=True)
    classroom.refresh_from_db()
    assert classroom.join_code != old
    assert classroom.join_code_expires_at == moment(3)
    assert escape(views.CODE_REGENERATED.format(code=classroom.join_code, old=old)) in (
        response.content.decode()
    )
    with pytest.raises(JoinRefused):
        enrollment_join(student=f.StudentFactory(), code=old)


def test_regenerating_with_a_past_expiry_explains_and_keeps_the_code(client, world):
    classroom = world["classroom"]
    old = classroom.join_code
    client.force_login(world["owner"])
    response = client.post(
        reverse("class_code_regenerate", args=[classroom.pk]),
        {"expires_at": "2001-01-01T00:00"},
    )
    assert response.status_code == 200
    assert escape(services.CODE_EXPIRY_PAST) in response.content.decode()
    classroom.refresh_from_db()
    assert classroom.join_code == old


def test_an_expired_code_is_flagged_on_the_class_page(client, world):
    classroom = world["classroom"]
    classroom.join_code_expires_at = timezone.now() - timedelta(hours=1)
    classroom.save()
    client.force_login(world["owner"])
    html = client.get(reverse("class_detail", args=[classroom.pk])).content.decode()
    assert "Expired" in html


# --- pages: people -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", services.USERNAME_EMPTY),
        ("nobody", services.USER_UNKNOWN.format(username="nobody")),
        ("other", services.STUDENT_IS_INSTRUCTOR.format(username="other")),
        ("stu", services.STUDENT_ALREADY_ENROLLED.format(name="Stu Dent")),
    ],
)
def test_adding_a_student_explains_refusals_by_the_field(client, world, username, message):
    client.force_login(world["owner"])
    response = client.post(
        reverse("class_student_add", args=[world["classroom"].pk]),
        {"student-username": username},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="field-error" id="id_student-username_error">' in html
    assert escape(message) in html
    assert f'value="{username}"' in html if username else True
    assert world["classroom"].enrollments.count() == 1


def test_adding_a_student_twice_is_harmless(client, world):
    f.StudentFactory(username="newbie", display_name="New Bie")
    client.force_login(world["owner"])
    url = reverse("class_student_add", args=[world["classroom"].pk])
    first = client.post(url, {"student-username": "newbie"}, follow=True)
    assert escape(views.STUDENT_ADDED.format(name="New Bie")) in first.content.decode()
    second = client.post(url, {"student-username": "newbie"})
    assert second.status_code == 200
    assert world["classroom"].enrollments.count() == 2


def test_adding_by_get_just_goes_back_to_the_class(client, world):
    client.force_login(world["owner"])
    response = client.get(reverse("class_student_add", args=[world["classroom"].pk]))
    assert response.status_code == 302


def test_removing_a_student_asks_then_keeps_their_work(client, world):
    classroom, student, assignment = world["classroom"], world["student"], world["assignment"]
    attempt = f.SubmittedAttemptFactory(
        student=student, quiz=assignment.quiz, assignment=assignment
    )
    client.force_login(world["owner"])
    url = reverse("class_student_remove", args=[classroom.pk, student.pk])
    confirm = client.get(url).content.decode()
    assert "Remove Stu Dent" in confirm and "kept" in confirm
    assert classroom.enrollments.filter(student=student).exists()

    response = client.post(url, follow=True)
    assert escape(views.STUDENT_REMOVED.format(name="Stu Dent")) in response.content.decode()
    assert not classroom.enrollments.filter(student=student).exists()
    assert Attempt.objects.filter(pk=attempt.pk, assignment=assignment).exists()

    # The second click of a double submit says the student is gone, with no error.
    again = client.post(url, follow=True)
    assert again.status_code == 200
    assert escape(views.STUDENT_ALREADY_GONE) in again.content.decode()


def test_adding_and_removing_co_instructors(client, world):
    classroom = world["classroom"]
    f.InstructorFactory(username="third", display_name="Third Tamsin")
    client.force_login(world["owner"])
    url = reverse("class_instructor_add", args=[classroom.pk])
    response = client.post(url, {"instructor-username": "third"}, follow=True)
    assert escape(views.INSTRUCTOR_ADDED.format(name="Third Tamsin")) in response.content.decode()
    refused = client.post(url, {"instructor-username": "stu"})
    assert escape(services.INSTRUCTOR_IS_STUDENT.format(username="stu")) in (
        refused.content.decode()
    )
    assert classroom.instructors.count() == 3


def test_an_instructor_can_leave_and_then_no_longer_sees_the_class(client, world):
    classroom, owner = world["classroom"], world["owner"]
    client.force_login(owner)
    url = reverse("class_instructor_remove", args=[classroom.pk, owner.pk])
    assert "Stop teaching" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(reverse("class_list"), 302)]
    assert escape(views.YOU_LEFT.format(name="Spring cohort")) in response.content.decode()
    assert client.get(reverse("class_detail", args=[classroom.pk])).status_code == 404


def test_the_last_instructor_is_kept_with_a_message(client, world):
    classroom, owner, co = world["classroom"], world["owner"], world["co"]
    classroom.instructors.remove(co)
    client.force_login(owner)
    url = reverse("class_instructor_remove", args=[classroom.pk, owner.pk])
    response = client.post(url, follow=True)
    assert escape(services.LAST_INSTRUCTOR.format(name="Owner Olu")) in response.content.decode()
    assert list(classroom.instructors.all()) == [owner]
    # The page offers no remove link when there is only one instructor.
    page = client.get(reverse("class_detail", args=[classroom.pk])).content.decode()
    assert url not in page
    assert "at least one instructor" in page


# --- pages: assignments ------------------------------------------------------------------------


def _assign(client, classroom, quiz, **dates):
    data = {"quiz": quiz.pk, "opens_at": "", "due_at": "", "closes_at": ""}
    data.update({k: local_input(v) for k, v in dates.items()})
    return client.post(reverse("assignment_create", args=[classroom.pk]), data)


def test_the_quiz_list_offers_bundled_and_own_quizzes_only(client, world):
    owner = world["owner"]
    f.QuizFactory(owner=owner, title="Owner's own quiz")
    f.QuizFactory(owner=world["co"], title="Co's private quiz")
    client.force_login(owner)
    html = client.get(reverse("assignment_create", args=[world["classroom"].pk])).content.decode()
    assert "Owner&#x27;s own quiz" in html
    assert "Psoas major basics" in html
    assert "Co&#x27;s private quiz" not in html
    assert "time zone, <strong>UTC</strong>" in html


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (
            {"opens_at": moment(3), "due_at": moment(2)},
            "due_at",
            "The due date must be after the opening date",
        ),
        (
            {"due_at": moment(3), "closes_at": moment(2)},
            "closes_at",
            "The closing date cannot be before the due date",
        ),
        (
            {"opens_at": moment(3), "closes_at": moment(3)},
            "closes_at",
            "The closing date must be after the opening date",
        ),
    ],
)
def test_assignment_dates_are_checked_with_messages(client, world, dates, field, message):
    quiz = f.QuizFactory(owner=None)
    client.force_login(world["owner"])
    response = _assign(client, world["classroom"], quiz, **dates)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<div class="field-error" id="id_{field}_error">' in html
    assert message in html
    assert not Assignment.objects.filter(quiz=quiz).exists()


def test_assigning_the_same_quiz_twice_is_a_message_not_a_500(client, world):
    client.force_login(world["owner"])
    quiz = f.QuizFactory(owner=None, title="Iliacus")
    first = _assign(client, world["classroom"], quiz, due_at=moment(4))
    assert first.status_code == 302
    second = _assign(client, world["classroom"], quiz, due_at=moment(4))
    assert second.status_code == 200
    assert escape(services.QUIZ_ALREADY_ASSIGNED.format(quiz="Iliacus")) in (
        second.content.decode()
    )
    assert Assignment.objects.filter(quiz=quiz).count() == 1


def test_a_quiz_that_is_not_offered_cannot_be_posted(client, world):
    client.force_login(world["owner"])
    theirs = f.QuizFactory(owner=f.InstructorFactory())
    response = _assign(client, world["classroom"], theirs)
    assert escape(services.QUIZ_NOT_AVAILABLE) in response.content.decode()
    response = client.post(
        reverse("assignment_create", args=[world["classroom"].pk]), {"quiz": "not-a-number"}
    )
    assert response.status_code == 200
    assert not Assignment.objects.filter(quiz=theirs).exists()


def test_garbled_dates_are_a_message(client, world):
    client.force_login(world["owner"])
    url = reverse("assignment_edit", args=[world["classroom"].pk, world["assignment"].pk])
    response = client.post(url, {"opens_at": "soon", "due_at": "2030-13-45T99:99"})
    assert response.status_code == 200
    assert response.content.decode().count("for example 2027-06-14 17:00") >= 2


def test_deleting_an_attempted_assignment_is_refused_with_a_message(client, world):
    assignment = world["assignment"]
    f.SubmittedAttemptFactory(quiz=assignment.quiz, assignment=assignment)
    client.force_login(world["owner"])
    url = reverse("assignment_delete", args=[world["classroom"].pk, assignment.pk])
    response = client.post(url, follow=True)
    assert escape(services.ASSIGNMENT_HAS_ATTEMPTS.format(count=1, s="")) in (
        response.content.decode()
    )
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_deleting_twice_is_harmless(client, world):
    assignment = world["assignment"]
    client.force_login(world["owner"])
    url = reverse("assignment_delete", args=[world["classroom"].pk, assignment.pk])
    assert client.post(url).status_code == 302
    again = client.post(url, follow=True)
    assert again.status_code == 200
    assert escape(views.ASSIGNMENT_ALREADY_GONE) in again.content.decode()


# --- pages: extensions -------------------------------------------------------------------------


def test_setting_an_extension_and_changing_it(client, world):
    classroom, assignment, student = world["classroom"], world["assignment"], world["student"]
    client.force_login(world["co"])
    url = reverse("extension_set", args=[classroom.pk, assignment.pk])
    form = client.get(url + f"?student={student.pk}").content.decode()
    assert f'value="{local_input(moment(8))}"' in form  # the current extension, to change
    response = client.post(
        url,
        {"student": student.pk, "due_at": local_input(moment(10)), "closes_at": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "assignment_edit", args=[classroom.pk, assignment.pk]
    )
    assert "Stu Dent has until" in response.content.decode()
    assert Extension.objects.get(student=student).due_at == moment(10)
    # The same POST again leaves one extension with the same dates.
    client.post(url, {"student": student.pk, "due_at": local_input(moment(10)), "closes_at": ""})
    assert Extension.objects.filter(student=student).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"due_at": 6}, "due_at", "The new due date must be after the assignment"),
        ({"due_at": 10, "closes_at": 9.5}, "closes_at", services.EXTENSION_CLOSES_BEFORE_DUE),
        ({"due_at": 8, "closes_at": 8.5}, "closes_at", "The new closing date must be after"),
        ({}, "due_at", "Type the new due date and time."),
    ],
)
def test_extension_errors_are_tied_to_their_fields(client, world, data, field, message):
    classroom, assignment, student = world["classroom"], world["assignment"], world["student"]
    client.force_login(world["owner"])
    url = reverse("extension_set", args=[classroom.pk, assignment.pk])
    post = {"student": student.pk, "due_at": "", "closes_at": ""}
    post.update({k: local_input(moment(v)) for k, v in data.items()})
    response = client.post(url, post)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<div class="field-error" id="id_{field}_error">' in html
    assert escape(message) in html
    assert Extension.objects.get(student=student).due_at == moment(8)


def test_extensions_are_only_for_students_of_the_class(client, world):
    outsider = f.StudentFactory()
    client.force_login(world["owner"])
    url = reverse("extension_set", args=[world["classroom"].pk, world["assignment"].pk])
    response = client.post(url, {"student": outsider.pk, "due_at": local_input(moment(10))})
    assert response.status_code == 200
    assert "Choose one of the students listed." in response.content.decode()
    assert not Extension.objects.filter(student=outsider).exists()


def test_removing_an_extension_asks_then_is_harmless_twice(client, world):
    classroom, assignment, student = world["classroom"], world["assignment"], world["student"]
    client.force_login(world["owner"])
    url = reverse("extension_delete", args=[classroom.pk, assignment.pk, student.pk])
    assert "Remove Stu Dent" in client.get(url).content.decode()
    assert Extension.objects.exists()
    response = client.post(url, follow=True)
    assert not Extension.objects.exists()
    assert "the class&#x27;s dates apply" in response.content.decode()
    again = client.post(url, follow=True)
    assert escape(views.EXTENSION_ALREADY_GONE) in again.content.decode()


# --- pages: the class page's cost, home and nav ------------------------------------------------


@pytest.mark.parametrize(("students", "assignments"), [(2, 1), (30, 12)])
def test_class_page_queries_do_not_grow_with_the_class(
    client, django_assert_num_queries, students, assignments
):
    teacher = f.InstructorFactory()
    classroom = f.ClassroomFactory(instructors=[teacher, f.InstructorFactory()])
    enrolled = [f.EnrollmentFactory(classroom=classroom).student for _ in range(students)]
    for n in range(assignments):
        assignment = f.AssignmentFactory(classroom=classroom)
        f.ExtensionFactory(assignment=assignment, student=enrolled[n % students])
        f.SubmittedAttemptFactory(student=enrolled[0], quiz=assignment.quiz, assignment=assignment)
    client.force_login(teacher)
    url = reverse("class_detail", args=[classroom.pk])
    # Session, user, the class (access check), enrollments, instructors, assignments, and the
    # memory model's fits.
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.content.decode().count("/remove/") == students + 2


def test_instructor_home_links_to_classes_and_creating_one(client, world):
    client.force_login(world["owner"])
    html = client.get(reverse("home")).content.decode()
    assert reverse("class_detail", args=[world["classroom"].pk]) in html
    assert reverse("class_create") in html
    assert f'href="{reverse("class_list")}"' in html


def test_students_have_no_classes_link(client, world):
    client.force_login(world["student"])
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("class_list")}"' not in html


def test_class_list_shows_staff_which_classes_are_not_theirs(client, world):
    f.ClassroomFactory(name="Another school")
    client.force_login(world["staff"])
    html = client.get(reverse("class_list")).content.decode()
    assert "Another school" in html and "Spring cohort" in html
    assert "you do not teach this class" in html
    client.force_login(world["other"])
    html = client.get(reverse("class_list")).content.decode()
    assert "Spring cohort" not in html
    assert "You do not teach a class yet" in html
