"""Token authentication for integrations: `Authorization: Bearer psq_...` (or `Token psq_...`).

Browsers use the session (with CSRF enforced, by DRF's SessionAuthentication); programs use a
named token the person created on their API tokens page or with `manage.py api_token`.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from quizzes.services.api_tokens import api_token_authenticate

BAD_HEADER = "The Authorization header must be 'Bearer <token>', with no spaces in the token."
BAD_TOKEN = "This token is not valid: it was revoked, mistyped, or its account is deactivated."
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
        token = api_token_authenticate(secret=secret)
        if token is None:
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
