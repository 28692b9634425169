"""The study page: one card at a time, flashcards rated by the student, questions graded.

Every step is a plain GET or a POST followed by a redirect, so the page works without
JavaScript; static/js/study.js only adds keyboard shortcuts. Nothing that gives an answer away
(the back of a flashcard, right answers, feedback, the explanation or the source) is in the page
before the student has answered or asked to see the answer.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods

from quizzes import presentation, scheduling, studying
from quizzes.grading import Grade, InvalidResponse, Outcome, grade
from quizzes.models import CardState, Question
from quizzes.rendering import render_markdown
from quizzes.selectors.study import (
    student_leeches,
    study_card,
    study_today,
)
from quizzes.services.memory import (
    CARD_CHANGED,
    MAX_DURATION_MS,
    StudyRefused,
    card_leech_reset,
    flashcard_review,
    memory_of,
    policy_for_classes,
    study_answer,
    study_option_order,
)
from quizzes.services.memory import card_key as memory_card_key

BAD_FORM = "This page was incomplete or out of date, so nothing was saved. Here is your card again."
RATED = "Rated {rating}: you will see this card again in {interval}."
LEECH_RESET = "The card is back in your queue as a new card."
FEEDBACK_KEY = "study_feedback"
RATING_LABELS = {
    scheduling.Rating.AGAIN: "Again",
    scheduling.Rating.HARD: "Hard",
    scheduling.Rating.GOOD: "Good",
    scheduling.Rating.EASY: "Easy",
}
OUTCOME_LABELS = {
    Outcome.CORRECT: "Correct",
    Outcome.PARTIAL: "Partly correct",
    Outcome.INCORRECT: "Incorrect",
    Outcome.UNANSWERED: "Not answered",
}


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _now_ms(now: datetime) -> int:
    return int(now.timestamp() * 1000)


def _duration_ms(shown_at, now: datetime) -> int:
    """Time since the card was drawn; the page carries the server's own clock reading."""
    shown = _int(shown_at)
    if shown is None:
        return 0
    return min(max(_now_ms(now) - shown, 0), MAX_DURATION_MS)


@dataclass(frozen=True)
class RatingButton:
    value: int
    label: str
    interval: str


@dataclass(frozen=True)
class ReviewedCard:
    """What `attempts/_reviewed.html` reads, for a card answered on the study page."""

    qtype: str
    prompt_html: SafeString
    answered: bool
    outcome: str
    outcome_label: str
    choices: tuple = ()
    given_html: SafeString = mark_safe("")  # noqa: S308 - empty
    right_answer_html: SafeString = mark_safe("")  # noqa: S308 - empty
    feedback_html: tuple[SafeString, ...] = ()
    explanation_html: SafeString = mark_safe("")  # noqa: S308 - empty
    source_html: SafeString = mark_safe("")  # noqa: S308 - empty
    earned: None = None


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _progress(today) -> dict:
    return {
        "new_done": today.used.new,
        "new_limit": today.limits.new_per_day,
        "reviews_done": today.used.reviews,
        "left": today.queue.left,
    }


@login_required
@require_http_methods(["GET", "POST"])
def study(request):
    if request.user.is_instructor:
        return render(request, "study/study.html", {"state": "instructor"})
    if request.method == "POST":
        return _post(request)
    now = timezone.now()
    student = request.user
    today = study_today(student, now)
    context = {
        "progress": _progress(today),
        "leeches": list(student_leeches(student)),
        "join_url": _url_or_none("class_join"),
    }
    if not today.classes:
        return render(request, "study/study.html", {**context, "state": "no_class"})
    if request.GET.get("feedback"):
        feedback = _feedback_context(request, student, today.deck)
        if feedback:
            return render(request, "study/study.html", {**context, **feedback})
    head = today.queue.head
    if head is None:
        return render(
            request, "study/study.html", {**context, **_empty_context(student, now, today)}
        )
    try:
        version, diagram = study_card(student, head, today.deck)
    except Question.DoesNotExist as missing:  # archived between the two queries
        raise Http404 from missing
    reps = today.reps_of(head)
    shown_at = _int(request.GET.get("shown_at")) or _now_ms(now)
    card_context = {
        "state": "card",
        "version": version,
        "question_id": head,
        "reps": reps,
        "shown_at": shown_at,
        "is_new": head not in today.cards,
    }
    if version.qtype == "flashcard":
        revealed = _int(request.GET.get("reveal")) == head
        card_context.update(
            front_html=render_markdown(version.prompt),
            revealed=revealed,
        )
        if revealed:
            card = today.cards.get(head)
            memory = memory_of(card) if card else scheduling.Memory(reps=reps)
            policy = policy_for_classes(
                classrooms=today.classes, now=now, own_exam_date=student.exam_date
            )
            intervals = scheduling.preview(
                memory,
                now,
                policy=policy,
                card_key=memory_card_key(student_id=student.pk, question_id=head),
            )
            card_context.update(
                back_html=presentation.right_answer_html(version),
                explanation_html=render_markdown(version.explanation),
                source_html=render_markdown(version.source),
                ratings=[
                    RatingButton(int(r), RATING_LABELS[r], studying.interval_label(intervals[r]))
                    for r in scheduling.Rating
                ],
            )
        return render(request, "study/study.html", {**context, **card_context})
    order = study_option_order(version, student_id=student.pk, reps=reps)
    presented = presentation.present(version, order, None, diagram=diagram)
    card_context.update(
        presented=presented,
        rank_numbers=range(1, len(presented.choices) + 1),
    )
    return render(request, "study/study.html", {**context, **card_context})


