"""Checking an LTI 1.3 launch, with every refusal said in words an LMS administrator can act on.

pylti1p3 does the checking (state, nonce, registration, signature, expiry, deployment, message
shape); each step is wrapped here so that its failure becomes one of the messages below instead
of the library's terse text. Two things are added: the nonce is used up by the first launch
that carries it (the library alone would accept a replay of the same form post), and the
launch must name a course.
"""

import hashlib

import jwt
import requests
from django.core.cache import cache
from django.http import HttpRequest
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.exception import LtiException, OIDCException

from quizzes.lti.storage import DatabaseLaunchDataStorage
from quizzes.lti.tool_conf import PlatformToolConf
from quizzes.models import LtiPlatform

# How long the tool waits for a platform (keysets, tokens, scores, rosters).
HTTP_TIMEOUT_SECONDS = 10
# A platform's public keyset is kept this long in the shared cache, so a class launching at once
# does not fetch it once per student. A launch signed with a key the kept set lacks (the platform
# rotated its keys) fetches the set again at once.
KEYSET_CACHE_SECONDS = 3600

MISSING_TOKEN = (
    "This address receives launches from a learning platform (Moodle, Canvas, Open edX), and "
    "this request carried none. Open psoasquiz from your course in the platform."
)
MISSING_LOGIN_PARAMS = (
    "The login request is missing the platform's issuer (iss) or the login_hint. The platform "
    "must start the launch at the tool's login URL with both."
)
UNKNOWN_ISSUER = (
    "psoasquiz has no platform registered with the issuer “{issuer}”. A psoasquiz administrator "
    "registers it with `manage.py lti_register_platform` (see “Connect your LMS” in the README)."
)
AMBIGUOUS_CLIENT = (
    "More than one registration exists for the issuer “{issuer}” and the login request did not "
    "say which (no client_id). Have the platform send client_id in its login requests."
)
WRONG_AUDIENCE = (
    "The launch was addressed to the client id “{client_id}”, which is not registered for the "
    "issuer “{issuer}”. Check that the client id registered in psoasquiz is the one the "
    "platform shows for this tool."
)
BAD_SIGNATURE = (
    "The launch's signature does not match the platform's public keys. Check the public "
    "keyset URL registered in psoasquiz for “{issuer}”."
)
KEYS_UNAVAILABLE = (
    "psoasquiz could not read the platform's public keys ({detail}). Check the public keyset "
    "URL registered for “{issuer}” and that psoasquiz's server can reach it."
)
EXPIRED = (
    "The launch message has expired. Launch again from the course; if this keeps happening, "
    "check that the clocks of the platform's server and psoasquiz's server are right."
)
NOT_YET_VALID = (
    "The launch message is dated in the future. Check that the clocks of the platform's server "
    "and psoasquiz's server are right."
)
REPLAYED = (
    "This launch message has already been used. Each launch works once: launch again from the "
    "course."
)
UNKNOWN_DEPLOYMENT = (
    "The deployment id “{deployment_id}” is not registered for the platform “{issuer}”. Add it "
    "with `manage.py lti_register_platform ... --deployment-id {deployment_id}`."
)
MISSING_STATE = (
    "The launch came back without the cookie psoasquiz set when it started, so it cannot be "
    "trusted. The browser may be blocking third-party cookies: open the tool in a new window "
    "(the platform's launch container setting), or have psoasquiz's administrator set "
    "DJANGO_LTI_COOKIES_SAMESITE_NONE=1 (it needs https)."
)
MALFORMED = "The launch message could not be read as a signed LTI 1.3 token."
INVALID_MESSAGE = "The launch message is not a valid LTI 1.3 message: {detail}."
NO_CONTEXT = (
    "The launch did not say which course it came from (it has no context claim). psoasquiz "
    "places everyone launching from a course in one class, so it needs the course."
)
UNSUPPORTED_MESSAGE = (
    "psoasquiz answers resource link launches and deep linking requests; this launch was a "
    "“{message_type}”."
)


