"""Test settings: the real settings, with the few changes a test run needs.

Tests talk to the database named by DATABASE_URL (SQLite by default), like the app does.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key-" + "x" * 40)

from psoasquiz.settings import *  # noqa: E402,F403

# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
# Hashing with the production hasher costs ~100 ms per login; tests log in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Hashed static names need `collectstatic`; tests serve files straight from static/.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Look files up per request rather than scanning a collected STATIC_ROOT that tests never build.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite test database is by default in memory with a shared cache. There, threads
    # lock whole tables and fail at once ("database table is locked") instead of waiting, and WAL
    # does not exist, so tests that race threads (tests/test_attempt_concurrency.py) could not
    # show how the site behaves. A file behaves like production: WAL, IMMEDIATE transactions,
    # the busy timeout. One file per test process, so runs side by side never share one.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"psoasquiz-test-{os.getpid()}.sqlite3")
    }
    # Locking is as in production; only durability goes, which a throwaway database never needs.
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
    )
