"""The OpenAPI schema: every operation documents the errors it can return, in the one shape."""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse

from quizzes.api.serializers import ErrorSerializer

ALWAYS = {
    "401": "No credentials, or a bad token.",
    "403": "Not allowed for your role, or a session request without its CSRF token.",
    "406": "The Accept header asks for something other than JSON.",
    "429": "Too many requests; see Retry-After.",
}
WITH_BODY = {
    "400": "Invalid or unreadable body.",
    "409": "The object's state refuses the request (see the error code).",
    "415": "The body is not JSON.",
    "422": "The Idempotency-Key was used for another request.",
}
WITH_QUERY = {"400": "Invalid query parameters."}
NOT_FOUND = {"404": "Not found, or not yours (a review: the card is not in your deck)."}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = dict(ALWAYS)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.update(WITH_BODY)
        if self._get_paginator() or self.get_override_parameters():
            codes.update(WITH_QUERY)
        if "{" in self.path or self._get_paginator() or self.method != "GET":
            codes.update(NOT_FOUND)
        for code, description in codes.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), code
                )
        return responses
