"""Predicted recall computed by the database: FSRS-6 retrievability as a query expression.

`retrievability(at)` is the building block for every report that averages how well students
remember: annotate or aggregate it over `CardState` rows (or over a relation to them, with
`prefix`), and the database does the arithmetic, one query whatever the number of cards.

It is the same formula `scheduling.recall_probability` gets from the `fsrs` package, and a test
holds the two to 1e-6 on SQLite and PostgreSQL:

    R = (1 + F · t / S) ^ (−w20),   F = 0.9 ^ (−1 / w20) − 1

with S the card's stability, w20 the decay parameter, and t the time since the last review in
*whole* days, floored at 0: fsrs counts `(at - last_review).days`, so a card reviewed 23 hours
ago has t = 0 and R = 1. A card never studied (new, or without stability) counts as 0.

Why custom SQL for t: Django's datetime arithmetic differs between backends (SQLite stores
datetimes as text), and `julianday` loses tens of microseconds, enough to put a card on the wrong
side of a day boundary. `EpochMicroseconds` reads a datetime column as exact integer
microseconds since 1970 on both databases; the rest is ordinary Django expressions.
"""

from datetime import UTC, datetime

import fsrs
from django.db.models import (
    Case,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, Power

from quizzes.models.memory import CardPhase

# fsrs-6's default decay, w20 (the exponent of the forgetting curve), read from the scheduler the
# package builds with its default parameters so an upgrade cannot leave the two apart.
DEFAULT_DECAY = float(fsrs.Scheduler().parameters[20])
MICROSECONDS_PER_DAY = 86_400_000_000
NAIVE_MOMENT = "recall needs a timezone-aware moment"


class EpochMicroseconds(Func):
    """A datetime column as whole microseconds since 1970-01-01 UTC (exact, on both databases)."""

    arity = 1
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC. strftime('%s') rounds fractions to
        # the millisecond (23:59:59.9999 becomes the next day), so it reads only the first 19
        # characters; the six digits after the dot (absent when zero) are the microseconds.
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(CAST(strftime('%%s', substr({sql}, 1, 19)) AS INTEGER) * 1000000"
            f" + CAST(substr({sql}, 21, 6) AS INTEGER))",
            (*params, *params),
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        # EXTRACT(EPOCH ...) is an exact numeric with microseconds (PostgreSQL 14+).
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(EXTRACT(EPOCH FROM {sql}) * 1000000 AS BIGINT)", params

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError(f"EpochMicroseconds has no SQL for {connection.vendor}")


def epoch_microseconds(moment: datetime) -> int:
    """The Python side of `EpochMicroseconds`, for a fixed moment passed as a parameter."""
    if moment.tzinfo is None:
        raise ValueError(NAIVE_MOMENT)
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def epoch_day(moment: datetime) -> int:
    """The UTC day number of `moment` (days since 1970-01-01), as `EpochDay` computes it."""
    return epoch_microseconds(moment) // MICROSECONDS_PER_DAY


def EpochDay(expression: str | Expression) -> Expression:  # noqa: N802 (reads as an expression)
    """The UTC day number (days since 1970-01-01) of a datetime column, as an integer.

    Integer division truncates on both databases, which is the floor for any date after 1970.
    """
    return EpochMicroseconds(expression) / Value(MICROSECONDS_PER_DAY)


def whole_days_since(field: str, at: datetime) -> Expression:
    """Whole days from the datetime column `field` to the moment `at`, floored at 0."""
    elapsed = Value(epoch_microseconds(at)) - EpochMicroseconds(field)
    # Both sides are integers, so the division truncates; below zero, Greatest gives 0 anyway.
    return Greatest(Value(0), elapsed / Value(MICROSECONDS_PER_DAY), output_field=IntegerField())


def retrievability(at: datetime, *, decay: float = DEFAULT_DECAY, prefix: str = "") -> Expression:
    """The predicted chance (0 to 1) that the card is recalled at `at`, as a float expression.

    `prefix` reaches cards through a relation, e.g. `prefix="cards__"` on `User`. `decay` is w20
    of the FSRS parameters in use (the package's default unless a class ever optimises its own).
    """
    factor = 0.9 ** (1 / -decay) - 1
    days = Cast(whole_days_since(f"{prefix}last_review", at), FloatField())
    curve = Power(
        Value(1.0) + Value(factor) * days / F(f"{prefix}stability"),
        Value(-decay),
        output_field=FloatField(),
    )
    never_studied = (
        Q(**{f"{prefix}phase": CardPhase.NEW})
        | Q(**{f"{prefix}stability__isnull": True})
        | Q(**{f"{prefix}last_review__isnull": True})
    )
    return Case(When(never_studied, then=Value(0.0)), default=curve, output_field=FloatField())
