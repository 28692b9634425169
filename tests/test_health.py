from unittest import mock

import pytest
from django.db import OperationalError

from quizzes.views.health import NOT_LOGGED_IN
from tests import factories as f


@pytest.mark.django_db
def test_healthz_says_the_database_answered(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_503_when_the_database_does_not_answer(client):
    # The database server is outside the process; simulate it refusing the connection.
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


@pytest.mark.django_db
def test_healthz_session_answers_a_logged_in_user_without_saying_who(client):
    user = f.StudentFactory(username="sessionprobe", display_name="Probe Person")
    client.force_login(user)
    response = client.get("/healthz/session")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "session": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_session_refuses_a_visitor_who_is_not_logged_in(client):
    response = client.get("/healthz/session")
    assert response.status_code == 401
    assert response.json() == {"status": "error", "message": NOT_LOGGED_IN}


@pytest.mark.django_db
def test_healthz_session_is_401_after_logging_out(client):
    client.force_login(f.StudentFactory())
    client.post("/accounts/logout/")
    assert client.get("/healthz/session").status_code == 401
