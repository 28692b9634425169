"""Read endpoints: who sees what (as on the pages), filters, pagination and query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models.banks import Visibility
from tests import factories as f
from tests.api.conftest import API, token_client

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_banks_follow_the_bank_list_s_visibility(instructor_api, world):
    mine = world.quiz.items.first().question.bank
    public = f.QuestionBankFactory(visibility=Visibility.PUBLIC)
    shared = f.QuestionBankFactory(visibility=Visibility.SHARED)
    shared.shared_with.add(world.instructor)
    private = f.QuestionBankFactory()
    seen = ids(instructor_api.get(f"{API}/banks/"))
    assert set(seen) == {mine.pk, public.pk, shared.pk}
    assert instructor_api.get(f"{API}/banks/{private.pk}/").status_code == 404
    detail = instructor_api.get(f"{API}/banks/{mine.pk}/").json()
    assert detail["question_count"] == 3 and detail["owner"] == world.instructor.username


def test_questions_filter_by_bank_type_tag_and_archive(instructor_api, world):
    bank = world.quiz.items.first().question.bank
    tagged = f.QuestionFactory(bank=bank)
    tagged.tags.add(f.TagFactory(name="insertion"))
    archived = f.QuestionFactory(bank=bank, archived_at=timezone.now())
    elsewhere = f.QuestionFactory()  # another instructor's private bank
    everything = ids(instructor_api.get(f"{API}/questions/"))
    assert tagged.pk in everything and archived.pk not in everything
    assert elsewhere.pk not in everything
    assert ids(instructor_api.get(f"{API}/questions/", {"tag": "insertion"})) == [tagged.pk]
    assert ids(instructor_api.get(f"{API}/questions/", {"archived": "archived"})) == [archived.pk]
    assert ids(instructor_api.get(f"{API}/questions/", {"type": "numeric"})) == []
    assert len(ids(instructor_api.get(f"{API}/questions/", {"bank": bank.pk}))) == 4
    assert instructor_api.get(f"{API}/questions/", {"type": "essay"}).status_code == 400
    assert instructor_api.get(f"{API}/questions/{elsewhere.pk}/").status_code == 404
    assert instructor_api.get(f"{API}/questions/{archived.pk}/").status_code == 200


def test_versions_are_listed_with_their_options(instructor_api, world):
    question = world.quiz.items.first().question
    listed = instructor_api.get(f"{API}/questions/{question.pk}/versions/").json()["results"]
    assert [v["number"] for v in listed] == [1]
    assert [o["text"] for o in listed[0]["options"]] == ["Lesser trochanter", "Greater trochanter"]
    one = instructor_api.get(f"{API}/questions/{question.pk}/versions/1/")
    assert one.json()["options"][0]["fraction"] == "1.00000"
    assert instructor_api.get(f"{API}/questions/{question.pk}/versions/2/").status_code == 404
    other = f.QuestionFactory()
    assert instructor_api.get(f"{API}/questions/{other.pk}/versions/").status_code == 404


def test_students_see_only_quizzes_assigned_to_their_classes(student_api, world):
    f.QuizFactory(owner=None)  # bundled, not assigned
    assert ids(student_api.get(f"{API}/quizzes/")) == [world.quiz.pk]
    other_quiz = world.other_assignment.quiz
    assert student_api.get(f"{API}/quizzes/{other_quiz.pk}/").status_code == 404


def test_instructors_see_bundled_own_and_assigned_quizzes(instructor_api, world):
    bundled = f.QuizFactory(owner=None)
    seen = ids(instructor_api.get(f"{API}/quizzes/"))
    assert set(seen) == {world.quiz.pk, bundled.pk}
    assert instructor_api.get(f"{API}/quizzes/{world.other_assignment.quiz.pk}/").status_code == 404


def test_classes_by_role(student_api, instructor_api, world):
    taught = instructor_api.get(f"{API}/classes/").json()["results"]
    assert [(c["role"], c["id"], c["join_code"]) for c in taught] == [
        ("instructor", world.classroom.pk, world.classroom.join_code)
    ]
    joined = student_api.get(f"{API}/classes/").json()["results"]
    assert joined == [
        {
            "role": "student",
            "id": world.classroom.pk,
            "name": world.classroom.name,
            "exam_date": None,
        }
    ]
    for client in (student_api, instructor_api):
        assert client.get(f"{API}/classes/{world.other_classroom.pk}/").status_code == 404


def test_enrollments_are_for_the_class_s_instructors(student_api, instructor_api, world):
    url = f"{API}/classes/{world.classroom.pk}/enrollments/"
    rows = instructor_api.get(url).json()["results"]
    assert [r["student"]["username"] for r in rows] == [world.student.username]
    assert student_api.get(url).status_code == 403
    other = f"{API}/classes/{world.other_classroom.pk}/enrollments/"
    assert instructor_api.get(other).status_code == 404


def test_a_student_s_assignments_carry_the_dates_that_apply_to_them(student_api, world):
    extended_to = timezone.now() + timedelta(days=30)
    f.ExtensionFactory(assignment=world.assignment, student=world.student, due_at=extended_to)
    rows = student_api.get(f"{API}/assignments/").json()["results"]
    assert [r["id"] for r in rows] == [world.assignment.pk]
    row = rows[0]
    assert row["role"] == "student" and row["extended"] is True
    assert row["due_at"] == extended_to.isoformat().replace("+00:00", "Z")
    assert row["status"] == "not_started" and row["open_attempt"] is None
    assert student_api.get(f"{API}/assignments/{world.assignment.pk}/").json() == row
    assert student_api.get(f"{API}/assignments/{world.other_assignment.pk}/").status_code == 404
    filtered = student_api.get(f"{API}/assignments/", {"classroom": world.other_classroom.pk})
    assert filtered.json()["results"] == []


def test_an_instructor_s_assignments_filter_by_class(instructor_api, world):
    second = f.ClassroomFactory(instructors=[world.instructor])
    extra = f.AssignmentFactory(classroom=second)
    assert set(ids(instructor_api.get(f"{API}/assignments/"))) == {world.assignment.pk, extra.pk}
    only = ids(instructor_api.get(f"{API}/assignments/", {"classroom": second.pk}))
    assert only == [extra.pk]
    other = f"{API}/assignments/{world.other_assignment.pk}/"
    assert instructor_api.get(other).status_code == 404


def test_pages_are_bounded(instructor_api, world):
    bank = world.quiz.items.first().question.bank
    f.QuestionFactory.create_batch(4, bank=bank)
    first = instructor_api.get(f"{API}/questions/", {"page_size": 3}).json()
    assert first["count"] == 7 and len(first["results"]) == 3 and first["next"]
    last = instructor_api.get(f"{API}/questions/", {"page_size": 3, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert instructor_api.get(f"{API}/questions/", {"page_size": 0}).status_code == 400
    assert instructor_api.get(f"{API}/questions/", {"page_size": 100}).status_code == 200
    assert instructor_api.get(f"{API}/questions/", {"page_size": 101}).status_code == 400


# --- query counts: the same for 2 rows as for 12 --------------------------------------------


def _count_queries(django_assert_num_queries, client, url, expected):
    client.get(f"{API}/me/")  # the token's last-used time is written once, not counted below
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [2, 12])
def test_instructor_lists_cost_constant_queries(rows, django_assert_num_queries):
    instructor = f.InstructorFactory()
    bank = f.QuestionBankFactory(owner=instructor)
    classroom = f.ClassroomFactory(instructors=[instructor])
    for _ in range(rows):
        question = f.QuestionFactory(bank=bank)
        question.tags.add(f.TagFactory())
        f.QuestionVersionFactory(question=question, number=2)
        f.EnrollmentFactory(classroom=classroom)
        f.AssignmentFactory(classroom=classroom, quiz=f.QuizFactory(owner=instructor))
    f.QuestionBankFactory.create_batch(rows, visibility=Visibility.PUBLIC)
    client = token_client(instructor)
    question = bank.questions.first()
    # 1 token + count + rows (+ prefetches) each.
    for url, expected in [
        (f"{API}/banks/", 3),
        (f"{API}/questions/", 4),
        (f"{API}/questions/{question.pk}/versions/", 6),
        (f"{API}/quizzes/", 3),
        (f"{API}/classes/", 3),
        (f"{API}/classes/{classroom.pk}/enrollments/", 4),
        (f"{API}/assignments/", 3),
    ]:
        _count_queries(django_assert_num_queries, client, url, expected)


@pytest.mark.parametrize("rows", [2, 12])
def test_student_lists_cost_constant_queries(rows, django_assert_num_queries):
    student = f.StudentFactory()
    for _ in range(rows):
        classroom = f.EnrollmentFactory(student=student).classroom
        assignment = f.AssignmentFactory(classroom=classroom)
        f.SubmittedAttemptFactory(student=student, quiz=assignment.quiz, assignment=assignment)
    client = token_client(student)
    for url, expected in [
        (f"{API}/quizzes/", 3),
        (f"{API}/classes/", 3),
        (f"{API}/assignments/", 2),
        (f"{API}/attempts/", 3),
    ]:
        _count_queries(django_assert_num_queries, client, url, expected)
