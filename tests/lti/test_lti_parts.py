"""The LTI pieces on their own: roles, keys, registration, the frame middleware, the hook's cost."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from quizzes import csp
from quizzes.lti.roles import INSTRUCTOR, STUDENT, role_for
from quizzes.models import LtiDeployment, LtiPlatform, LtiToolKey
from quizzes.services import lti as services
from quizzes.services.attempts import attempt_start, attempt_submit
from tests.factories import AssignmentFactory, EnrollmentFactory, InstructorFactory, UserFactory
from tests.lti.conftest import make_question
from tests.lti.platform import FakeLms, registration_args

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([LIS + "membership#Instructor"], INSTRUCTOR),
        ([LIS + "membership#Administrator"], INSTRUCTOR),
        ([LIS + "membership#ContentDeveloper"], INSTRUCTOR),
        ([LIS + "membership/Instructor#TeachingAssistant"], INSTRUCTOR),
        ([LIS + "membership#TeachingAssistant"], INSTRUCTOR),
        ([LIS + "membership#Learner"], STUDENT),
        (["Learner"], STUDENT),
        (["Instructor"], INSTRUCTOR),
        # Canvas: an administrator opening a course as a student is a student there.
        ([LIS + "membership#Learner", LIS + "institution/person#Administrator"], STUDENT),
        ([LIS + "system/person#Administrator"], INSTRUCTOR),
        ([LIS + "membership#Mentor"], None),
        ([LIS + "institution/person#Student"], None),
        ([], None),
        (["http://example.org/made-up#Role"], None),
    ],
)
def test_lms_roles_map_to_ours(roles, expected):
    assert role_for(roles) == expected


@pytest.mark.django_db
def test_the_tool_key_is_made_once_and_published_without_its_private_part(client):
    first = client.get("/lti/jwks/").json()
    second = client.get("/lti/jwks/").json()
    assert first == second
    assert LtiToolKey.objects.count() == 1
    (key,) = first["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert key["kid"] == LtiToolKey.objects.get().kid
    assert "d" not in key and "p" not in key


@pytest.mark.django_db
def test_rotating_keeps_the_old_key_published():
    call_command("lti_generate_key", stdout=StringIO())
    old = LtiToolKey.objects.get().kid
    call_command("lti_generate_key", "--rotate", stdout=StringIO())
    active = LtiToolKey.objects.get(active=True).kid
    assert active != old
    from quizzes.lti.keys import jwks

    assert [k["kid"] for k in jwks()["keys"]] == [active, old]


@pytest.mark.django_db
def test_registering_is_idempotent_and_adds_deployments(tmp_path):
    lms = FakeLms()
    out = StringIO()
    call_command("lti_register_platform", *registration_args(lms), stdout=out)
    assert "Registered Test Moodle" in out.getvalue()
    call_command(
        "lti_register_platform", *registration_args(lms), "--deployment-id", "d2", stdout=out
    )
    platform = LtiPlatform.objects.get()
    assert platform.frame_origins == ["https://lms.test"]
    assert sorted(LtiDeployment.objects.values_list("deployment_id", flat=True)) == [
        "d2",
        "deployment-1",
    ]
    keyset = tmp_path / "keys.json"
    keyset.write_text(json.dumps(lms.jwks()))
    args = [
        a
        for a in registration_args(lms)
        if a not in ("--keyset-url", "https://lms.test/mod/lti/certs.php")
    ]
    call_command(
        "lti_register_platform",
        *args,
        "--client-id",
        "second",
        "--keyset-file",
        str(keyset),
        stdout=out,
    )
    assert LtiPlatform.objects.get(client_id="second").keyset == lms.jwks()
    keyset.write_text("[1, 2]")
    with pytest.raises(CommandError, match="keys"):
        call_command("lti_register_platform", *args, "--keyset-file", str(keyset))


@pytest.mark.django_db
def test_staff_register_a_platform_in_the_ui(client):
    client.force_login(InstructorFactory())
    assert client.get("/lti/platforms/").status_code == 302, "staff only"
    client.force_login(UserFactory(is_staff=True))
    page = client.get("/lti/platforms/")
    assert "http://testserver/lti/login/" in page.content.decode()
    bad = client.post("/lti/platforms/", {"issuer": "https://lms.test"})
    assert bad.status_code == 400
    assert 'aria-describedby="id_client_id_error"' in bad.content.decode()
    response = client.post(
        "/lti/platforms/",
        {
            "issuer": "https://lms.test",
            "client_id": "abc",
            "login_url": "https://lms.test/auth",
            "token_url": "https://lms.test/token",
            "keyset_url": "https://lms.test/certs",
            "deployment_ids": "1 2",
        },
        follow=True,
    )
    assert "is registered. Deployments: 1, 2." in response.content.decode()
    again = client.post(
        "/lti/platforms/",
        {
            "issuer": "https://lms.test",
            "client_id": "abc",
            "login_url": "https://lms.test/auth",
            "token_url": "https://lms.test/token",
            "deployment_ids": "3",
        },
    )
    body = again.content.decode()
    assert escape(services.KEYS_REQUIRED) in body
    assert escape(services.PLATFORM_EXISTS) in body
    assert LtiDeployment.objects.count() == 2


@pytest.mark.django_db
def test_pages_outside_an_lti_session_still_refuse_every_frame(client):
    client.force_login(InstructorFactory())
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert csp.directives(response["Content-Security-Policy"])["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_an_attempt_without_lti_costs_one_query_after_commit_and_none_before(
    django_capture_on_commit_callbacks,
):
    from tests.factories import QuizFactory, QuizItemFactory

    quiz = QuizFactory(shuffle_questions=False)
    QuizItemFactory(quiz=quiz, question=make_question(), position=1)
    assignment = AssignmentFactory(quiz=quiz, due_at=None)
    student = EnrollmentFactory(classroom=assignment.classroom).student
    attempt = attempt_start(student=student, assignment=assignment)
    with django_capture_on_commit_callbacks() as callbacks:
        attempt_submit(attempt_id=attempt.pk, student=student)
    assert len(callbacks) == 1
    with CaptureQueriesContext(connection) as queries:
        callbacks[0]()
    assert len(queries) == 1, [q["sql"] for q in queries]

    # An attempt outside any assignment registers nothing at all.
    attempt.assignment = None
    with django_capture_on_commit_callbacks() as callbacks:
        services.grade_queue_for_attempt(attempt)
    assert callbacks == []
