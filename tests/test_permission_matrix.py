"""Every URL in the project × every kind of visitor → the status they get, and nothing they
should not see.

The world: classes A and B, each with its own instructor and student; a staff member; and
anonymous visitors. Instructor A owns a private bank, a quiz and class A's assignments; student A
has an open attempt and a submitted one, an API token, an extension and flashcards. Each URL
pattern in the resolver is visited by GET and by POST as every role, with its path filled from
that world. A POST that is refused must change nothing in the database; an allowed POST is rolled
back, so every visit sees the same world.

The expectations are in EXPECTED, one line per URL pattern. A URL pattern added to the project
without a line here fails `test_every_url_pattern_has_an_expectation`, so the matrix stays whole.
"""

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quizzes.models import Enrollment
from quizzes.services.api_tokens import api_token_create
from quizzes.services.attempts import attempt_start, attempt_submit
from tests import factories as f

ROLES = ("anon", "student_a", "student_b", "instructor_a", "instructor_b", "staff")

# URL patterns left out, with the reason.
EXCLUDED = {
    "admin/": "Django's admin: staff only by Django itself; tests/test_admin.py opens its pages",
}

# Names that must never reach the other class: people's usernames and display names.
NAMES = {
    "student_a": ("alder-trainee-qx", "Alder Quixley"),
    "student_b": ("birch-trainee-zv", "Birch Zavatta"),
    "instructor_a": ("cedar-teacher-qx", "Cedar Quennell"),
    "instructor_b": ("damson-teacher-zv", "Damson Zeller"),
}
# Whose names each role may never see. Students see no other student; instructors see only
# their own class's people.
NEVER_SEES = {
    "anon": ("student_a", "student_b", "instructor_a", "instructor_b"),
    "student_a": ("student_b", "instructor_b"),
    "student_b": ("student_a", "instructor_a"),
    "instructor_a": ("student_b", "instructor_b"),
    "instructor_b": ("student_a", "instructor_a"),
    "staff": (),
}


@dataclass(frozen=True)
class World:
    users: dict
    class_a: object
    class_b: object
    bank_a: object
    question_a: object
    quiz_a: object
    assignment_a: object
    open_attempt: object
    submitted_attempt: object
    token_a: object
    fit_a: object
    submission_a: object


