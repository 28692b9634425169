"""Reads for the REST API, each scoped to the caller like the page that shows the same thing.

Lists return QuerySets (paginated by the view) whose related rows are joined or prefetched, so
the number of queries a page of results costs does not grow with its length.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from quizzes.models import (
    Assignment,
    Attempt,
    Classroom,
    Enrollment,
    Option,
    Question,
    QuestionBank,
    QuestionVersion,
    Quiz,
    Tag,
    User,
)
from quizzes.selectors.authoring import banks_readable_by
from quizzes.selectors.classes import class_list, classes_for_teacher
from quizzes.selectors.home import classes_joined


def api_banks(user: User) -> QuerySet[QuestionBank]:
    """Banks the user may read (as on the bank list), with `question_count` and the owner."""
    return (
        banks_readable_by(user)
        .select_related("owner")
        .annotate(
            question_count=Count(
                "questions", filter=Q(questions__archived_at__isnull=True), distinct=True
            )
        )
        .order_by("title", "pk")
    )


@dataclass(frozen=True)
class QuestionFilters:
    bank: int | None = None
    qtype: str = ""
    tag: str = ""
    # "active" (the default), "archived" or "all".
    archived: str = "active"


def api_questions(user: User, filters: QuestionFilters = QuestionFilters()) -> QuerySet[Question]:
    """Questions of the banks the user may read, with bank, current version and tags loaded."""
    questions = (
        Question.objects.filter(bank__in=banks_readable_by(user).values("pk"))
        .select_related("bank", "current_version")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .order_by("bank__title", "key", "pk")
    )
    if filters.bank is not None:
        questions = questions.filter(bank_id=filters.bank)
    if filters.qtype:
        questions = questions.filter(current_version__qtype=filters.qtype)
    if filters.tag:
        questions = questions.filter(tags__name=filters.tag)
    if filters.archived == "active":
        questions = questions.filter(archived_at__isnull=True)
    elif filters.archived == "archived":
        questions = questions.filter(archived_at__isnull=False)
    return questions


def api_question_versions(question: Question) -> QuerySet[QuestionVersion]:
    """Every version of the question, oldest first, options loaded in their order."""
    return (
        QuestionVersion.objects.filter(question=question)
        .select_related("created_by")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position")))
        .order_by("number")
    )


def api_quizzes(user: User) -> QuerySet[Quiz]:
    """Instructors: quizzes they may assign (bundled and their own) and those assigned to the
    classes they run; staff: every quiz. Students: quizzes assigned to their classes."""
    if user.is_instructor:
        if user.is_staff:
            quizzes = Quiz.objects.all()
        else:
            quizzes = Quiz.objects.filter(
                Q(owner__isnull=True)
                | Q(owner=user)
                | Q(pk__in=Assignment.objects.filter(classroom__instructors=user).values("quiz"))
            )
    else:
        quizzes = Quiz.objects.filter(
            pk__in=Assignment.objects.filter(classroom__enrollments__student=user).values("quiz")
        )
    return quizzes.order_by("title", "pk")


def api_classes_taught(user: User) -> QuerySet[Classroom]:
    """The class list of the teaching pages, with `student_count` and `assignment_count`."""
    return class_list(user)


def api_classes_joined(student: User) -> QuerySet[Classroom]:
    return classes_joined(student).order_by("name", "pk")


def api_class_for_teacher(user: User, classroom_id: int) -> Classroom | None:
    return classes_for_teacher(user).filter(pk=classroom_id).first()


def api_enrollments(classroom: Classroom) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(classroom=classroom)
        .select_related("student")
        .order_by("student__display_name", "student__username", "pk")
    )


def api_teacher_assignments(user: User, classroom_id: int | None = None) -> QuerySet[Assignment]:
    """Assignments of the classes the instructor runs, with `attempt_count` and
    `extension_count`, soonest due first."""
    assignments = (
        Assignment.objects.filter(classroom__in=classes_for_teacher(user).values("pk"))
        .select_related("quiz", "classroom")
        .annotate(
            attempt_count=Count("attempts", distinct=True),
            extension_count=Count("extensions", distinct=True),
        )
        .order_by("due_at", "quiz__title", "pk")
    )
    if classroom_id is not None:
        assignments = assignments.filter(classroom_id=classroom_id)
    return assignments


def api_student_attempts(student: User, assignment_id: int | None = None) -> QuerySet[Attempt]:
    """The student's own attempts, newest first, with their quiz."""
    attempts = (
        Attempt.objects.filter(student=student)
        .select_related("quiz")
        .order_by("-started_at", "-pk")
    )
    if assignment_id is not None:
        attempts = attempts.filter(assignment_id=assignment_id)
    return attempts


def api_class_quiz(user: User, classroom_id: int, quiz_id: int) -> tuple[Classroom, Quiz] | None:
    """The class (if the user runs it) and the quiz (if assigned to it), for the quiz report."""
    classroom = api_class_for_teacher(user, classroom_id)
    if classroom is None:
        return None
    quiz = Quiz.objects.filter(pk=quiz_id, assignments__classroom=classroom).first()
    if quiz is None:
        return None
    return classroom, quiz
