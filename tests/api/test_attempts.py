"""Taking a quiz through the API: start, answer in tokens, submit, review; idempotent retries."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.api.idempotency import REPLAYED_HEADER
from quizzes.models import Answer, Attempt, IdempotencyKey, Option
from quizzes.models.attempts import AttemptState
from quizzes.models.quizzes import FeedbackTiming
from quizzes.services.attempts import ATTEMPT_CLOSED, CLOSED
from quizzes.services.idempotency import KEY_REUSED
from tests import factories as f
from tests import quizdata as qd
from tests.api.conftest import API, token_client

pytestmark = pytest.mark.django_db


def start(client, assignment, **headers):
    return client.post(f"{API}/assignments/{assignment.pk}/attempts/", **headers)


def answer(client, attempt_id, position, body, method="put", **headers):
    url = f"{API}/attempts/{attempt_id}/answers/{position}/"
    return getattr(client, method)(url, body, format="json", **headers)


def test_start_then_resume(student_api, world):
    first = start(student_api, world.assignment)
    assert first.status_code == 201
    body = first.json()
    assert body["attempt"]["state"] == "in_progress" and body["review"] == []
    assert [q["position"] for q in body["questions"]] == [1, 2, 3]
    again = start(student_api, world.assignment)
    assert again.status_code == 200
    assert again.json()["attempt"]["id"] == body["attempt"]["id"]
    assert Attempt.objects.filter(student=world.student).count() == 1


def test_open_questions_give_nothing_away(student_api, world):
    body = start(student_api, world.assignment).json()
    text = json.dumps(body)
    option_ids = Option.objects.values_list("pk", flat=True)
    for question in body["questions"]:
        tokens = [c["token"] for c in question["question"]["choices"]]
        assert tokens == ["1", "2"]
        assert question["feedback"] is None
    # No weights, feedback, explanation or option ids anywhere in the reply.
    for leak in ("fraction", "is_myth", "explanation", "On the lesser trochanter", "option_id"):
        assert leak not in text
    assert not any(f'"id": {pk},' in text for pk in option_ids if pk > 3)


def test_another_student_s_assignment_and_attempt_are_404(student_api, world):
    assert start(student_api, world.other_assignment).status_code == 404
    theirs = token_client(world.other_student)
    attempt_id = start(theirs, world.other_assignment).json()["attempt"]["id"]
    assert student_api.get(f"{API}/attempts/{attempt_id}/").status_code == 404
    assert answer(student_api, attempt_id, 1, {"response": None}).status_code == 404
    assert student_api.post(f"{API}/attempts/{attempt_id}/submit/").status_code == 404
    instructor = token_client(world.instructor)
    assert instructor.get(f"{API}/attempts/{attempt_id}/").status_code == 403


def test_answer_submit_and_review(student_api, world):
    attempt = start(student_api, world.assignment).json()["attempt"]
    saved = answer(student_api, attempt["id"], 1, {"response": {"choice": "1"}, "revision": 0})
    assert saved.status_code == 200, saved.content
    assert saved.json() == {"status": "saved", "revision": 1, "answered": True, "feedback": None}
    wrong = answer(student_api, attempt["id"], 2, {"response": {"choice": "2"}}, method="post")
    assert wrong.status_code == 200
    stored = Answer.objects.get(attempt_id=attempt["id"], position=1)
    assert stored.response == {"option": stored.option_order[0]}
    detail = student_api.get(f"{API}/attempts/{attempt['id']}/").json()
    assert [c["selected"] for c in detail["questions"][0]["question"]["choices"]] == [True, False]
    submitted = student_api.post(f"{API}/attempts/{attempt['id']}/submit/")
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["attempt"]["state"] == "submitted"
    assert body["score"] == "0.33333" and body["passed"] is False
    assert [r["outcome"] for r in body["review"]] == ["correct", "incorrect", "unanswered"]
    assert body["review"][0]["explanation_html"]
    # Submitting again changes nothing; answering now is refused.
    assert student_api.post(f"{API}/attempts/{attempt['id']}/submit/").json() == body
    late = answer(student_api, attempt["id"], 1, {"response": {"choice": "2"}})
    assert late.status_code == 409
    assert late.json()["error"] == {
        "code": "attempt_closed",
        "message": ATTEMPT_CLOSED,
        "fields": {},
    }


def test_the_review_holds_only_what_the_quiz_releases(student_api, world):
    world.quiz.review_shows_correct = False
    world.quiz.review_shows_explanation = False
    world.quiz.review_shows_score = False
    world.quiz.save()
    attempt = start(student_api, world.assignment).json()["attempt"]
    answer(student_api, attempt["id"], 1, {"response": {"choice": "2"}})
    body = student_api.post(f"{API}/attempts/{attempt['id']}/submit/").json()
    assert body["score"] is None and body["passed"] is None
    first = body["review"][0]
    assert first["explanation_html"] == "" and first["earned"] is None
    assert not any(c["right"] for c in first["choices"])
    assert [c["chosen"] for c in first["choices"]] == [False, True]


def test_a_stale_revision_is_refused(student_api, world):
    attempt = start(student_api, world.assignment).json()["attempt"]
    answer(student_api, attempt["id"], 1, {"response": {"choice": "1"}, "revision": 0})
    stale = answer(student_api, attempt["id"], 2, {"response": {"choice": "1"}, "revision": 0})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale"
    assert Answer.objects.get(attempt_id=attempt["id"], position=2).response is None


@pytest.mark.parametrize(
    "response",
    [{"choice": "3"}, {"choices": ["1"]}, {"choice": ["1"]}, "1", {"choice": True}],
)
def test_a_response_that_does_not_fit_is_400(student_api, world, response):
    attempt = start(student_api, world.assignment).json()["attempt"]
    refused = answer(student_api, attempt["id"], 1, {"response": response})
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["response"]
    assert Answer.objects.get(attempt_id=attempt["id"], position=1).response is None


def test_no_such_position_is_404(student_api, world):
    attempt = start(student_api, world.assignment).json()["attempt"]
    assert answer(student_api, attempt["id"], 9, {"response": None}).status_code == 404


def test_a_closed_assignment_refuses_to_start(student_api, world):
    closes = timezone.now() - timedelta(days=1)
    world.assignment.due_at = closes
    world.assignment.closes_at = closes
    world.assignment.save()
    refused = start(student_api, world.assignment)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "attempt_refused"
    assert error["message"] == CLOSED.format(when=closes)


def test_checking_an_answer_gives_feedback_and_locks_it(student_api, world):
    world.quiz.feedback_timing = FeedbackTiming.IMMEDIATE
    world.quiz.save()
    attempt = start(student_api, world.assignment).json()["attempt"]
    checked = answer(student_api, attempt["id"], 1, {"response": {"choice": "1"}, "check": True})
    assert checked.status_code == 200
    assert checked.json()["feedback"]["outcome"] == "correct"
    again = answer(student_api, attempt["id"], 1, {"response": {"choice": "2"}})
    assert again.status_code == 409 and again.json()["error"]["code"] == "locked"
    detail = student_api.get(f"{API}/attempts/{attempt['id']}/").json()
    assert detail["questions"][0]["checked"] is True
    assert detail["questions"][0]["feedback"]["outcome"] == "correct"


def test_a_timed_out_attempt_closes_when_read(student_api, world):
    attempt = start(student_api, world.assignment).json()["attempt"]
    past = timezone.now() - timedelta(hours=1)
    Attempt.objects.filter(pk=attempt["id"]).update(
        started_at=past - timedelta(hours=1), deadline_at=past
    )
    detail = student_api.get(f"{API}/attempts/{attempt['id']}/").json()
    assert detail["attempt"]["state"] == AttemptState.OVERDUE
    timed_out = answer(student_api, attempt["id"], 1, {"response": {"choice": "1"}})
    assert timed_out.status_code == 409


def test_the_attempt_list_is_the_student_s_own(student_api, world):
    mine = start(student_api, world.assignment).json()["attempt"]["id"]
    start(token_client(world.other_student), world.other_assignment)
    rows = student_api.get(f"{API}/attempts/").json()["results"]
    assert [r["id"] for r in rows] == [mine]
    by_assignment = student_api.get(f"{API}/attempts/", {"assignment": world.other_assignment.pk})
    assert by_assignment.json()["results"] == []


# --- every question type, answered in tokens -----------------------------------------------


def _right_tokens(question_data: dict, version, option_order: list[int]) -> dict:
    """The right answer in the API's tokens, worked out from the stored options."""
    options = {o.id: o for o in version.options.all()}
    shown = [options[i] for i in option_order]
    qtype = version.qtype
    if qtype in ("single_choice", "true_false"):
        best = max(shown, key=lambda o: o.fraction)
        return {"choice": str(shown.index(best) + 1)}
    if qtype == "multiple_response":
        return {"choices": [str(n) for n, o in enumerate(shown, 1) if o.fraction > 0]}
    if qtype in ("short_answer", "numeric"):
        best = max(shown, key=lambda o: o.fraction)
        text = best.text if qtype == "short_answer" else str(best.data.get("value", best.text))
        return {"text" if qtype == "short_answer" else "value": text}
    if qtype == "matching":
        # Answers are listed alphabetically (see presentation._matching_answers).
        answers = sorted({o.text for o in shown}, key=lambda t: (t.casefold(), t))
        prompts = [o for o in shown if o.data.get("prompt")]
        return {"pairs": {str(n): str(answers.index(o.text) + 1) for n, o in enumerate(prompts, 1)}}
    if qtype == "ordering":
        right = sorted(shown, key=lambda o: o.position)
        return {"order": [str(shown.index(o) + 1) for o in right]}
    if qtype == "cloze":
        blanks = {}
        for blank in question_data["blanks"]:
            accepted = [
                o for o in shown if o.data.get("blank") == blank["number"] and o.fraction == 1
            ]
            blanks[str(blank["number"])] = accepted[0].text
        return {"blanks": blanks}
    if qtype == "hotspot":
        best = max(shown, key=lambda o: o.fraction)
        return {"region": best.data["region"]}
    raise AssertionError(qtype)


