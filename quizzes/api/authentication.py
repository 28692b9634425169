"""Token authentication for integrations: `Authorization: Bearer psq_...` (or `Token psq_...`).

Browsers use the session (with CSRF enforced, by DRF's SessionAuthentication); programs use a
named token the person created on their API tokens page or with `manage.py api_token`.
"""

import logging

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from quizzes.security_log import client_ip, log_event
from quizzes.services import login_limits
from quizzes.services.api_tokens import api_token_authenticate

BAD_HEADER = "The Authorization header must be 'Bearer <token>', with no spaces in the token."
BAD_TOKEN = "This token is not valid: it was revoked, mistyped, or its account is deactivated."
TOO_MANY_BAD_TOKENS = "Too many invalid credentials were sent from your address."
KEYWORDS = ("bearer", "token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(BAD_HEADER)
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(BAD_TOKEN) from None
        # The Django request underneath: reading the DRF request's user here would authenticate
        # again, from inside authentication.
        django_request = request._request
        ip = client_ip(django_request)
        lock = login_limits.address_lock(ip=ip)
        if lock is not None:
            raise exceptions.Throttled(wait=lock.retry_after, detail=TOO_MANY_BAD_TOKENS)
        token = api_token_authenticate(secret=secret)
        if token is None:
            # Tokens are too long to guess, but a stream of bad ones is someone trying: it
            # counts with failed logins from the same address (services/login_limits).
            log_event("api_token_failed", django_request, level=logging.WARNING, ip=ip)
            if login_limits.address_failure_record(ip=ip) is not None:
                log_event("lockout", django_request, level=logging.WARNING, scope="address")
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with this challenge), not 403, to a request without credentials.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "quizzes.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A token from your account's API tokens page (or `manage.py api_token "
                "create`), sent as `Authorization: Bearer psq_...`."
            ),
        }
