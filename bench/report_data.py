"""Synthetic classes for report benchmarks: students, a quiz, graded attempts and chosen options.

    from bench.report_data import build_class
    scenario = build_class(students=1000, attempts_per_student=10)

Everything is written with `bulk_create` in chunks of students, so memory stays flat however
large the class. Marks follow a three-parameter IRT model, so items have realistic, varied
difficulties and discriminations and the report has something to find:

    P(right | θ) = c + (1 − c) / (1 + exp(−1.7 · a · (θ − b)))

with ability θ ~ N(0, 1) per student (plus LEARNING per later attempt), difficulty b ~ N(0, 1),
discrimination a ~ LogNormal(0, 0.3) and guessing c = 1/4 (four options). One question in
QUESTIONS_REVERSED is keyed backwards (strong students "fail" it), as a badly keyed item would.
A wrong answer picks one of the three distractors; the myth option draws twice as often.
"""

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import transaction

from quizzes.models import (
    Answer,
    AnswerChoice,
    Assignment,
    Attempt,
    Classroom,
    Enrollment,
    Option,
    Question,
    QuestionBank,
    QuestionVersion,
    Quiz,
    QuizItem,
    User,
)
from quizzes.models.accounts import Role
from quizzes.models.attempts import AttemptState

OPTIONS = 4
GUESSING = 1 / OPTIONS
LEARNING = 0.25  # ability gained per attempt after the first
QUESTIONS_REVERSED = 1
MYTH_POSITION = 1
STARTED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
UNUSABLE_PASSWORD = "!bench"  # no hashing: these accounts never log in


@dataclass(frozen=True)
class Scenario:
    quiz: Quiz
    classroom: Classroom
    students: int
    attempts: int
    answers: int


@dataclass(frozen=True)
class _Item:
    version_id: int
    option_ids: tuple[int, ...]  # by position; position 0 is right
    a: float
    b: float
    reversed: bool


