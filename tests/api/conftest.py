"""Fixtures for the API tests: clients authenticated by token, and a small class to work on."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from quizzes.models import Assignment, Classroom, Quiz, User
from quizzes.services.api_tokens import api_token_create
from tests import factories as f
from tests import quizdata as qd

API = "/api/v1"


def token_client(user: User, name: str = "tests") -> APIClient:
    client = APIClient()
    secret = api_token_create(user=user, name=name).secret
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    # The throttle counts in the cache, which outlives a test.
    cache.clear()
    settings.PSOASQUIZ_API_RATE = "100000/minute"


@dataclass
class World:
    instructor: User
    student: User
    classroom: Classroom
    quiz: Quiz
    assignment: Assignment
    # Someone else's: another class, its instructor, student, quiz and assignment.
    other_instructor: User
    other_student: User
    other_classroom: Classroom
    other_assignment: Assignment


@pytest.fixture
def world(db) -> World:
    instructor = f.InstructorFactory()
    questions = f.QuestionFactory.create_batch(3, bank=f.QuestionBankFactory(owner=instructor))
    quiz = qd.quiz_of(questions, owner=instructor, shuffle_options=False)
    classroom = f.ClassroomFactory(instructors=[instructor])
    student = f.EnrollmentFactory(classroom=classroom).student
    assignment = f.AssignmentFactory(quiz=quiz, classroom=classroom)
    other_instructor = f.InstructorFactory()
    other_quiz = qd.quiz_of(f.QuestionFactory.create_batch(2), owner=other_instructor)
    other_classroom = f.ClassroomFactory(instructors=[other_instructor])
    other_student = f.EnrollmentFactory(classroom=other_classroom).student
    other_assignment = f.AssignmentFactory(quiz=other_quiz, classroom=other_classroom)
    return World(
        instructor=instructor,
        student=student,
        classroom=classroom,
        quiz=quiz,
        assignment=assignment,
        other_instructor=other_instructor,
        other_student=other_student,
        other_classroom=other_classroom,
        other_assignment=other_assignment,
    )


@pytest.fixture
def student_api(world) -> APIClient:
    return token_client(world.student)


@pytest.fixture
def instructor_api(world) -> APIClient:
    return token_client(world.instructor)
