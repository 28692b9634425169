"""Imports started from the browser."""

from collections.abc import Sequence

from django.db import transaction

from quizzes.interchange.drafts import QuestionDraft
from quizzes.models import QuestionBank, User
from quizzes.services.banks import ImportReport, questions_import


@transaction.atomic
def bank_file_import(
    *, bank: QuestionBank, drafts: Sequence[QuestionDraft], actor: User
) -> ImportReport:
    """Import drafts into the bank, one import at a time per bank.

    Two confirmations of the same upload (a double click, two tabs) must not both create the
    new questions: the second waits for the first here, then finds every question unchanged.
    """
    QuestionBank.objects.select_for_update().filter(pk=bank.pk).first()
    return questions_import(bank=bank, drafts=drafts, actor=actor)
