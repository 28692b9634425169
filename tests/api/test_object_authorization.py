"""Object-level authorization: every API operation that names an object refuses anyone else's.

For each operation with an id in its path (and the review, whose body names a question), a
person who must not see the object calls it with the id of someone else's real object and gets
404, as on the pages, through schemathesis with every check of the schema suite; a person of the
other role gets 403 or 404, never the object. The owner then makes the same call and gets a
2xx, which shows the id was real. A write refused this way writes nothing.

schemathesis 4's own `object_level_authorization` check needs its CLI's stateful run with
`[auth.wfc]` peers (it replays reads of objects that an earlier step created); under
`schema.parametrize()` it has nothing to replay and passes without sending a request, so the
cases are written out here. `test_every_operation_with_an_object_id_is_covered` fails when an
operation with an id is added to the API without a case here.
"""

from dataclasses import dataclass, field

import pytest
from schemathesis.checks import positive_data_acceptance

from quizzes.models import Answer, Attempt, CardState, User
from quizzes.models.attempts import AttemptState
from quizzes.services.api_tokens import api_token_create
from quizzes.services.attempts import attempt_start
from tests.api.test_schemathesis import schema, wsgi_ready  # noqa: F401 - a fixture

# A refusal (404) is the right answer to a schema-valid request here.
EXCLUDED = [positive_data_acceptance]


@dataclass
class Scenario:
    owner: User
    intruders: list[User]  # same role as the owner: 404
    others: list[User] = field(default_factory=list)  # the other role: 403 or 404
    path: dict = field(default_factory=dict)
    body: dict | None = None
    owner_status: int = 200


def _attempt(w):
    return attempt_start(student=w.student, assignment=w.assignment, seed=1)


def _bank_question(w):
    return w.quiz.items.order_by("position").first().question


def _answer_body(attempt):
    return {"response": {"choice": "1"}, "revision": attempt.revision, "spent_ms": 1000}


def _review_body(question):
    return {
        "question_id": question.pk,
        "version_id": question.current_version_id,
        "reps": 0,
        "response": {"choice": "1"},
        "duration_ms": 1000,
    }


def _teacher_only(w, path, **kwargs):
    return Scenario(
        owner=w.instructor,
        intruders=[w.other_instructor],
        others=[w.student, w.other_student],
        path=path,
        **kwargs,
    )


def _students_attempt(w, **kwargs):
    attempt = _attempt(w)
    return Scenario(
        owner=w.student,
        intruders=[w.other_student],
        others=[w.instructor, w.other_instructor],
        path={"attempt_id": attempt.pk, **kwargs.pop("path", {})},
        **kwargs,
    )


