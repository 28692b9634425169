"""`Idempotency-Key` support for the API's POSTs that write (attempts, answers, reviews).

A retry with the same key and the same request gets the first reply, marked with the header
`Idempotent-Replayed: true`, and writes nothing; the same key with another request is refused
(422). Replies of 5xx are not kept, so a retry after a server error runs again.
"""

import functools
import hashlib
import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from quizzes.api.errors import Conflict, Unprocessable
from quizzes.services.idempotency import (
    KEY_IN_FLIGHT,
    KEY_INVALID,
    KEY_REUSED,
    Claim,
    idempotency_key_complete,
    idempotency_key_release,
    idempotency_key_reserve,
    key_is_valid,
)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"

PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=r"^[ -~]{1,255}$",
    description=(
        "Any unique string (a UUID is best), at most 255 printable ASCII characters. A retry "
        "with the same key and body returns the first reply and writes nothing more; keys are "
        "kept for 24 hours."
    ),
)


def request_hash(request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    text = "\n".join([request.method, request.get_full_path(), body])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def idempotent(handler):
    """Wrap an APIView method that writes. Runs after authentication and permissions."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not key_is_valid(key):
            raise ValidationError({HEADER: [KEY_INVALID]})
        reservation = idempotency_key_reserve(
            user=request.user, key=key, request_hash=request_hash(request)
        )
        record = reservation.record
        if reservation.claim == Claim.MISMATCH:
            raise Unprocessable(KEY_REUSED, code="idempotency_key_reused")
        if reservation.claim == Claim.IN_FLIGHT:
            raise Conflict(KEY_IN_FLIGHT, code="idempotency_key_in_flight")
        if reservation.claim == Claim.REPLAY:
            return Response(
                record.response_body,
                status=record.status_code,
                headers={REPLAYED_HEADER: "true"},
            )
        try:
            response = handler(view, request, *args, **kwargs)
        except Exception as exc:
            # The reply the client will get (404, 409, ...), made now so that it can be kept.
            try:
                response = view.handle_exception(exc)
            except Exception:
                idempotency_key_release(record=record)
                raise
        if response.status_code >= 500:
            idempotency_key_release(record=record)
            return response
        # Stored exactly as the client received it (dates and decimals already as text).
        body = json.loads(JSONRenderer().render(response.data) or b"null")
        idempotency_key_complete(record=record, status_code=response.status_code, body=body)
        return response

    return wrapper
