"""Taking a quiz: the assignment page, one question per page, finishing, and the review.

Every page works with plain form posts; static/js/attempt.js only adds autosave, a countdown,
drag-and-drop ordering and clickable diagrams. The server decides everything: deadlines, what
is saved, and what a student may see of right answers and feedback.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from quizzes import presentation
from quizzes.grading import Grade, InvalidResponse, Outcome, grade
from quizzes.models import Answer, Attempt
from quizzes.models.attempts import AttemptState
from quizzes.models.quizzes import FeedbackTiming
from quizzes.rendering import render_markdown
from quizzes.selectors import attempts as selectors
from quizzes.services.attempts import (
    ATTEMPT_CLOSED,
    MAX_TIME_PER_SAVE_MS,
    AttemptRefused,
    SaveStatus,
    answer_save,
    attempt_start,
    attempt_submit,
    time_is_up,
)

TIME_RAN_OUT = (
    "Time ran out at {when:%H:%M} (UTC), so the attempt was closed with the answers saved "
    "before then."
)
NOT_SAVED = "Your answer was not saved: {reason}."
BAD_FORM = (
    "This page was incomplete or out of date, so your answer was not saved. Check your answer "
    "below and save it again."
)
SUBMITTED = "Your attempt was submitted."
FINISH_FIRST = "Submit this attempt to see its review."

OUTCOME_LABELS = {
    Outcome.CORRECT: "Correct",
    Outcome.PARTIAL: "Partly correct",
    Outcome.INCORRECT: "Incorrect",
    Outcome.UNANSWERED: "Not answered",
}

# The navigation buttons a question form may send as `go`, besides "q<position>".
GO_PREVIOUS, GO_NEXT, GO_FINISH, GO_CHECK, GO_SUBMIT = "prev", "next", "finish", "check", "submit"


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _now_ms(now: datetime) -> int:
    return int(now.timestamp() * 1000)


def spent_ms(shown_at_ms, answer: Answer, started_at: datetime, now: datetime) -> int:
    """Time on the question since the page was drawn or the answer last saved, if later.

    Both ends are server clocks (the page carries the time it was drawn), so a student's wrong
    clock cannot inflate it, and no time counts from before the attempt started.
    """
    shown = _int(shown_at_ms)
    if shown is None:
        return 0
    start = max(shown, _now_ms(started_at))
    if answer.saved_at:
        start = max(start, _now_ms(answer.saved_at))
    return min(max(_now_ms(now) - start, 0), MAX_TIME_PER_SAVE_MS)


# --- the assignment page -------------------------------------------------------------------


@login_required
def assignment_detail(request, assignment_id: int):
    assignment = selectors.assignment_for_student(request.user, assignment_id)
    if assignment is None:
        raise Http404("No such assignment in your classes.")
    now = timezone.now()
    overview = selectors.assignment_overview(request.user, assignment, now)
    if overview.open_attempt is not None and time_is_up(overview.open_attempt, now):
        # The server enforces the time limit; an attempt left open past it closes here.
        attempt_submit(attempt_id=overview.open_attempt.pk, student=request.user, now=now)
        overview = selectors.assignment_overview(request.user, assignment, now)
    return render(
        request, "attempts/assignment_detail.html", {"o": overview, "quiz": overview.quiz}
    )


@login_required
@require_POST
def attempt_start_view(request, assignment_id: int):
    assignment = selectors.assignment_for_student(request.user, assignment_id)
    if assignment is None:
        raise Http404("No such assignment in your classes.")
    try:
        attempt = attempt_start(student=request.user, assignment=assignment)
    except AttemptRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("assignment_detail", assignment_id=assignment.pk)
    return redirect(
        "attempt_question",
        attempt_id=attempt.pk,
        position=selectors.first_unanswered_position(attempt),
    )


# --- one question ---------------------------------------------------------------------------


def _attempt_or_404(request, attempt_id: int) -> Attempt:
    attempt = selectors.attempt_for_student(request.user, attempt_id)
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def _answer_at(answers: list[Answer], position: int) -> Answer:
    for answer in answers:
        if answer.position == position:
            return answer
    raise Http404("This attempt has no such question.")


def _closed_by_time(request, attempt: Attempt, now: datetime):
    attempt_submit(attempt_id=attempt.pk, student=request.user, now=now)
    messages.warning(request, TIME_RAN_OUT.format(when=attempt.deadline_at))
    return redirect("attempt_review", attempt_id=attempt.pk)


@dataclass(frozen=True)
class NavItem:
    position: int
    answered: bool
    current: bool
    checked: bool


def _nav(answers: list[Answer], current: int) -> list[NavItem]:
    return [
        NavItem(
            a.position,
            presentation.is_answered(a.question_version.qtype, a.response),
            a.position == current,
            a.checked_at is not None,
        )
        for a in answers
    ]


def _nav_html(nav: list[NavItem]) -> SafeString:
    """The question buttons, one per question, built here rather than in the template: a
    template loop costs more than the rest of the page on a long quiz, and these hold numbers
    only, so there is nothing to escape."""
    items = []
    for item in nav:
        position = int(item.position)
        answered = " is-answered" if item.answered else ""
        current = ' aria-current="step"' if item.current else ""
        label = (" (this question)" if item.current else "") + (
            ", answered" if item.answered else ", not answered"
        )
        items.append(
            f'<li><button type="submit" name="go" value="q{position}" class="nav-q{answered}"'
            f'{current}>{position}<span class="visually-hidden">{label}</span></button></li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - numbers and fixed text only


@dataclass(frozen=True)
class ReviewedChoiceView:
    html: SafeString
    chosen: bool
    right: bool
    feedback_html: SafeString


@dataclass(frozen=True)
class ReviewedQuestion:
    """One question as a review shows it, holding only what the quiz releases."""

    position: int
    qtype: str
    prompt_html: SafeString
    points: Decimal
    answered: bool
    outcome: str = ""
    outcome_label: str = ""
    earned: Decimal | None = None
    choices: tuple[ReviewedChoiceView, ...] = ()
    given_html: SafeString = mark_safe("")  # noqa: S308 - empty
    right_answer_html: SafeString = mark_safe("")  # noqa: S308 - empty
    feedback_html: tuple[SafeString, ...] = ()
    explanation_html: SafeString = mark_safe("")  # noqa: S308 - empty
    source_html: SafeString = mark_safe("")  # noqa: S308 - empty


def _stored_grade(answer: Answer) -> Grade:
    version = answer.question_version
    try:
        return grade(presentation.to_grading_question(version), answer.response)
    except InvalidResponse:
        return Grade(Decimal(0), Outcome.INCORRECT)


def reviewed_question(
    answer: Answer,
    diagram,
    *,
    responses: bool,
    correct: bool,
    explanation: bool,
    score: bool,
) -> ReviewedQuestion:
    """The released parts of one answer's review; what is not released is never computed in."""
    version = answer.question_version
    answered = presentation.is_answered(version.qtype, answer.response)
    result = _stored_grade(answer)
    reviewed = presentation.review(
        version, answer.option_order, answer.response, result, diagram=diagram
    )
    outcome = result.outcome if answered else Outcome.UNANSWERED
    fraction = answer.fraction if answer.fraction is not None else result.fraction
    choices = tuple(
        ReviewedChoiceView(
            c.html,
            c.chosen and responses,
            c.right and correct,
            c.feedback_html if explanation and responses else mark_safe(""),  # noqa: S308
        )
        for c in reviewed.choices
    )
    return ReviewedQuestion(
        position=answer.position,
        qtype=version.qtype,
        prompt_html=_prompt_html(version),
        points=answer.points,
        answered=answered,
        outcome=str(outcome) if score else "",
        outcome_label=OUTCOME_LABELS[outcome] if score else "",
        earned=(answer.points * fraction).normalize() if score else None,
        choices=choices if (responses or correct) else (),
        given_html=reviewed.given_html if responses else mark_safe(""),  # noqa: S308
        # Choice types mark the right options in the list itself.
        right_answer_html=(
            reviewed.right_answer_html if correct and not reviewed.choices else mark_safe("")  # noqa: S308
        ),
        feedback_html=reviewed.feedback_html if (explanation and responses) else (),
        explanation_html=render_markdown(version.explanation) if explanation else mark_safe(""),  # noqa: S308
        source_html=render_markdown(version.source) if explanation else mark_safe(""),  # noqa: S308
    )