SCENARIOS = {
    "GET /api/v1/banks/{id}/": lambda w: _teacher_only(w, {"id": _bank_question(w).bank_id}),
    "GET /api/v1/questions/{id}/": lambda w: _teacher_only(w, {"id": _bank_question(w).pk}),
    "GET /api/v1/questions/{question_id}/versions/": lambda w: _teacher_only(
        w, {"question_id": _bank_question(w).pk}
    ),
    "GET /api/v1/questions/{question_id}/versions/{number}/": lambda w: _teacher_only(
        w, {"question_id": _bank_question(w).pk, "number": 1}
    ),
    "GET /api/v1/quizzes/{id}/": lambda w: Scenario(
        owner=w.instructor,
        intruders=[w.other_instructor],
        others=[w.other_student],
        path={"id": w.quiz.pk},
    ),
    "GET /api/v1/classes/{id}/": lambda w: Scenario(
        owner=w.instructor,
        intruders=[w.other_instructor],
        others=[w.other_student],
        path={"id": w.classroom.pk},
    ),
    "GET /api/v1/classes/{class_id}/enrollments/": lambda w: _teacher_only(
        w, {"class_id": w.classroom.pk}
    ),
    "GET /api/v1/classes/{class_id}/quizzes/{quiz_id}/report/": lambda w: _teacher_only(
        w, {"class_id": w.classroom.pk, "quiz_id": w.quiz.pk}
    ),
    **{
        f"GET /api/v1/classes/{{class_id}}/reports/{report}/": lambda w: _teacher_only(
            w, {"class_id": w.classroom.pk}
        )
        for report in ("students", "mastery", "myths")
    },
    "GET /api/v1/assignments/{id}/": lambda w: Scenario(
        owner=w.student,
        intruders=[w.other_student],
        others=[w.other_instructor],
        path={"id": w.assignment.pk},
    ),
    "POST /api/v1/assignments/{assignment_id}/attempts/": lambda w: Scenario(
        owner=w.student,
        intruders=[w.other_student],
        others=[w.instructor, w.other_instructor],
        path={"assignment_id": w.assignment.pk},
        owner_status=201,
    ),
    "GET /api/v1/attempts/{attempt_id}/": lambda w: _students_attempt(w),
    "PUT /api/v1/attempts/{attempt_id}/answers/{position}/": lambda w: _students_attempt(
        w, path={"position": 1}, body=_answer_body(_attempt(w))
    ),
    "POST /api/v1/attempts/{attempt_id}/answers/{position}/": lambda w: _students_attempt(
        w, path={"position": 1}, body=_answer_body(_attempt(w))
    ),
    "POST /api/v1/attempts/{attempt_id}/submit/": lambda w: _students_attempt(w),
}
# Operations with no id in the path that still name an object, in the body.
BODY_SCENARIOS = {
    # The other class's question: in the other student's deck, not in this one's.
    "POST /api/v1/study/reviews/": lambda w: Scenario(
        owner=w.other_student,
        intruders=[w.student],
        others=[w.other_instructor],
        body=_review_body(w.other_assignment.quiz.items.first().question),
        owner_status=201,
    ),
}


def _operations():
    return {op.ok().label: op.ok() for op in schema.get_all_operations()}


def test_every_operation_with_an_object_id_is_covered():
    with_ids = {label for label, op in _operations().items() if op.path_parameters}
    assert with_ids == set(SCENARIOS), "add a Scenario for each new operation with an id"
    assert set(BODY_SCENARIOS) <= set(_operations())


def _written():
    """What a refused write must leave as it was."""
    return (
        list(Attempt.objects.order_by("pk").values("pk", "state", "revision")),
        list(Answer.objects.order_by("pk").values("pk", "response", "saved_at")),
        list(CardState.objects.order_by("pk").values("pk", "reps")),
    )


def _call(operation, scenario, user):
    secret = api_token_create(user=user, name="object-authorization").secret
    case = operation.Case(
        path_parameters=scenario.path or None,
        **({"body": scenario.body, "media_type": "application/json"} if scenario.body else {}),
    )
    return case.call_and_validate(
        headers={"Authorization": f"Bearer {secret}"}, excluded_checks=EXCLUDED
    )


@pytest.mark.usefixtures("wsgi_ready")
@pytest.mark.parametrize("label", sorted({**SCENARIOS, **BODY_SCENARIOS}))
def test_another_persons_object_is_not_found(label, world):
    operation = _operations()[label]
    scenario = {**SCENARIOS, **BODY_SCENARIOS}[label](world)
    before = _written()

    for intruder in scenario.intruders:
        response = _call(operation, scenario, intruder)
        assert response.status_code == 404, (intruder.username, response.text)
        assert response.json()["error"]["code"] == "not_found"
    for other in scenario.others:
        response = _call(operation, scenario, other)
        assert response.status_code in {403, 404}, (other.username, response.text)
    assert _written() == before, "a refused request changed something"

    owner = _call(operation, scenario, scenario.owner)
    assert owner.status_code == scenario.owner_status, owner.text
    if operation.method.upper() == "POST" and label.endswith(("/submit/", "/reviews/")):
        assert _written() != before, "the owner's write went through"


@pytest.mark.usefixtures("wsgi_ready")
def test_a_refused_submit_leaves_the_attempt_open(world):
    scenario = SCENARIOS["POST /api/v1/attempts/{attempt_id}/submit/"](world)

    _call(
        _operations()["POST /api/v1/attempts/{attempt_id}/submit/"], scenario, world.other_student
    )

    attempt = Attempt.objects.get(pk=scenario.path["attempt_id"])
    assert (attempt.state, attempt.revision) == (AttemptState.IN_PROGRESS, 0)
