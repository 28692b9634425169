"""The load benchmark's own logic (bench/load_flow.py, bench/load.py), without gunicorn or wrk:
the simulated student answers every question type through the pages, and the consistency check
finds an answer that did not land or a score that does not match the answers."""

import random
from decimal import Decimal

import pytest

from bench.load import Config, attempt_counts, check_flows
from bench.load_flow import FlowResult, fill_answer, form_where
from quizzes.models import Attempt
from quizzes.services.attempts import attempt_start
from tests.quizdata import AUTO_GRADED, assigned, load_bundled, one_of_each_type, quiz_of

pytestmark = pytest.mark.django_db


def _as_dict(pairs):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


@pytest.fixture
def taken(client):
    """A student who took a quiz of every auto-graded type the way the flow does."""
    load_bundled()
    assignment = assigned(quiz_of(one_of_each_type()))
    student = assignment.classroom.enrollments.get().student
    before = attempt_counts([student.username], assignment.pk)
    client.force_login(student)
    attempt = attempt_start(student=student, assignment=assignment)
    result = FlowResult(username=student.username, attempt_id=attempt.pk)
    rng = random.Random(7)
    for answer in attempt.answers.order_by("position"):
        url = f"/attempts/{attempt.pk}/q/{answer.position}/"
        page = client.get(url).content.decode()
        form = form_where(page, lambda f: f.attrs.get("id") == "question-form")
        result.posted[answer.position] = fill_answer(form, rng)
        reply = client.post(url, _as_dict(result.posted[answer.position] + [("go", "next")]))
        assert reply.status_code == 302
    assert client.post(f"/attempts/{attempt.pk}/finish/").status_code == 302
    return result, before, assignment


def test_the_simulated_student_answers_every_question_type(taken):
    result, before, assignment = taken
    attempt = Attempt.objects.get(pk=result.attempt_id)
    answers = attempt.answers.select_related("question_version")
    assert sorted(a.question_version.qtype for a in answers) == sorted(AUTO_GRADED)
    assert all(a.response is not None for a in answers)
    assert attempt.state == "submitted"
    assert check_flows([result], before, assignment.pk) == []


def test_the_check_finds_an_answer_that_differs_from_what_was_posted(taken):
    result, before, assignment = taken
    first = Attempt.objects.get(pk=result.attempt_id).answers.get(position=1)
    first.response = None
    first.save(update_fields=["response"])
    problems = check_flows([result], before, assignment.pk)
    assert any(f"{result.username}: answer 1 stored None" in p for p in problems)


def test_the_check_finds_marks_that_do_not_match_the_answers(taken):
    result, before, assignment = taken
    attempt = Attempt.objects.get(pk=result.attempt_id)
    wrong = attempt.max_marks if attempt.marks != attempt.max_marks else Decimal(0)
    Attempt.objects.filter(pk=attempt.pk).update(marks=wrong)
    problems = check_flows([result], before, assignment.pk)
    assert len(problems) == 1
    assert problems[0].startswith(f"{result.username}: marks {wrong}")


def test_the_check_finds_a_second_attempt(taken):
    result, before, assignment = taken
    student = Attempt.objects.get(pk=result.attempt_id).student
    attempt_start(student=student, assignment=assignment)
    problems = check_flows([result], before, assignment.pk)
    assert problems == [f"{result.username}: 2 new attempts"]


def test_gunicorn_configs_parse():
    assert str(Config.parse("sync:3")) == "sync 3"
    assert Config.parse("gthread:2x4") == Config("gthread", 2, 4)


def _row(key, rps, **floors):
    row = {"key": key, "endpoint": key, "what": f"GET /{key}", "rps": rps}
    row.update(floors)
    return row


def test_the_target_is_judged_against_each_floor_separately():
    from bench.load import target_line

    rows = [
        _row("floor", 1000, x_rps=1.0, s_x_rps=2.0),
        _row("session floor", 500, x_rps=0.5, s_x_rps=1.0),
        _row("study queue", 300, x_rps=0.3, s_x_rps=0.6),
        _row("submit answer", 260, x_rps=0.26, s_x_rps=0.52),
        _row("class report", 10, x_rps=0.01, s_x_rps=0.02),  # not a hot endpoint
    ]
    said = target_line(rows)
    against_floor, against_session = said.split(" Hot endpoints")
    assert "**not met** (study queue 0.30×, submit answer 0.26×)" in against_floor
    assert "1000 req/s" in against_floor
    assert "**met**" in against_session and "class report" not in said