@pytest.fixture
def world(db):
    users = {
        role: (f.StudentFactory if role.startswith("student") else f.InstructorFactory)(
            username=NAMES[role][0], display_name=NAMES[role][1]
        )
        for role in NAMES
    }
    users["staff"] = f.InstructorFactory(username="site-staff", is_staff=True)
    users["anon"] = None
    class_a = f.ClassroomFactory(name="Class A", instructors=[users["instructor_a"]])
    class_b = f.ClassroomFactory(name="Class B", instructors=[users["instructor_b"]])
    Enrollment.objects.create(classroom=class_a, student=users["student_a"])
    Enrollment.objects.create(classroom=class_b, student=users["student_b"])
    bank_a = f.QuestionBankFactory(owner=users["instructor_a"], slug="bank-a")
    f.QuestionBankFactory(owner=users["instructor_b"], slug="bank-b")
    question_a = f.QuestionFactory(bank=bank_a)
    second = f.QuestionFactory(bank=bank_a)
    quiz_a = f.QuizFactory(owner=users["instructor_a"])
    f.QuizItemFactory(quiz=quiz_a, question=question_a, position=1)
    f.QuizItemFactory(quiz=quiz_a, question=second, position=2)
    assignment_a = f.AssignmentFactory(classroom=class_a, quiz=quiz_a)
    done_quiz = f.QuizFactory(owner=users["instructor_a"])
    f.QuizItemFactory(quiz=done_quiz, question=question_a, position=1)
    done_assignment = f.AssignmentFactory(classroom=class_a, quiz=done_quiz)
    quiz_b = f.QuizFactory(owner=users["instructor_b"])
    f.QuizItemFactory(quiz=quiz_b, question=f.QuestionFactory(), position=1)
    assignment_b = f.AssignmentFactory(classroom=class_b, quiz=quiz_b)

    student_a = users["student_a"]
    open_attempt = attempt_start(student=student_a, assignment=assignment_a)
    submitted = attempt_start(student=student_a, assignment=done_assignment)
    attempt_submit(attempt_id=submitted.pk, student=student_a)
    submitted.refresh_from_db()
    b_attempt = attempt_start(student=users["student_b"], assignment=assignment_b)
    attempt_submit(attempt_id=b_attempt.pk, student=users["student_b"])
    f.ExtensionFactory(assignment=assignment_a, student=student_a)
    card = f.CardStateFactory(student=student_a, question=question_a)
    f.ReviewLogFactory(card=card)
    token_a = api_token_create(user=student_a, name="Moodle").token
    fit_a = apps.get_model("quizzes", "ParameterFit").objects.create(
        classroom=class_a, requested_by=users["instructor_a"], status="failed"
    )
    context = f.LtiContextFactory(classroom=class_a)
    link = f.LtiResourceLinkFactory(context=context, assignment=assignment_a)
    lti_user = f.LtiUserFactory(user=student_a, platform=context.deployment.platform)
    submission_a = f.GradeSubmissionFactory(link=link, lti_user=lti_user)
    return World(
        users=users,
        class_a=class_a,
        class_b=class_b,
        bank_a=bank_a,
        question_a=question_a,
        quiz_a=quiz_a,
        assignment_a=assignment_a,
        open_attempt=open_attempt,
        submitted_attempt=submitted,
        token_a=token_a,
        fit_a=fit_a,
        submission_a=submission_a,
    )


# --- Expectations -----------------------------------------------------------------------------
#
# One line per URL pattern: the path's parameters from the world, then the status for GET and
# for POST as (anon, student_a, student_b, instructor_a, instructor_b, staff). "L" is a redirect
# to the login page; any other 3xx is written as 302.

L = "L"


def S(anon, student_a, student_b, instructor_a, instructor_b, staff):  # noqa: N802
    return dict(
        zip(ROLES, (anon, student_a, student_b, instructor_a, instructor_b, staff), strict=True)
    )


def everyone(status):
    return S(*([status] * 6))


@dataclass(frozen=True)
class Expect:
    kwargs: object  # World -> dict of path parameters
    get: dict
    post: dict


def none(w):
    return {}


def cls(w):
    return {"classroom_id": w.class_a.pk}


def cls_assignment(w):
    return {"classroom_id": w.class_a.pk, "assignment_id": w.assignment_a.pk}


def bank(w):
    return {"slug": w.bank_a.slug}


def question(w):
    return {"question_id": w.question_a.pk}


def open_attempt(w, position=1):
    return {"attempt_id": w.open_attempt.pk, "position": position}


# Who teaches class A: its instructor and staff. Students find nothing (404), nor does another
# instructor; anonymous visitors are sent to log in. Pages that show a form or a report answer a
# POST of nothing with the page again (200), changing nothing.
TEACHES_A = S(L, 404, 404, 200, 404, 200)
# An action class A's teachers may POST: done (302 back to a page), or 404 for everyone else.
TEACHES_A_ACTION = S(L, 404, 404, 302, 404, 302)
# Bank A's owner and staff; other instructors find no such bank (404); students are told the
# page is for instructors (403).
OWNS_BANK = S(L, 403, 403, 200, 404, 200)
OWNS_BANK_ACTION = S(L, 403, 403, 302, 404, 302)
# A POST-only bank action visited by GET: the method is refused before anything is looked up.
BANK_ACTION_GET = S(L, 403, 403, 405, 405, 405)
INSTRUCTORS = S(L, 403, 403, 200, 200, 200)
# Student A's own things: nobody else finds them.
STUDENT_A = S(L, 200, 404, 404, 404, 404)
# API: instructors' endpoints; students are told so (403), others' objects are 404.
API_INSTRUCTORS = S(401, 403, 403, 200, 200, 200)
API_INSTRUCTOR_A = S(401, 403, 403, 200, 404, 200)
API_READ_ONLY = S(401, 403, 403, 405, 405, 405)
# API: students' endpoints; instructors are told so (403).
API_STUDENTS = S(401, 200, 200, 403, 403, 403)
API_STUDENT_ACTION_GET = S(401, 405, 405, 403, 403, 403)
API_EVERYONE = S(401, 200, 200, 200, 200, 200)
API_NO_POST = S(401, 405, 405, 405, 405, 405)