def test_every_type_can_be_answered_right_in_tokens():
    qd.load_bundled()
    questions = qd.one_of_each_type()
    quiz = qd.quiz_of(questions, shuffle_options=True)
    assignment = qd.assigned(quiz)
    client = token_client(qd.student_of(assignment))
    body = start(client, assignment).json()
    attempt_id = body["attempt"]["id"]
    answers = {
        a.position: a
        for a in Answer.objects.filter(attempt_id=attempt_id).select_related("question_version")
    }
    for item in body["questions"]:
        stored = answers[item["position"]]
        tokens = _right_tokens(item["question"], stored.question_version, stored.option_order)
        saved = answer(client, attempt_id, item["position"], {"response": tokens})
        assert saved.status_code == 200, (item["question"]["type"], saved.content)
        assert saved.json()["answered"] is True
    review = client.post(f"{API}/attempts/{attempt_id}/submit/").json()["review"]
    assert {r["type"]: r["outcome"] for r in review} == dict.fromkeys(qd.AUTO_GRADED, "correct")


# --- idempotency keys ---------------------------------------------------------------------


def test_a_retried_start_with_the_same_key_writes_once(student_api, world):
    first = start(student_api, world.assignment, HTTP_IDEMPOTENCY_KEY="start-1")
    assert first.status_code == 201
    # The student submits; a retry of the start must not begin a second attempt.
    student_api.post(f"{API}/attempts/{first.json()['attempt']['id']}/submit/")
    retry = start(student_api, world.assignment, HTTP_IDEMPOTENCY_KEY="start-1")
    assert retry.status_code == 201
    assert retry[REPLAYED_HEADER] == "true"
    assert retry.json() == first.json()
    assert Attempt.objects.filter(student=world.student).count() == 1
    # Without the key, a new request starts a new attempt.
    assert start(student_api, world.assignment).status_code == 201
    assert Attempt.objects.filter(student=world.student).count() == 2


