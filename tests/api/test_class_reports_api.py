"""The class reports (dashboard, topic mastery, myth prevalence) through the API: the same
figures as the pages, for the same people, at a cost that does not grow with the class."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from quizzes.api import views
from quizzes.selectors import class_reports as cr
from tests import factories as f
from tests.api.conftest import API, token_client
from tests.test_class_reports import NOW, build_class, populate

pytestmark = pytest.mark.django_db

REPORTS = ("students", "mastery", "myths")


def url(classroom_id: int, report: str) -> str:
    return f"{API}/classes/{classroom_id}/reports/{report}/"


@pytest.fixture
def cls():
    return build_class()


@pytest.fixture(autouse=True)
def _frozen_now(monkeypatch):
    # Recall decays by the second: the view and the selector must read the same moment.
    monkeypatch.setattr(views, "timezone", SimpleNamespace(now=lambda: NOW))


def get(user, classroom_id: int, report: str) -> dict:
    response = token_client(user).get(url(classroom_id, report))
    assert response.status_code == 200, response.content
    return response.json()


def test_dashboard_figures_are_the_selector_s(cls):
    body = get(cls.instructor, cls.classroom.pk, "students")
    dashboard = cr.class_dashboard(cls.classroom, NOW)
    assert body["classroom"] == {"id": cls.classroom.pk, "name": "Spring cohort"}
    assert body["deck_size"] == dashboard.deck_size == 3
    assert [a["id"] for a in body["assignments"]] == [cls.a1.pk, cls.a2.pk]
    assert [a["quiz"]["title"] for a in body["assignments"]] == ["Anatomy check", "Myths check"]
    assert [r["student"]["username"] for r in body["students"]] == ["ada", "ben", "cy", "dee"]
    for sent, row in zip(body["students"], dashboard.students, strict=True):
        assert sent["student"]["id"] == row.student.pk
        assert sent["reasons"] == list(row.reasons)
        for field in ("attempts", "mean_grade", "passes", "due", "overdue", "leeches", "mastery"):
            assert sent[field] == getattr(row, field), (row.student, field)
        assert sent["retention"]["reviews"] == row.retention.reviews
        assert sent["retention"]["rate"] == row.retention.rate
        for result, expected in zip(sent["results"], row.results, strict=True):
            assert result["assignment"] == expected.assignment.pk
            assert (result["best"], result["grade"], result["passed"]) == (
                expected.best,
                expected.grade,
                expected.passed,
            )
            assert (result["attempts"], result["closed"], result["in_progress"]) == (
                expected.attempts,
                expected.closed,
                expected.in_progress,
            )
    ada, ben, cy, _ = body["students"]
    # Hand-checked against the class built above, not only against the selector.
    assert ada["results"][0]["grade"] == 1.0 and ada["results"][0]["attempts"] == 2
    assert ben["results"][0]["passed"] is False
    assert cy["attempts"] == 0 and cy["results"][0]["due_at"] != body["assignments"][0]["due_at"]
    assert ben["leeches"] == 1


def test_mastery_figures_are_the_selector_s(cls):
    body = get(cls.instructor, cls.classroom.pk, "mastery")
    report = cr.mastery_report(cls.classroom, NOW)
    assert [t["topic"] for t in body["topics"]] == [t.topic for t in report.topics]
    assert [t["cards"] for t in body["topics"]] == [t.cards for t in report.topics]
    assert body["class_memory"] == list(report.class_memory)
    assert body["class_quiz"] == list(report.class_quiz)
    for sent, row in zip(body["rows"], report.rows, strict=True):
        assert sent["student"]["id"] == row.student.pk
        assert sent["memory"] == row.memory
        assert sent["cells"] == [
            {"memory": c.memory, "studied": c.studied, "quiz": c.quiz, "answers": c.answers}
            for c in row.cells
        ]
    # Ada's anatomy quiz answers: 1 + 0 + 1 + 1 right of four.
    assert body["rows"][0]["cells"][0]["quiz"] == 0.75


def test_myth_figures_are_the_selector_s(cls):
    body = get(cls.co_instructor, cls.classroom.pk, "myths")
    report = cr.myth_report(cls.classroom, NOW)
    assert body["students"] == report.students == 4
    assert body["weeks"] == [w.isoformat() for w in report.weeks]
    assert body["source_note"] == report.source_note
    assert len(body["myths"]) == len(report.myths) == 1
    sent, myth = body["myths"][0], report.myths[0]
    assert sent["question_id"] == cls.q_m1.pk and sent["question"] == str(myth.question)
    assert sent["option_text"] == "Yes: the psoas stores emotional trauma"
    assert (sent["answers"], sent["chose"], sent["share"]) == (myth.answers, myth.chose, myth.share)
    assert (sent["students_ever"], sent["students_latest"]) == (2, 1)
    assert sent["weeks"] == [
        {"start": w.start.isoformat(), "answers": w.answers, "chose": w.chose, "share": w.share}
        for w in myth.weeks
    ]


@pytest.mark.parametrize("report", REPORTS)
def test_only_the_class_s_instructors_and_staff(cls, report):
    address = url(cls.classroom.pk, report)
    for user in (cls.instructor, cls.co_instructor, f.InstructorFactory(is_staff=True)):
        assert token_client(user).get(address).status_code == 200, user
    # Another instructor cannot tell this class from one that does not exist.
    other = token_client(f.InstructorFactory())
    for address_ in (address, url(999999, report)):
        response = other.get(address_)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    # Students are refused by role, as on every instructor endpoint (the same for any id).
    refused = token_client(cls.ada).get(address)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    anonymous = APIClient().get(address)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("report", REPORTS)
def test_empty_class(report):
    instructor = f.InstructorFactory()
    classroom = f.ClassroomFactory(instructors=[instructor])
    assert get(instructor, classroom.pk, report)["classroom"]["id"] == classroom.pk


# The token (two: finding it, marking it used), the class, then the selector's own (7, 4, 5).
EXPECTED_QUERIES = {"students": 10, "mastery": 7, "myths": 8}


@pytest.mark.parametrize("report", REPORTS)
def test_query_counts_do_not_grow_with_the_class(report):
    counts = []
    for size in (2, 6):
        instructor, classroom, _ = populate(size)
        client = token_client(instructor)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(classroom.pk, report))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [EXPECTED_QUERIES[report]] * 2, counts
