"""Writes made by instructors in the authoring pages: banks, questions, versions, tags.

Permission checks happen in the views (see quizzes/selectors/authoring.py for who may do what);
these functions keep the domain's rules: versions are immutable and numbered, a question that
has been used is archived rather than deleted, keys stay unique in their bank.
"""

from collections.abc import Sequence
from dataclasses import replace

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from quizzes.interchange.drafts import QuestionDraft
from quizzes.models import Option, Question, QuestionBank, QuestionVersion, Tag, User
from quizzes.models.banks import Visibility
from quizzes.selectors.authoring import instructors_named, question_in_use

UNKNOWN_INSTRUCTORS = (
    "No instructor has the username {names}. Check the spelling, or ask them to sign up as "
    "an instructor."
)
SHARE_NEEDS_VISIBILITY = (
    "A private bank is shared with nobody: choose “Shared with named instructors” to let "
    "these instructors edit it, or leave the usernames empty."
)
SHARE_WITH_SELF = "You own this bank already; leave your own username out."
KEY_TAKEN = "Another question in this bank has the key {key!r}; choose another one."
QUESTION_IN_USE = (
    "This question has been answered, studied or put in a quiz, so it cannot be deleted. "
    "Archive it instead: it stays in past results but is no longer drawn into quizzes."
)
TYPE_CHANGED = "A question keeps its type; make a new question for another type."
EDIT_CONFLICT = (
    "{who} saved version {current} of this question while you were editing version {based_on}, "
    "so nothing was saved. Your changes are still in the form below. Check the question's "
    "history for what {pronoun} changed; saving again replaces version {current} with your text "
    "as version {next}."
)
MAX_KEY_FROM_PROMPT = 50
# /banks/new/ is the page for making a bank.
RESERVED_SLUGS = {"new"}


class AuthoringError(Exception):
    """A refusal a person can act on; `field` names the form field it is about, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class EditConflict(AuthoringError):
    """Someone saved a newer version after the editor opened; `current` is its number."""

    def __init__(self, message: str, current: int):
        super().__init__(message)
        self.current = current


# --- banks -----------------------------------------------------------------------------------


def _shared_users(owner: User | None, usernames: Sequence[str], visibility: str) -> list[User]:
    if not usernames:
        return []
    if visibility == Visibility.PRIVATE:
        raise AuthoringError(SHARE_NEEDS_VISIBILITY, "share_with")
    found = instructors_named(usernames)
    missing = [name for name in usernames if name not in found]
    if missing:
        raise AuthoringError(
            UNKNOWN_INSTRUCTORS.format(names=", ".join(repr(n) for n in missing)), "share_with"
        )
    if owner is not None and owner.username in found:
        raise AuthoringError(SHARE_WITH_SELF, "share_with")
    return list(found.values())


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70].strip("-_") or "bank"
    taken = set(QuestionBank.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def bank_create(
    *,
    owner: User,
    title: str,
    topic: str,
    description: str,
    visibility: str,
    share_with: Sequence[str] = (),
) -> QuestionBank:
    """A new bank owned by `owner`; its slug is made from the title and kept unique."""
    users = _shared_users(owner, share_with, visibility)
    bank = QuestionBank.objects.create(
        slug=_unique_slug(title),
        title=title.strip(),
        topic=topic,
        description=description.strip(),
        owner=owner,
        visibility=visibility,
    )
    bank.shared_with.set(users)
    return bank


@transaction.atomic
def bank_update(
    *,
    bank: QuestionBank,
    title: str,
    topic: str,
    description: str,
    visibility: str,
    share_with: Sequence[str] = (),
) -> QuestionBank:
    """Change a bank's settings; `share_with` replaces the list of instructors who may edit."""
    users = _shared_users(bank.owner, share_with, visibility)
    bank.title, bank.topic = title.strip(), topic
    bank.description, bank.visibility = description.strip(), visibility
    bank.save(update_fields=["title", "topic", "description", "visibility"])
    bank.shared_with.set(users)
    return bank


# --- questions -------------------------------------------------------------------------------


def key_from_prompt(bank: QuestionBank, prompt: str, qtype: str) -> str:
    """A key made from the prompt's first words, unique in the bank."""
    base = slugify(prompt.replace("{{", " ").replace("}}", " "))[:MAX_KEY_FROM_PROMPT]
    base = base.strip("-_") or qtype.replace("_", "-")
    return _unique_key(bank, base)


def _unique_key(bank: QuestionBank, base: str) -> str:
    taken = set(
        Question.objects.filter(bank=bank, key__startswith=base).values_list("key", flat=True)
    )
    key, n = base, 2
    while key in taken:
        suffix = f"-{n}"
        key, n = base[: 100 - len(suffix)] + suffix, n + 1
    return key


def _tags_set(question: Question, names: Sequence[str]) -> None:
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    question.tags.set(Tag.objects.filter(name__in=names))


def _version_write(
    question: Question, draft: QuestionDraft, *, number: int, actor: User | None, note: str
) -> QuestionVersion:
    version = QuestionVersion.objects.create(
        question=question,
        number=number,
        qtype=draft.qtype,
        prompt=draft.prompt,
        explanation=draft.explanation,
        source=draft.source,
        difficulty=draft.difficulty,
        config=draft.config,
        content_hash=draft.content_hash(),
        created_by=actor,
        change_note=note[:300],
    )
    Option.objects.bulk_create(
        Option(
            version=version,
            position=position,
            text=option.text,
            fraction=option.fraction,
            feedback=option.feedback,
            is_myth=option.is_myth,
            data=option.data,
        )
        for position, option in enumerate(draft.options)
    )
    question.current_version = version
    question.save(update_fields=["current_version"])
    return version