EXPECTED: dict[str, Expect] = {
    # Public pages.
    "": Expect(none, everyone(200), everyone(200)),
    "healthz": Expect(none, everyone(200), everyone(405)),
    # The logged-in probe (the load benchmark's second floor): says nothing about anyone.
    "healthz/session": Expect(none, S(401, 200, 200, 200, 200, 200), everyone(405)),
    "accounts/login/": Expect(
        none, S(200, 302, 302, 302, 302, 302), S(200, 302, 302, 302, 302, 302)
    ),
    "accounts/logout/": Expect(none, everyone(405), everyone(302)),
    "accounts/signup/": Expect(
        none, S(200, 302, 302, 302, 302, 302), S(200, 302, 302, 302, 302, 302)
    ),
    # LTI: the platform's endpoints refuse a visit that carries no launch.
    "lti/login/": Expect(none, everyone(400), everyone(400)),
    "lti/launch/": Expect(none, everyone(400), everyone(400)),
    "lti/jwks/": Expect(none, everyone(200), everyone(405)),
    "lti/deep-link/": Expect(none, S(L, 400, 400, 400, 400, 400), S(L, 400, 400, 400, 400, 400)),
    "lti/grades/": Expect(none, S(L, L, L, 200, 200, 200), S(L, L, L, 405, 405, 405)),
    "lti/grades/<int:submission_id>/retry/": Expect(
        lambda w: {"submission_id": w.submission_a.pk},
        S(L, L, L, 405, 405, 405),
        S(L, L, L, 302, 404, 302),
    ),
    "lti/classes/<int:classroom_id>/": Expect(
        cls, S(L, L, L, 200, 404, 200), S(L, L, L, 302, 404, 302)
    ),
    "lti/platforms/": Expect(none, S(L, L, L, L, L, 200), S(L, L, L, L, L, 200)),
    # Students.
    "study/": Expect(none, S(L, 200, 200, 200, 200, 200), S(L, 302, 302, 200, 200, 200)),
    "progress/": Expect(none, S(L, 200, 200, 403, 403, 403), S(L, 200, 200, 403, 403, 403)),
    "progress/exam-date/": Expect(
        none, S(L, 405, 405, 405, 405, 405), S(L, 302, 302, 403, 403, 403)
    ),
    "accounts/api-tokens/": Expect(
        none, S(L, 200, 200, 200, 200, 200), S(L, 400, 400, 400, 400, 400)
    ),
    "accounts/api-tokens/<int:token_id>/revoke/": Expect(
        lambda w: {"token_id": w.token_a.pk},
        S(L, 405, 405, 405, 405, 405),
        S(L, 302, 404, 404, 404, 404),
    ),
    "classes/join/": Expect(none, S(L, 200, 200, 403, 403, 403), S(L, 200, 200, 403, 403, 403)),
    "assignments/<int:assignment_id>/": Expect(
        lambda w: {"assignment_id": w.assignment_a.pk}, STUDENT_A, STUDENT_A
    ),
    "assignments/<int:assignment_id>/start/": Expect(
        lambda w: {"assignment_id": w.assignment_a.pk},
        S(L, 405, 405, 405, 405, 405),
        S(L, 302, 404, 404, 404, 404),
    ),
    "attempts/<int:attempt_id>/q/<int:position>/": Expect(open_attempt, STUDENT_A, STUDENT_A),
    "attempts/<int:attempt_id>/q/<int:position>/autosave/": Expect(
        open_attempt, S(L, 405, 405, 405, 405, 405), STUDENT_A
    ),
    "attempts/<int:attempt_id>/finish/": Expect(
        lambda w: {"attempt_id": w.open_attempt.pk}, STUDENT_A, S(L, 302, 404, 404, 404, 404)
    ),
    # A review is the student's own; instructors read attempts through the class reports.
    "attempts/<int:attempt_id>/review/": Expect(
        lambda w: {"attempt_id": w.submitted_attempt.pk}, STUDENT_A, STUDENT_A
    ),
    # Instructors running classes.
    "classes/": Expect(none, S(L, 404, 404, 200, 200, 200), S(L, 404, 404, 200, 200, 200)),
    "classes/new/": Expect(none, S(L, 404, 404, 200, 200, 200), S(L, 404, 404, 200, 200, 200)),
    "classes/<int:classroom_id>/": Expect(cls, TEACHES_A, TEACHES_A),
    "classes/<int:classroom_id>/edit/": Expect(cls, TEACHES_A, TEACHES_A),
    # Shows what a new code does, and asks to confirm.
    "classes/<int:classroom_id>/code/": Expect(cls, TEACHES_A, TEACHES_A),
    # GET goes back to the class page, where the form is.
    "classes/<int:classroom_id>/students/add/": Expect(cls, TEACHES_A_ACTION, TEACHES_A),
    "classes/<int:classroom_id>/students/<int:student_id>/remove/": Expect(
        lambda w: {**cls(w), "student_id": w.users["student_a"].pk}, TEACHES_A, TEACHES_A_ACTION
    ),
    "classes/<int:classroom_id>/instructors/add/": Expect(cls, TEACHES_A_ACTION, TEACHES_A),
    "classes/<int:classroom_id>/instructors/<int:user_id>/remove/": Expect(
        lambda w: {**cls(w), "user_id": w.users["instructor_a"].pk}, TEACHES_A, TEACHES_A_ACTION
    ),
    "classes/<int:classroom_id>/assignments/new/": Expect(cls, TEACHES_A, TEACHES_A),
    "classes/<int:classroom_id>/assignments/<int:assignment_id>/": Expect(
        cls_assignment, TEACHES_A, TEACHES_A_ACTION
    ),
    "classes/<int:classroom_id>/assignments/<int:assignment_id>/delete/": Expect(
        cls_assignment, TEACHES_A, TEACHES_A_ACTION
    ),
    "classes/<int:classroom_id>/assignments/<int:assignment_id>/extensions/": Expect(
        cls_assignment, TEACHES_A, TEACHES_A
    ),
    "classes/<int:classroom_id>/assignments/<int:assignment_id>/extensions/<int:student_id>/delete/": Expect(  # noqa: E501
        lambda w: {**cls_assignment(w), "student_id": w.users["student_a"].pk},
        TEACHES_A,
        TEACHES_A_ACTION,
    ),
    "classes/<int:classroom_id>/memory/fit/": Expect(cls, TEACHES_A_ACTION, TEACHES_A_ACTION),
    "classes/<int:classroom_id>/memory/fits/<int:fit_id>/": Expect(
        lambda w: {**cls(w), "fit_id": w.fit_a.pk}, TEACHES_A, S(L, 404, 404, 405, 405, 405)
    ),
    "classes/<int:classroom_id>/memory/fits/<int:fit_id>/status/": Expect(
        lambda w: {**cls(w), "fit_id": w.fit_a.pk}, TEACHES_A, S(L, 404, 404, 405, 405, 405)
    ),
    "classes/<int:classroom_id>/memory/reset/": Expect(cls, TEACHES_A, TEACHES_A_ACTION),
    "classes/<int:classroom_id>/reports/": Expect(cls, TEACHES_A, TEACHES_A),
    "classes/<int:classroom_id>/quizzes/<int:quiz_id>/report/": Expect(
        lambda w: {**cls(w), "quiz_id": w.quiz_a.pk}, TEACHES_A, TEACHES_A
    ),
    "classes/<int:classroom_id>/reports/mastery/": Expect(cls, TEACHES_A, TEACHES_A),
    "classes/<int:classroom_id>/reports/myths/": Expect(cls, TEACHES_A, TEACHES_A),
    # Instructors writing questions.
    "banks/": Expect(none, INSTRUCTORS, INSTRUCTORS),
    "banks/new/": Expect(none, INSTRUCTORS, INSTRUCTORS),
    "banks/csv-template.csv": Expect(none, INSTRUCTORS, S(L, 403, 403, 405, 405, 405)),
    "banks/<slug:slug>/": Expect(bank, OWNS_BANK, OWNS_BANK),
    "banks/<slug:slug>/settings/": Expect(bank, OWNS_BANK, OWNS_BANK),
    "banks/<slug:slug>/tag/": Expect(bank, BANK_ACTION_GET, OWNS_BANK_ACTION),
    "banks/<slug:slug>/import/": Expect(bank, OWNS_BANK, OWNS_BANK),
    "banks/<slug:slug>/import/confirm/": Expect(bank, BANK_ACTION_GET, OWNS_BANK_ACTION),
    "banks/<slug:slug>/export/": Expect(bank, OWNS_BANK, BANK_ACTION_GET),
    "banks/<slug:slug>/questions/new/": Expect(bank, OWNS_BANK, OWNS_BANK),
    "banks/<slug:slug>/questions/new/<str:qtype>/": Expect(
        lambda w: {**bank(w), "qtype": "single_choice"}, OWNS_BANK, OWNS_BANK
    ),
    "questions/<int:question_id>/": Expect(question, OWNS_BANK, OWNS_BANK),
    "questions/<int:question_id>/edit/": Expect(question, OWNS_BANK, OWNS_BANK),
    "questions/<int:question_id>/history/": Expect(question, OWNS_BANK, OWNS_BANK),
    "questions/<int:question_id>/archive/": Expect(question, BANK_ACTION_GET, OWNS_BANK_ACTION),
    "questions/<int:question_id>/unarchive/": Expect(question, BANK_ACTION_GET, OWNS_BANK_ACTION),
    # The question is in a quiz that has attempts: deleting it is refused (409), archiving is not.
    "questions/<int:question_id>/delete/": Expect(
        question, OWNS_BANK, S(L, 403, 403, 409, 404, 409)
    ),
    "questions/<int:question_id>/duplicate/": Expect(question, OWNS_BANK, OWNS_BANK),
    # The REST API: anonymous callers get 401; another person's object is 404.
    "api/v1/me/": Expect(none, API_EVERYONE, API_NO_POST),
    "api/v1/banks/": Expect(none, API_INSTRUCTORS, API_READ_ONLY),
    "api/v1/banks/<api_id:pk>/": Expect(
        lambda w: {"pk": w.bank_a.pk}, API_INSTRUCTOR_A, API_READ_ONLY
    ),
    "api/v1/questions/": Expect(none, API_INSTRUCTORS, API_READ_ONLY),
    "api/v1/questions/<api_id:pk>/": Expect(
        lambda w: {"pk": w.question_a.pk}, API_INSTRUCTOR_A, API_READ_ONLY
    ),
    "api/v1/questions/<api_id:question_id>/versions/": Expect(
        lambda w: {"question_id": w.question_a.pk}, API_INSTRUCTOR_A, API_READ_ONLY
    ),
    "api/v1/questions/<api_id:question_id>/versions/<api_id:number>/": Expect(
        lambda w: {"question_id": w.question_a.pk, "number": 1}, API_INSTRUCTOR_A, API_READ_ONLY
    ),
    # Students read the quizzes assigned to them.
    "api/v1/quizzes/": Expect(none, API_EVERYONE, API_NO_POST),
    "api/v1/quizzes/<api_id:pk>/": Expect(
        lambda w: {"pk": w.quiz_a.pk}, S(401, 200, 404, 200, 404, 200), API_NO_POST
    ),
    "api/v1/classes/": Expect(none, API_EVERYONE, API_NO_POST),
    "api/v1/classes/<api_id:pk>/": Expect(
        lambda w: {"pk": w.class_a.pk}, S(401, 200, 404, 200, 404, 200), API_NO_POST
    ),
    "api/v1/classes/<api_id:class_id>/enrollments/": Expect(
        lambda w: {"class_id": w.class_a.pk}, API_INSTRUCTOR_A, API_READ_ONLY
    ),
    "api/v1/classes/<api_id:class_id>/quizzes/<api_id:quiz_id>/report/": Expect(
        lambda w: {"class_id": w.class_a.pk, "quiz_id": w.quiz_a.pk},
        API_INSTRUCTOR_A,
        API_READ_ONLY,
    ),
    "api/v1/classes/<api_id:class_id>/reports/students/": Expect(
        lambda w: {"class_id": w.class_a.pk}, API_INSTRUCTOR_A, API_READ_ONLY
    ),
    "api/v1/classes/<api_id:class_id>/reports/mastery/": Expect(
        lambda w: {"class_id": w.class_a.pk}, API_INSTRUCTOR_A, API_READ_ONLY
    ),
    "api/v1/classes/<api_id:class_id>/reports/myths/": Expect(
        lambda w: {"class_id": w.class_a.pk}, API_INSTRUCTOR_A, API_READ_ONLY
    ),
    "api/v1/assignments/": Expect(none, API_EVERYONE, API_NO_POST),
    "api/v1/assignments/<api_id:pk>/": Expect(
        lambda w: {"pk": w.assignment_a.pk}, S(401, 200, 404, 200, 404, 200), API_NO_POST
    ),
    "api/v1/assignments/<api_id:assignment_id>/attempts/": Expect(
        lambda w: {"assignment_id": w.assignment_a.pk},
        API_STUDENT_ACTION_GET,
        S(401, 200, 404, 403, 403, 403),
    ),
    "api/v1/attempts/": Expect(none, API_STUDENTS, API_STUDENT_ACTION_GET),
    "api/v1/attempts/<api_id:attempt_id>/": Expect(
        lambda w: {"attempt_id": w.submitted_attempt.pk},
        S(401, 200, 404, 403, 403, 403),
        API_STUDENT_ACTION_GET,
    ),
    # Answers are saved with PUT; an empty POST body is not an answer.
    "api/v1/attempts/<api_id:attempt_id>/answers/<api_id:position>/": Expect(
        open_attempt, API_STUDENT_ACTION_GET, S(401, 400, 404, 403, 403, 403)
    ),
    "api/v1/attempts/<api_id:attempt_id>/submit/": Expect(
        lambda w: {"attempt_id": w.open_attempt.pk},
        API_STUDENT_ACTION_GET,
        S(401, 200, 404, 403, 403, 403),
    ),
    "api/v1/study/queue/": Expect(none, API_STUDENTS, API_STUDENT_ACTION_GET),
    "api/v1/study/reviews/": Expect(none, API_STUDENT_ACTION_GET, S(401, 400, 400, 403, 403, 403)),
    "api/v1/progress/": Expect(none, API_STUDENTS, API_STUDENT_ACTION_GET),
    "api/schema/": Expect(none, everyone(200), everyone(405)),
    "api/docs/": Expect(none, everyone(200), everyone(405)),
    r"api/^(?P<path>[\s\S]*)\Z": Expect(
        lambda w: {"path": "no/such/endpoint/"}, everyone(404), everyone(404)
    ),
}


