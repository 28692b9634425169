"""The pages where a student takes a quiz: assignment, questions, autosave, finish, review."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.grading import NOT_A_NUMBER
from quizzes.models import Answer, Attempt, Option
from quizzes.models.attempts import AttemptState
from quizzes.presentation import UNKNOWN_CHOICE
from quizzes.rendering import render_markdown
from quizzes.selectors.versions import forget_versions
from quizzes.services import attempts as service
from quizzes.views import attempts as views
from tests import factories as f
from tests import quizdata as qd

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------------


def simple_quiz(n: int = 3, **quiz_fields):
    """A quiz of n plain single-choice questions (first option right), assigned to a class."""
    questions = f.QuestionFactory.create_batch(n)
    quiz_fields.setdefault("shuffle_options", False)
    quiz = qd.quiz_of(questions, **quiz_fields)
    assignment = qd.assigned(quiz)
    return assignment, qd.student_of(assignment)


def overdue(attempt):
    """Move the attempt back in time so that its deadline and grace passed an hour ago."""
    now = timezone.now()
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=now - timedelta(hours=2), deadline_at=now - timedelta(hours=1)
    )


def start(client, assignment, student) -> Attempt:
    client.force_login(student)
    response = client.post(reverse("attempt_start", args=[assignment.pk]))
    assert response.status_code == 302, response.content
    return Attempt.objects.get(student=student, quiz=assignment.quiz, state="in_progress")


def q_url(attempt, position):
    return reverse("attempt_question", args=[attempt.pk, position])


def save(client, attempt, position, data, *, go="next", revision=None):
    attempt.refresh_from_db()
    payload = {"revision": attempt.revision if revision is None else revision, "go": go, **data}
    return client.post(q_url(attempt, position), payload)


def typed_wrong(answer: Answer, form: dict) -> dict:
    """The form with every typed field holding a wrong answer, so no accepted answer is typed."""
    typed = {"text": "not sure", "value": "123456"}
    for key in form:
        if key.startswith("blank-"):
            choices = answer.question_version.options.filter(data__blank=int(key[6:]))
            if not any(o.data.get("choice") for o in choices):
                typed[key] = "unsure"
    return {**form, **{k: v for k, v in typed.items() if k in form}}


def right_form(answer: Answer) -> dict:
    """A form that answers this slot fully right, written as the page's tokens."""
    version = answer.question_version
    shown = [Option.objects.get(pk=i) for i in answer.option_order]
    qtype = version.qtype
    if qtype in ("single_choice", "true_false"):
        return {"choice": str(next(n for n, o in enumerate(shown, 1) if o.fraction == 1))}
    if qtype == "multiple_response":
        return {"choice": [str(n) for n, o in enumerate(shown, 1) if o.fraction > 0]}
    if qtype == "short_answer":
        return {"text": next(o.text for o in shown if o.fraction == 1)}
    if qtype == "numeric":
        data = next(o.data for o in shown if o.fraction == 1)
        return {"value": str(data["value"] if "value" in data else data["min"])}
    if qtype == "matching":
        answers = sorted({o.text for o in shown}, key=lambda t: (t.casefold(), t))
        rows = [o for o in shown if o.data.get("prompt")]
        return {f"pair-{n}": str(answers.index(o.text) + 1) for n, o in enumerate(rows, 1)}
    if qtype == "ordering":
        right = sorted(shown, key=lambda o: o.position)
        form = {"item": [str(n) for n in range(1, len(shown) + 1)]}
        for n, option in enumerate(shown, 1):
            form[f"rank-{n}"] = str(right.index(option) + 1)
        return form
    if qtype == "cloze":
        form = {}
        for o in shown:
            form.setdefault(f"blank-{o.data['blank']}", o.text) if o.fraction == 1 else None
        return form
    if qtype == "hotspot":
        return {"region": next(o.data["region"] for o in shown if o.fraction == 1)}
    raise AssertionError(qtype)


# --- the assignment page ---------------------------------------------------------------------


def test_assignment_page_shows_the_quiz_rules_and_a_start_button(client):
    assignment, student = simple_quiz(
        4,
        title="Attachments check",
        description="Where the psoas *attaches*.",
        time_limit_seconds=900,
        attempts_allowed=3,
        pass_mark=Decimal("80"),
        grading_method="average",
        feedback_timing="immediate",
    )
    client.force_login(student)
    page = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    assert "Attachments check" in page
    assert "<em>attaches</em>" in page
    assert "<dt>Questions</dt><dd>4</dd>" in page
    assert "15 min" in page
    assert "3 allowed, 0 used, 3 left" in page
    assert "After each question" in page
    assert "80%" in page
    assert "Average of attempts" in page
    assert f'action="{reverse("attempt_start", args=[assignment.pk])}"' in page
    assert "csrfmiddlewaretoken" in page
    assert "Start attempt" in page


