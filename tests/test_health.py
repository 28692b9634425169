from unittest import mock

import pytest
from django.db import OperationalError


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