def build_class(
    *,
    students: int,
    questions: int = 20,
    attempts_per_student: int = 1,
    grading_method: str = "average",
    seed: int = 2026,
    chunk: int = 5000,
    label: str | None = None,
) -> Scenario:
    """Insert one class: its quiz, students, one assignment, and graded attempts for everyone."""
    rng = random.Random(seed)
    label = label or f"bench-{seed}-{students}x{attempts_per_student}"
    with transaction.atomic():
        instructor = User.objects.create(
            username=f"{label}-teacher", role=Role.INSTRUCTOR, password=UNUSABLE_PASSWORD
        )
        quiz = Quiz.objects.create(
            slug=label, title=f"Benchmark {label}", owner=instructor, grading_method=grading_method
        )
        items = _questions(quiz, instructor, label, questions, rng)
        classroom = Classroom.objects.create(name=f"Benchmark {label}", join_code=label[-16:])
        classroom.instructors.add(instructor)
        assignment = Assignment.objects.create(quiz=quiz, classroom=classroom)
    per_chunk = max(1, chunk // (questions * attempts_per_student))
    done = attempts = answers = 0
    while done < students:
        size = min(per_chunk, students - done)
        with transaction.atomic():
            made = _students(label, done, size, classroom, chunk)
            a, n = _attempts(made, quiz, assignment, items, attempts_per_student, rng, chunk)
        attempts += a
        answers += n
        done += size
    return Scenario(quiz, classroom, students, attempts, answers)


def _questions(quiz, instructor, label, count, rng) -> list[_Item]:
    bank = QuestionBank.objects.create(slug=label, title=f"Benchmark {label}", owner=instructor)
    items = []
    for n in range(count):
        question = Question.objects.create(bank=bank, key=f"q{n:03d}")
        version = QuestionVersion.objects.create(
            question=question,
            number=1,
            qtype="single_choice",
            prompt=f"Benchmark question {n}",
            explanation="Generated.",
            source="bench/report_data.py",
            content_hash=f"{label}-{n}",
        )
        options = Option.objects.bulk_create(
            Option(
                version=version,
                position=p,
                text=f"Option {p}",
                fraction=Decimal(1 if p == 0 else 0),
                is_myth=p == MYTH_POSITION,
            )
            for p in range(OPTIONS)
        )
        question.current_version = version
        question.save(update_fields=["current_version"])
        QuizItem.objects.create(quiz=quiz, question=question, position=n)
        items.append(
            _Item(
                version_id=version.pk,
                option_ids=tuple(o.pk for o in options),
                a=math.exp(rng.gauss(0, 0.3)),
                b=rng.gauss(0, 1),
                reversed=n < QUESTIONS_REVERSED,
            )
        )
    return items


def _students(label, start, size, classroom, chunk) -> list[tuple[User, float]]:
    users = User.objects.bulk_create(
        (
            User(
                username=f"{label}-s{start + i:06d}", role=Role.STUDENT, password=UNUSABLE_PASSWORD
            )
            for i in range(size)
        ),
        batch_size=chunk,
    )
    Enrollment.objects.bulk_create(
        (Enrollment(classroom=classroom, student=u) for u in users), batch_size=chunk
    )
    return users


def _right(item: _Item, theta: float, rng: random.Random) -> bool:
    p = GUESSING + (1 - GUESSING) / (1 + math.exp(-1.7 * item.a * (theta - item.b)))
    hit = rng.random() < p
    return not hit if item.reversed else hit


def _wrong_option(item: _Item, rng: random.Random) -> int:
    # Positions 1..3 are distractors; the myth is picked twice as often as each other one.
    weights = [2 if p == MYTH_POSITION else 1 for p in range(1, OPTIONS)]
    return item.option_ids[rng.choices(range(1, OPTIONS), weights)[0]]


def _attempts(users, quiz, assignment, items, per_student, rng, chunk) -> tuple[int, int]:
    plans = []  # (attempt, [(item, right, option id)])
    for user in users:
        theta = rng.gauss(0, 1)
        for number in range(1, per_student + 1):
            marks = []
            for item in items:
                right = _right(item, theta + LEARNING * (number - 1), rng)
                option = item.option_ids[0] if right else _wrong_option(item, rng)
                marks.append((item, right, option))
            started = STARTED + timedelta(days=number, seconds=rng.randrange(3600))
            earned = Decimal(sum(r for _, r, _ in marks))
            score = earned / len(items)
            attempt = Attempt(
                student=user,
                quiz=quiz,
                assignment=assignment,
                number=number,
                state=AttemptState.SUBMITTED,
                started_at=started,
                submitted_at=started + timedelta(minutes=15),
                fraction=score.quantize(Decimal("0.00001")),
                # As the attempt services store them when they close an attempt (1 point each).
                marks=earned,
                max_marks=Decimal(len(items)),
            )
            plans.append((attempt, marks))
    Attempt.objects.bulk_create((a for a, _ in plans), batch_size=chunk)
    answers = []
    chosen = []
    for attempt, marks in plans:
        for position, (item, right, option) in enumerate(marks, 1):
            answers.append(
                Answer(
                    attempt=attempt,
                    position=position,
                    question_version_id=item.version_id,
                    points=Decimal(1),
                    response={"option": option},
                    fraction=Decimal(1 if right else 0),
                    saved_at=attempt.submitted_at,
                )
            )
            chosen.append(option)
    Answer.objects.bulk_create(answers, batch_size=chunk)
    AnswerChoice.objects.bulk_create(
        # With the copies of the answer's attempt and mark that the attempt services write.
        (
            AnswerChoice(answer=a, option_id=o, attempt=a.attempt, mark=a.points * a.fraction)
            for a, o in zip(answers, chosen, strict=True)
        ),
        batch_size=chunk,
    )
    return len(plans), len(answers)


def add_memory(scenario: Scenario, *, reviews_per_card: int = 5, seed: int = 2026, chunk=5000):
    """Give every student of the class a card on each quiz question, with `reviews_per_card`
    review-log rows each, for the class reports (dashboard, mastery) to read. Returns the number
    of (cards, reviews) written.

    Cards are in the review phase at varied strengths: stability LogNormal(ln 10, 0.8) days, last
    reviewed 0–20 days before `STARTED + 12 days` (the benchmark's "now"), due from 10 days before
    to 20 days after it; one card in 25 is a leech and one review in 8 a lapse.
    """
    from quizzes.models import CardState, ReviewLog

    rng = random.Random(seed)
    now = STARTED + timedelta(days=12)
    question_ids = list(
        QuizItem.objects.filter(quiz=scenario.quiz)
        .order_by("position")
        .values_list("question_id", "question__current_version_id")
    )
    student_ids = list(
        User.objects.filter(enrollments__classroom=scenario.classroom)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    per_chunk = max(1, chunk // max(len(question_ids) * reviews_per_card, 1))
    cards = reviews = 0
    for start in range(0, len(student_ids), per_chunk):
        with transaction.atomic():
            made = CardState.objects.bulk_create(
                (
                    CardState(
                        student_id=student_id,
                        question_id=question_id,
                        phase="review",
                        stability=math.exp(rng.gauss(math.log(10), 0.8)),
                        difficulty=rng.uniform(3, 8),
                        last_review=now - timedelta(hours=rng.randrange(20 * 24)),
                        due=now + timedelta(hours=rng.randrange(-10 * 24, 20 * 24)),
                        reps=reviews_per_card,
                        is_leech=rng.random() < 1 / 25,
                    )
                    for student_id in student_ids[start : start + per_chunk]
                    for question_id, _ in question_ids
                ),
                batch_size=chunk,
            )
            versions = dict(question_ids)
            ReviewLog.objects.bulk_create(
                (
                    ReviewLog(
                        card=card,
                        question_version_id=versions[card.question_id],
                        rating=1 if rng.random() < 1 / 8 else 3,
                        source="flashcard",
                        reviewed_at=card.last_review - timedelta(days=3 * k),
                        phase_before="review",
                        stability_after=card.stability,
                        difficulty_after=card.difficulty,
                        due_after=card.due,
                    )
                    for card in made
                    for k in range(reviews_per_card)
                ),
                batch_size=chunk,
            )
        cards += len(made)
        reviews += len(made) * reviews_per_card
    return cards, reviews