def test_assignment_page_uses_the_students_extension(client):
    assignment, student = simple_quiz(1)
    due = timezone.now() + timedelta(days=20)
    f.ExtensionFactory(assignment=assignment, student=student, due_at=due)
    client.force_login(student)
    page = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    assert due.strftime("%d %b %Y").lstrip("0") in page or due.strftime("%-d %b %Y") in page
    assert assignment.due_at.strftime("%-d %b %Y") not in page


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", "90%"), ("average", "65%"), ("first", "40%"), ("last", "90%")],
)
def test_assignment_page_lists_attempts_and_the_grade_by_method(client, method, expected):
    assignment, student = simple_quiz(1, grading_method=method, pass_mark=Decimal("60"))
    quiz = assignment.quiz
    first = f.SubmittedAttemptFactory(
        student=student, quiz=quiz, assignment=assignment, number=1, fraction=Decimal("0.4")
    )
    f.SubmittedAttemptFactory(
        student=student, quiz=quiz, assignment=assignment, number=2, fraction=Decimal("0.9")
    )
    client.force_login(student)
    response = client.get(reverse("assignment_detail", args=[assignment.pk]))
    page = response.content.decode()
    assert f"<strong>{expected}</strong>" in page
    assert reverse("attempt_review", args=[first.pk]) in page
    assert "Fail" in page and "Pass" in page
    assert "5 min" in page  # time taken


def test_assignment_page_hides_scores_the_quiz_keeps_back(client):
    assignment, student = simple_quiz(1, review_shows_score=False)
    f.SubmittedAttemptFactory(
        student=student, quiz=assignment.quiz, number=1, fraction=Decimal("0.83")
    )
    client.force_login(student)
    page = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    assert "83%" not in page
    assert "Not released" in page


@pytest.mark.parametrize("who", ["other student", "instructor of another class", "anonymous"])
def test_assignment_page_is_missing_for_anyone_outside_the_class(client, who):
    assignment, _ = simple_quiz(1)
    url = reverse("assignment_detail", args=[assignment.pk])
    if who == "anonymous":
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
        return
    client.force_login(f.StudentFactory() if who == "other student" else f.InstructorFactory())
    assert client.get(url).status_code == 404
    assert client.post(reverse("attempt_start", args=[assignment.pk])).status_code == 404
    assert not Attempt.objects.exists()


def test_closed_assignment_says_why_it_cannot_start(client):
    closed_at = timezone.now() - timedelta(hours=1)
    assignment, student = simple_quiz(1)
    assignment.due_at = closed_at - timedelta(days=1)
    assignment.closes_at = closed_at
    assignment.save()
    client.force_login(student)
    page = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    message = html.escape(service.CLOSED.format(when=closed_at))
    assert message in page
    assert "Start attempt" not in page
    response = client.post(reverse("attempt_start", args=[assignment.pk]), follow=True)
    assert message in response.content.decode()
    assert not Attempt.objects.exists()


def test_used_up_attempts_say_so_and_match_the_service(client):
    assignment, student = simple_quiz(1, attempts_allowed=1)
    f.SubmittedAttemptFactory(student=student, quiz=assignment.quiz, number=1)
    client.force_login(student)
    page = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    assert service.NO_ATTEMPTS_LEFT.format(allowed=1) in page
    response = client.post(reverse("attempt_start", args=[assignment.pk]), follow=True)
    assert service.NO_ATTEMPTS_LEFT.format(allowed=1) in response.content.decode()


def test_not_yet_open_quiz_says_when_it_opens(client):
    opens = timezone.now() + timedelta(days=2)
    assignment, student = simple_quiz(1)
    assignment.opens_at = opens
    assignment.due_at = opens + timedelta(days=1)
    assignment.save()
    client.force_login(student)
    page = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    assert service.NOT_OPEN_YET.format(when=opens) in page


# --- starting and continuing -----------------------------------------------------------------


def test_start_is_post_only_and_goes_to_question_one(client):
    assignment, student = simple_quiz(3)
    client.force_login(student)
    assert client.get(reverse("attempt_start", args=[assignment.pk])).status_code == 405
    response = client.post(reverse("attempt_start", args=[assignment.pk]))
    attempt = Attempt.objects.get()
    assert response.url == q_url(attempt, 1)


def test_continue_goes_to_the_first_unanswered_question(client):
    assignment, student = simple_quiz(3)
    attempt = start(client, assignment, student)
    save(client, attempt, 1, {"choice": "1"})
    page = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    assert "Continue attempt" in page and "Start attempt" not in page
    response = client.post(reverse("attempt_start", args=[assignment.pk]))
    assert response.url == q_url(attempt, 2)
    assert Attempt.objects.count() == 1


# --- one question per page -------------------------------------------------------------------


