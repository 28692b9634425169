"""`manage.py backup FILE`: a consistent copy of the database while the site keeps running.

PostgreSQL: `pg_dump --format=custom` (restore with `pg_restore`); SQLite: the SQLite online
backup API, through Python's own sqlite3 module, so no `sqlite3` program is needed. Restoring
is done by hand with the site stopped: docs/operations.md.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

FILE_EXISTS = "{path} already exists; choose a new file name (a backup never overwrites one)."
NO_PG_DUMP = (
    "pg_dump was not found. Install the PostgreSQL client tools of the server's version "
    "(Debian and Ubuntu: apt-get install postgresql-client)."
)
PG_DUMP_FAILED = "pg_dump failed (exit status {status}): {error}"
UNSUPPORTED = "Backups are made for PostgreSQL and SQLite only, not {vendor}."


def backup_sqlite(database: str, target: Path) -> None:
    # The online backup API copies a snapshot page by page, WAL included; copying the file
    # itself while the site writes can give a torn, unreadable copy.
    source = sqlite3.connect(database)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def backup_postgresql(settings: dict, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise CommandError(NO_PG_DUMP)
    env = {**os.environ}
    # libpq reads the password from the environment, which keeps it off the process list.
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    sslmode = settings.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    command = [pg_dump, "--format=custom", f"--file={target}", "--no-password"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command.append(f"{flag}={settings[key]}")
    command.append(f"--dbname={settings['NAME']}")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise CommandError(PG_DUMP_FAILED.format(status=done.returncode, error=done.stderr.strip()))


class Command(BaseCommand):
    help = "Write a consistent backup of the database to FILE while the site runs."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write (must not exist yet)")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, **options):
        target = Path(options["file"])
        if target.exists():
            raise CommandError(FILE_EXISTS.format(path=target))
        connection = connections[options["database"]]
        if connection.vendor == "sqlite":
            backup_sqlite(str(connection.settings_dict["NAME"]), target)
        elif connection.vendor == "postgresql":
            backup_postgresql(connection.settings_dict, target)
        else:
            raise CommandError(UNSUPPORTED.format(vendor=connection.vendor))
        self.stdout.write(f"Backed up the database to {target} ({target.stat().st_size} bytes).")