def _empty_context(student, now: datetime, today) -> dict:
    if not today.deck:
        return {"state": "no_deck"}
    candidates = [today.next_card_at(now)]
    if today.queue.new_held_back or today.queue.reviews_held_back:
        candidates.append(studying.day_bounds(now)[1])
    upcoming = min((c for c in candidates if c is not None), default=None)
    return {
        "state": "empty",
        "next_label": studying.next_due_label(now, upcoming) if upcoming else "",
        "next_at": upcoming,
    }


def _post(request):
    action = request.POST.get("action")
    if action == "reset":
        return _reset(request)
    question_id = _int(request.POST.get("question_id"))
    reps = _int(request.POST.get("reps"))
    version_id = _int(request.POST.get("version"))
    if (
        question_id is None
        or reps is None
        or version_id is None
        or action not in {"rate", "answer"}
    ):
        messages.error(request, BAD_FORM)
        return redirect("study")
    now = timezone.now()
    duration = _duration_ms(request.POST.get("shown_at"), now)
    try:
        if action == "rate":
            result = flashcard_review(
                student=request.user,
                question_id=question_id,
                rating=request.POST.get("rating"),
                duration_ms=duration,
                reps=reps,
                version_id=version_id,
                now=now,
            )
            messages.success(
                request,
                RATED.format(
                    rating=RATING_LABELS[result.rating],
                    interval=studying.interval_label(result.interval),
                ),
            )
            return redirect("study")
        return _answer(request, question_id, reps, version_id, duration, now)
    except Question.DoesNotExist as missing:
        raise Http404 from missing
    except StudyRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("study")


def _answer(request, question_id: int, reps: int, version_id: int, duration: int, now):
    student = request.user
    version, _ = study_card(student, question_id)
    if version.pk != version_id:
        raise StudyRefused(CARD_CHANGED)
    order = study_option_order(version, student_id=student.pk, reps=reps)
    try:
        response = presentation.response_from_form(version, order, request.POST)
    except InvalidResponse as error:
        raise StudyRefused(f"{str(error)[:1].upper()}{str(error)[1:]}.") from None
    result = study_answer(
        student=student,
        question_id=question_id,
        response=response,
        duration_ms=duration,
        reps=reps,
        version_id=version_id,
        now=now,
    )
    request.session[FEEDBACK_KEY] = {
        "question_id": question_id,
        "version_id": version.pk,
        "order": order,
        "response": response,
        "rating": int(result.rating),
        "interval_s": result.interval.total_seconds(),
    }
    return redirect(f"{reverse('study')}?feedback=1")


def _feedback_context(request, student, deck: frozenset[int]) -> dict | None:
    """The last answer's review, kept in the session so that reloading the page shows it again."""
    stored = request.session.get(FEEDBACK_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        version, diagram = study_card(student, int(stored["question_id"]), deck)
        if version.pk != stored["version_id"]:
            return None
        order, response = stored["order"], stored["response"]
        result: Grade = grade(presentation.to_grading_question(version), response)
        rating = scheduling.Rating(stored["rating"])
        interval = timedelta(seconds=float(stored["interval_s"]))
    except (Question.DoesNotExist, KeyError, TypeError, ValueError, InvalidResponse):
        return None
    reviewed = presentation.review(version, order, response, result, diagram=diagram)
    item = ReviewedCard(
        qtype=version.qtype,
        prompt_html=render_markdown(version.prompt),
        answered=True,
        outcome=str(result.outcome),
        outcome_label=OUTCOME_LABELS[result.outcome],
        choices=reviewed.choices,
        given_html=reviewed.given_html,
        # Choice types mark the right options in the list itself.
        right_answer_html=reviewed.right_answer_html if not reviewed.choices else mark_safe(""),  # noqa: S308
        feedback_html=reviewed.feedback_html,
        explanation_html=render_markdown(version.explanation),
        source_html=render_markdown(version.source),
    )
    return {
        "state": "answered",
        "item": item,
        "rating_label": RATING_LABELS[rating],
        "interval_label": studying.interval_label(interval),
    }


def _reset(request):
    card_id = _int(request.POST.get("card_id"))
    if card_id is None:
        messages.error(request, BAD_FORM)
        return redirect("study")
    try:
        card_leech_reset(student=request.user, card_id=card_id)
    except CardState.DoesNotExist as missing:
        raise Http404 from missing
    messages.success(request, LEECH_RESET)
    return redirect("study")