def test_question_page_numbers_the_question_and_lists_them_all(client):
    assignment, student = simple_quiz(3)
    attempt = start(client, assignment, student)
    page = client.get(q_url(attempt, 2)).content.decode()
    assert "<h1>Question 2 of 3</h1>" in page
    assert page.count('name="go" value="q') == 3
    assert 'value="q2" class="nav-q" aria-current="step"' in page
    for label in (">Next<", ">Previous<", ">Finish attempt<"):
        assert label in page
    assert f'name="revision" value="{attempt.revision}"' in page
    assert 'type="radio" name="choice"' in page
    assert "<legend>Choose one answer</legend>" in page
    last = client.get(q_url(attempt, 3)).content.decode()
    assert ">Next<" not in last


def test_saving_navigates_and_marks_the_question_answered(client):
    assignment, student = simple_quiz(3)
    attempt = start(client, assignment, student)
    response = save(client, attempt, 1, {"choice": "2"}, go="next")
    assert response.status_code == 302 and response.url == q_url(attempt, 2)
    answer = Answer.objects.get(attempt=attempt, position=1)
    assert answer.response == {"option": answer.option_order[1]}
    assert save(client, attempt, 2, {}, go="prev").url == q_url(attempt, 1)
    assert save(client, attempt, 1, {"choice": "2"}, go="q3").url == q_url(attempt, 3)
    finish = save(client, attempt, 3, {}, go="finish").url
    assert finish == reverse("attempt_finish", args=[attempt.pk])
    page = client.get(q_url(attempt, 1)).content.decode()
    assert 'id="choice-2" value="2" checked' in page
    assert 'class="nav-q is-answered"' in page


def test_every_type_renders_its_input_and_saves_a_right_answer(client):
    qd.load_bundled()
    quiz = qd.quiz_of(qd.one_of_each_type(), review_shows_score=True)
    assignment = qd.assigned(quiz)
    attempt = start(client, assignment, qd.student_of(assignment))
    expected_inputs = {
        "single_choice": 'type="radio" name="choice"',
        "multiple_response": 'type="checkbox" name="choice"',
        "true_false": "<legend>True or false?</legend>",
        "short_answer": 'name="text"',
        "numeric": 'inputmode="decimal"',
        "matching": 'select name="pair-1"',
        "ordering": 'select name="rank-1"',
        "cloze": 'name="blank-1"',
        "hotspot": "<svg",
    }
    for answer in attempt.answers.select_related("question_version"):
        qtype = answer.question_version.qtype
        page = client.get(q_url(attempt, answer.position)).content.decode()
        assert expected_inputs[qtype] in page, qtype
        response = save(client, attempt, answer.position, right_form(answer))
        assert response.status_code == 302, (qtype, response.content.decode()[:3000])
    client.post(reverse("attempt_finish", args=[attempt.pk]))
    attempt.refresh_from_db()
    fractions = dict(attempt.answers.values_list("question_version__qtype", "fraction"))
    assert fractions == {qtype: Decimal(1) for qtype in qd.AUTO_GRADED}
    assert attempt.fraction == 1


