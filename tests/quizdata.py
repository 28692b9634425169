"""Real questions for page tests: the bundled banks, loaded the way `load_banks` loads them.

Test questions then look exactly like imported ones (options' `data`, configs, diagrams), with
real psoas content. Loading every bank takes about a second; tests that only need a few plain
single-choice questions use tests.factories instead.
"""

from io import StringIO

from django.core.management import call_command

from quizzes.models import Assignment, Enrollment, Question, Quiz, QuizItem, User
from tests import factories as f

# Every type a quiz can hold; flashcards are for study and never drawn into quizzes.
AUTO_GRADED = (
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
    "cloze",
    "hotspot",
)


def load_bundled() -> None:
    call_command("load_banks", stdout=StringIO())


def bundled_questions(qtype: str, count: int) -> list[Question]:
    """`count` bundled questions of one type (load_bundled first), latest loaded first."""
    questions = list(
        Question.objects.filter(current_version__qtype=qtype)
        .select_related("current_version")
        .order_by("-pk")[:count]
    )
    assert len(questions) == count, f"the bundled banks have fewer than {count} {qtype} questions"
    return questions


def one_of_each_type() -> list[Question]:
    """One bundled question of each auto-graded type, in AUTO_GRADED order."""
    return [bundled_questions(qtype, 1)[0] for qtype in AUTO_GRADED]


def quiz_of(questions: list[Question], **fields) -> Quiz:
    """A quiz holding exactly these questions, in this order unless it says to shuffle."""
    fields.setdefault("shuffle_questions", False)
    quiz = f.QuizFactory(**fields)
    QuizItem.objects.bulk_create(
        QuizItem(quiz=quiz, question=q, position=n) for n, q in enumerate(questions, 1)
    )
    return quiz


def assigned(quiz: Quiz, student: User | None = None, **assignment_fields) -> Assignment:
    """The quiz assigned to a class the student (a new one unless given) is enrolled in."""
    enrollment = f.EnrollmentFactory(**({"student": student} if student else {}))
    return f.AssignmentFactory(quiz=quiz, classroom=enrollment.classroom, **assignment_fields)


def student_of(assignment: Assignment) -> User:
    return Enrollment.objects.filter(classroom=assignment.classroom).first().student
