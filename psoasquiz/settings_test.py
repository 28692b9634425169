"""Test settings: the real settings, with the few changes a test run needs.

Tests talk to the database named by DATABASE_URL (SQLite by default), like the app does.
"""

import os

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