def test_numeric_shows_its_unit_and_refuses_words_with_a_message(client):
    qd.load_bundled()
    question = next(q for q in qd.bundled_questions("numeric", 3) if q.current_version.config)
    quiz = qd.quiz_of([question])
    assignment = qd.assigned(quiz)
    attempt = start(client, assignment, qd.student_of(assignment))
    unit = question.current_version.config["unit"]
    page = client.get(q_url(attempt, 1)).content.decode()
    assert f'<span class="unit" aria-hidden="true">{unit}</span>' in page
    response = save(client, attempt, 1, {"value": "five"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page and 'aria-describedby="form-error"' in page
    assert html.escape(NOT_A_NUMBER.format(value="five")) in page
    assert 'value="five"' in page  # kept for the student to correct
    assert Answer.objects.get(attempt=attempt).response is None


def test_untouched_ordering_is_not_counted_as_an_answer(client):
    qd.load_bundled()
    quiz = qd.quiz_of(qd.bundled_questions("ordering", 1))
    assignment = qd.assigned(quiz)
    attempt = start(client, assignment, qd.student_of(assignment))
    answer = attempt.answers.get()
    n = len(answer.option_order)
    as_shown = {f"rank-{i}": str(i) for i in range(1, n + 1)} | {
        "item": [str(i) for i in range(1, n + 1)]
    }
    save(client, attempt, 1, as_shown)
    answer.refresh_from_db()
    assert answer.response is None
    save(client, attempt, 1, right_form(answer))
    answer.refresh_from_db()
    assert answer.response == {"order": sorted(answer.option_order)}


def test_a_stale_page_keeps_the_typed_answer_and_says_what_happened(client):
    assignment, student = simple_quiz(2)
    attempt = start(client, assignment, student)
    old_revision = attempt.revision
    save(client, attempt, 2, {"choice": "1"}, go="q2")  # another tab saves meanwhile
    response = save(client, attempt, 1, {"choice": "2"}, revision=old_revision)
    assert response.status_code == 200
    page = response.content.decode()
    assert "changed in another tab or window" in page
    assert 'id="choice-2" value="2" checked' in page
    attempt.refresh_from_db()
    assert f'name="revision" value="{attempt.revision}"' in page
    assert Answer.objects.get(attempt=attempt, position=1).response is None
    assert save(client, attempt, 1, {"choice": "2"}).status_code == 302  # saving again works


def test_time_up_closes_the_attempt_and_shows_the_review(client):
    assignment, student = simple_quiz(2, time_limit_seconds=600)
    attempt = start(client, assignment, student)
    page = client.get(q_url(attempt, 1)).content.decode()
    assert 'data-seconds-left="' in page and "Time left: <strong" in page and "10 min" in page
    finish = client.get(reverse("attempt_finish", args=[attempt.pk])).content.decode()
    assert "Time left: <strong" in finish
    save(client, attempt, 1, {"choice": "1"})
    overdue(attempt)
    response = save(client, attempt, 2, {"choice": "1"})
    assert response.url == reverse("attempt_review", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.OVERDUE
    assert Answer.objects.get(attempt=attempt, position=2).response is None
    review = client.get(response.url).content.decode()
    assert "Closed when time ran out" in review
    assert "Time ran out" in review


def test_a_timed_out_attempt_closes_when_the_page_is_opened(client):
    assignment, student = simple_quiz(1, time_limit_seconds=600)
    attempt = start(client, assignment, student)
    overdue(attempt)
    response = client.get(q_url(attempt, 1))
    assert response.url == reverse("attempt_review", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.OVERDUE


def test_the_timer_submits_with_go_submit(client):
    assignment, student = simple_quiz(2, time_limit_seconds=600)
    attempt = start(client, assignment, student)
    response = save(client, attempt, 1, {"choice": "1"}, go="submit")
    assert response.url == reverse("attempt_review", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.SUBMITTED
    assert attempt.answers.get(position=1).fraction == 1


# --- immediate feedback ----------------------------------------------------------------------


def test_check_answer_locks_the_question_and_shows_feedback(client):
    qd.load_bundled()
    question = qd.bundled_questions("single_choice", 1)[0]
    version = question.current_version
    quiz = qd.quiz_of(
        [question, *qd.bundled_questions("true_false", 1)], feedback_timing="immediate"
    )
    assignment = qd.assigned(quiz)
    attempt = start(client, assignment, qd.student_of(assignment))
    page = client.get(q_url(attempt, 1)).content.decode()
    assert ">Check answer<" in page
    answer = attempt.answers.get(position=1)
    wrong = next(
        n
        for n, i in enumerate(answer.option_order, 1)
        if Option.objects.get(pk=i).fraction == 0 and Option.objects.get(pk=i).feedback
    )
    response = save(client, attempt, 1, {"choice": str(wrong)}, go="check")
    assert response.url == q_url(attempt, 1)
    page = client.get(q_url(attempt, 1)).content.decode()
    chosen = Option.objects.get(pk=answer.option_order[wrong - 1])
    assert "Incorrect" in page
    assert _fragments(chosen.feedback)[0] in _visible(page)
    assert _fragments(version.explanation)[0] in _visible(page)
    assert "Right answer" in page and "Source" in page
    assert 'name="choice"' not in page and ">Check answer<" not in page
    # Locked: a later post cannot change it, and moving on still works.
    right = next(
        n for n, i in enumerate(answer.option_order, 1) if Option.objects.get(pk=i).fraction == 1
    )
    assert save(client, attempt, 1, {"choice": str(right)}).url == q_url(attempt, 2)
    answer.refresh_from_db()
    assert answer.response == {"option": chosen.pk} and answer.fraction == 0


def test_check_on_a_deferred_quiz_or_without_an_answer_is_a_message(client):
    assignment, student = simple_quiz(1)
    attempt = start(client, assignment, student)
    page = client.get(q_url(attempt, 1)).content.decode()
    assert "Check answer" not in page
    response = save(client, attempt, 1, {"choice": "1"}, go="check")
    assert response.status_code == 200
    assert "gives feedback after submission" in response.content.decode()
    immediate, student = simple_quiz(1, feedback_timing="immediate")
    attempt = start(client, immediate, student)
    response = save(client, attempt, 1, {}, go="check")
    assert "Give an answer before checking it" in response.content.decode()


# --- autosave --------------------------------------------------------------------------------


def test_autosave_answers_json_with_the_new_revision(client):
    assignment, student = simple_quiz(2)
    attempt = start(client, assignment, student)
    url = reverse("attempt_autosave", args=[attempt.pk, 1])
    assert client.get(url).status_code == 405
    data = client.post(url, {"revision": 0, "choice": "2"}).json()
    assert data == {"status": "saved", "revision": 1, "message": "", "answered": True}
    stale = client.post(url, {"revision": 0, "choice": "1"}).json()
    assert stale["status"] == "stale" and "another tab" in stale["message"]
    assert stale["revision"] == 1
    bad = client.post(url, {"revision": 1, "choice": "7"}).json()
    assert bad["status"] == "invalid" and UNKNOWN_CHOICE in bad["message"]
    missing = client.post(url, {"choice": "1"}).json()
    assert missing["status"] == "invalid" and missing["message"] == views.BAD_FORM
    assert (
        Answer.objects.get(attempt=attempt, position=1).response["option"]
        == (attempt.answers.get(position=1).option_order[1])
    )


def test_autosave_on_a_submitted_attempt_says_so(client):
    assignment, student = simple_quiz(1)
    attempt = start(client, assignment, student)
    client.post(reverse("attempt_finish", args=[attempt.pk]))
    data = client.post(
        reverse("attempt_autosave", args=[attempt.pk, 1]), {"revision": 5, "choice": "1"}
    ).json()
    assert data["status"] == "closed" and data["message"] == service.ATTEMPT_CLOSED


# --- finishing -------------------------------------------------------------------------------


def test_finish_lists_answered_and_unanswered_and_asks_first(client):
    assignment, student = simple_quiz(3)
    attempt = start(client, assignment, student)
    save(client, attempt, 2, {"choice": "1"})
    page = client.get(reverse("attempt_finish", args=[attempt.pk])).content.decode()
    assert "1 of 3" in page
    assert "Not answered (2)" in page and "Answered (1)" in page
    for position in (1, 2, 3):
        assert f'href="{q_url(attempt, position)}"' in page
    assert "You can't change answers afterwards" in page
    assert ">Submit attempt<" in page
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS


def test_submitting_twice_gives_one_result_and_no_error(client):
    assignment, student = simple_quiz(2)
    attempt = start(client, assignment, student)
    save(client, attempt, 1, {"choice": "1"})
    url = reverse("attempt_finish", args=[attempt.pk])
    first = client.post(url)
    attempt.refresh_from_db()
    submitted_at = attempt.submitted_at
    second = client.post(url)
    assert first.url == second.url == reverse("attempt_review", args=[attempt.pk])
    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.fraction) == (submitted_at, Decimal("0.5"))
    assert client.get(second.url).status_code == 200
    assert client.get(url).url == second.url


def test_posting_an_answer_to_a_submitted_attempt_changes_nothing(client):
    assignment, student = simple_quiz(2)
    attempt = start(client, assignment, student)
    client.post(reverse("attempt_finish", args=[attempt.pk]))
    response = save(client, attempt, 1, {"choice": "1"}, revision=attempt.revision)
    assert response.url == reverse("attempt_review", args=[attempt.pk])
    assert Answer.objects.get(attempt=attempt, position=1).response is None
    page = client.get(response.url).content.decode()
    assert html.escape(service.ATTEMPT_CLOSED) in page


# --- the review ------------------------------------------------------------------------------


def test_review_shows_score_answers_right_answers_and_explanations(client):
    assignment, student = simple_quiz(2, pass_mark=Decimal("50"))
    attempt = start(client, assignment, student)
    save(client, attempt, 1, {"choice": "1"})
    save(client, attempt, 2, {"choice": "2"})
    client.post(reverse("attempt_finish", args=[attempt.pk]))
    page = client.get(reverse("attempt_review", args=[attempt.pk])).content.decode()
    assert "<strong>50%</strong>" in page
    assert "Pass" in page and "Submitted" in page
    assert page.count("Your answer</span>") == 2
    assert page.count("Right answer</span>") == 2
    assert "Correct" in page and "Incorrect" in page
    assert "On the lesser trochanter, with iliacus." in page  # the factories' explanation
    assert "Gray&#x27;s Anatomy, 42nd ed." in page or "Gray's Anatomy, 42nd ed." in page
    assert f'href="{reverse("assignment_detail", args=[assignment.pk])}"' in page
    assert f'href="{reverse("home")}"' in page


def test_review_shows_only_what_the_quiz_releases(client):
    assignment, student = simple_quiz(
        1,
        review_shows_responses=False,
        review_shows_correct=False,
        review_shows_explanation=False,
        review_shows_score=False,
    )
    attempt = start(client, assignment, student)
    save(client, attempt, 1, {"choice": "2"})
    client.post(reverse("attempt_finish", args=[attempt.pk]))
    page = client.get(reverse("attempt_review", args=[attempt.pk])).content.decode()
    for hidden in ("Right answer", "Your answer", "with iliacus", "Gray", "0%", "Incorrect"):
        assert hidden not in page, hidden
    assert "Submitted" in page and "Question 1" in page


def test_review_of_an_open_attempt_goes_to_the_finish_page(client):
    assignment, student = simple_quiz(1)
    attempt = start(client, assignment, student)
    response = client.get(reverse("attempt_review", args=[attempt.pk]))
    assert response.url == reverse("attempt_finish", args=[attempt.pk])


# --- integrity: nothing secret before release ------------------------------------------------


def _text(value: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(value)).strip().casefold()


def _visible(markup: str) -> str:
    return _text(re.sub(r"<[^>]+>", " ", markup))


def _fragments(markdown_text: str) -> list[str]:
    """Distinctive pieces of a Markdown text as a page would show them."""
    shown = _visible(str(render_markdown(markdown_text)))
    return [piece for piece in (shown[:50], shown[-50:]) if len(piece) >= 12]


def _secrets(question) -> dict[str, str]:
    """What must not reach the browser before release, keyed by a description."""
    version = question.current_version
    options = list(version.options.all())
    public = _visible(str(render_markdown(version.prompt))) + " ".join(
        _text(o.text) + " " + _text(o.data.get("prompt", "")) for o in options
    )
    if version.qtype in ("short_answer", "numeric"):
        # Accepted answers are not choices, so they are never on the page.
        public = _visible(str(render_markdown(version.prompt)))
    secrets = {}
    for n, piece in enumerate(_fragments(version.explanation)):
        secrets[f"explanation {n}"] = piece
    for n, piece in enumerate(_fragments(version.source)):
        secrets[f"source {n}"] = piece
    for option in options:
        for n, piece in enumerate(_fragments(option.feedback) if option.feedback else []):
            if piece not in public:
                secrets[f"feedback of option {option.pk} ({n})"] = piece
        typed = version.qtype in ("short_answer", "numeric") or (
            version.qtype == "cloze" and not option.data.get("choice")
        )
        if typed and option.fraction > 0 and len(option.text) >= 3:
            text = _text(option.text)
            if text not in public:
                secrets[f"accepted answer {option.pk}"] = text
    return secrets


def _leaks(body: str, secrets: dict[str, str], option_ids: list[int]) -> list[str]:
    without_svg = re.sub(r"<svg.*?</svg>", "", body, flags=re.S)
    haystack = _text(body) + " \n " + _visible(body)
    found = [name for name, secret in secrets.items() if secret in haystack]
    if "fraction" in body.casefold():
        found.append("the word 'fraction'")
    for option_id in option_ids:
        if body.lstrip().startswith("{"):
            pattern = rf'"{option_id}"|: ?{option_id}\b'
        else:
            pattern = rf'\b(?:value|name|id|for|data-[\w-]+)="(?:[\w-]*-)?{option_id}"'
        if re.search(pattern, without_svg):
            found.append(f"option id {option_id}")
    return found


def test_nothing_secret_reaches_the_browser_before_the_review(client):
    qd.load_bundled()
    questions = qd.one_of_each_type()
    quiz = qd.quiz_of(questions)
    assignment = qd.assigned(quiz)
    student = qd.student_of(assignment)
    secrets = {}
    for question in questions:
        secrets.update(_secrets(question))
    option_ids = list(
        Option.objects.filter(version__question__in=questions).values_list("pk", flat=True)
    )
    # Ids must differ from the page's own tokens (1, 2, 3...) for the id check to mean anything.
    assert min(option_ids) > 50
    assert len(secrets) > 20

    bodies = {}
    client.force_login(student)
    bodies["detail"] = client.get(reverse("assignment_detail", args=[assignment.pk]))
    bodies["start"] = client.post(reverse("attempt_start", args=[assignment.pk]), follow=True)
    attempt = Attempt.objects.get(student=student)
    for answer in attempt.answers.select_related("question_version").order_by("position"):
        p = answer.position
        qtype = answer.question_version.qtype
        bodies[f"{qtype} page"] = client.get(q_url(attempt, p))
        # Typed fields get wrong answers: a student's own typing is not a leak.
        form = typed_wrong(answer, right_form(answer))
        attempt.refresh_from_db()
        bodies[f"{qtype} autosave"] = client.post(
            reverse("attempt_autosave", args=[attempt.pk, p]),
            {"revision": attempt.revision, **form},
        )
        bodies[f"{qtype} bad autosave"] = client.post(
            reverse("attempt_autosave", args=[attempt.pk, p]),
            {"revision": attempt.revision + 1, **form},
        )
        bodies[f"{qtype} stale post"] = save(client, attempt, p, form, revision=0)
        bodies[f"{qtype} garbage post"] = save(
            client,
            attempt,
            p,
            {"choice": "99", "pair-1": "99", "blank-1": "x" * 9000, "value": "?"},
        )
        bodies[f"{qtype} saved"] = save(
            client,
            attempt,
            p,
            form,
            go=f"q{p}",
        )
        bodies[f"{qtype} page again"] = client.get(q_url(attempt, p))
    bodies["finish"] = client.get(reverse("attempt_finish", args=[attempt.pk]))

    leaks = {}
    for name, response in bodies.items():
        assert response.status_code in (200, 302), name
        found = _leaks(response.content.decode(), secrets, option_ids)
        if found:
            leaks[name] = found
    assert leaks == {}

    # The detector itself works: once released, the review shows the explanations.
    client.post(reverse("attempt_finish", args=[attempt.pk]))
    review = client.get(reverse("attempt_review", args=[attempt.pk])).content.decode()
    assert any(name.startswith("explanation") for name in _leaks(review, secrets, option_ids))


def test_immediate_feedback_releases_only_the_checked_question(client):
    qd.load_bundled()
    questions = qd.one_of_each_type()
    quiz = qd.quiz_of(questions, feedback_timing="immediate")
    assignment = qd.assigned(quiz)
    attempt = start(client, assignment, qd.student_of(assignment))
    first = attempt.answers.get(position=1)
    save(client, attempt, 1, right_form(first), go="check")
    checked = client.get(q_url(attempt, 1)).content.decode()
    assert _leaks(checked, _secrets(questions[0]), [])  # its own explanation is shown now
    others = {}
    for question in questions[1:]:
        others.update(_secrets(question))
    for position in range(1, len(questions) + 1):
        page = client.get(q_url(attempt, position)).content.decode()
        assert _leaks(page, others, []) == [], position


# --- other people's attempts and bad input ---------------------------------------------------


def test_another_students_attempt_is_missing_on_every_page(client):
    assignment, student = simple_quiz(2)
    attempt = start(client, assignment, student)
    client.force_login(f.StudentFactory())
    urls = [
        q_url(attempt, 1),
        reverse("attempt_autosave", args=[attempt.pk, 1]),
        reverse("attempt_finish", args=[attempt.pk]),
        reverse("attempt_review", args=[attempt.pk]),
    ]
    for url in urls:
        if "autosave" not in url:
            assert client.get(url).status_code == 404, url
        assert client.post(url, {"revision": 0, "choice": "1"}).status_code == 404, url
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS and attempt.revision == 0


@pytest.mark.parametrize(
    "path",
    [
        "/attempts/{id}/q/0/",
        "/attempts/{id}/q/3/",
        "/attempts/{id}/q/99999999999999999999999/",
        "/attempts/99999999999999999999999/q/1/",
        "/attempts/{id}/q/one/",
        "/attempts/{id}/q/-1/",
        "/attempts/99999999999999999999999/finish/",
        "/attempts/99999999999999999999999/review/",
        "/assignments/99999999999999999999999/",
        "/attempts/{id}/q/99999999999999999999999/autosave/",
    ],
)
def test_impossible_ids_and_positions_are_not_found(client, path):
    assignment, student = simple_quiz(2)
    attempt = start(client, assignment, student)
    url = path.format(id=attempt.pk)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"revision": 0}).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"choice": "99"},
        {"choice": "0"},
        {"choice": "-1"},
        {"choice": "abc"},
        {"choice": "1", "revision": ""},
        {"choice": "1", "revision": "abc"},
        {"choice": "1", "revision": "99999999999999999999999999"},
        {"choice": "1", "go": "q99999999999999999999"},
        {"choice": "1", "go": "nowhere"},
        {"choice": "1", "shown_at": "yesterday"},
        {"choice": "1", "shown_at": "-99999999999999999999999"},
        {"choice": ["1", "2"]},
        {"choice": "x" * 100_000},
    ],
)
def test_garbage_forms_get_a_message_never_an_error(client, data):
    assignment, student = simple_quiz(2)
    attempt = start(client, assignment, student)
    payload = {"revision": attempt.revision, "go": "next", **data}
    response = client.post(q_url(attempt, 1), payload)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert 'role="alert"' in response.content.decode()
    autosave = client.post(reverse("attempt_autosave", args=[attempt.pk, 1]), payload)
    assert autosave.status_code == 200 and autosave.json()["status"] in (
        "saved",
        "invalid",
        "stale",
    )