# --- The walk ---------------------------------------------------------------------------------


def url_patterns(patterns=None, prefix=""):
    """(route, pattern, namespace) for every URL pattern, through every include()."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if any(route.startswith(excluded) for excluded in EXCLUDED):
                continue
            yield from url_patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def test_every_url_pattern_has_an_expectation():
    routes = set(url_patterns())
    missing = sorted(routes - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - routes)
    assert missing == [], "add these URL patterns to EXPECTED (who may GET and POST them)"
    assert stale == [], "these URL patterns no longer exist"


def _url(route: str, kwargs: dict) -> str:
    for entry_route, name in _names().items():
        if entry_route == route:
            if name is None:
                break
            return reverse(name, kwargs=kwargs)
    if route == r"api/^(?P<path>[\s\S]*)\Z":
        return "/api/" + kwargs["path"]
    raise AssertionError(f"cannot build a URL for {route}")


def _names(patterns=None, prefix="", namespace=""):
    names = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            names.update(_names(entry.url_patterns, route, inner))
        else:
            names[route] = f"{namespace}{entry.name}" if entry.name else None
    return names


def _status(response) -> object:
    if response.status_code in (301, 302, 303):
        if response["Location"].startswith("/accounts/login/"):
            return L
        return 302
    return response.status_code


def _snapshot():
    """Every row of every model of ours: what a refused POST must leave as it was."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("quizzes").get_models()
    } | {"auth.Group": list(apps.get_model("auth", "Group").objects.values())}


