"""Settings for psoasquiz: one module, every value from the environment with a working default.

The variables a deployment sets are listed in the README ("Configuration").
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from psoasquiz.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)

# A fixed key is only acceptable on a developer's machine; anywhere else sessions and password
# reset links would be forgeable.
DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or (DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it to a long random string "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
        "or set DJANGO_DEBUG=1 on a development machine."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "quizzes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above XFrameOptionsMiddleware and the LTI middleware: writes the one CSP header after they
    # decided who may frame the response (quizzes/csp.py).
    "quizzes.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Logs 403s and 404s for ids to psoasquiz.security (quizzes/security_log.py).
    "quizzes.security_log.RefusalLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After XFrameOptionsMiddleware: lets the launching LMS frame an LTI session (quizzes/lti/).
    "quizzes.lti.middleware.LtiFrameAncestorsMiddleware",
]

ROOT_URLCONF = "psoasquiz.urls"
WSGI_APPLICATION = "psoasquiz.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quizzes.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {
    # Persistent connections; health checks drop a connection the server closed.
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections persist on SQLite too: opening one and running the PRAGMAs below cost about
    # a millisecond of CPU per request (bench/request_stack.py), more than a page's queries.
    # Outside a transaction a connection holds no lock or snapshot, so an idle one blocks
    # neither writers nor checkpoints. "Immediate" transactions make concurrent writers queue
    # for the lock instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, keeping its redis client (quizzes/cache.py).
            "BACKEND": "quizzes.cache.KeptClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "psoasquiz",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database, which every app server shares. With Redis they are also kept
# there ("cached_db"), so a request reads its session without a query; the database stays the
# record (every write goes to both, a session missing from Redis is read back from the database,
# logging out deletes both). Never over the per-process memory cache: a worker would go on
# serving a session that another worker had ended.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# --- Accounts ---------------------------------------------------------------------------------

AUTH_USER_MODEL = "quizzes.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Argon2id first (quizzes/hashers.py: its cost, sized for a class logging in at once); PBKDF2
# after it, so that older hashes still verify and are re-hashed with Argon2id at the next login.
PASSWORD_HASHERS = [
    "quizzes.hashers.ClassroomArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        # The signup form says so (quizzes/forms/accounts.py).
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------

STATIC_URL = "static/"
# Where collectstatic gathers the files whitenoise serves. bench/load.py gives its servers a
# folder of their own, so they never read a manifest that another process is rewriting.
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security (strict unless debugging) -------------------------------------------------------

# Behind a proxy, the client's scheme and address come from the headers the proxy sets.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# An LMS shows psoasquiz in an iframe on its own site, where browsers send only cookies marked
# SameSite=None (and so Secure, https only). That also sends our session cookie with cross-site
# requests, which SameSite=Lax exists to stop (CSRF tokens still guard every form), so it is
# off unless an LMS is connected. README: "Connect your LMS".
LTI_COOKIES_SAMESITE_NONE = env_bool("DJANGO_LTI_COOKIES_SAMESITE_NONE", False)
if LTI_COOKIES_SAMESITE_NONE:
    SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "None"
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
# A form refused for a missing or stale CSRF token gets a page that says what to do.
CSRF_FAILURE_VIEW = "quizzes.views.errors.csrf_failure"
# Pages answer with the policy in quizzes/csp.py (ContentSecurityPolicyMiddleware above).

# Guessing limits (quizzes/services/login_limits.py): signup attempts per address, and join
# codes that match no class per address. A class of 30 signs up and joins from one school
# address in one lesson, with retries and typos, so neither is as low as "20/hour".
PSOASQUIZ_SIGNUP_RATE = env_str("PSOASQUIZ_SIGNUP_RATE", "100/hour")
PSOASQUIZ_JOIN_RATE = env_str("PSOASQUIZ_JOIN_RATE", "100/hour")

# --- REST framework ---------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Tokens for integrations (listed first, so a request without credentials gets a 401 with
    # its challenge); the session, with CSRF enforced, for the browser.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "quizzes.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["quizzes.api.permissions.UserRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "quizzes.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "quizzes.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "quizzes.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per user (or per address before authentication) to the API.
PSOASQUIZ_API_RATE = env_str("PSOASQUIZ_API_RATE", "600/minute")

SPECTACULAR_SETTINGS = {
    "TITLE": "psoasquiz API",
    "DESCRIPTION": (
        "Quizzes and spaced-repetition study of the psoas, for learning systems and scripts. "
        "Authenticate with a token from your account's API tokens page "
        "(`Authorization: Bearer psq_...`). Every error has the shape "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI from our own static files (drf-spectacular-sidecar): no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PATH_CONVERTER_OVERRIDES": {
        "api_id": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1},
    },
    # The "role" constants that tell an endpoint's instructor and student shapes apart.
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "quizzes.models.accounts.Role",
        "InstructorShapeEnum": ["instructor"],
        "StudentShapeEnum": ["student"],
    },
}

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# --- Product ----------------------------------------------------------------------------------

# Where the bundled question banks live (YAML files and SVG diagrams), read by `load_banks`.
BANKS_DIR = BASE_DIR / "banks"
# Show the demo accounts on the login page (the README's serve command turns this on).
PSOASQUIZ_SHOW_DEMO_ACCOUNTS = env_bool("PSOASQUIZ_SHOW_DEMO_ACCOUNTS", DEBUG)
# Seconds after a timed attempt's deadline during which saves and submissions are still accepted:
# a request sent at the last moment can take a while to arrive over a school's network.
PSOASQUIZ_ATTEMPT_GRACE_SECONDS = env_int("PSOASQUIZ_ATTEMPT_GRACE_SECONDS", 30)
