"""Sessions: in the database, which every app server shares, and with Redis also cached there
(cached_db), never only in a per-process cache (psoasquiz/settings.py)."""

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import override_settings

from tests import factories as f
from tests.test_settings import PRODUCTION, manage

ENGINE = "from django.conf import settings as s; print(s.SESSION_ENGINE)"

# What a deployment with REDIS_URL runs, with the test process's memory cache standing in for
# Redis (bench/load.py checks the real thing across two app servers).
CACHED_DB = override_settings(
    SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-sessions",
        }
    },
)


def test_without_redis_sessions_are_in_the_database_only():
    result = manage("shell", "-v", "0", "-c", ENGINE, **PRODUCTION)
    assert result.stdout.strip() == "django.contrib.sessions.backends.db", result.stderr


def test_with_redis_sessions_are_cached_there_and_kept_in_the_database():
    result = manage(
        "shell", "-v", "0", "-c", ENGINE, REDIS_URL="redis://127.0.0.1:6379/1", **PRODUCTION
    )
    assert result.stdout.strip() == "django.contrib.sessions.backends.cached_db", result.stderr


@pytest.fixture
def cached_db():
    with CACHED_DB:
        cache.clear()
        yield
        cache.clear()


@pytest.mark.django_db
@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db")
def test_without_the_cache_a_logged_in_request_queries_its_session(
    client, django_assert_num_queries
):
    client.force_login(f.StudentFactory())
    with django_assert_num_queries(2):  # the session, then the user
        assert client.get("/healthz/session").status_code == 200


@pytest.mark.django_db
def test_a_logged_in_request_reads_its_session_from_the_cache(
    cached_db, client, django_assert_num_queries
):
    client.force_login(f.StudentFactory())
    assert Session.objects.filter(session_key=client.session.session_key).exists()
    with django_assert_num_queries(1):  # the user
        assert client.get("/healthz/session").status_code == 200


@pytest.mark.django_db
def test_a_session_missing_from_the_cache_is_read_back_from_the_database(
    cached_db, client, django_assert_num_queries
):
    client.force_login(f.StudentFactory())
    cache.clear()  # evicted, or Redis restarted empty
    with django_assert_num_queries(2):
        assert client.get("/healthz/session").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/healthz/session").status_code == 200


@pytest.mark.django_db
def test_logging_out_ends_the_session_in_the_cache_and_the_database(cached_db, client):
    client.force_login(f.StudentFactory())
    key = client.session.session_key
    assert cache.get(KEY_PREFIX + key) is not None
    assert client.post("/accounts/logout/").status_code == 302
    assert cache.get(KEY_PREFIX + key) is None
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = key  # the old cookie, replayed
    assert client.get("/healthz/session").status_code == 401


@pytest.mark.django_db
def test_a_password_change_still_ends_other_sessions(cached_db, client):
    user = f.StudentFactory()
    client.force_login(user)
    assert client.get("/healthz/session").status_code == 200
    # The session in the cache still holds the old password's hash: the check against the
    # user, loaded from the database on every request, refuses it.
    user.set_password("a-new-password-for-this-test")
    user.save()
    assert client.get("/healthz/session").status_code == 401


@pytest.mark.django_db
def test_a_deactivated_account_is_logged_out_at_its_next_request(cached_db, client):
    user = f.StudentFactory()
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/healthz/session").status_code == 401
