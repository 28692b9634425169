"""The class the load benchmark (bench/load.py) runs against, on top of the bundled banks.

    from bench.load_data import build_class
    scenario = build_class(students=200)

One instructor and `students` students in a new class that is assigned every bundled quiz (as
the demo class is). Every student has a card on every question of the class deck, in the review
phase with a few logged reviews, a share of them due now, and one submitted attempt at the mixed
quiz, made through the attempt services, so that the study page has a queue and the class
reports have work to aggregate. Every account has the password BENCH_PASSWORD (hashed once: the
hash carries its own salt, so all accounts can share it and still log in).
"""

import math
import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from quizzes.models import (
    Assignment,
    CardState,
    Classroom,
    Enrollment,
    Quiz,
    ReviewLog,
    User,
)
from quizzes.models.accounts import Role
from quizzes.services.attempts import answer_save, attempt_start, attempt_submit
from quizzes.services.classes import classroom_create

BENCH_PASSWORD = "bench-load-pass"
INSTRUCTOR = "bench-instructor"
STUDENT = "bench-s{:04d}"
CLASS_NAME = "Load benchmark class"
# The quiz every simulated student takes: unlimited attempts, no time limit, mixed types.
FLOW_QUIZ = "myth-buster"
DUE_SHARE = 0.4
REVIEWS_PER_CARD = 3


@dataclass(frozen=True)
class Scenario:
    classroom: Classroom
    instructor: User
    students: list[User]
    flow_assignment: Assignment
    cards: int
    reviews: int
    attempts: int


def build_class(*, students: int, seed: int = 2026) -> Scenario:
    from quizzes.selectors.study import class_deck

    rng = random.Random(seed)
    now = timezone.now()
    password = make_password(BENCH_PASSWORD)
    with transaction.atomic():
        instructor = User.objects.create(
            username=INSTRUCTOR, role=Role.INSTRUCTOR, display_name="Bench Instructor"
        )
        User.objects.filter(pk=instructor.pk).update(password=password)
        classroom = classroom_create(name=CLASS_NAME, instructor=instructor)
        quizzes = Quiz.objects.filter(owner=None).order_by("title")
        for offset, quiz in enumerate(quizzes, start=1):
            Assignment.objects.create(
                quiz=quiz,
                classroom=classroom,
                opens_at=now,
                due_at=now + timedelta(days=7 * offset),
            )
        made = User.objects.bulk_create(
            User(
                username=STUDENT.format(n),
                role=Role.STUDENT,
                display_name=f"Bench Student {n}",
                password=password,
            )
            for n in range(1, students + 1)
        )
        Enrollment.objects.bulk_create(Enrollment(classroom=classroom, student=u) for u in made)
    deck = list(class_deck(classroom).values_list("pk", "current_version_id"))
    cards = reviews = 0
    for start in range(0, len(made), 50):
        with transaction.atomic():
            batch = CardState.objects.bulk_create(
                _card(student, question_id, now, rng)
                for student in made[start : start + 50]
                for question_id, _ in deck
            )
            versions = dict(deck)
            ReviewLog.objects.bulk_create(
                ReviewLog(
                    card=card,
                    question_version_id=versions[card.question_id],
                    rating=1 if rng.random() < 1 / 8 else 3,
                    source="flashcard",
                    reviewed_at=card.last_review - timedelta(days=4 * k),
                    phase_before="review",
                    stability_after=card.stability,
                    difficulty_after=card.difficulty,
                    due_after=card.due,
                )
                for card in batch
                for k in range(REVIEWS_PER_CARD)
            )
        cards += len(batch)
        reviews += len(batch) * REVIEWS_PER_CARD
    flow = Assignment.objects.get(classroom=classroom, quiz__slug=FLOW_QUIZ)
    for student in made:
        _past_attempt(student, flow, rng)
    return Scenario(classroom, instructor, made, flow, cards, reviews, len(made))


def _card(student: User, question_id: int, now, rng: random.Random) -> CardState:
    stability = math.exp(rng.gauss(math.log(10), 0.8))
    if rng.random() < DUE_SHARE:
        due = now - timedelta(minutes=rng.randrange(1, 5 * 24 * 60))
    else:
        due = now + timedelta(minutes=rng.randrange(60, 30 * 24 * 60))
    return CardState(
        student=student,
        question_id=question_id,
        phase="review",
        stability=stability,
        difficulty=rng.uniform(3, 8),
        # Reviewed a stability's length before it falls due, and at least a day ago: a review
        # from today would use up the day's allowance.
        last_review=min(due - timedelta(days=stability), now - timedelta(days=1)),
        due=due,
        reps=REVIEWS_PER_CARD,
    )


def _past_attempt(student: User, assignment: Assignment, rng: random.Random) -> None:
    """A submitted attempt with the choice questions answered at random, the rest left blank."""
    attempt = attempt_start(student=student, assignment=assignment, seed=rng.randrange(2**32))
    for answer in attempt.answers.select_related("question_version").order_by("position"):
        if answer.question_version.qtype not in {"single_choice", "true_false"}:
            continue
        attempt = answer_save(
            attempt_id=attempt.pk,
            student=student,
            position=answer.position,
            response={"option": rng.choice(answer.option_order)},
            revision=attempt.revision,
        ).attempt
    attempt_submit(attempt_id=attempt.pk, student=student)
