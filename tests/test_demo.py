from io import StringIO

import pytest
from django.core.management import call_command

from quizzes.models import Assignment, Classroom, Enrollment, Quiz, User
from quizzes.services.demo import DEMO_JOIN_CODE, DEMO_PASSWORD, DEMO_STUDENTS, demo_load

pytestmark = pytest.mark.django_db


def test_demo_class_has_an_instructor_students_and_every_bundled_quiz():
    call_command("load_banks", stdout=StringIO())
    report = demo_load()
    assert report.instructor.is_instructor
    assert report.instructor.check_password(DEMO_PASSWORD)
    assert sorted(s.username for s in report.classroom.students.all()) == sorted(DEMO_STUDENTS)
    assert report.assignments == Quiz.objects.filter(owner=None).count()


def test_load_demo_twice_changes_nothing():
    call_command("load_banks", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    counts = [m.objects.count() for m in (User, Classroom, Enrollment, Assignment)]
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert [m.objects.count() for m in (User, Classroom, Enrollment, Assignment)] == counts
    assert DEMO_JOIN_CODE in out.getvalue()