def question_create(
    *, bank: QuestionBank, draft: QuestionDraft, actor: User, change_note: str = ""
) -> Question:
    """A new question (version 1). An empty key is made from the prompt."""
    key = draft.key or key_from_prompt(bank, draft.prompt, draft.qtype)
    if Question.objects.filter(bank=bank, key=key).exists():
        raise AuthoringError(KEY_TAKEN.format(key=key), "key")
    try:
        with transaction.atomic():
            question = Question.objects.create(bank=bank, key=key)
            _version_write(
                question, replace(draft, key=key), number=1, actor=actor, note=change_note
            )
            _tags_set(question, draft.tags)
    except IntegrityError:
        # Someone else took the key between the check and the insert.
        raise AuthoringError(KEY_TAKEN.format(key=key), "key") from None
    return question


@transaction.atomic
def question_update(
    *,
    question: Question,
    draft: QuestionDraft,
    actor: User,
    change_note: str = "",
    based_on: int | None = None,
) -> QuestionVersion | None:
    """A new version when the content changed (returned); None when only tags (or nothing) did.

    The question row is locked so that two editors saving at once get numbers n+1 and n+2
    instead of one of them failing on the unique number. `based_on` is the version number the
    editor started from: when another version was saved since and this draft differs from it,
    EditConflict is raised and nothing changes (one editor would silently undo the other).
    """
    question = Question.objects.select_for_update().get(pk=question.pk)
    current = question.current_version
    if current is not None and current.qtype != draft.qtype:
        raise AuthoringError(TYPE_CHANGED)
    if (
        current is not None
        and based_on is not None
        and current.number != based_on
        and current.content_hash != draft.content_hash()
    ):
        mine = current.created_by_id is not None and current.created_by_id == actor.pk
        raise EditConflict(
            EDIT_CONFLICT.format(
                who="You (in another tab)" if mine else str(current.created_by or "Someone"),
                pronoun="you" if mine else "they",
                current=current.number,
                based_on=based_on,
                next=current.number + 1,
            ),
            current=current.number,
        )
    _tags_set(question, draft.tags)
    if current is not None and current.content_hash == draft.content_hash():
        return None
    last = question.versions.aggregate(last=Max("number"))["last"] or 0
    return _version_write(question, draft, number=last + 1, actor=actor, note=change_note)


def question_archive(*, question: Question) -> Question:
    if question.archived_at is None:
        question.archived_at = timezone.now()
        question.save(update_fields=["archived_at"])
    return question


def question_unarchive(*, question: Question) -> Question:
    if question.archived_at is not None:
        question.archived_at = None
        question.save(update_fields=["archived_at"])
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    """Delete a question nobody has used; a used one must be archived (QUESTION_IN_USE)."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question_in_use(question):
        raise AuthoringError(QUESTION_IN_USE)
    # current_version protects the version it points at; let go of it first.
    question.current_version = None
    question.save(update_fields=["current_version"])
    question.delete()


@transaction.atomic
def question_duplicate(*, question: Question, bank: QuestionBank, actor: User) -> Question:
    """A copy with the same content and tags as version 1 of a new question in `bank`."""
    source = question.current_version
    base = question.key if bank.pk != question.bank_id else f"{question.key}-copy"
    key = _unique_key(bank, base[:90])
    copy = Question.objects.create(bank=bank, key=key)
    version = QuestionVersion.objects.create(
        question=copy,
        number=1,
        qtype=source.qtype,
        prompt=source.prompt,
        explanation=source.explanation,
        source=source.source,
        difficulty=source.difficulty,
        config=source.config,
        content_hash=source.content_hash,
        created_by=actor,
        change_note=f"Copied from {question.bank.slug}/{question.key} v{source.number}",
    )
    Option.objects.bulk_create(
        Option(
            version=version,
            position=o.position,
            text=o.text,
            fraction=o.fraction,
            feedback=o.feedback,
            is_myth=o.is_myth,
            data=o.data,
        )
        for o in source.options.order_by("position")
    )
    copy.current_version = version
    copy.save(update_fields=["current_version"])
    copy.tags.set(question.tags.all())
    return copy


@transaction.atomic
def questions_tag(*, bank: QuestionBank, question_ids: Sequence[int], tag: str, add: bool) -> int:
    """Add or remove one tag on the bank's questions among `question_ids`; how many changed."""
    ids = list(Question.objects.filter(bank=bank, pk__in=question_ids).values_list("pk", flat=True))
    through = Question.tags.through
    if add:
        tag_row, _ = Tag.objects.get_or_create(name=tag)
        have = set(
            through.objects.filter(tag=tag_row, question_id__in=ids).values_list(
                "question_id", flat=True
            )
        )
        fresh = [through(question_id=i, tag=tag_row) for i in ids if i not in have]
        through.objects.bulk_create(fresh)
        return len(fresh)
    deleted, _ = through.objects.filter(tag__name=tag, question_id__in=ids).delete()
    return deleted
