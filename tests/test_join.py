"""Joining a class with its code: normalised, explained when refused, never twice."""

import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Enrollment
from quizzes.services import classes as class_services
from quizzes.services.classes import (
    ALREADY_MEMBER,
    CODE_EMPTY,
    CODE_EXPIRED,
    CODE_UNKNOWN,
    INSTRUCTOR_CANNOT_JOIN,
    AlreadyMember,
    JoinRefused,
    enrollment_join,
)
from quizzes.views.classes import JOINED
from tests import factories as f

pytestmark = pytest.mark.django_db

JOIN = reverse("class_join")


@pytest.fixture
def classroom():
    return f.ClassroomFactory(name="Spring cohort", join_code="4KXM7TQA")


@pytest.fixture
def student(client):
    user = f.StudentFactory()
    client.force_login(user)
    return user


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def code_errors(response):
    return response.context["form"].errors.get("code", [])


# The page.


def test_visitors_are_sent_to_log_in_and_brought_back_with_the_code(client):
    response = client.get(JOIN, {"code": "4KXM7TQA"})
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={quote(JOIN + '?code=4KXM7TQA', safe='/')}"


def test_a_shared_link_fills_in_the_code(client, student):
    html = client.get(JOIN, {"code": "4kxm-7tqa"}).content.decode()
    assert 'value="4kxm-7tqa"' in html
    assert '<label for="id_code">' in html


def test_an_absurd_code_in_the_link_is_cut_short_not_an_error(client, student):
    response = client.get(JOIN, {"code": "X" * 5000})
    assert response.status_code == 200
    assert 'value="' + "X" * 64 + '"' in response.content.decode()


def test_joining_goes_home_naming_the_class(client, student, classroom):
    response = client.post(JOIN, {"code": "4KXM7TQA"})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert Enrollment.objects.filter(student=student, classroom=classroom).exists()
    assert messages_of(response) == [("success", JOINED.format(name="Spring cohort"))]
    home = client.get(response.url).content.decode()
    assert JOINED.format(name="Spring cohort") in home


@pytest.mark.parametrize("typed", ["4kxm7tqa", " 4KXM 7TQA ", "4kxm-7tqa", "4KXM\u20137TQA"])
def test_case_spaces_and_dashes_do_not_matter(client, student, classroom, typed):
    client.post(JOIN, {"code": typed})
    assert Enrollment.objects.filter(student=student, classroom=classroom).exists()


def test_an_empty_code_is_asked_for(client, student, classroom):
    response = client.post(JOIN, {"code": "   "})
    assert response.status_code == 200
    assert code_errors(response) == [CODE_EMPTY]


def test_an_unknown_code_is_explained_and_kept_in_the_form(client, student, classroom):
    response = client.post(JOIN, {"code": "4kxm-7tqb"})
    assert response.status_code == 200
    assert code_errors(response) == [CODE_UNKNOWN.format(code="4KXM7TQB")]
    html = response.content.decode()
    assert 'value="4kxm-7tqb"' in html
    assert 'aria-describedby="id_code_helptext id_code_error"' in html
    assert not Enrollment.objects.exists()


def test_a_code_far_too_long_is_refused_without_a_crash(client, student):
    response = client.post(JOIN, {"code": "A" * 500})
    assert response.status_code == 200
    assert code_errors(response) == ["That is much longer than a join code; check it again."]


def test_an_unknown_code_is_echoed_safely(client, student):
    response = client.post(JOIN, {"code": "<script>x</script>"})
    html = response.content.decode()
    assert "<script>x" not in html
    assert "&lt;SCRIPT&gt;X" in html


def test_an_expired_code_says_when_and_what_to_do(client, student):
    expired = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    f.ClassroomFactory(name="Winter cohort", join_code="WINTER26", join_code_expires_at=expired)
    response = client.post(JOIN, {"code": "winter26"})
    (error,) = code_errors(response)
    assert error == CODE_EXPIRED.format(code="WINTER26", name="Winter cohort", when=expired)
    assert "01 Mar 2026 at 09:30" in error
    assert "Ask your instructor for a new one" in error
    assert not Enrollment.objects.exists()


