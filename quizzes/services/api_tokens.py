"""Access tokens for the REST API: created, listed and revoked by their owner.

A secret is shown once, when the token is created; only its SHA-256 is stored, so a leaked
database dump gives no working token. Several named tokens per person let each integration (a
Moodle site, a script) be revoked on its own.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.models import ApiToken, User

SECRET_PREFIX = "psq_"
NAME_MAX = 100
NAME_REQUIRED = "Give the token a name, such as the site or script that will use it."
NAME_TOO_LONG = f"Token names are at most {NAME_MAX} characters."
NAME_TAKEN = "You already have a token named “{name}”. Choose another name, or revoke that one."
TOO_MANY = "You have {limit} active tokens, the most allowed. Revoke one you no longer use."
INACTIVE_USER = "This account is deactivated, so it cannot have API tokens."
# Generous for integrations, yet a runaway script cannot fill the table.
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often: a busy integration must not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenRefused(Exception):
    """The token was not created; the message says why."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    # The only time the secret exists outside the client that receives it.
    secret: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def api_token_create(*, user: User, name: str, now: datetime | None = None) -> NewToken:
    """A new token for `user`. Raises TokenRefused with a message for the person."""
    now = now or timezone.now()
    name = " ".join(str(name or "").split())
    if not name:
        raise TokenRefused(NAME_REQUIRED)
    if len(name) > NAME_MAX:
        raise TokenRefused(NAME_TOO_LONG)
    if not user.is_active:
        raise TokenRefused(INACTIVE_USER)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            # Locking the user row makes two creations by one person queue, so the limit holds.
            User.objects.select_for_update().filter(pk=user.pk).exists()
            active = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
            if active.filter(name=name).exists():
                raise TokenRefused(NAME_TAKEN.format(name=name))
            if active.count() >= MAX_ACTIVE_TOKENS:
                raise TokenRefused(TOO_MANY.format(limit=MAX_ACTIVE_TOKENS))
            token = ApiToken.objects.create(
                user=user,
                name=name,
                prefix=secret[: len(SECRET_PREFIX) + 6],
                key_hash=hash_secret(secret),
                created_at=now,
            )
    except IntegrityError:
        raise TokenRefused(NAME_TAKEN.format(name=name)) from None
    return NewToken(token=token, secret=secret)


def api_token_revoke(*, user: User, token_id: int, now: datetime | None = None) -> ApiToken:
    """Revoke one of the user's tokens; revoking it again changes nothing.

    Raises ApiToken.DoesNotExist for a token that is not theirs.
    """
    now = now or timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
        if token.revoked_at is None:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
        return token


def api_token_authenticate(*, secret: str, now: datetime | None = None) -> ApiToken | None:
    """The active token with this secret, its user loaded, with `last_used_at` brought up to
    date (to the minute); None for an unknown, revoked or deactivated one."""
    now = now or timezone.now()
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_secret(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A plain UPDATE, no lock: two requests racing to record the time both write "now".
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
