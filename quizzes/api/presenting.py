"""Questions as the API shows them: the pages' presentation, without the HTML form controls.

Everything here comes from `quizzes.presentation` (what a student may see of a question before
answering: tokens, never option ids, weights or feedback) and from the review page's
`reviewed_question` (what a quiz releases after submission), so the API never shows more than
the pages do.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.safestring import SafeString

from quizzes import presentation, scheduling, studying
from quizzes.grading import Grade
from quizzes.models import Answer, Attempt, User
from quizzes.models.attempts import AttemptState
from quizzes.rendering import render_markdown
from quizzes.selectors import attempts as attempt_selectors
from quizzes.selectors.study import study_card, study_today
from quizzes.services.memory import (
    card_key,
    memory_of,
    policy_for_classes,
    study_option_order,
)
from quizzes.views.attempts import ReviewedQuestion, reviewed_question
from quizzes.views.study import OUTCOME_LABELS as STUDY_OUTCOME_LABELS
from quizzes.views.study import RATING_LABELS, ReviewedCard


@dataclass(frozen=True)
class Blank:
    number: int
    # The words offered for a drop-down blank; empty for a typed one.
    choices: tuple[str, ...]
    value: str


@dataclass(frozen=True)
class ShownQuestion:
    """One question to answer, with the saved answer filled back in."""

    type: str
    prompt_html: SafeString
    answered: bool
    choices: tuple[presentation.Choice, ...] = ()
    rows: tuple[presentation.MatchRow, ...] = ()
    text_value: str = ""
    unit: str = ""
    blanks: tuple[Blank, ...] = ()
    diagram_title: str = ""
    diagram_svg: str = ""
    regions: tuple[presentation.Choice, ...] = ()


@dataclass(frozen=True)
class AttemptQuestion:
    position: int
    points: Decimal
    checked: bool
    question: ShownQuestion
    # Immediate feedback on a checked answer (quizzes that give feedback question by question).
    feedback: ReviewedQuestion | None


def shown_question(version, option_order, response, diagram) -> ShownQuestion:
    presented = presentation.present(version, option_order, response, diagram=diagram)
    prompt_html = presented.prompt_html
    blanks: tuple[Blank, ...] = ()
    if version.qtype == "cloze":
        # The page draws the blanks as form controls inside the prompt; the API lists them.
        text = presentation.BLANK_PATTERN.sub(lambda m: f"(blank {m.group(1)})", version.prompt)
        prompt_html = render_markdown(text)
        blanks = tuple(
            Blank(number, tuple(choices), filled)
            for number, choices, filled in presentation.cloze_blanks(
                version, option_order, response
            )
        )
    return ShownQuestion(
        type=version.qtype,
        prompt_html=prompt_html,
        answered=presented.answered,
        choices=presented.choices,
        rows=presented.rows,
        text_value=presented.text_value,
        unit=presented.unit,
        blanks=blanks,
        diagram_title=presented.diagram_title,
        diagram_svg=str(presented.diagram_svg),
        regions=presented.regions,
    )


def _diagram(diagrams: dict, answer: Answer):
    return diagrams.get(answer.question_version.config.get("diagram", ""))


def _checked_feedback(answer: Answer, diagram) -> ReviewedQuestion:
    # What the question page shows under a checked answer: everything, as on the page.
    return reviewed_question(
        answer, diagram, responses=True, correct=True, explanation=True, score=True
    )


def attempt_questions(attempt: Attempt) -> list[AttemptQuestion]:
    """An open attempt's questions, in order, with what the student saved (three queries)."""
    answers = attempt_selectors.attempt_answers(attempt)
    diagrams = attempt_selectors.load_question(answers)
    return [
        AttemptQuestion(
            position=answer.position,
            points=answer.points,
            checked=answer.checked_at is not None,
            question=shown_question(
                answer.question_version,
                answer.option_order,
                answer.response,
                _diagram(diagrams, answer),
            ),
            feedback=(
                _checked_feedback(answer, _diagram(diagrams, answer))
                if answer.checked_at is not None
                else None
            ),
        )
        for answer in answers
    ]


def attempt_review(attempt: Attempt) -> list[ReviewedQuestion]:
    """A closed attempt's review, holding only what the quiz releases (as the review page)."""
    quiz = attempt.quiz
    answers = attempt_selectors.attempt_answers(attempt)
    diagrams = attempt_selectors.load_question(answers)
    return [
        reviewed_question(
            answer,
            _diagram(diagrams, answer),
            responses=quiz.review_shows_responses,
            correct=quiz.review_shows_correct,
            explanation=quiz.review_shows_explanation,
            score=quiz.review_shows_score,
        )
        for answer in answers
    ]


