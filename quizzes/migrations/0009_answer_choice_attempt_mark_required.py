# A migration of its own: on PostgreSQL a table cannot be altered in the transaction that
# updated its rows while their deferred foreign-key checks are pending (0008's backfill).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0008_answer_choice_attempt_mark"),
    ]

    operations = [
        migrations.AlterField(
            model_name="answerchoice",
            name="attempt",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE, related_name="+", to="quizzes.attempt"
            ),
        ),
        migrations.AlterField(
            model_name="answerchoice",
            name="mark",
            field=models.DecimalField(decimal_places=7, max_digits=14),
        ),
        migrations.AddConstraint(
            model_name="answerchoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("mark__gte", 0)), name="answer_choice_mark_not_negative"
            ),
        ),
    ]
