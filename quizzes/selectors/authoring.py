"""Reads for the authoring pages: who may do what with a bank, the bank page, question history.

Who may do what (also in docs/authoring.md):
- the owner edits the bank's settings and its questions;
- instructors the bank is shared with (named in `shared_with`) edit its questions too, but not
  its settings, so they cannot share it further or make it public;
- every instructor reads public banks, uses them in quizzes and duplicates their questions into a
  bank of their own, but does not edit them;
- bundled banks (no owner) are read-only for everyone but staff, who may edit every bank;
- students and anonymous people never reach these pages.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from quizzes.models import (
    Answer,
    CardState,
    Diagram,
    Option,
    Question,
    QuestionBank,
    QuestionVersion,
    QuizItem,
    ReviewLog,
    Tag,
    User,
)
from quizzes.models.banks import Visibility
from quizzes.selectors.banks import banks_visible_to

ARCHIVED_ACTIVE, ARCHIVED_ONLY, ARCHIVED_ALL = "active", "archived", "all"


def banks_readable_by(user: User) -> QuerySet[QuestionBank]:
    if user.is_authenticated and user.is_staff:
        return QuestionBank.objects.all()
    return banks_visible_to(user)


def bank_list_for(user: User) -> QuerySet[QuestionBank]:
    """Readable banks with `question_count` (in use), `archived_count` and the owner loaded."""
    return (
        banks_readable_by(user)
        .select_related("owner")
        .annotate(
            question_count=Count(
                "questions", filter=Q(questions__archived_at__isnull=True), distinct=True
            ),
            archived_count=Count(
                "questions", filter=Q(questions__archived_at__isnull=False), distinct=True
            ),
        )
        .order_by("title", "pk")
    )


def bank_for_reader(user: User, slug: str) -> QuestionBank | None:
    """The bank if `user` may read it, with `can_edit` and `can_manage` set; None otherwise."""
    bank = banks_readable_by(user).select_related("owner").filter(slug=slug).first()
    if bank is None:
        return None
    bank.can_manage = can_manage_bank(user, bank)
    bank.can_edit = bank.can_manage or _shared_with(user, bank)
    return bank


def can_manage_bank(user: User, bank: QuestionBank) -> bool:
    """Settings and sharing: the owner, and staff."""
    if not (user.is_authenticated and user.is_instructor):
        return False
    return user.is_staff or (bank.owner_id is not None and bank.owner_id == user.pk)


def can_edit_bank(user: User, bank: QuestionBank) -> bool:
    """Questions: the owner, instructors it is shared with, and staff."""
    return can_manage_bank(user, bank) or (
        user.is_authenticated and user.is_instructor and _shared_with(user, bank)
    )


def _shared_with(user: User, bank: QuestionBank) -> bool:
    if bank.owner_id is None or not user.is_authenticated:
        return False
    return bank.shared_with.filter(pk=user.pk).exists()


def banks_editable_by(user: User) -> QuerySet[QuestionBank]:
    """Banks a question may be written into (duplicates land in one of these)."""
    if not (user.is_authenticated and user.is_instructor):
        return QuestionBank.objects.none()
    if user.is_staff:
        return QuestionBank.objects.all()
    return QuestionBank.objects.filter(Q(owner=user) | Q(shared_with=user)).distinct()


@dataclass(frozen=True)
class QuestionFilters:
    search: str = ""
    qtype: str = ""
    tag: str = ""
    difficulty: int | None = None
    myth: bool = False
    archived: str = ARCHIVED_ACTIVE


def bank_questions(bank: QuestionBank, filters: QuestionFilters) -> QuerySet[Question]:
    """The bank's questions for its page: current version and tags loaded, `has_myth` annotated.

    A constant number of queries whatever the page size: one for the rows, one for their tags.
    """
    questions = (
        Question.objects.filter(bank=bank)
        .select_related("current_version")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .annotate(
            has_myth=Exists(
                Option.objects.filter(version_id=OuterRef("current_version_id"), is_myth=True)
            )
        )
        .order_by("key", "pk")
    )
    if filters.archived == ARCHIVED_ACTIVE:
        questions = questions.filter(archived_at__isnull=True)
    elif filters.archived == ARCHIVED_ONLY:
        questions = questions.filter(archived_at__isnull=False)
    if filters.search:
        questions = questions.filter(
            Q(current_version__prompt__icontains=filters.search) | Q(key__icontains=filters.search)
        )
    if filters.qtype:
        questions = questions.filter(current_version__qtype=filters.qtype)
    if filters.tag:
        questions = questions.filter(tags__name=filters.tag)
    if filters.difficulty:
        questions = questions.filter(current_version__difficulty=filters.difficulty)
    if filters.myth:
        questions = questions.filter(has_myth=True)
    return questions


def bank_tag_names(bank: QuestionBank) -> list[str]:
    return list(
        Tag.objects.filter(questions__bank=bank)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )


def question_for_reader(user: User, question_id: int) -> Question | None:
    """The question with its bank (permissions set as in `bank_for_reader`) and current version."""
    question = (
        Question.objects.select_related("bank", "bank__owner", "current_version")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
            Prefetch("current_version__options", queryset=Option.objects.order_by("position")),
        )
        .filter(pk=question_id, bank__in=banks_readable_by(user))
        .first()
    )
    if question is None:
        return None
    bank = question.bank
    bank.can_manage = can_manage_bank(user, bank)
    bank.can_edit = bank.can_manage or _shared_with(user, bank)
    return question


def question_in_use(question: Question) -> bool:
    """Answered, reviewed, studied or put in a quiz: such a question is archived, not deleted."""
    versions = QuestionVersion.objects.filter(question=question)
    return (
        Answer.objects.filter(question_version__in=versions).exists()
        or ReviewLog.objects.filter(question_version__in=versions).exists()
        or CardState.objects.filter(question=question).exists()
        or QuizItem.objects.filter(question=question).exists()
    )


def question_versions(question: Question) -> list[QuestionVersion]:
    """Every version, newest first, with options and authors, in two queries."""
    return list(
        QuestionVersion.objects.filter(question=question)
        .select_related("created_by")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position")))
        .order_by("-number")
    )


def diagram_regions() -> dict[str, dict[str, str]]:
    """Every diagram's regions by slug, what validate_question checks hotspot answers against."""
    return {slug: dict(regions) for slug, regions in Diagram.objects.values_list("slug", "regions")}


