"""Who reaches which authoring page: owner, shared instructor, other instructor, student,
anonymous and staff, for every page and every POST.

The rules (quizzes/selectors/authoring.py): the owner and instructors the bank is shared with
edit its questions; only the owner (and staff) change its settings; a bank that is neither
public nor shared with you does not exist for you (404); public banks are read-only to other
instructors; bundled banks are read-only to all but staff; students get a 403 page that says
where to go; anonymous people are sent to log in.
"""

import pytest
from django.urls import reverse
from django.utils.html import escape

from quizzes.models import Question
from quizzes.models.banks import Visibility
from quizzes.views.authoring import BUNDLED_READ_ONLY, INSTRUCTORS_ONLY, OWNER_ONLY, READ_ONLY_BANK
from tests import factories as f

pytestmark = pytest.mark.django_db

ROLES = ["owner", "shared", "other", "student", "anonymous", "staff"]


@pytest.fixture
def world():
    owner = f.InstructorFactory(username="owner")
    shared = f.InstructorFactory(username="shared")
    bank = f.QuestionBankFactory(owner=owner, slug="cohort", visibility=Visibility.SHARED)
    bank.shared_with.add(shared)
    question = f.QuestionFactory(bank=bank, key="insertion")
    users = {
        "owner": owner,
        "shared": shared,
        "other": f.InstructorFactory(username="other"),
        "student": f.StudentFactory(username="student"),
        "anonymous": None,
        "staff": f.InstructorFactory(username="staff", is_staff=True),
    }
    # Everyone who may duplicate needs a bank of their own to copy into.
    for name in ("owner", "shared", "other", "staff"):
        f.QuestionBankFactory(owner=users[name], slug=f"own-{name}")
    return {"bank": bank, "question": question, "users": users}


def _single_choice_post():
    return {
        "prompt": "Where does psoas major insert?",
        "explanation": "Lesser trochanter.",
        "source": "Gray's Anatomy",
        "difficulty": "2",
        "rows-TOTAL_FORMS": "2",
        "rows-INITIAL_FORMS": "0",
        "rows-0-text": "Lesser trochanter",
        "rows-0-correct": "on",
        "rows-1-text": "Greater trochanter",
        "action": "save",
    }


# (name, method, url builder, data builder, who may, what the allowed get)
EDITORS = {"owner", "shared", "staff"}
MANAGERS = {"owner", "staff"}
INSTRUCTORS = {"owner", "shared", "other", "staff"}
PAGES = [
    ("bank_list", "get", lambda w: reverse("bank_list"), None, INSTRUCTORS, 200),
    ("bank_create", "get", lambda w: reverse("bank_create"), None, INSTRUCTORS, 200),
    (
        "bank_create",
        "post",
        lambda w: reverse("bank_create"),
        lambda w: {"title": "New one", "topic": "anatomy", "visibility": "private"},
        INSTRUCTORS,
        302,
    ),
    ("bank_detail", "get", lambda w: reverse("bank_detail", args=["cohort"]), None, EDITORS, 200),
    ("bank_edit", "get", lambda w: reverse("bank_edit", args=["cohort"]), None, MANAGERS, 200),
    (
        "bank_edit",
        "post",
        lambda w: reverse("bank_edit", args=["cohort"]),
        lambda w: {"title": "Renamed", "topic": "anatomy", "visibility": "shared"},
        MANAGERS,
        302,
    ),
    (
        "bank_bulk_tag",
        "post",
        lambda w: reverse("bank_bulk_tag", args=["cohort"]),
        lambda w: {"question": [w["question"].pk], "bulk-tag": "x", "bulk-operation": "add"},
        EDITORS,
        302,
    ),
    ("question_new", "get", lambda w: reverse("question_new", args=["cohort"]), None, EDITORS, 200),
    (
        "question_create",
        "get",
        lambda w: reverse("question_create", args=["cohort", "single_choice"]),
        None,
        EDITORS,
        200,
    ),
    (
        "question_create",
        "post",
        lambda w: reverse("question_create", args=["cohort", "single_choice"]),
        lambda w: _single_choice_post(),
        EDITORS,
        302,
    ),
    (
        "question_detail",
        "get",
        lambda w: reverse("question_detail", args=[w["question"].pk]),
        None,
        EDITORS,
        200,
    ),
    (
        "question_edit",
        "get",
        lambda w: reverse("question_edit", args=[w["question"].pk]),
        None,
        EDITORS,
        200,
    ),
    (
        "question_edit",
        "post",
        lambda w: reverse("question_edit", args=[w["question"].pk]),
        lambda w: {**_single_choice_post(), "rows-INITIAL_FORMS": "2"},
        EDITORS,
        302,
    ),
    (
        "question_history",
        "get",
        lambda w: reverse("question_history", args=[w["question"].pk]),
        None,
        EDITORS,
        200,
    ),
    (
        "question_archive",
        "post",
        lambda w: reverse("question_archive", args=[w["question"].pk]),
        lambda w: {},
        EDITORS,
        302,
    ),
    (
        "question_unarchive",
        "post",
        lambda w: reverse("question_unarchive", args=[w["question"].pk]),
        lambda w: {},
        EDITORS,
        302,
    ),
    (
        "question_delete",
        "get",
        lambda w: reverse("question_delete", args=[w["question"].pk]),
        None,
        EDITORS,
        200,
    ),
    (
        "question_delete",
        "post",
        lambda w: reverse("question_delete", args=[w["question"].pk]),
        lambda w: {},
        EDITORS,
        302,
    ),
    (
        "question_duplicate",
        "get",
        lambda w: reverse("question_duplicate", args=[w["question"].pk]),
        None,
        EDITORS,
        200,
    ),
    (
        "question_duplicate",
        "post",
        lambda w: reverse("question_duplicate", args=[w["question"].pk]),
        lambda w: {"bank": getattr(w["users"].get("_bank"), "pk", 0)},
        EDITORS,
        302,
    ),
]


