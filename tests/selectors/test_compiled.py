"""Reads compiled once per process (quizzes/selectors/compiled.py): the same objects as the ORM."""

from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes.models import Answer
from quizzes.selectors.compiled import CompiledRead
from tests import factories as f

pytestmark = pytest.mark.django_db

ANSWERS = CompiledRead(
    Answer,
    lambda attempt_id, student_id: (
        Answer.objects.filter(attempt_id=attempt_id, attempt__student_id=student_id)
        .select_related("attempt__quiz")
        .order_by("position")
    ),
)


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_objects_are_the_orms_with_their_related_objects_attached(django_assert_num_queries):
    attempt = f.AttemptFactory(deadline_at=timezone.now())
    for position in (2, 1, 3):
        f.AnswerFactory(
            attempt=attempt,
            position=position,
            option_order=[3, 1, 2],
            response={"option": position, "text": "é"} if position != 3 else None,
            fraction=Decimal("0.5") if position == 1 else None,
            saved_at=timezone.now() if position == 2 else None,
        )
    f.AnswerFactory(position=1)  # someone else's
    expected = list(
        Answer.objects.filter(attempt=attempt).select_related("attempt__quiz").order_by("position")
    )

    with django_assert_num_queries(1):
        found = ANSWERS.objects(attempt.pk, attempt.student_id)
        quizzes = [a.attempt.quiz for a in found]
    assert [_fields(a) for a in found] == [_fields(a) for a in expected]
    assert [_fields(a.attempt) for a in found] == [_fields(a.attempt) for a in expected]
    assert [_fields(q) for q in quizzes] == [_fields(a.attempt.quiz) for a in expected]
    assert all(not a._state.adding and a._state.db == "default" for a in found)


def test_another_students_or_impossible_ids_find_nothing():
    answer = f.AnswerFactory()
    assert ANSWERS.objects(answer.attempt_id, f.StudentFactory().pk) == []
    assert ANSWERS.objects(10**23, answer.attempt.student_id) == []
    assert ANSWERS.objects(-(10**23), 0) == []


def test_a_query_that_leaves_a_placeholder_out_is_refused():
    read = CompiledRead(
        Answer,
        lambda attempt_id, student_id: Answer.objects.filter(attempt_id=attempt_id, position=2),
    )
    with pytest.raises(ValueError, match="does not use the placeholders"):
        read.objects(1, 2)


@pytest.mark.django_db
def test_constants_stay_and_a_placeholder_used_twice_takes_its_value_everywhere():
    answer = f.AnswerFactory(position=2)
    f.AnswerFactory(attempt=answer.attempt, position=3)
    read = CompiledRead(
        Answer,
        lambda attempt_id, same_id: (
            Answer.objects.filter(attempt_id=attempt_id, attempt__pk=same_id, position__in=[2, 5])
            .exclude(attempt_id=attempt_id, position=5)
            .values_list("pk", "position")
        ),
    )
    attempt = answer.attempt_id
    assert read.rows(attempt, attempt) == [(answer.pk, 2)]
    assert read.rows(attempt, attempt + 1) == []