def diagrams_by_slug(slugs: Sequence[str]) -> dict[str, Diagram]:
    return {d.slug: d for d in Diagram.objects.filter(slug__in=[s for s in slugs if s])}


def instructors_named(usernames: Sequence[str]) -> dict[str, User]:
    return {
        u.username: u
        for u in User.objects.filter(
            Q(role="instructor") | Q(is_staff=True),
            username__in=list(usernames),
        )
    }


def visibility_label(bank: QuestionBank) -> str:
    if bank.owner_id is None:
        return "Bundled with psoasquiz"
    return Visibility(bank.visibility).label


# --- what changed between two versions (pure: versions with options already loaded) ----------


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class VersionChanges:
    fields: tuple[FieldChange, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.fields or self.added or self.removed or self.changed)


_TEXT_FIELDS = (("prompt", "Prompt"), ("explanation", "Explanation"), ("source", "Source"))
_CONFIG_LABELS = {"back": "Back", "unit": "Unit", "diagram": "Diagram"}


def _option_identity(option) -> tuple:
    data = option.data or {}
    return (option.text, data.get("prompt"), data.get("blank"), data.get("region"))


def _option_name(option) -> str:
    data = option.data or {}
    if data.get("prompt"):
        return f"{data['prompt']} → {option.text}"
    if "blank" in data:
        return f"blank {data['blank']}: {option.text}"
    return option.text or "(empty)"


def _percent_text(fraction) -> str:
    return f"{format((Decimal(fraction) * 100).normalize(), 'f')}%"


def version_changes(older, newer) -> VersionChanges:
    """Field by field, what `newer` changed from `older`: texts, settings, options."""
    fields = [
        FieldChange(label, getattr(older, name), getattr(newer, name))
        for name, label in _TEXT_FIELDS
        if getattr(older, name) != getattr(newer, name)
    ]
    if older.difficulty != newer.difficulty:
        fields.append(FieldChange("Difficulty", str(older.difficulty), str(newer.difficulty)))
    for name in sorted(set(older.config) | set(newer.config)):
        before, after = older.config.get(name, ""), newer.config.get(name, "")
        if before != after:
            label = _CONFIG_LABELS.get(name, name.capitalize())
            fields.append(FieldChange(label, str(before), str(after)))
    old = {_option_identity(o): o for o in older.options.all()}
    new = {_option_identity(o): o for o in newer.options.all()}
    added = tuple(_option_name(new[k]) for k in new if k not in old)
    removed = tuple(_option_name(old[k]) for k in old if k not in new)
    changed = []
    for identity in (k for k in new if k in old):
        before, after = old[identity], new[identity]
        notes = []
        if Decimal(before.fraction) != Decimal(after.fraction):
            notes.append(
                f"credit {_percent_text(before.fraction)} → {_percent_text(after.fraction)}"
            )
        if before.feedback != after.feedback:
            notes.append("feedback changed")
        if before.is_myth != after.is_myth:
            notes.append("marked as a myth" if after.is_myth else "no longer marked as a myth")
        if (before.data or {}) != (after.data or {}):
            notes.append("settings changed")
        if notes:
            changed.append(f"{_option_name(after)}: {', '.join(notes)}")
    old_order = [k for k in old if k in new]
    new_order = [k for k in new if k in old]
    if old_order != new_order:
        changed.append("options reordered")
    return VersionChanges(tuple(fields), added, removed, tuple(changed))