def _prompt_html(version) -> SafeString:
    """The prompt for a review; a cloze prompt shows numbered gaps instead of its inputs."""
    text = version.prompt
    if version.qtype == "cloze":
        text = presentation.BLANK_PATTERN.sub(lambda m: f"(blank {m.group(1)})", text)
    return render_markdown(text)


def _untouched(answer: Answer, response: dict | None) -> dict | None:
    """An ordering left exactly as first shown counts as not answered.

    A no-JavaScript form always sends every rank, so without this, paging past an ordering
    question would answer it with the (always wrong) shuffled order.
    """
    if (
        answer.question_version.qtype == "ordering"
        and answer.response is None
        and response
        and response.get("order") == list(answer.option_order)
    ):
        return None
    return response


def _render_question(
    request,
    attempt: Attempt,
    answers: list[Answer],
    answer: Answer,
    diagrams: dict,
    *,
    response=None,
    use_posted: bool = False,
    error: str = "",
    revision: int | None = None,
    now: datetime | None = None,
):
    now = now or timezone.now()
    quiz = attempt.quiz
    version = answer.question_version
    diagram = diagrams.get(version.config.get("diagram", ""))
    shown_response = response if use_posted else answer.response
    locked = answer.checked_at is not None
    checked = None
    presented = None
    if locked:
        checked = reviewed_question(
            answer, diagram, responses=True, correct=True, explanation=True, score=True
        )
    else:
        presented = presentation.present(
            version, answer.option_order, shown_response, diagram=diagram
        )
    positions = [a.position for a in answers]
    index = positions.index(answer.position)
    context = {
        "attempt": attempt,
        "quiz": quiz,
        "answer": answer,
        "position": answer.position,
        "total": len(answers),
        "presented": presented,
        "checked": checked,
        "locked": locked,
        "immediate": quiz.feedback_timing == FeedbackTiming.IMMEDIATE,
        "nav_html": _nav_html(_nav(answers, answer.position)),
        "previous": positions[index - 1] if index > 0 else None,
        "next": positions[index + 1] if index + 1 < len(positions) else None,
        "revision": attempt.revision if revision is None else revision,
        "shown_at": _now_ms(now),
        "error": error,
        **_timer(attempt, now),
        "rank_numbers": range(1, len(presented.choices) + 1) if presented else range(0),
    }
    return render(request, "attempts/question.html", context)


