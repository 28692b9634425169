"""Every error, whoever raises it, has the shape {"error": {"code", "message", "fields"}}."""

import pytest
from django.urls import reverse

from quizzes.api import errors
from quizzes.api.pagination import BAD_PAGE_SIZE
from quizzes.api.permissions import INSTRUCTORS_ONLY
from tests.api.conftest import API

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


def test_an_object_that_is_not_yours_is_404(student_api, world):
    response = student_api.get(f"{API}/assignments/{world.other_assignment.pk}/")
    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": errors.NOT_FOUND, "fields": {}}


def test_an_unknown_url_is_404_in_the_same_shape(student_api):
    response = student_api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    error = error_of(response)
    assert error["code"] == "not_found"
    assert error["message"] == errors.NO_SUCH_URL.format(path="/api/v1/no-such-thing/")


def test_a_missing_slash_gets_a_hint(student_api):
    response = student_api.post("/api/v1/me")
    assert response.status_code == 404
    assert error_of(response)["message"] == errors.ADD_SLASH.format(path="/api/v1/me")


def test_a_wrong_method_is_405(instructor_api, world):
    question = world.quiz.items.first().question
    url = f"{API}/questions/{question.pk}/versions/1/"
    response = instructor_api.put(url, {"prompt": "changed"}, format="json")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    # Versions are immutable: nothing changed.
    assert question.current_version.prompt != "changed"


def test_invalid_fields_are_listed(student_api, world):
    start = student_api.post(f"{API}/assignments/{world.assignment.pk}/attempts/").json()
    url = f"{API}/attempts/{start['attempt']['id']}/answers/1/"
    response = student_api.put(url, {"response": {}, "spent_ms": -5}, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert error["message"] == errors.INVALID
    assert list(error["fields"]) == ["spent_ms"]


def test_unreadable_json_is_a_parse_error(student_api):
    response = student_api.generic(
        "POST", f"{API}/study/reviews/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_a_form_body_is_unsupported(student_api):
    response = student_api.post(f"{API}/study/reviews/", {"question_id": 1}, format="multipart")
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_the_wrong_role_is_403(student_api):
    response = student_api.get(f"{API}/banks/")
    assert response.status_code == 403
    assert error_of(response) == {
        "code": "permission_denied",
        "message": INSTRUCTORS_ONLY,
        "fields": {},
    }


def test_too_many_requests_are_throttled(student_api, settings):
    settings.PSOASQUIZ_API_RATE = "2/minute"
    assert student_api.get(f"{API}/me/").status_code == 200
    assert student_api.get(f"{API}/me/").status_code == 200
    response = student_api.get(f"{API}/me/")
    assert response.status_code == 429
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_bad_pagination_is_400_and_a_page_past_the_end_404(instructor_api):
    response = instructor_api.get(f"{API}/questions/", {"page_size": 1000})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"page_size": [BAD_PAGE_SIZE.format(max=100)]}
    assert instructor_api.get(f"{API}/questions/", {"page": 99}).status_code == 404


def test_an_unexpected_failure_is_500_in_the_same_shape(student_api, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("quizzes.api.views.student_progress", broken)
    response = student_api.get(f"{API}/progress/")
    assert response.status_code == 500
    assert error_of(response) == {
        "code": "server_error",
        "message": errors.SERVER_ERROR,
        "fields": {},
    }


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
    assert reverse("api:docs") == "/api/docs/"