def test_a_code_that_expires_later_still_works(client, student):
    classroom = f.ClassroomFactory(
        join_code="LATER234", join_code_expires_at=timezone.now() + timedelta(hours=1)
    )
    client.post(JOIN, {"code": "LATER234"})
    assert Enrollment.objects.filter(student=student, classroom=classroom).exists()


def test_joining_again_is_friendly_and_changes_nothing(client, student, classroom):
    client.post(JOIN, {"code": "4KXM7TQA"})
    response = client.post(JOIN, {"code": "4KXM7TQA"})
    assert response.status_code == 302
    assert response.url == reverse("home")
    # The first submit's welcome was never shown (its redirect was not followed); both are.
    assert messages_of(response)[-1] == ("info", ALREADY_MEMBER.format(name="Spring cohort"))
    assert Enrollment.objects.filter(student=student).count() == 1


def test_a_member_with_an_expired_code_is_told_they_are_in(client, student, classroom):
    f.EnrollmentFactory(student=student, classroom=classroom)
    classroom.join_code_expires_at = timezone.now() - timedelta(days=1)
    classroom.save(update_fields=["join_code_expires_at"])
    response = client.post(JOIN, {"code": "4KXM7TQA"})
    assert messages_of(response) == [("info", ALREADY_MEMBER.format(name="Spring cohort"))]


def test_instructors_get_a_clear_refusal(client, classroom):
    client.force_login(f.InstructorFactory())
    for response in (client.get(JOIN), client.post(JOIN, {"code": "4KXM7TQA"})):
        assert response.status_code == 403
        html = response.content.decode()
        assert INSTRUCTOR_CANNOT_JOIN in html
        assert f'href="{reverse("home")}"' in html
    assert not Enrollment.objects.exists()


def test_staff_count_as_instructors(client, classroom):
    client.force_login(f.StudentFactory(is_staff=True))
    assert client.get(JOIN).status_code == 403


# The service, on its own.


def test_service_refuses_instructors(classroom):
    with pytest.raises(JoinRefused) as caught:
        enrollment_join(student=f.InstructorFactory(), code="4KXM7TQA")
    assert caught.value.message == INSTRUCTOR_CANNOT_JOIN
    assert not Enrollment.objects.exists()


def test_service_uses_the_time_it_is_given(classroom):
    classroom.join_code_expires_at = datetime(2026, 1, 1, tzinfo=UTC)
    classroom.save(update_fields=["join_code_expires_at"])
    student = f.StudentFactory()
    with pytest.raises(JoinRefused):
        enrollment_join(student=student, code="4KXM7TQA", now=datetime(2026, 1, 1, tzinfo=UTC))
    enrollment = enrollment_join(
        student=student, code="4KXM7TQA", now=datetime(2025, 12, 31, 23, 59, tzinfo=UTC)
    )
    assert enrollment.classroom == classroom


def test_service_turns_a_lost_race_into_already_a_member(classroom, monkeypatch):
    """Two submits at once both pass the membership check; the second insert hits the
    database's unique constraint and must come back as 'already a member', not a 500."""
    student = f.StudentFactory()
    real_filter = Enrollment.objects.filter

    def filter_racing(*args, **kwargs):
        # The other request commits its enrollment just after our check.
        found = real_filter(*args, **kwargs)
        if not found.exists():
            Enrollment.objects.create(classroom=classroom, student=student)
        return found.none()

    monkeypatch.setattr(class_services.Enrollment.objects, "filter", filter_racing)
    with pytest.raises(AlreadyMember) as caught:
        enrollment_join(student=student, code="4KXM7TQA")
    monkeypatch.undo()
    assert caught.value.classroom == classroom
    assert caught.value.message == ALREADY_MEMBER.format(name="Spring cohort")


@pytest.mark.django_db(transaction=True)
def test_concurrent_joins_make_one_enrollment():
    """Real concurrency needs a server database; SQLite's in-memory test database is one file."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    classroom = f.ClassroomFactory(join_code="RACE2347")
    student = f.StudentFactory()
    barrier = threading.Barrier(4)
    outcomes = []

    def join():
        barrier.wait()
        try:
            enrollment_join(student=student, code="RACE2347")
            outcomes.append("joined")
        except AlreadyMember:
            outcomes.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=join) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already"] * 3 + ["joined"]
    assert Enrollment.objects.filter(classroom=classroom, student=student).count() == 1