def _timer(attempt: Attempt, now: datetime) -> dict:
    """What the server-drawn countdown shows; attempt.js only keeps it ticking."""
    if attempt.deadline_at is None:
        return {"deadline": None}
    seconds_left = max(int((attempt.deadline_at - now).total_seconds()), 0)
    return {
        "deadline": attempt.deadline_at,
        "seconds_left": seconds_left,
        "minutes_left": math.ceil(seconds_left / 60),
    }


def _target(go: str, answer: Answer, answers: list[Answer]) -> str:
    positions = [a.position for a in answers]
    index = positions.index(answer.position)
    attempt_id = answer.attempt_id
    if go == GO_FINISH:
        return reverse("attempt_finish", args=[attempt_id])
    if go == GO_PREVIOUS and index > 0:
        position = positions[index - 1]
    elif go == GO_NEXT and index + 1 < len(positions):
        position = positions[index + 1]
    elif go.startswith("q") and _int(go[1:]) in positions:
        position = _int(go[1:])
    else:
        position = answer.position
    return reverse("attempt_question", args=[attempt_id, position])


@login_required
@require_http_methods(["GET", "POST"])
def attempt_question(request, attempt_id: int, position: int):
    found = selectors.attempt_with_answers(request.user, attempt_id)
    if found is None:
        raise Http404("No such attempt.")
    attempt, answers = found
    answer = _answer_at(answers, position)
    if attempt.state != AttemptState.IN_PROGRESS:
        if request.method == "POST":
            messages.info(request, ATTEMPT_CLOSED)
        return redirect("attempt_review", attempt_id=attempt.pk)
    now = timezone.now()
    if time_is_up(attempt, now):
        return _closed_by_time(request, attempt, now)
    diagrams = selectors.diagrams_for([answer])
    if request.method == "GET":
        return _render_question(request, attempt, answers, answer, diagrams, now=now)

    go = str(request.POST.get("go") or GO_NEXT)[:12]
    if answer.checked_at is not None:
        # A checked answer is locked: the form carries no answer, only where to go next.
        return _go(request, attempt, go, answer, answers, now)

    def again(error: str, *, response=None, use_posted=False, revision=None):
        return _render_question(
            request,
            attempt,
            answers,
            answer,
            diagrams,
            response=response,
            use_posted=use_posted,
            error=error,
            revision=revision,
            now=now,
        )

    version = answer.question_version
    try:
        response = presentation.response_from_form(version, answer.option_order, request.POST)
    except InvalidResponse as invalid:
        return again(NOT_SAVED.format(reason=invalid))
    response = _untouched(answer, response)
    revision = _int(request.POST.get("revision"))
    if revision is None:
        return again(BAD_FORM, response=response, use_posted=True)
    try:
        result = answer_save(
            attempt_id=attempt.pk,
            student=request.user,
            position=answer.position,
            response=response,
            revision=revision,
            spent_ms=spent_ms(request.POST.get("shown_at"), answer, attempt.started_at, now),
            check=go == GO_CHECK,
            now=now,
            read=answer,
        )
    except (InvalidResponse, AttemptRefused) as refusal:
        return again(
            NOT_SAVED.format(reason=str(refusal).rstrip(".")), response=response, use_posted=True
        )
    if result.status == SaveStatus.SAVED:
        return _go(request, result.attempt, go, answer, answers, now)
    if result.status in (SaveStatus.CLOSED, SaveStatus.TIME_UP):
        messages.warning(request, result.message)
        return redirect("attempt_review", attempt_id=attempt.pk)
    if result.status == SaveStatus.LOCKED:
        answer.refresh_from_db()
        return again(result.message)
    # STALE: keep what the student just gave on the page, with the revision that now holds.
    return again(
        result.message, response=response, use_posted=True, revision=result.attempt.revision
    )


