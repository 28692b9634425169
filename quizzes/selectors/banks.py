"""Which banks a person can see, and how big they are."""

from django.db.models import Count, Q, QuerySet

from quizzes.models import QuestionBank, User
from quizzes.models.banks import Visibility


def banks_visible_to(user: User) -> QuerySet[QuestionBank]:
    """Banks an instructor may read: their own, shared with them, and public ones."""
    if not user.is_authenticated or not user.is_instructor:
        return QuestionBank.objects.none()
    return QuestionBank.objects.filter(
        Q(owner=user) | Q(visibility=Visibility.PUBLIC) | Q(shared_with=user)
    ).distinct()


def banks_with_counts(banks: QuerySet[QuestionBank]) -> QuerySet[QuestionBank]:
    """Adds `question_count`: questions in use (not archived)."""
    return banks.annotate(
        question_count=Count("questions", filter=Q(questions__archived_at__isnull=True))
    ).order_by("title")
