"""bank_file_import: imports confirmed in the browser, one at a time per bank."""

import threading

import pytest
from django.db import connection

from quizzes.interchange.gift import parse_gift
from quizzes.models import Question
from quizzes.services.interchange import bank_file_import
from tests import factories as f
from tests.views.test_interchange_pages import GOOD_GIFT


@pytest.mark.django_db
def test_imports_with_the_actor_as_author():
    bank = f.QuestionBankFactory()
    actor = f.InstructorFactory()
    report = bank_file_import(bank=bank, drafts=parse_gift(GOOD_GIFT).questions, actor=actor)
    assert sorted(report.created) == ["flexes-hip", "insertion", "origin"]
    assert {q.current_version.created_by for q in bank.questions.all()} == {actor}


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_import_once():
    """Two tabs confirming the same file at once: one creates, the others find it unchanged."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    bank = f.QuestionBankFactory()
    actor = f.InstructorFactory()
    drafts = parse_gift(GOOD_GIFT).questions
    barrier = threading.Barrier(4)
    outcomes, errors = [], []

    def confirm():
        barrier.wait()
        try:
            report = bank_file_import(bank=bank, drafts=drafts, actor=actor)
            outcomes.append((len(report.created), len(report.unchanged)))
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == [(0, 3)] * 3 + [(3, 0)]
    assert Question.objects.filter(bank=bank).count() == 3
