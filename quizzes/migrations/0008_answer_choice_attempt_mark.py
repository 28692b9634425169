from django.db import migrations, models
from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

BATCH = 5000


def backfill(apps, schema_editor):
    """Every choice gets its answer's attempt and mark (points × fraction, 0 while ungraded),
    one statement per batch of choices so that no transaction grows with the table."""
    AnswerChoice = apps.get_model("quizzes", "AnswerChoice")
    Answer = apps.get_model("quizzes", "Answer")
    answer = Answer.objects.filter(pk=OuterRef("answer_id"))
    mark = ExpressionWrapper(
        F("points") * Coalesce(F("fraction"), Value(0, output_field=DecimalField())),
        output_field=DecimalField(max_digits=14, decimal_places=7),
    )
    last = 0
    while True:
        ids = list(
            AnswerChoice.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return
        last = ids[-1]
        AnswerChoice.objects.filter(pk__in=ids).update(
            attempt_id=Subquery(answer.values("attempt_id")[:1]),
            mark=Subquery(answer.annotate(m=mark).values("m")[:1]),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0007_attempt_marks"),
    ]

    operations = [
        migrations.AddField(
            model_name="answerchoice",
            name="attempt",
            field=models.ForeignKey(
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="+",
                to="quizzes.attempt",
            ),
        ),
        migrations.AddField(
            model_name="answerchoice",
            name="mark",
            field=models.DecimalField(decimal_places=7, max_digits=14, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
