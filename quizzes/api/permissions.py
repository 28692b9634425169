"""Who may call what. Object permissions are not here: every read starts from a selector
scoped to the caller, so another person's object is simply not found (404), as on the pages."""

from django.conf import settings
from rest_framework import permissions, throttling

INSTRUCTORS_ONLY = "Only instructors can use this endpoint."
STUDENTS_ONLY = "Only student accounts can use this endpoint."


class IsInstructor(permissions.IsAuthenticated):
    message = INSTRUCTORS_ONLY

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.is_instructor


class IsStudent(permissions.IsAuthenticated):
    message = STUDENTS_ONLY

    def has_permission(self, request, view):
        return super().has_permission(request, view) and not request.user.is_instructor


class UserRateThrottle(throttling.UserRateThrottle):
    """Requests per user (per address before login); the rate is read at request time, from
    PSOASQUIZ_API_RATE, so a deployment (or a test) can change it."""

    def get_rate(self):
        return settings.PSOASQUIZ_API_RATE

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
