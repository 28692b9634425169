"""The `psoasquiz.security` log: logins, failures, lockouts, logouts and refused requests.

Each record's message reads on its own in a console ("login_failed username=asha ip=..."), and
the same facts ride on the record as extra fields (`event`, `username`, `user_id`, `ip`, `path`,
`method`, `status`, and what the event adds) for a JSON formatter or a log shipper. Passwords and
tokens are never logged.
"""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("psoasquiz.security")


def client_ip(request) -> str:
    """The address the request came from.

    Behind a proxy (DJANGO_BEHIND_PROXY=1), REMOTE_ADDR is the proxy's, and the client's is the
    last address the proxy appended to X-Forwarded-For; earlier entries came from the client
    and could be anything, so they are never read.
    """
    if request is None:
        return ""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def _who(request) -> dict:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"user_id": user.pk, "username": user.get_username()}
    return {"user_id": None}


def log_event(event: str, request=None, *, level: int = logging.INFO, **fields) -> None:
    data = {"event": event, "ip": client_ip(request)}
    if request is not None:
        data.update(_who(request))
        data.update(path=request.path[:300], method=request.method)
    data.update(fields)
    shown = " ".join(f"{key}={value}" for key, value in data.items() if key != "event")
    logger.log(level, "%s %s", event, shown, extra=data)


def log_refusal(request, event: str, *, status: int, **fields) -> None:
    log_event(event, request, level=logging.WARNING, status=status, **fields)


@receiver(user_logged_in, dispatch_uid="security_log_login")
def _logged_in(sender, request, user, **kwargs):
    log_event("login", request, user_id=user.pk, username=user.get_username())


@receiver(user_logged_out, dispatch_uid="security_log_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_event("logout", request, user_id=user.pk, username=user.get_username())


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is kept.
    username = str(credentials.get("username", ""))[:150]
    log_event("login_failed", request, level=logging.WARNING, username=username)


class RefusalLogMiddleware:
    """Logs every 403, and every 404 from a view reached through a URL with an id in it: a
    selector scoped to the caller answers 404 both for a missing object and for someone
    else's, so these are where probing for other people's data shows up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status == 403 and not getattr(response, "refusal_logged", False):
            log_refusal(request, "forbidden", status=403)
        elif status == 404:
            match = getattr(request, "resolver_match", None)
            if match is not None and match.kwargs:
                log_refusal(request, "not_found", status=404, view=match.view_name)
        return response
