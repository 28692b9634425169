"""LTI 1.3 end to end, with lti1p3platform playing the LMS: login, launch, deep linking, a learner's
launch and submission, the score arriving at the platform, roster sync and retries."""

import re
from io import StringIO

import jwt
import pytest
from django.core.management import call_command
from django.utils import timezone

from quizzes import csp
from quizzes.lti import launch as launch_errors
from quizzes.models import (
    Assignment,
    Attempt,
    Classroom,
    Enrollment,
    GradeSubmission,
    LtiContext,
    LtiResourceLink,
    LtiUser,
    User,
)
from quizzes.models.lti import GradeStatus
from quizzes.services import lti as services
from tests import factories as f
from tests.factories import InstructorFactory, QuizFactory
from tests.lti.platform import INSTRUCTOR, KEYSET_URL, LEARNER, LIS, rsa_pair

pytestmark = pytest.mark.django_db

TEACHER_SUB = "moodle-user-7"
STUDENT_SUB = "moodle-user-42"
TA = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"


def rows() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "classrooms": Classroom.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "assignments": Assignment.objects.count(),
        "lti_users": LtiUser.objects.count(),
    }


def deep_link(lms, client, quiz):
    """The instructor adds the quiz to the course; returns the content item the LMS received."""
    response = lms.launch(
        client,
        sub=TEACHER_SUB,
        roles=INSTRUCTOR,
        deep_link=True,
        name="Tara Teacher",
        email="tara@example.org",
    )
    assert response.status_code == 302
    assert response["Location"] == "/lti/deep-link/"
    page = client.get("/lti/deep-link/")
    assert page.status_code == 200
    assert quiz.title in page.content.decode()
    returned = client.post("/lti/deep-link/", {"quiz": quiz.pk})
    assert returned.status_code == 200
    html = returned.content.decode()
    assert 'action="https://lms.test/mod/lti/contentitem_return.php"' in html
    # The browser may post this form to the platform, and to no other site.
    form_action = csp.directives(returned["Content-Security-Policy"])["form-action"]
    assert form_action == "'self' https://lms.test"
    token = re.search(r'name="JWT" value="([^"]+)"', html).group(1)
    items = lms.deep_link_items(token)  # the platform checks our signature
    assert len(items) == 1
    return items[0]


def learner_launch(lms, client, item, *, sub=STUDENT_SUB, resource_link="link-1", **kwargs):
    if lms.lineitem_for(resource_link) is None:
        lms.place_link(resource_link, item)
    return lms.launch(
        client,
        sub=sub,
        roles=LEARNER,
        resource_link=resource_link,
        custom=item.get("custom"),
        name="Sam Student",
        email="sam@example.org",
        **kwargs,
    )


