"""A bank's questions as drafts, for the exporters (GIFT, CSV, Anki)."""

from django.db.models import Prefetch

from quizzes.interchange.drafts import OptionDraft, QuestionDraft
from quizzes.models import Option, Question, QuestionBank, Tag


def bank_by_slug(slug: str) -> QuestionBank | None:
    return QuestionBank.objects.filter(slug=slug).first()


def bank_drafts(bank: QuestionBank) -> list[QuestionDraft]:
    """The current version of every question in use (not archived), in the order they were added.

    Three queries whatever the bank's size: questions with their versions, options, tags.
    """
    questions = (
        Question.objects.filter(bank=bank, archived_at__isnull=True, current_version__isnull=False)
        .select_related("current_version")
        .prefetch_related(
            Prefetch("current_version__options", queryset=Option.objects.order_by("position")),
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
        )
        .order_by("pk")
    )
    return [_draft(question) for question in questions]


def _draft(question: Question) -> QuestionDraft:
    version = question.current_version
    return QuestionDraft(
        key=question.key,
        qtype=version.qtype,
        prompt=version.prompt,
        explanation=version.explanation,
        source=version.source,
        difficulty=version.difficulty,
        tags=tuple(tag.name for tag in question.tags.all()),
        options=tuple(
            OptionDraft(
                text=option.text,
                fraction=option.fraction,
                feedback=option.feedback,
                is_myth=option.is_myth,
                data=option.data,
            )
            for option in version.options.all()
        ),
        config=version.config,
    )