def _client_for(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _leaks(role, world, body: str) -> list[str]:
    found = []
    for other in NEVER_SEES[role]:
        for name in NAMES[other]:
            if name in body:
                found.append(f"{other}'s {name!r}")
    return found


REFUSED = {L, 401, 403, 404, 405}


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(role, world, client):
    _client_for(client, world.users[role])
    wrong, leaks = [], []
    for route, expect in EXPECTED.items():
        url = _url(route, expect.kwargs(world))
        response = client.get(url)
        got, want = _status(response), expect.get[role]
        if got != want:
            wrong.append(f"GET {url} ({route}): {got}, expected {want}")
        if not getattr(response, "streaming", False):
            for leak in _leaks(role, world, response.content.decode(errors="replace")):
                leaks.append(f"GET {url}: {leak}")
        if role != "anon" and route == "accounts/logout/":
            _client_for(client, world.users[role])
    assert wrong == [], "\n".join(wrong)
    assert leaks == [], "\n".join(leaks)


@pytest.mark.parametrize("role", ROLES)
def test_post_matrix(role, world, client):
    _client_for(client, world.users[role])
    wrong, changed, leaks = [], [], []
    for route, expect in EXPECTED.items():
        url = _url(route, expect.kwargs(world))
        want = expect.post[role]
        with transaction.atomic():
            before = _snapshot() if want in REFUSED else None
            if route.startswith("api/"):
                response = client.post(url, "{}", content_type="application/json")
            else:
                response = client.post(url, {})
            got = _status(response)
            if before is not None and _snapshot() != before:
                changed.append(f"POST {url} ({got})")
            transaction.set_rollback(True)
        if got != want:
            wrong.append(f"POST {url} ({route}): {got}, expected {want}")
        if not getattr(response, "streaming", False):
            for leak in _leaks(role, world, response.content.decode(errors="replace")):
                leaks.append(f"POST {url}: {leak}")
        # Logging out, or a view that logs in, changes who the client is: be `role` again.
        _client_for(client, world.users[role])
    assert wrong == [], "\n".join(wrong)
    assert changed == [], "a refused POST changed the database:\n" + "\n".join(changed)
    assert leaks == [], "\n".join(leaks)


def test_the_world_really_holds_what_the_leak_check_looks_for(world, client):
    """Instructor A's class page names student A: so the check would see a name if it leaked."""
    _client_for(client, world.users["instructor_a"])
    body = client.get(reverse("class_detail", args=[world.class_a.pk])).content.decode()
    assert NAMES["student_a"][1] in body or NAMES["student_a"][0] in body