def answer_and_submit(client, assignment, *, right: int, django_capture_on_commit_callbacks):
    client.post(f"/assignments/{assignment.pk}/start/")
    attempt = Attempt.objects.get(assignment=assignment, state="in_progress")
    for answer in attempt.answers.order_by("position"):
        options = list(answer.question_version.options.order_by("position"))
        chosen = options[0] if answer.position <= right else options[1]
        answer.response = {"option": chosen.pk}
        answer.save(update_fields=["response"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/attempts/{attempt.pk}/finish/")
    assert response.status_code == 302
    attempt.refresh_from_db()
    return attempt


def test_login_launch_deep_link_learner_submission_and_score(
    lms, client, bundled_quiz, django_capture_on_commit_callbacks
):
    item = deep_link(lms, client, bundled_quiz)
    assert item["type"] == "ltiResourceLink"
    assert item["title"] == bundled_quiz.title
    assert item["url"] == "http://testserver/lti/launch/"
    assert item["lineItem"] == {
        "scoreMaximum": 100,
        "label": bundled_quiz.title,
        "resourceId": f"psoasquiz-quiz-{bundled_quiz.pk}",
    }
    teacher = LtiUser.objects.get(sub=TEACHER_SUB).user
    assert teacher.role == "instructor"
    assert not teacher.has_usable_password()
    classroom = LtiContext.objects.get(context_id="course-1").classroom
    assert classroom.name == "Psoas anatomy, spring cohort"
    assert list(classroom.instructors.all()) == [teacher]
    assignment = Assignment.objects.get(classroom=classroom, quiz=bundled_quiz)

    client.logout()
    response = learner_launch(lms, client, item)
    assert response.status_code == 302
    assert response["Location"] == f"/assignments/{assignment.pk}/"
    student = LtiUser.objects.get(sub=STUDENT_SUB).user
    assert student.role == "student"
    assert student.display_name == "Sam Student"
    assert Enrollment.objects.filter(classroom=classroom, student=student).exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    # A session from a launch may be framed by the platform, and only by it.
    policy = csp.directives(page["Content-Security-Policy"])
    assert policy["frame-ancestors"] == "'self' https://lms.test"
    assert policy["script-src"] == "'self'"
    assert "X-Frame-Options" not in page

    attempt = answer_and_submit(
        client,
        assignment,
        right=1,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert attempt.state == "submitted"
    assert len(lms.scores) == 1
    line_item, score = lms.scores[0]
    assert line_item == "1"
    assert score["scoreGiven"] == 50.0
    assert score["scoreMaximum"] == 100
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert score["userId"] == STUDENT_SUB
    assert score["timestamp"]
    submission = GradeSubmission.objects.get()
    assert submission.status == GradeStatus.SENT
    assert submission.tries == 1


def test_the_grade_follows_the_quizs_grading_method_across_attempts(
    lms, client, bundled_quiz, django_capture_on_commit_callbacks
):
    bundled_quiz.grading_method = "highest"
    bundled_quiz.save()
    item = deep_link(lms, client, bundled_quiz)
    client.logout()
    learner_launch(lms, client, item)
    assignment = Assignment.objects.get(quiz=bundled_quiz)
    kwargs = {"django_capture_on_commit_callbacks": django_capture_on_commit_callbacks}
    answer_and_submit(client, assignment, right=2, **kwargs)
    answer_and_submit(client, assignment, right=0, **kwargs)
    assert [s["scoreGiven"] for _, s in lms.scores] == [100.0, 100.0]


def test_a_failing_platform_is_retried_by_the_cron_command(
    lms, client, bundled_quiz, django_capture_on_commit_callbacks
):
    item = deep_link(lms, client, bundled_quiz)
    client.logout()
    learner_launch(lms, client, item)
    lms.score_failures = [500]
    attempt = answer_and_submit(
        client,
        Assignment.objects.get(quiz=bundled_quiz),
        right=2,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert attempt.state == "submitted", "the student's submission stands whatever the platform"
    submission = GradeSubmission.objects.get()
    assert submission.status == GradeStatus.PENDING
    assert submission.tries == 1
    assert "500" in submission.last_error
    assert submission.next_try_at > timezone.now()
    assert lms.scores == []

    out = StringIO()
    call_command("lti_send_grades", stdout=out)
    assert "Grades sent: 0" in out.getvalue(), "not due yet: backoff"
    GradeSubmission.objects.update(next_try_at=timezone.now())
    call_command("lti_send_grades", stdout=out)
    assert "Grades sent: 1" in out.getvalue()
    submission.refresh_from_db()
    assert submission.status == GradeStatus.SENT
    assert submission.tries == 2
    assert [s["scoreGiven"] for _, s in lms.scores] == [100.0]


def keyset_fetches(network) -> int:
    return sum(1 for call in network.calls if call.request.url == KEYSET_URL)


def test_the_platforms_keyset_is_kept_and_fetched_again_when_its_keys_rotate(
    lms, client, network, bundled_quiz
):
    item = deep_link(lms, client, bundled_quiz)
    assert keyset_fetches(network) == 1
    for sub in ("learner-a", "learner-b"):
        client.logout()
        assert learner_launch(lms, client, item, sub=sub).status_code == 302
    assert keyset_fetches(network) == 1, "a class launching at once fetches the keys once"

    # The platform rotates its key: the kept set lacks the new one, so it is fetched again.
    lms.private_key, lms.public_key = rsa_pair()
    client.logout()
    assert learner_launch(lms, client, item, sub="learner-c").status_code == 302
    assert keyset_fetches(network) == 2
    client.logout()
    assert learner_launch(lms, client, item, sub="learner-d").status_code == 302
    assert keyset_fetches(network) == 2


def test_a_token_signed_by_a_key_the_platform_never_published_is_still_refused(
    lms, client, network, bundled_quiz
):
    item = deep_link(lms, client, bundled_quiz)
    client.logout()
    published = lms.public_key
    lms.private_key, _ = rsa_pair()
    # The token names a key id the platform's keyset does not have, before and after refetching.
    lms.public_key = published
    response = learner_launch(lms, client, item, sub="intruder")
    assert response.status_code == 403
    assert "signature does not match" in response.content.decode()
    assert not LtiUser.objects.filter(sub="intruder").exists()


def test_a_grade_whose_after_commit_step_never_ran_is_found_and_sent_by_cron(
    lms, client, bundled_quiz, django_capture_on_commit_callbacks
):
    item = deep_link(lms, client, bundled_quiz)
    client.logout()
    learner_launch(lms, client, item)
    assignment = Assignment.objects.get(quiz=bundled_quiz)
    # A student of the same class who joined with the code: no platform account, nothing owed.
    other = f.StudentFactory()
    f.EnrollmentFactory(classroom=assignment.classroom, student=other)
    f.SubmittedAttemptFactory(assignment=assignment, quiz=bundled_quiz, student=other)
    client.post(f"/assignments/{assignment.pk}/start/")
    attempt = Attempt.objects.get(assignment=assignment, state="in_progress")
    # The worker dies after the commit: the callbacks that queue and send the grade never run.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(f"/attempts/{attempt.pk}/finish/").status_code == 302
    assert callbacks, "closing an attempt queues its grade after the commit"
    assert not GradeSubmission.objects.exists()

    out = StringIO()
    call_command("lti_send_grades", stdout=out)
    assert "Grades sent: 1" in out.getvalue()
    assert "Grades found unqueued: 1" in out.getvalue()
    assert [s["scoreGiven"] for _, s in lms.scores] == [0.0]
    assert GradeSubmission.objects.get().status == GradeStatus.SENT

    # Found once: the grade row now postdates the submission.
    call_command("lti_send_grades", stdout=out)
    assert out.getvalue().count("Grades found unqueued: 0") == 1
    assert len(lms.scores) == 1


def test_backoff_doubles_and_gives_up_after_the_last_try(
    lms, client, bundled_quiz, django_capture_on_commit_callbacks
):
    item = deep_link(lms, client, bundled_quiz)
    client.logout()
    learner_launch(lms, client, item)
    lms.score_failures = [503] * (services.MAX_TRIES + 1)
    answer_and_submit(
        client,
        Assignment.objects.get(quiz=bundled_quiz),
        right=1,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    submission = GradeSubmission.objects.get()
    delays = []
    while submission.status == GradeStatus.PENDING:
        now = submission.next_try_at
        services.grades_send_due(now=now)
        submission.refresh_from_db()
        if submission.next_try_at:
            delays.append(submission.next_try_at - now)
    assert submission.status == GradeStatus.FAILED
    assert submission.tries == services.MAX_TRIES
    assert delays[0] == services.FIRST_RETRY * 2
    assert max(delays) == services.LONGEST_RETRY
    assert lms.scores == []


def test_instructor_grades_page_shows_status_and_retries_now(
    lms, client, bundled_quiz, django_capture_on_commit_callbacks
):
    item = deep_link(lms, client, bundled_quiz)
    client.logout()
    learner_launch(lms, client, item)
    lms.score_failures = [502]
    answer_and_submit(
        client,
        Assignment.objects.get(quiz=bundled_quiz),
        right=2,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    client.logout()
    teacher = LtiUser.objects.get(sub=TEACHER_SUB).user
    client.force_login(teacher)
    page = client.get("/lti/grades/").content.decode()
    assert "Sam Student" in page and "Waiting" in page and "502" in page
    submission = GradeSubmission.objects.get()
    response = client.post(f"/lti/grades/{submission.pk}/retry/", follow=True)
    assert "was sent to the platform" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == GradeStatus.SENT
    # Another instructor sees nothing of it and cannot retry it.
    client.force_login(InstructorFactory())
    assert "Sam Student" not in client.get("/lti/grades/").content.decode()
    assert client.post(f"/lti/grades/{submission.pk}/retry/").status_code == 404


def test_roster_sync_adds_members_once(lms, client, bundled_quiz):
    lms.members = [
        {"user_id": "m-1", "roles": LEARNER, "name": "Mia Learner", "email": "mia@example.org"},
        {"user_id": "m-2", "roles": LEARNER, "name": "Mia Learner", "status": "Active"},
        {"user_id": "m-3", "roles": [TA], "name": "Theo TA"},
        {"user_id": "m-4", "roles": LEARNER, "name": "Gone", "status": "Inactive"},
        {"user_id": "m-5", "roles": [LIS + "Mentor"], "name": "A parent"},
        {"user_id": TEACHER_SUB, "roles": INSTRUCTOR, "name": "Tara Teacher"},
    ]
    # The instructor's launch reads the roster once (it is due: never read).
    deep_link(lms, client, bundled_quiz)
    context = LtiContext.objects.get()
    classroom = context.classroom
    assert context.roster_synced_at is not None
    names = set(classroom.students.values_list("display_name", flat=True))
    assert names == {"Mia Learner"}
    assert classroom.students.count() == 2
    usernames = set(classroom.students.values_list("username", flat=True))
    assert usernames == {"mia-learner", "mia-learner-2"}, "made unique"
    assert set(classroom.instructors.values_list("display_name", flat=True)) == {
        "Tara Teacher",
        "Theo TA",
    }
    before = rows()
    response = client.post(f"/lti/classes/{classroom.pk}/", follow=True)
    assert "0 students and 0 instructors added (0 new accounts)" in response.content.decode()
    assert rows() == before, "idempotent"
    lms.members.append({"user_id": "m-6", "roles": LEARNER, "name": "Late Joiner"})
    client.post(f"/lti/classes/{classroom.pk}/")
    assert classroom.students.filter(display_name="Late Joiner").exists()


def test_a_learner_is_not_allowed_the_class_page(lms, client, bundled_quiz):
    item = deep_link(lms, client, bundled_quiz)
    client.logout()
    learner_launch(lms, client, item)
    classroom = LtiContext.objects.get().classroom
    assert client.get(f"/lti/classes/{classroom.pk}/").status_code in (302, 403, 404)


# --- bad launches -------------------------------------------------------------------------------


def _resign(data, key, **changes):
    header = jwt.get_unverified_header(data["id_token"])
    body = jwt.decode(data["id_token"], options={"verify_signature": False})
    body.update(changes)
    return dict(
        data, id_token=jwt.encode(body, key, algorithm="RS256", headers={"kid": header["kid"]})
    )


def _other_key(data, preflight):
    return _resign(data, rsa_pair()[0])


BAD_LAUNCHES = {
    "wrong signature": (
        {"tamper": _other_key},
        403,
        launch_errors.BAD_SIGNATURE.format(issuer="https://lms.test"),
    ),
    "wrong audience": (
        {"claims": {"aud": "someone-else"}},
        403,
        launch_errors.WRONG_AUDIENCE.format(client_id="someone-else", issuer="https://lms.test"),
    ),
    "expired token": ({"expires_in": -120}, 400, launch_errors.EXPIRED),
    "unknown deployment": (
        {"claims": {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "nope"}},
        403,
        launch_errors.UNKNOWN_DEPLOYMENT.format(deployment_id="nope", issuer="https://lms.test"),
    ),
    "unknown issuer": (
        {"claims": {"iss": "https://elsewhere.test"}},
        403,
        launch_errors.UNKNOWN_ISSUER.format(issuer="https://elsewhere.test"),
    ),
    "not signed at all": (
        {"tamper": lambda data, _: dict(data, id_token="not.a.jwt")},
        400,
        launch_errors.MALFORMED,
    ),
    "no course": ({"context": False}, 400, services.NO_CONTEXT),
    "observer role": (
        {"roles": [LIS + "Mentor"]},
        403,
        services.ROLE_REFUSED.format(roles="Mentor"),
    ),
    "link without a quiz": ({"custom": {}}, 400, services.NO_QUIZ),
    "forged quiz parameter": (
        {"custom": {"psoasquiz_quiz": "someone-elses-quiz"}},
        400,
        services.NO_QUIZ,
    ),
}


def _shown(message: str) -> str:
    from django.utils.html import escape

    return escape(message)


@pytest.mark.parametrize("case", BAD_LAUNCHES, ids=list(BAD_LAUNCHES))
def test_a_bad_launch_is_refused_and_writes_nothing(case, lms, client, bundled_quiz):
    kwargs, status, message = BAD_LAUNCHES[case]
    kwargs = dict(kwargs)
    roles = kwargs.pop("roles", LEARNER)
    custom = kwargs.pop("custom", {services.QUIZ_PARAMETER: services.quiz_parameter(bundled_quiz)})
    before = rows()
    response = lms.launch(
        client, sub=STUDENT_SUB, roles=roles, resource_link="link-1", custom=custom, **kwargs
    )
    assert response.status_code == status
    body = response.content.decode()
    assert _shown(message) in body
    assert "psoasquiz could not open from your learning platform" in body
    assert "X-Frame-Options" not in response, "the LMS must be able to show the message"
    assert "frame-ancestors" not in csp.directives(response["Content-Security-Policy"])
    assert rows() == before
    assert "_auth_user_id" not in client.session


def test_a_replayed_launch_is_refused(lms, client, bundled_quiz):
    custom = {services.QUIZ_PARAMETER: services.quiz_parameter(bundled_quiz)}
    sent = {}

    def keep(data, preflight):
        sent.update(data)
        return data

    first = lms.launch(
        client, sub=STUDENT_SUB, roles=LEARNER, resource_link="link-1", custom=custom, tamper=keep
    )
    assert first.status_code == 302
    before = rows()
    replay = client.post("/lti/launch/", sent)
    assert replay.status_code == 400
    assert _shown(launch_errors.REPLAYED) in replay.content.decode()
    # And from another browser, which never had the state cookie.
    client.cookies.clear()
    replay = client.post("/lti/launch/", sent)
    assert replay.status_code == 400
    assert rows() == before


def test_a_launch_without_the_state_cookie_is_refused(lms, client, bundled_quiz):
    custom = {services.QUIZ_PARAMETER: services.quiz_parameter(bundled_quiz)}

    def drop_cookies(data, preflight):
        client.cookies.clear()
        return data

    before = rows()
    response = lms.launch(
        client,
        sub=STUDENT_SUB,
        roles=LEARNER,
        resource_link="link-1",
        custom=custom,
        tamper=drop_cookies,
    )
    assert response.status_code == 400
    assert _shown(launch_errors.MISSING_STATE) in response.content.decode()
    assert rows() == before


def test_a_get_on_the_launch_url_explains_itself(client, db):
    response = client.get("/lti/launch/")
    assert response.status_code == 400
    assert _shown(launch_errors.MISSING_TOKEN) in response.content.decode()


def test_login_from_an_unknown_issuer_is_refused(client, lms):
    response = client.get("/lti/login/", {"iss": "https://elsewhere.test", "login_hint": "x"})
    assert response.status_code == 403
    assert _shown(launch_errors.UNKNOWN_ISSUER.format(issuer="https://elsewhere.test")) in (
        response.content.decode()
    )
    response = client.get("/lti/login/", {"iss": "https://lms.test"})
    assert response.status_code == 400
    assert _shown(launch_errors.MISSING_LOGIN_PARAMS) in response.content.decode()


def test_a_learner_cannot_deep_link(lms, client, bundled_quiz):
    before = rows()
    response = lms.launch(client, sub=STUDENT_SUB, roles=LEARNER, deep_link=True)
    assert response.status_code == 403
    assert _shown(services.DEEP_LINK_NOT_INSTRUCTOR) in response.content.decode()
    assert rows() == before


def test_deep_linking_lists_bundled_and_own_quizzes_only(lms, client, bundled_quiz):
    lms.launch(client, sub=TEACHER_SUB, roles=INSTRUCTOR, deep_link=True)
    teacher = LtiUser.objects.get(sub=TEACHER_SUB).user
    own = QuizFactory(owner=teacher, title="My own psoas quiz")
    other = QuizFactory(title="Someone else's private quiz")
    page = client.get("/lti/deep-link/").content.decode()
    assert own.title in page and bundled_quiz.title in page
    assert "Someone else" not in page
    response = client.post("/lti/deep-link/", {"quiz": other.pk})
    assert response.status_code == 400
    assert "Choose one of the quizzes listed." in response.content.decode()


def test_a_learner_launch_through_a_hand_made_link_creates_its_line_item(
    lms, client, bundled_quiz, django_capture_on_commit_callbacks
):
    # No deep linking: the platform's link has no line item; the tool adds one, then scores it.
    custom = {services.QUIZ_PARAMETER: services.quiz_parameter(bundled_quiz)}
    lms.launch(client, sub=STUDENT_SUB, roles=LEARNER, resource_link="hand-made", custom=custom)
    link = LtiResourceLink.objects.get()
    assert link.lineitem_url == ""
    answer_and_submit(
        client,
        link.assignment,
        right=2,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert lms.lineitems["1"]["resourceLinkId"] == "hand-made"
    assert lms.lineitems["1"]["label"] == bundled_quiz.title
    assert [s["scoreGiven"] for _, s in lms.scores] == [100.0]
    link.refresh_from_db()
    assert link.lineitem_url.endswith("/lineitems/1")