def _expected(role, allowed, ok_status):
    if role == "anonymous":
        return 302
    if role == "student":
        return 403
    if role in allowed:
        return ok_status
    # The bank is shared with named people only: to anyone else it does not exist...
    if role == "other":
        return 404
    # ...but the shared instructor can see it, and is refused its settings.
    return 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name,method,url,data,allowed,ok_status",
    PAGES,
    ids=[f"{p[1]}-{p[0]}" for p in PAGES],
)
def test_permission_matrix(client, world, role, name, method, url, data, allowed, ok_status):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
        world["users"]["_bank"] = user.owned_banks.first()
    target = url(world)
    if method == "get":
        response = client.get(target)
    else:
        response = client.post(target, data(world))
    expected = _expected(role, allowed, ok_status)
    assert response.status_code == expected, response.content.decode()[:2000]
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))
    if role == "student":
        assert escape(INSTRUCTORS_ONLY) in response.content.decode()
    if expected == 403 and role == "shared":
        assert escape(OWNER_ONLY) in response.content.decode()


def test_other_instructor_reads_a_public_bank_but_cannot_edit_it(client, world):
    bank, question = world["bank"], world["question"]
    bank.visibility = Visibility.PUBLIC
    bank.save()
    client.force_login(world["users"]["other"])
    page = client.get(reverse("bank_detail", args=[bank.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(READ_ONLY_BANK) in html
    assert 'name="question"' not in html and "New question" not in html
    detail = client.get(reverse("question_detail", args=[question.pk]))
    assert detail.status_code == 200 and "Duplicate" in detail.content.decode()
    assert reverse("question_edit", args=[question.pk]) not in detail.content.decode()
    for name in ("question_edit", "question_delete"):
        assert client.get(reverse(name, args=[question.pk])).status_code == 403
    for name in ("question_archive", "question_unarchive", "question_delete"):
        assert client.post(reverse(name, args=[question.pk])).status_code == 403
    assert client.get(reverse("bank_edit", args=[bank.slug])).status_code == 403
    assert client.get(reverse("question_new", args=[bank.slug])).status_code == 403
    own = world["users"]["other"].owned_banks.get()
    copied = client.post(reverse("question_duplicate", args=[question.pk]), {"bank": own.pk})
    assert copied.status_code == 302 and own.questions.count() == 1
    assert Question.objects.get(pk=question.pk).current_version.number == 1


def test_bundled_bank_is_read_only_except_for_staff(client, world):
    bundled = f.QuestionBankFactory(owner=None, visibility=Visibility.PUBLIC, slug="bundled")
    question = f.QuestionFactory(bank=bundled)
    client.force_login(world["users"]["owner"])
    response = client.get(reverse("question_edit", args=[question.pk]))
    assert response.status_code == 403
    assert escape(BUNDLED_READ_ONLY) in response.content.decode()
    assert client.get(reverse("bank_edit", args=["bundled"])).status_code == 403
    client.force_login(world["users"]["staff"])
    assert client.get(reverse("question_edit", args=[question.pk])).status_code == 200
    assert client.get(reverse("bank_edit", args=["bundled"])).status_code == 200


def test_private_bank_of_someone_else_is_404_even_for_its_questions(client, world):
    private = f.QuestionBankFactory(visibility=Visibility.PRIVATE, slug="secret")
    question = f.QuestionFactory(bank=private)
    client.force_login(world["users"]["other"])
    assert client.get(reverse("bank_detail", args=["secret"])).status_code == 404
    for name in ("question_detail", "question_history", "question_duplicate"):
        assert client.get(reverse(name, args=[question.pk])).status_code == 404
    assert client.get(reverse("question_detail", args=[999999])).status_code == 404
    assert client.get(reverse("question_create", args=["cohort", "essay"])).status_code == 404


def test_making_a_bank_private_takes_editing_back(client, world):
    client.force_login(world["users"]["owner"])
    client.post(
        reverse("bank_edit", args=["cohort"]),
        {"title": "Cohort", "topic": "anatomy", "visibility": "private"},
    )
    client.force_login(world["users"]["shared"])
    assert client.get(reverse("bank_detail", args=["cohort"])).status_code == 404


def test_nav_shows_banks_to_instructors_only(client, world):
    client.force_login(world["users"]["owner"])
    assert f'href="{reverse("bank_list")}"' in client.get(reverse("home")).content.decode()
    client.force_login(world["users"]["student"])
    assert f'href="{reverse("bank_list")}"' not in client.get(reverse("home")).content.decode()