def test_garbage_for_every_type_gets_a_message_never_an_error(client):
    qd.load_bundled()
    quiz = qd.quiz_of(qd.one_of_each_type())
    assignment = qd.assigned(quiz)
    attempt = start(client, assignment, qd.student_of(assignment))
    garbage = {
        "choice": ["1", "77", "x"],
        "text": "é" * 100_000,
        "value": "1e999999",
        "pair-1": "42",
        "pair-2": "",
        "rank-1": "seven",
        "rank-2": "99999999999999999999",
        "item": ["9", "x"],
        "blank-1": "<script>alert(1)</script>",
        "blank-2": "\x00",
        "region": "<script>",
    }
    for position in range(1, len(qd.AUTO_GRADED) + 1):
        response = save(client, attempt, position, garbage)
        assert response.status_code in (200, 302), position
        assert "<script>alert(1)</script>" not in response.content.decode()
        page = client.get(q_url(attempt, position))
        assert page.status_code == 200
        assert "<script>alert(1)" not in page.content.decode()
    assert client.post(reverse("attempt_finish", args=[attempt.pk])).status_code == 302
    assert client.get(reverse("attempt_review", args=[attempt.pk])).status_code == 200


# --- query counts ----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_question_and_review_pages_do_not_query_per_question(client):
    counts = {}
    for n in (3, 12):
        assignment, student = simple_quiz(n)
        attempt = start(client, assignment, student)
        for position in range(1, n + 1):
            save(client, attempt, position, {"choice": "1"})
        question = _queries(client, q_url(attempt, 2))
        finish = _queries(client, reverse("attempt_finish", args=[attempt.pk]))
        client.post(reverse("attempt_finish", args=[attempt.pk]))
        review = _queries(client, reverse("attempt_review", args=[attempt.pk]))
        detail = _queries(client, reverse("assignment_detail", args=[assignment.pk]))
        counts[n] = (question, finish, review, detail)
    assert counts[3] == counts[12]
    question, finish, review, detail = counts[12]
    # session + user, then the page's own reads
    assert question <= 7
    assert finish <= 5
    assert review <= 7
    assert detail <= 9