class LaunchRefused(Exception):
    """The launch or login cannot go on; `message` says why, `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class _TimeoutSession(requests.Session):
    # requests has no session-wide timeout; without one a hung platform hangs our worker.
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def http_session() -> requests.Session:
    session = _TimeoutSession()
    session.headers["User-Agent"] = "psoasquiz LTI tool"
    return session


def _issuer_known(issuer: str) -> bool:
    return LtiPlatform.objects.filter(issuer=issuer, is_active=True).exists()


class ToolLogin(DjangoOIDCLogin):
    def validate_oidc_login(self):
        iss = self._get_request_param("iss")
        if not iss or not self._get_request_param("login_hint"):
            raise LaunchRefused(MISSING_LOGIN_PARAMS)
        try:
            return super().validate_oidc_login()
        except (LtiException, OIDCException):
            pass
        if not _issuer_known(iss):
            raise LaunchRefused(UNKNOWN_ISSUER.format(issuer=iss), 403)
        client_id = self._get_request_param("client_id")
        if not client_id:
            raise LaunchRefused(AMBIGUOUS_CLIENT.format(issuer=iss), 403)
        raise LaunchRefused(WRONG_AUDIENCE.format(client_id=client_id, issuer=iss), 403)


class ToolLaunch(DjangoMessageLaunch):
    """A launch whose every failed check raises LaunchRefused with a message from above."""

    def __init__(self, request: HttpRequest, tool_config=None, **kwargs):
        # The library's own from_cache() calls this with its full signature.
        self.tool_conf = tool_config or PlatformToolConf()
        self.storage = kwargs.pop("launch_data_storage", None) or DatabaseLaunchDataStorage()
        kwargs.setdefault("requests_session", http_session())
        super().__init__(request, self.tool_conf, launch_data_storage=self.storage, **kwargs)

    @classmethod
    def restore(cls, request: HttpRequest, launch_id: str) -> "ToolLaunch":
        """A launch checked earlier in this browser, e.g. the deep linking request."""
        return cls.from_cache(launch_id, request, PlatformToolConf())

    def set_launch_data_storage(self, data_storage):
        try:
            return super().set_launch_data_storage(data_storage)
        except LtiException as error:
            # On https, the storage is keyed by a cookie set at login; without it, no state.
            raise LaunchRefused(MISSING_STATE) from error

    _keyset_was_cached = False

    def fetch_public_key(self, key_set_url: str):
        key = "lti-keyset:" + hashlib.sha256(key_set_url.encode()).hexdigest()
        if not self._keyset_was_cached:
            kept = cache.get(key)
            if kept is not None:
                self._keyset_was_cached = True
                return kept
        keyset = super().fetch_public_key(key_set_url)
        if isinstance(keyset, dict) and isinstance(keyset.get("keys"), list):
            cache.set(key, keyset, KEYSET_CACHE_SECONDS)
        return keyset

    def get_public_key(self):
        try:
            return super().get_public_key()
        except LtiException:
            if not self._keyset_was_cached:
                raise
        # The kept keyset lacks the launch's key: the platform may have rotated its keys since.
        # Once more with a fresh copy (fetch_public_key skips the cache from now on).
        self._registration.set_key_set(None)
        return super().get_public_key()

    @property
    def platform(self) -> LtiPlatform:
        assert self.tool_conf.platform is not None, "validate() first"
        return self.tool_conf.platform

    def validate_state(self):
        if not self._request.get_param("id_token"):
            raise LaunchRefused(MISSING_TOKEN)
        try:
            return super().validate_state()
        except LtiException as error:
            raise LaunchRefused(MISSING_STATE) from error

    def validate_jwt_format(self):
        try:
            return super().validate_jwt_format()
        except LtiException as error:
            raise LaunchRefused(MALFORMED) from error

    def validate_nonce(self):
        try:
            return super().validate_nonce()
        except LtiException as error:
            raise LaunchRefused(REPLAYED) from error

    def validate_registration(self):
        try:
            result = super().validate_registration()
        except LtiException as error:
            body = self._jwt.get("body", {})
            issuer = str(body.get("iss", ""))
            if not issuer or not _issuer_known(issuer):
                raise LaunchRefused(UNKNOWN_ISSUER.format(issuer=issuer), 403) from error
            raise LaunchRefused(
                WRONG_AUDIENCE.format(client_id=self.get_client_id(), issuer=issuer), 403
            ) from error
        if self.tool_conf.platform is None:
            raise LaunchRefused(UNKNOWN_ISSUER.format(issuer=self.get_iss()), 403)
        return result

    def validate_jwt_signature(self):
        issuer = self.get_iss()
        try:
            return super().validate_jwt_signature()
        except LtiException as error:
            cause = error.__cause__
            if isinstance(cause, jwt.ExpiredSignatureError):
                raise LaunchRefused(EXPIRED) from error
            if isinstance(cause, jwt.ImmatureSignatureError):
                raise LaunchRefused(NOT_YET_VALID) from error
            if isinstance(cause, jwt.InvalidTokenError) or "Unable to find" in str(error):
                raise LaunchRefused(BAD_SIGNATURE.format(issuer=issuer), 403) from error
            raise LaunchRefused(
                KEYS_UNAVAILABLE.format(detail=error, issuer=issuer), 403
            ) from error

    def validate_deployment(self):
        try:
            return super().validate_deployment()
        except LtiException as error:
            body = self._jwt.get("body", {})
            deployment_id = body.get("https://purl.imsglobal.org/spec/lti/claim/deployment_id")
            raise LaunchRefused(
                UNKNOWN_DEPLOYMENT.format(deployment_id=deployment_id, issuer=self.get_iss()),
                403,
            ) from error

    def validate_message(self):
        try:
            return super().validate_message()
        except LtiException as error:
            raise LaunchRefused(INVALID_MESSAGE.format(detail=error)) from error

    def validate(self):
        try:
            super().validate()
        except LaunchRefused:
            raise
        except (LtiException, OIDCException) as error:
            raise LaunchRefused(INVALID_MESSAGE.format(detail=error)) from error
        # Used once: the library keeps the nonce for its whole lifetime and would accept the
        # same form post again (from browser history, a proxy log) as a fresh login.
        nonce = self._get_jwt_body().get("nonce", "")
        if not self.storage.consume(self._session_service._get_key("nonce", nonce)):
            raise LaunchRefused(REPLAYED)
        return self
