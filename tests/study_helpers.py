"""Building decks for the study tests: a student in a class with a quiz drawing from a bank."""

from decimal import Decimal

from quizzes.models import Question
from tests.factories import (
    AssignmentFactory,
    EnrollmentFactory,
    OptionFactory,
    QuestionBankFactory,
    QuestionFactory,
    QuestionVersionFactory,
    QuizDrawFactory,
    QuizFactory,
    StudentFactory,
    TagFactory,
)

FRONT = "Which two muscles share the iliopsoas tendon?"
BACK = "Psoas major and iliacus"
EXPLANATION = "Both end on the lesser trochanter by a shared tendon: EXPLANATION-MARK."
SOURCE = "Gray's Anatomy, 42nd ed. SOURCE-MARK"


def flashcard(bank, *, key=None, tags=(), front=FRONT, back=BACK) -> Question:
    question = QuestionFactory(bank=bank, with_version=False, **({"key": key} if key else {}))
    version = QuestionVersionFactory(
        question=question,
        number=1,
        qtype="flashcard",
        prompt=front,
        explanation=EXPLANATION,
        source=SOURCE,
        config={"back": back},
    )
    question.current_version = version
    question.save(update_fields=["current_version"])
    if tags:
        question.tags.add(*(TagFactory(name=t) for t in tags))
    return question


def single_choice(bank, *, key=None, tags=()) -> Question:
    """Right answer "Lesser trochanter" (feedback RIGHT-FEEDBACK), wrong "Greater trochanter"."""
    question = QuestionFactory(bank=bank, with_version=False, **({"key": key} if key else {}))
    version = QuestionVersionFactory(
        question=question, number=1, explanation=EXPLANATION, source=SOURCE
    )
    OptionFactory(
        version=version,
        position=0,
        text="Lesser trochanter",
        fraction=Decimal(1),
        feedback="RIGHT-FEEDBACK",
    )
    OptionFactory(
        version=version,
        position=1,
        text="Greater trochanter",
        fraction=Decimal(0),
        feedback="WRONG-FEEDBACK",
    )
    question.current_version = version
    question.save(update_fields=["current_version"])
    if tags:
        question.tags.add(*(TagFactory(name=t) for t in tags))
    return question


def multiple_response(bank, *, key=None) -> Question:
    """Two right options worth half each; one wrong option worth minus a half."""
    question = QuestionFactory(bank=bank, with_version=False, **({"key": key} if key else {}))
    version = QuestionVersionFactory(
        question=question,
        number=1,
        qtype="multiple_response",
        prompt="Tick the muscles that flex the hip.",
        explanation=EXPLANATION,
        source=SOURCE,
    )
    for position, (text, fraction) in enumerate(
        [("Psoas major", "0.5"), ("Iliacus", "0.5"), ("Gluteus maximus", "-0.5")]
    ):
        OptionFactory(version=version, position=position, text=text, fraction=Decimal(fraction))
    question.current_version = version
    question.save(update_fields=["current_version"])
    return question


def enrolled_student(*, classroom=None, bank=None, **class_fields):
    """A student in a class with a quiz drawing from `bank` assigned: (student, class, bank)."""
    enrollment = EnrollmentFactory(
        student=StudentFactory(),
        **({"classroom": classroom} if classroom else {}),
    )
    classroom = enrollment.classroom
    for field, value in class_fields.items():
        setattr(classroom, field, value)
    if class_fields:
        classroom.save()
    bank = bank or QuestionBankFactory()
    quiz = QuizFactory()
    QuizDrawFactory(quiz=quiz, bank=bank, tag=None, count=5)
    AssignmentFactory(quiz=quiz, classroom=classroom)
    return enrollment.student, classroom, bank
