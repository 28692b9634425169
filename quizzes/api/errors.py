"""One shape for every error the API returns:

    {"error": {"code": "not_found", "message": "A sentence for a person.", "fields": {...}}}

`code` is stable and meant for programs; `message` may change wording; `fields` maps a request
field to its problems (validation errors only, else empty). The exception handler covers what DRF
raises (validation, parse, authentication, permission, 404, 405, 406, 415, throttling); the
catch-all view answers unknown /api/ URLs the same way instead of with Django's HTML page.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

INVALID = "Some fields are invalid; see `fields`."
NOT_FOUND = "Nothing here: the object does not exist or is not yours."
NO_SUCH_URL = "There is no API endpoint at {path}. The endpoints are listed at /api/docs/."
ADD_SLASH = "There is no API endpoint at {path}. API URLs end with a slash: did you mean {path}/?"
SERVER_ERROR = "Something went wrong on our side; nothing was changed. Try again later."
PERMISSION_DENIED = "You do not have permission to do this."
THROTTLED = "Too many requests. Try again in {wait} seconds."

# Codes DRF's own exceptions get when they do not carry a more specific one.
CODES = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "parse_error",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


class Conflict(exceptions.APIException):
    """The request is well formed but the object's state refuses it (attempt closed, stale)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state of the object."


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"
    default_detail = "The request cannot be processed."


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _code_for(exc: exceptions.APIException) -> str:
    for kind, code in CODES.items():
        if isinstance(exc, kind):
            return code
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _flatten(value)]
    return [str(detail)]


def _fields(detail) -> dict:
    """A validation error's detail as {field: [messages]}; nested fields get dotted names."""
    fields: dict = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            fields.setdefault(prefix or "non_field_errors", []).extend(_flatten(value))

    walk("", detail)
    return fields


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error in the one shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(PERMISSION_DENIED)
    if not isinstance(exc, exceptions.APIException):
        # Logged with the traceback; the client gets the same shape, never a page of HTML.
        logger.exception("API request failed", exc_info=exc)
        set_rollback()
        return Response(error_body("server_error", SERVER_ERROR), status=500)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        non_field = fields.get("non_field_errors")
        message = " ".join(non_field) if non_field and len(fields) == 1 else INVALID
        body = error_body("invalid", message, {} if message != INVALID else fields)
    elif isinstance(exc, exceptions.Throttled):
        body = error_body("throttled", THROTTLED.format(wait=int(exc.wait or 1)))
    else:
        body = error_body(_code_for(exc), " ".join(_flatten(exc.detail)))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


@csrf_exempt  # it changes nothing; a POST to a mistyped URL deserves the 404, not a CSRF page
def api_not_found(request, path: str = ""):
    """Any /api/ URL no endpoint matches: a 404 in the API's shape, with a hint for a missing
    trailing slash (APPEND_SLASH cannot redirect a POST without losing its body)."""
    message = NO_SUCH_URL.format(path=request.path)
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            message = ADD_SLASH.format(path=request.path)
    return JsonResponse(error_body("not_found", message), status=404)