def test_question_page_query_count_is_pinned(client, django_assert_num_queries):
    assignment, student = simple_quiz(5)
    attempt = start(client, assignment, student)
    forget_versions()
    # session, user, the attempt with its answers; then, the first time this process shows
    # them, the questions' versions and their options
    with django_assert_num_queries(5):
        client.get(q_url(attempt, 3))
    # Versions never change, so the next pages read them from the process's cache.
    with django_assert_num_queries(3):
        client.get(q_url(attempt, 3))
    client.post(reverse("attempt_finish", args=[attempt.pk]))
    forget_versions()
    # session, user, attempt, answers with versions, every version's options
    with django_assert_num_queries(5):
        client.get(reverse("attempt_review", args=[attempt.pk]))
    with django_assert_num_queries(4):
        client.get(reverse("attempt_review", args=[attempt.pk]))


def test_autosave_query_count_is_pinned(client, django_assert_num_queries):
    assignment, student = simple_quiz(5)
    attempt = start(client, assignment, student)
    url = reverse("attempt_autosave", args=[attempt.pk, 3])
    client.get(q_url(attempt, 3))
    # session, user, the answer with its attempt; then the save: savepoint, the attempt's
    # revision moved if it is still the page's (which locks the attempt), the answer, release.
    with django_assert_num_queries(7):
        assert client.post(url, {"revision": 0, "choice": "1"}).json()["status"] == "saved"
    with django_assert_num_queries(7):
        assert client.post(url, {"revision": 1, "choice": "2"}).json()["status"] == "saved"
    # A page out of date costs the locked read that finds out why.
    stale = client.post(url, {"revision": 0, "choice": "1"}).json()
    assert stale["status"] == "stale" and stale["revision"] == 2


