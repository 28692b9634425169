"""Backup and restore give back the same data, row for row (docs/operations.md).

A world is built through the app's own code (bundled banks, the demo class, attempts, study
reviews, API tokens, LTI registrations and grade passback rows), backed up with `manage.py
backup`, restored into a fresh database the way docs/operations.md says, and every table is
compared, ordered by primary key, with the schema and (on PostgreSQL) the sequences. The
restored database is then opened by the app (`migrate --check`).

pg_dump and pg_restore come with PostgreSQL; without them the PostgreSQL test skips, except in CI
(CI or PSOASQUIZ_REQUIRE_BACKUP_TOOLS set), where it fails.
"""

import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from quizzes.management.commands.backup import FILE_EXISTS
from quizzes.models import Assignment, Attempt, User
from quizzes.selectors.study import student_deck
from quizzes.services.api_tokens import api_token_create
from quizzes.services.attempts import answer_save, attempt_start, attempt_submit
from quizzes.services.idempotency import idempotency_key_complete, idempotency_key_reserve
from quizzes.services.memory import flashcard_review
from tests.factories import GradeSubmissionFactory, LtiToolKeyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def required_tool(name: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (PostgreSQL's client tools)"
    if os.environ.get("CI") or os.environ.get("PSOASQUIZ_REQUIRE_BACKUP_TOOLS") == "1":
        pytest.fail(f"{message}, and CI must test backups")
    pytest.skip(message)


def build_world() -> set[str]:
    """Fill every part of the database a school would lose; returns the tables that must hold
    rows."""
    quiet = io.StringIO()
    call_command("load_banks", stdout=quiet)
    call_command("load_demo", stdout=quiet)
    student = User.objects.get(username="demo-student-1")
    now = timezone.now()
    # A submitted attempt and one still open, each with saved answers.
    for assignment in Assignment.objects.filter(classroom__enrollments__student=student).order_by(
        "pk"
    )[:2]:
        attempt = attempt_start(student=student, assignment=assignment, seed=3, now=now)
        for answer in attempt.answers.select_related("question_version"):
            options = list(answer.question_version.options.order_by("position"))
            if answer.question_version.qtype in {"single_choice", "true_false"}:
                answer_save(
                    attempt_id=attempt.pk,
                    student=student,
                    position=answer.position,
                    response={"option": options[0].pk},
                    revision=None,
                    spent_ms=4000,
                    now=now,
                )
    first = Attempt.objects.filter(student=student).order_by("pk").first()
    attempt_submit(attempt_id=first.pk, student=student, now=now)
    for question in student_deck(student).filter(current_version__qtype="flashcard")[:3]:
        flashcard_review(
            student=student, question_id=question.pk, rating=3, duration_ms=2500, reps=0
        )
    api_token_create(user=student, name="Moodle sync")
    reservation = idempotency_key_reserve(user=student, key="backup-key", request_hash="h" * 64)
    idempotency_key_complete(record=reservation.record, status_code=201, body={"ok": True})
    LtiToolKeyFactory()
    GradeSubmissionFactory(
        lti_user__user=student, link__assignment=first.assignment, fraction=Decimal("0.5")
    )
    return {
        apps.get_model("quizzes", name)._meta.db_table
        for name in [
            "QuestionBank",
            "Question",
            "QuestionVersion",
            "Option",
            "Quiz",
            "Classroom",
            "Enrollment",
            "Assignment",
            "Attempt",
            "Answer",
            "AnswerChoice",
            "CardState",
            "ReviewLog",
            "ApiToken",
            "IdempotencyKey",
            "LtiToolKey",
            "LtiPlatform",
            "LtiDeployment",
            "LtiUser",
            "LtiContext",
            "LtiResourceLink",
            "GradeSubmission",
        ]
    }


def app_opens(database_url: str) -> None:
    """The restored database is one the app can run on: every migration recorded."""
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check", "--no-input"],
        cwd=Path(settings.BASE_DIR),
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "psoasquiz.settings_test",
            "DATABASE_URL": database_url,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- SQLite ------------------------------------------------------------------------------------


def sqlite_contents(path: str) -> dict:
    con = sqlite3.connect(path)
    try:
        schema = con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        tables = [name for kind, name, _, _ in schema if kind == "table"]
        rows = {}
        for table in tables:
            keys = [
                f'"{column[1]}"'
                for column in sorted(
                    con.execute(f'PRAGMA table_info("{table}")'), key=lambda c: c[5]
                )
                if column[5]
            ] or ["rowid"]
            rows[table] = con.execute(
                f'SELECT * FROM "{table}" ORDER BY {", ".join(keys)}'
            ).fetchall()
        return {"schema": schema, "rows": rows}
    finally:
        con.close()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup")
def test_sqlite_backup_and_restore_give_back_every_row(tmp_path):
    must_have_rows = build_world()
    live = str(connection.settings_dict["NAME"])
    backup = tmp_path / "psoasquiz-backup.sqlite3"
    restored = tmp_path / "restored.sqlite3"

    call_command("backup", str(backup), stdout=io.StringIO())
    # Restore as docs/operations.md says, with Python's sqlite3 (no sqlite3 program needed).
    source, target = sqlite3.connect(backup), sqlite3.connect(restored)
    with target:
        source.backup(target)
    source.close()
    target.close()

    original, copy = sqlite_contents(live), sqlite_contents(str(restored))
    empty = {table for table, rows in original["rows"].items() if not rows}
    assert not must_have_rows & empty, f"the world left these empty: {must_have_rows & empty}"
    assert copy["schema"] == original["schema"]
    assert copy["rows"].keys() == original["rows"].keys()
    for table, rows in original["rows"].items():
        assert copy["rows"][table] == rows, table
    app_opens(f"sqlite:///{restored}")


def test_a_backup_never_overwrites_a_file(tmp_path):
    existing = tmp_path / "kept.dump"
    existing.write_bytes(b"an older backup")

    with pytest.raises(CommandError) as refused:
        call_command("backup", str(existing), stdout=io.StringIO())

    assert str(refused.value) == FILE_EXISTS.format(path=existing)
    assert existing.read_bytes() == b"an older backup"


# --- PostgreSQL --------------------------------------------------------------------------------


def pg_connect(dbname: str):
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        dbname=dbname,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )


def casts_dropped(definition: str) -> str:
    """A constraint's text without casts and brackets. PostgreSQL prints `x IN (...)` back as
    `x = ANY ((ARRAY[...])::text[])` when it was made and as `ARRAY[(...)::text, ...]` once
    restored from a dump: the same condition, written two ways."""
    return re.sub(r"::[a-z ]+(\[\])?|[()]", "", definition)


def pg_contents(dbname: str) -> dict:
    with pg_connect(dbname) as con:
        tables = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        columns = con.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"
        ).fetchall()
        constraints = [
            (table, name, kind, casts_dropped(definition))
            for table, name, kind, definition in con.execute(
                "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
            )
        ]
        indexes = [
            (table, name, casts_dropped(definition))
            for table, name, definition in con.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = 'public' ORDER BY 1, 2"
            )
        ]
        sequences = con.execute(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        rows = {}
        for table in tables:
            keys = [
                row[0]
                for row in con.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                    "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                    "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
                    [table],
                )
            ]
            order = ", ".join(f'"{key}"' for key in keys) or "1"
            rows[table] = con.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()
    return {
        "schema": (columns, constraints, indexes),
        "sequences": sequences,
        "rows": rows,
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backup")
def test_postgresql_pg_dump_and_pg_restore_give_back_every_row(tmp_path):
    required_tool("pg_dump")
    pg_restore = required_tool("pg_restore")
    must_have_rows = build_world()
    db = connection.settings_dict
    live, fresh = db["NAME"], f"{db['NAME']}_restored"
    backup = tmp_path / "psoasquiz.dump"

    call_command("backup", str(backup), stdout=io.StringIO())
    with pg_connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        command = [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={fresh}", str(backup)]
        for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if db[key]:
                command.append(f"{flag}={db[key]}")
        env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db["PASSWORD"] else {})}
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr

        original, copy = pg_contents(live), pg_contents(fresh)
        empty = {table for table, rows in original["rows"].items() if not rows}
        assert not must_have_rows & empty, f"the world left these empty: {must_have_rows & empty}"
        assert copy["schema"] == original["schema"]
        # Restored sequences go on from the same numbers, so new rows never collide.
        assert copy["sequences"] == original["sequences"]
        assert copy["rows"].keys() == original["rows"].keys()
        for table, rows in original["rows"].items():
            assert copy["rows"][table] == rows, table
        password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
        app_opens(
            f"postgres://{quote(db['USER'] or '', safe='')}{password}@"
            f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{fresh}"
        )
    finally:
        with pg_connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