def _go(request, attempt: Attempt, go: str, answer: Answer, answers: list[Answer], now):
    if go == GO_SUBMIT:
        attempt_submit(attempt_id=attempt.pk, student=request.user, now=now)
        return redirect("attempt_review", attempt_id=attempt.pk)
    return redirect(_target(go, answer, answers))


@login_required
@require_POST
def attempt_autosave(request, attempt_id: int, position: int):
    """JSON for attempt.js: {status, revision, message, answered}. Never checks an answer."""
    answer = selectors.answer_for_student(request.user, attempt_id, position)
    if answer is None:
        raise Http404("No such attempt, or no such question in it.")
    attempt = answer.attempt

    def reply(status: str, message: str = "", revision: int | None = None, answered=False):
        return JsonResponse(
            {
                "status": status,
                "revision": attempt.revision if revision is None else revision,
                "message": message,
                "answered": answered,
            }
        )

    if attempt.state != AttemptState.IN_PROGRESS:
        return reply(SaveStatus.CLOSED, ATTEMPT_CLOSED)
    version = answer.question_version
    try:
        response = presentation.response_from_form(version, answer.option_order, request.POST)
    except InvalidResponse as invalid:
        return reply("invalid", NOT_SAVED.format(reason=invalid))
    response = _untouched(answer, response)
    revision = _int(request.POST.get("revision"))
    if revision is None:
        return reply("invalid", BAD_FORM)
    now = timezone.now()
    try:
        result = answer_save(
            attempt_id=attempt.pk,
            student=request.user,
            position=answer.position,
            response=response,
            revision=revision,
            spent_ms=spent_ms(request.POST.get("shown_at"), answer, attempt.started_at, now),
            now=now,
            read=answer,
        )
    except (InvalidResponse, AttemptRefused) as refusal:
        return reply("invalid", NOT_SAVED.format(reason=str(refusal).rstrip(".")))
    return reply(
        result.status,
        result.message,
        result.attempt.revision,
        answered=presentation.is_answered(version.qtype, response),
    )


# --- finishing and the review ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attempt_finish(request, attempt_id: int):
    attempt = _attempt_or_404(request, attempt_id)
    if request.method == "POST":
        # Submitting twice (a double click, a second tab) returns the same closed attempt.
        was_open = attempt.state == AttemptState.IN_PROGRESS
        attempt = attempt_submit(attempt_id=attempt.pk, student=request.user)
        if was_open and attempt.state == AttemptState.SUBMITTED:
            messages.success(request, SUBMITTED)
        elif was_open and attempt.state == AttemptState.OVERDUE:
            messages.warning(request, TIME_RAN_OUT.format(when=attempt.deadline_at))
        return redirect("attempt_review", attempt_id=attempt.pk)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("attempt_review", attempt_id=attempt.pk)
    now = timezone.now()
    if time_is_up(attempt, now):
        return _closed_by_time(request, attempt, now)
    nav = _nav(selectors.attempt_answers(attempt), current=0)
    return render(
        request,
        "attempts/finish.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "answered": [n for n in nav if n.answered],
            "unanswered": [n for n in nav if not n.answered],
            "total": len(nav),
            **_timer(attempt, now),
        },
    )


@login_required
def attempt_review(request, attempt_id: int):
    attempt = _attempt_or_404(request, attempt_id)
    now = timezone.now()
    if attempt.state == AttemptState.IN_PROGRESS:
        if time_is_up(attempt, now):
            return _closed_by_time(request, attempt, now)
        messages.info(request, FINISH_FIRST)
        return redirect("attempt_finish", attempt_id=attempt.pk)
    quiz = attempt.quiz
    answers = selectors.attempt_answers(attempt)
    diagrams = selectors.load_question(answers)
    items = [
        reviewed_question(
            answer,
            diagrams.get(answer.question_version.config.get("diagram", "")),
            responses=quiz.review_shows_responses,
            correct=quiz.review_shows_correct,
            explanation=quiz.review_shows_explanation,
            score=quiz.review_shows_score,
        )
        for answer in answers
    ]
    return render(
        request,
        "attempts/review.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "items": items,
            "time_taken": selectors.time_taken(attempt),
            "passed": selectors.passed(quiz, attempt.fraction),
            "answered_count": sum(1 for item in items if item.answered),
        },
    )