def test_the_leak_detector_can_fail():
    secrets = {"explanation": "inserts on the lesser trochanter"}
    assert _leaks('<input name="choice" value="123">', {}, [123]) == ["option id 123"]
    assert _leaks('{"option": 123}', {}, [123]) == ["option id 123"]
    assert _leaks('<input maxlength="123"><svg><rect x="123"/></svg>', {}, [123]) == []
    assert _leaks("<p>Inserts on the <em>lesser</em> trochanter</p>", secrets, []) == [
        "explanation"
    ]
    assert _leaks('<div data-x="a fraction">', {}, []) == ["the word 'fraction'"]


def test_time_on_a_question_counts_from_the_page_or_last_save_on_server_clocks(client):
    assignment, student = simple_quiz(1)
    attempt = start(client, assignment, student)
    now_ms = int(timezone.now().timestamp() * 1000)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=timezone.now() - timedelta(hours=1))
    save(client, attempt, 1, {"choice": "1", "shown_at": now_ms - 90_000}, go="q1")
    answer = Answer.objects.get(attempt=attempt)
    assert 90_000 <= answer.time_taken_ms < 100_000
    # The same page saved again counts only from the last save, not from when it was drawn.
    save(client, attempt, 1, {"choice": "2", "shown_at": now_ms - 90_000}, go="q1")
    answer.refresh_from_db()
    assert answer.time_taken_ms < 100_000
    # A forged "drawn long ago" counts from the attempt's start at most, capped per save.
    save(client, attempt, 1, {"choice": "1", "shown_at": "-999999999999999"}, go="q1")
    answer.refresh_from_db()
    assert answer.time_taken_ms < 100_000 + service.MAX_TIME_PER_SAVE_MS
