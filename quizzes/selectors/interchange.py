"""Reads for the import pages: what an import would do to a bank, without writing anything."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from quizzes.interchange.drafts import QuestionDraft
from quizzes.models import Diagram, Question, QuestionBank

NEW, NEW_VERSION, UNCHANGED = "new", "new version", "unchanged"


@dataclass
class ImportPlan:
    """Per key: NEW, NEW_VERSION or UNCHANGED, as `questions_import` would decide it."""

    status: dict[str, str] = field(default_factory=dict)
    archived: set[str] = field(default_factory=set)
    retagged: set[str] = field(default_factory=set)

    def count(self, status: str) -> int:
        return sum(1 for s in self.status.values() if s == status)


def import_plan(bank: QuestionBank, drafts: Sequence[QuestionDraft]) -> ImportPlan:
    """Compare drafts with the bank's current versions by content hash, as the import does.

    Two queries whatever the file's size: the questions with their current hashes, their tags.
    """
    keys = [d.key for d in drafts]
    existing = {
        key: (digest, archived_at is not None, pk)
        for key, digest, archived_at, pk in Question.objects.filter(
            bank=bank, key__in=keys
        ).values_list("key", "current_version__content_hash", "archived_at", "pk")
    }
    tags: dict[int, set[str]] = {pk: set() for _, _, pk in existing.values()}
    if tags:
        through = Question.tags.through
        for question_id, name in through.objects.filter(question_id__in=tags).values_list(
            "question_id", "tag__name"
        ):
            tags[question_id].add(name)
    plan = ImportPlan()
    for draft in drafts:
        if draft.key not in existing:
            plan.status[draft.key] = NEW
            continue
        digest, archived, pk = existing[draft.key]
        if digest is None:
            # A question row without a version (never in a real bank) gets its first one.
            plan.status[draft.key] = NEW
        elif digest == draft.content_hash():
            plan.status[draft.key] = UNCHANGED
        else:
            plan.status[draft.key] = NEW_VERSION
        if archived:
            plan.archived.add(draft.key)
        if plan.status[draft.key] != NEW and tags[pk] != set(draft.tags):
            plan.retagged.add(draft.key)
    return plan


def diagram_regions() -> dict[str, dict[str, str]]:
    """Every diagram's regions, for checking hotspot questions (a site has a handful)."""
    return dict(Diagram.objects.values_list("slug", "regions"))
