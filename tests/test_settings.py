"""Settings come from the environment: production is strict, development just works."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "psoasquiz.settings", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "quiz.example.org",
}


def test_check_deploy_is_clean_with_the_documented_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_outside_debug_the_app_refuses_to_start():
    result = manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_runs_with_a_development_key_and_local_hosts():
    code = "from django.conf import settings as s; print(s.SECRET_KEY, s.ALLOWED_HOSTS, s.DEBUG)"
    result = manage("shell", "-v", "0", "-c", code, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "dev-only-insecure-key" in result.stdout
    assert "'127.0.0.1'" in result.stdout


def test_database_url_selects_postgresql_with_persistent_connections():
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'], d['CONN_MAX_AGE'],"
        " d['CONN_HEALTH_CHECKS'])"
    )
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        DATABASE_URL="postgres://quiz@db.internal:5433/psoasquiz",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "psoasquiz",
        "db.internal",
        "5433",
        "600",
        "True",
    ]


def test_sqlite_connections_persist_and_queue_writers():
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['ENGINE'], d['CONN_MAX_AGE'], d['OPTIONS']['transaction_mode'])"
    )
    result = manage("shell", "-v", "0", "-c", code, **PRODUCTION)
    assert result.stdout.split() == ["django.db.backends.sqlite3", "600", "IMMEDIATE"], (
        result.stderr
    )


def test_redis_url_makes_the_cache_shared():
    code = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    result = manage(
        "shell", "-v", "0", "-c", code, REDIS_URL="redis://127.0.0.1:6379/1", **PRODUCTION
    )
    assert result.stdout.strip() == "quizzes.cache.KeptClientRedisCache"


def test_a_yes_no_variable_with_a_typo_is_refused_with_a_clear_message():
    result = manage("check", DJANGO_DEBUG="maybe")
    assert "DJANGO_DEBUG='maybe' is not a yes/no value" in result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    from io import StringIO

    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
