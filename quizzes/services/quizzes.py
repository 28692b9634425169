"""Writing quizzes and what they are made of."""

from datetime import timedelta
from decimal import Decimal

from quizzes.interchange.bankfile import QuizDraft
from quizzes.models import Question, QuestionBank, Quiz, QuizDraw, QuizItem, Tag, User

# Quiz fields a bank file may set, and how its spelling maps onto the model.
_SETTING_FIELDS = {
    "attempts_allowed": "attempts_allowed",
    "grading_method": "grading_method",
    "feedback_timing": "feedback_timing",
    "pass_mark": "pass_mark",
    "shuffle_questions": "shuffle_questions",
}


def quiz_upsert_from_draft(*, draft: QuizDraft, bank: QuestionBank, owner: User | None) -> Quiz:
    """Create or update a ready-made quiz; call inside the caller's transaction."""
    fields = {"title": draft.title, "description": draft.description, "owner": owner}
    for name, model_field in _SETTING_FIELDS.items():
        if name in draft.settings:
            fields[model_field] = draft.settings[name]
    minutes = draft.settings.get("time_limit_minutes")
    fields["time_limit_seconds"] = (
        int(timedelta(minutes=minutes).total_seconds()) if minutes else None
    )
    if "pass_mark" in fields:
        fields["pass_mark"] = Decimal(str(fields["pass_mark"]))

    quiz, created = Quiz.objects.get_or_create(slug=draft.slug, defaults=fields)
    if not created:
        changed = [name for name, value in fields.items() if getattr(quiz, name) != value]
        if changed:
            for name in changed:
                setattr(quiz, name, fields[name])
            quiz.save(update_fields=changed)

    question_ids = dict(
        Question.objects.filter(bank=bank, key__in=draft.question_keys).values_list("key", "pk")
    )
    wanted_items = [
        (position, question_ids[key]) for position, key in enumerate(draft.question_keys)
    ]
    have_items = list(quiz.items.order_by("position").values_list("position", "question_id"))
    if have_items != wanted_items:
        quiz.items.all().delete()
        QuizItem.objects.bulk_create(
            QuizItem(quiz=quiz, position=p, question_id=q) for p, q in wanted_items
        )

    wanted_draws = []
    for rule in draft.draws:
        pool_bank = (
            QuestionBank.objects.get(slug=rule["bank"]).pk
            if rule.get("bank")
            else (None if rule.get("tag") else bank.pk)
        )
        tag = Tag.objects.get_or_create(name=rule["tag"])[0].pk if rule.get("tag") else None
        wanted_draws.append((pool_bank, tag, rule["count"]))
    have_draws = list(quiz.draws.order_by("id").values_list("bank_id", "tag_id", "count"))
    if have_draws != wanted_draws:
        quiz.draws.all().delete()
        QuizDraw.objects.bulk_create(
            QuizDraw(quiz=quiz, bank_id=b, tag_id=t, count=c) for b, t, c in wanted_draws
        )
    return quiz
