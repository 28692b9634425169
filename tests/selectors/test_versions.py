"""The per-process cache of question versions with their options (quizzes/selectors/versions.py)."""

import pytest

from quizzes.models import Answer
from quizzes.selectors import versions
from quizzes.selectors.versions import attach_versions, forget_versions, versions_with_options
from tests import factories as f

pytestmark = pytest.mark.django_db


def _texts(version) -> list[str]:
    return [o.text for o in version.options.all()]


def test_a_version_is_read_once_then_served_without_queries(django_assert_num_queries):
    version = f.QuestionFactory().current_version
    # The versions, then their options in order.
    with django_assert_num_queries(2):
        first = versions_with_options([version.pk])[version.pk]
    assert _texts(first) == ["Lesser trochanter", "Greater trochanter"]
    with django_assert_num_queries(0):
        again = versions_with_options([version.pk, version.pk])
    assert list(again) == [version.pk]
    assert _texts(again[version.pk]) == ["Lesser trochanter", "Greater trochanter"]


def test_options_come_in_their_position_order_whatever_order_they_were_written_in():
    version = f.QuestionVersionFactory()
    for position, text in [(2, "third"), (0, "first"), (1, "second")]:
        f.OptionFactory(version=version, position=position, text=text)
    assert _texts(versions_with_options([version.pk])[version.pk]) == ["first", "second", "third"]


def test_an_edited_question_is_a_new_version_and_the_old_one_is_still_served_as_it_was():
    question = f.QuestionFactory()
    old = question.current_version
    versions_with_options([old.pk])
    new = f.QuestionVersionFactory(question=question, prompt="Where does iliacus insert?")
    f.OptionFactory(version=new, position=0, text="Lesser trochanter", fraction=1)
    question.current_version = new
    question.save(update_fields=["current_version"])

    found = versions_with_options([old.pk, new.pk])
    assert found[old.pk].prompt == old.prompt
    assert found[new.pk].prompt == "Where does iliacus insert?"
    assert _texts(found[new.pk]) == ["Lesser trochanter"]


def test_attaching_versions_to_answers_read_with_them_costs_only_their_options(
    django_assert_num_queries,
):
    answers = [f.AnswerFactory(question_version=f.QuestionFactory().current_version)]
    with_versions = list(Answer.objects.select_related("question_version"))
    with django_assert_num_queries(1):
        attach_versions(with_versions)
    assert _texts(with_versions[0].question_version) == ["Lesser trochanter", "Greater trochanter"]

    forget_versions()
    plain = list(Answer.objects.all())
    with django_assert_num_queries(2):
        attach_versions(plain)
    more = list(Answer.objects.all())
    with django_assert_num_queries(0):
        attach_versions(more + plain)
    assert more[0].question_version is plain[0].question_version
    assert plain[0].question_version.pk == answers[0].question_version_id


def test_the_cache_keeps_at_most_its_size_dropping_the_oldest(monkeypatch):
    monkeypatch.setattr(versions, "CACHE_SIZE", 2)
    ids = [f.QuestionFactory().current_version.pk for _ in range(3)]
    for version_id in ids:
        versions_with_options([version_id])
    assert list(versions._versions) == ids[1:]
