"""Writing banks, questions and diagrams. Imports of every format end in `questions_import`."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Q

from quizzes.interchange.drafts import QuestionDraft
from quizzes.models import Diagram, Option, Question, QuestionBank, QuestionVersion, Tag, User


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    versioned: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retagged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.versioned or self.retagged)

    def summary(self) -> str:
        return (
            f"{len(self.created)} new, {len(self.versioned)} new versions, "
            f"{len(self.unchanged)} unchanged"
            + (f", {len(self.retagged)} retagged" if self.retagged else "")
        )


def bank_upsert(
    *,
    slug: str,
    title: str,
    topic: str,
    description: str,
    owner: User | None,
    visibility: str,
) -> QuestionBank:
    bank, created = QuestionBank.objects.get_or_create(
        slug=slug,
        defaults={
            "title": title,
            "topic": topic,
            "description": description,
            "owner": owner,
            "visibility": visibility,
        },
    )
    if not created:
        changes = {
            name: value
            for name, value in {"title": title, "topic": topic, "description": description}.items()
            if getattr(bank, name) != value
        }
        if changes:
            for name, value in changes.items():
                setattr(bank, name, value)
            bank.save(update_fields=list(changes))
    return bank


def diagram_upsert(*, slug: str, title: str, svg: str, regions: dict[str, str]) -> Diagram:
    diagram, created = Diagram.objects.get_or_create(
        slug=slug, defaults={"title": title, "svg": svg, "regions": regions}
    )
    if not created and (diagram.title, diagram.svg, diagram.regions) != (title, svg, regions):
        diagram.title, diagram.svg, diagram.regions = title, svg, regions
        diagram.save(update_fields=["title", "svg", "regions", "updated_at"])
    return diagram


@transaction.atomic
def questions_import(
    *, bank: QuestionBank, drafts: Sequence[QuestionDraft], actor: User | None = None
) -> ImportReport:
    """Create or update the bank's questions from drafts, in a fixed number of queries.

    A draft whose key is new creates a question; one whose content differs from the current
    version adds a version; one that matches changes nothing. Tags are set to the draft's.
    """
    report = ImportReport()
    keys = [d.key for d in drafts]
    existing = {
        q.key: q
        for q in Question.objects.filter(bank=bank, key__in=keys)
        .select_related("current_version")
        .annotate(last_number=Max("versions__number"))
    }
    fresh = [Question(bank=bank, key=d.key) for d in drafts if d.key not in existing]
    Question.objects.bulk_create(fresh)
    for question in fresh:
        question.last_number = 0
        question.current_version = None
    questions = {**existing, **{q.key: q for q in fresh}}

    versions: list[tuple[QuestionDraft, Question, QuestionVersion]] = []
    for draft in drafts:
        question = questions[draft.key]
        digest = draft.content_hash()
        current = question.current_version
        if current is not None and current.content_hash == digest:
            report.unchanged.append(draft.key)
            continue
        (report.versioned if current is not None else report.created).append(draft.key)
        versions.append(
            (
                draft,
                question,
                QuestionVersion(
                    question=question,
                    number=(question.last_number or 0) + 1,
                    qtype=draft.qtype,
                    prompt=draft.prompt,
                    explanation=draft.explanation,
                    source=draft.source,
                    difficulty=draft.difficulty,
                    config=draft.config,
                    content_hash=digest,
                    created_by=actor,
                ),
            )
        )
    QuestionVersion.objects.bulk_create([v for _, _, v in versions])
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
        for draft, _, version in versions
        for position, option in enumerate(draft.options)
    )
    for _, question, version in versions:
        question.current_version = version
    Question.objects.bulk_update([q for _, q, _ in versions], ["current_version"])

    report.retagged = _tags_set(
        {questions[d.key].pk: set(d.tags) for d in drafts},
        keys_by_id={questions[d.key].pk: d.key for d in drafts},
        skip={questions[k].pk for k in report.created},
    )
    return report


def _tags_set(
    wanted: dict[int, set[str]], *, keys_by_id: dict[int, str], skip: Iterable[int]
) -> list[str]:
    """Make each question's tags exactly `wanted`; returns keys of existing questions retagged."""
    names = set().union(*wanted.values()) if wanted else set()
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    tag_ids = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    through = Question.tags.through
    have = set(through.objects.filter(question_id__in=wanted).values_list("question_id", "tag_id"))
    want = {(qid, tag_ids[name]) for qid, tags in wanted.items() for name in tags}
    stale = have - want
    if stale:
        pairs = Q()
        for question_id, tag_id in stale:
            pairs |= Q(question_id=question_id, tag_id=tag_id)
        through.objects.filter(pairs).delete()
    through.objects.bulk_create([through(question_id=q, tag_id=t) for q, t in sorted(want - have)])
    skip = set(skip)
    return sorted({keys_by_id[q] for q, _ in (have ^ want) if q not in skip})