def answer_feedback(attempt: Attempt, position: int) -> ReviewedQuestion | None:
    """Feedback on one just-checked answer."""
    answer = (
        Answer.objects.filter(attempt=attempt, position=position)
        .select_related("question_version")
        .first()
    )
    if answer is None or answer.checked_at is None:
        return None
    diagrams = attempt_selectors.load_question([answer])
    return _checked_feedback(answer, _diagram(diagrams, answer))


def is_closed(attempt: Attempt) -> bool:
    return attempt.state != AttemptState.IN_PROGRESS


# --- studying -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingChoice:
    rating: int
    label: str
    interval: str


@dataclass(frozen=True)
class StudyCard:
    question_id: int
    version_id: int
    reps: int
    is_new: bool
    question: ShownQuestion
    # A flashcard's back, explanation and source: only once the student asked to reveal it.
    revealed: bool = False
    back_html: str = ""
    explanation_html: str = ""
    source_html: str = ""
    ratings: tuple[RatingChoice, ...] = ()


@dataclass(frozen=True)
class StudyQueue:
    state: str
    progress: dict
    card: StudyCard | None = None
    next_at: datetime | None = None


def study_queue(student: User, now: datetime, *, reveal: int | None = None) -> StudyQueue:
    """The study page's next card, in the API's shape (the same rules as `views.study`)."""
    today = study_today(student, now)
    progress = {
        "new_done": today.used.new,
        "new_limit": today.limits.new_per_day,
        "reviews_done": today.used.reviews,
        "left": today.queue.left,
    }
    if not today.classes:
        return StudyQueue("no_class", progress)
    head = today.queue.head
    if head is None:
        if not today.deck:
            return StudyQueue("no_deck", progress)
        candidates = [today.next_card_at(now)]
        if today.queue.new_held_back or today.queue.reviews_held_back:
            candidates.append(studying.day_bounds(now)[1])
        upcoming = min((c for c in candidates if c is not None), default=None)
        return StudyQueue("empty", progress, next_at=upcoming)
    version, diagram = study_card(student, head, today.deck)
    reps = today.reps_of(head)
    common = {
        "question_id": head,
        "version_id": version.pk,
        "reps": reps,
        "is_new": head not in today.cards,
    }
    if version.qtype != "flashcard":
        order = study_option_order(version, student_id=student.pk, reps=reps)
        shown = shown_question(version, order, None, diagram)
        return StudyQueue("card", progress, StudyCard(**common, question=shown))
    front = ShownQuestion(
        type="flashcard", prompt_html=render_markdown(version.prompt), answered=False
    )
    if reveal != head:
        return StudyQueue("card", progress, StudyCard(**common, question=front))
    card = today.cards.get(head)
    memory = memory_of(card) if card else scheduling.Memory(reps=reps)
    policy = policy_for_classes(classrooms=today.classes, now=now, own_exam_date=student.exam_date)
    intervals = scheduling.preview(
        memory, now, policy=policy, card_key=card_key(student_id=student.pk, question_id=head)
    )
    revealed = StudyCard(
        **common,
        question=front,
        revealed=True,
        back_html=presentation.right_answer_html(version),
        explanation_html=render_markdown(version.explanation),
        source_html=render_markdown(version.source),
        ratings=tuple(
            RatingChoice(int(r), RATING_LABELS[r], studying.interval_label(intervals[r]))
            for r in scheduling.Rating
        ),
    )
    return StudyQueue("card", progress, revealed)


def study_feedback(version, order, response, result: Grade, diagram) -> ReviewedCard:
    """What the study page shows after an answer: everything, since studying hides nothing."""
    reviewed = presentation.review(version, order, response, result, diagram=diagram)
    return ReviewedCard(
        qtype=version.qtype,
        prompt_html=render_markdown(version.prompt),
        answered=True,
        outcome=str(result.outcome),
        outcome_label=STUDY_OUTCOME_LABELS[result.outcome],
        choices=reviewed.choices,
        given_html=reviewed.given_html,
        right_answer_html=reviewed.right_answer_html if not reviewed.choices else "",
        feedback_html=reviewed.feedback_html,
        explanation_html=render_markdown(version.explanation),
        source_html=render_markdown(version.source),
    )
