from decimal import Decimal
from io import StringIO

import pytest
import responses
from django.core.cache import cache
from django.core.management import call_command

from quizzes.models import LtiPlatform
from tests.factories import (
    OptionFactory,
    QuestionBankFactory,
    QuestionFactory,
    QuestionVersionFactory,
    QuizFactory,
    QuizItemFactory,
)
from tests.lti.platform import FakeLms, registration_args


@pytest.fixture(autouse=True)
def _fresh_token_cache():
    # pylti1p3 caches service tokens in Django's cache; each test's platform has new keys.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def network():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def lms(db, client, network) -> FakeLms:
    """A platform registered with the command, its endpoints answering the tool's calls."""
    platform = FakeLms()
    call_command("lti_register_platform", *registration_args(platform), stdout=StringIO())
    platform.tool_jwks = client.get("/lti/jwks/").json()
    platform.serve(network)
    return platform


@pytest.fixture
def platform_row(lms) -> LtiPlatform:
    return LtiPlatform.objects.get(issuer=lms.issuer)


def make_question(right="Lesser trochanter", wrong="Greater trochanter"):
    question = QuestionFactory(bank=QuestionBankFactory(owner=None), with_version=False)
    version = QuestionVersionFactory(question=question, number=1, qtype="single_choice")
    OptionFactory(version=version, position=0, text=right, fraction=Decimal(1))
    OptionFactory(version=version, position=1, text=wrong, fraction=Decimal(0))
    question.current_version = version
    question.save()
    return question


@pytest.fixture
def bundled_quiz():
    quiz = QuizFactory(owner=None, title="Where the psoas inserts", shuffle_questions=False)
    for position in (1, 2):
        QuizItemFactory(quiz=quiz, question=make_question(), position=position)
    return quiz
