"""Reads for the LTI pages: quizzes an instructor may link, grade passback status, LMS classes."""

from django.db.models import Q, QuerySet

from quizzes.models import Classroom, GradeSubmission, LtiContext, LtiPlatform, Quiz, User


def quizzes_for_deep_linking(user: User) -> QuerySet[Quiz]:
    """The bundled quizzes (no owner) and the instructor's own, by title."""
    return Quiz.objects.filter(Q(owner__isnull=True) | Q(owner=user)).order_by("title", "pk")


def grade_submissions_for(user: User) -> QuerySet[GradeSubmission]:
    """Grades owed to platforms for the classes `user` teaches (every class for staff)."""
    rows = GradeSubmission.objects.select_related(
        "lti_user__user",
        "link__assignment__quiz",
        "link__assignment__classroom",
        "link__context__deployment__platform",
    ).order_by("status", "-graded_at", "pk")
    if user.is_staff:
        return rows
    return rows.filter(link__assignment__classroom__instructors=user)


def lti_context_for(user: User, classroom_id: int) -> LtiContext | None:
    """The LMS course behind a class the user teaches (staff: any), or None."""
    classrooms = Classroom.objects.all() if user.is_staff else user.teaching_classes.all()
    return (
        LtiContext.objects.select_related("classroom", "deployment__platform")
        .filter(classroom__in=classrooms, classroom_id=classroom_id)
        .first()
    )


def platforms_with_deployments() -> QuerySet[LtiPlatform]:
    return LtiPlatform.objects.prefetch_related("deployments").order_by("name", "pk")