def test_a_retried_answer_with_the_same_key_writes_once(student_api, world):
    attempt = start(student_api, world.assignment).json()["attempt"]
    body = {"response": {"choice": "1"}, "spent_ms": 4000}
    first = answer(student_api, attempt["id"], 1, body, HTTP_IDEMPOTENCY_KEY="a1")
    retry = answer(student_api, attempt["id"], 1, body, HTTP_IDEMPOTENCY_KEY="a1")
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    stored = Answer.objects.get(attempt_id=attempt["id"], position=1)
    assert stored.time_taken_ms == 4000
    assert Attempt.objects.get(pk=attempt["id"]).revision == 1


def test_the_same_key_with_another_body_is_422(student_api, world):
    attempt = start(student_api, world.assignment).json()["attempt"]
    answer(student_api, attempt["id"], 1, {"response": {"choice": "1"}}, HTTP_IDEMPOTENCY_KEY="k")
    other = answer(
        student_api, attempt["id"], 1, {"response": {"choice": "2"}}, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert other.status_code == 422
    assert other.json()["error"] == {
        "code": "idempotency_key_reused",
        "message": KEY_REUSED,
        "fields": {},
    }
    stored = Answer.objects.get(attempt_id=attempt["id"], position=1)
    assert stored.response == {"option": stored.option_order[0]}


def test_errors_are_replayed_too_and_keys_are_per_user(student_api, world):
    refused = start(student_api, world.other_assignment, HTTP_IDEMPOTENCY_KEY="k")
    assert refused.status_code == 404
    again = start(student_api, world.other_assignment, HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 404 and again[REPLAYED_HEADER] == "true"
    # Another person's identical key is theirs alone.
    theirs = start(
        token_client(world.other_student), world.other_assignment, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert theirs.status_code == 201
    assert IdempotencyKey.objects.count() == 2


def test_an_expired_key_can_be_used_again(student_api, world):
    start(student_api, world.assignment, HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    Attempt.objects.update(state=AttemptState.SUBMITTED, submitted_at=timezone.now(), fraction=0)
    fresh = start(student_api, world.assignment, HTTP_IDEMPOTENCY_KEY="old")
    assert fresh.status_code == 201 and REPLAYED_HEADER not in fresh
    assert Attempt.objects.filter(student=world.student).count() == 2


def test_a_bad_key_is_400(student_api, world):
    refused = start(student_api, world.assignment, HTTP_IDEMPOTENCY_KEY="x" * 300)
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["Idempotency-Key"]
    assert not Attempt.objects.exists()


def test_a_key_whose_first_request_failed_is_released(student_api, world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("quizzes.api.views.attempt_start", broken)
    assert start(student_api, world.assignment, HTTP_IDEMPOTENCY_KEY="k").status_code == 500
    assert not IdempotencyKey.objects.exists()
    monkeypatch.undo()
    assert start(student_api, world.assignment, HTTP_IDEMPOTENCY_KEY="k").status_code == 201


def test_instructors_cannot_start_attempts(instructor_api, world):
    assert start(instructor_api, world.assignment).status_code == 403
    assert f.AttemptFactory._meta.model.objects.count() == 0
