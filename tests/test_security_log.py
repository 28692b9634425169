"""The psoasquiz.security log: who logged in, who failed, who was refused; never a password."""

import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from quizzes.services.login_limits import PAIR_LIMIT
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "iliacus-and-psoas-42"
LOGGER = "psoasquiz.security"


@pytest.fixture(autouse=True)
def security_records(caplog):
    cache.clear()
    caplog.set_level(logging.INFO, logger=LOGGER)

    def records(event=None):
        return [
            r
            for r in caplog.records
            if r.name == LOGGER and (event is None or getattr(r, "event", None) == event)
        ]

    yield records
    cache.clear()


def login(client, username, password, ip="192.0.2.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_a_successful_login_and_logout_are_logged_with_user_and_address(client, security_records):
    student = f.StudentFactory(username="asha", password=PASSWORD)
    assert login(client, "asha", PASSWORD).status_code == 302
    (record,) = security_records("login")
    assert (record.username, record.user_id, record.ip) == ("asha", student.pk, "192.0.2.1")
    assert record.levelno == logging.INFO
    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.1")
    (record,) = security_records("logout")
    assert (record.username, record.user_id) == ("asha", student.pk)


def test_a_failed_login_logs_the_username_and_address_never_the_password(
    client, security_records, caplog
):
    f.StudentFactory(username="asha", password=PASSWORD)
    login(client, "asha", "my-secret-guess-123")
    (record,) = security_records("login_failed")
    assert (record.username, record.ip, record.levelno) == ("asha", "192.0.2.1", logging.WARNING)
    assert "my-secret-guess-123" not in caplog.text
    assert all("my-secret-guess-123" not in str(vars(r)) for r in caplog.records)


def test_a_lockout_and_each_refused_attempt_are_logged(client, security_records):
    for _ in range(PAIR_LIMIT):
        login(client, "asha", "guess")
    (lockout,) = security_records("lockout")
    assert (lockout.username, lockout.scope, lockout.status) == ("asha", "pair", 429)
    login(client, "asha", "guess")
    (locked,) = security_records("login_locked")
    assert locked.username == "asha" and locked.ip == "192.0.2.1"


def test_behind_a_proxy_the_address_is_the_one_the_proxy_appended(
    client, settings, security_records
):
    settings.BEHIND_PROXY = True
    client.post(
        reverse("login"),
        {"username": "asha", "password": "guess"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23",
    )
    (record,) = security_records("login_failed")
    assert record.ip == "198.51.100.23"


def test_without_a_proxy_forwarded_headers_are_ignored(client, security_records):
    client.post(
        reverse("login"),
        {"username": "asha", "password": "guess"},
        REMOTE_ADDR="192.0.2.8",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    assert security_records("login_failed")[0].ip == "192.0.2.8"


def test_a_403_is_logged_with_who_and_where(client, security_records):
    instructor = f.InstructorFactory()
    client.force_login(instructor)
    response = client.get(reverse("class_join"))
    assert response.status_code == 403
    (record,) = security_records("forbidden")
    assert (record.user_id, record.path, record.status) == (instructor.pk, "/classes/join/", 403)


def test_a_404_for_someone_elses_object_is_logged(client, security_records):
    attempt = f.AttemptFactory()
    intruder = f.StudentFactory()
    client.force_login(intruder)
    response = client.get(reverse("attempt_review", args=[attempt.pk]))
    assert response.status_code == 404
    (record,) = security_records("not_found")
    assert (record.user_id, record.view, record.status) == (intruder.pk, "attempt_review", 404)


def test_a_404_for_an_unknown_address_is_not_a_refusal(client, security_records):
    assert client.get("/no-such-page/").status_code == 404
    assert security_records("not_found") == []


def test_a_csrf_failure_is_logged_once(security_records):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "asha", "password": "x"})
    assert response.status_code == 403
    (record,) = security_records("csrf_failed")
    assert record.status == 403
    assert security_records("forbidden") == []


def test_an_lti_refusal_is_logged(client, security_records):
    response = client.get(reverse("lti_launch"))
    assert response.status_code == 400
    (record,) = security_records("lti_refused")
    assert record.status == 400 and "launches from a learning platform" in record.reason
