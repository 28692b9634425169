"""Idempotency keys: a retried POST gets the first reply instead of writing again.

A client that sends `Idempotency-Key: <key>` with a POST may send the same request again (after
a timeout, a dropped connection) and get back exactly what the first one answered, with nothing
written twice. The first request reserves the key before it runs; its reply is stored when it
ends. Keys belong to one user and expire after KEY_LIFETIME.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.models import IdempotencyKey, User

KEY_LIFETIME = timedelta(hours=24)
KEY_MAX_LENGTH = 255
KEY_INVALID = (
    f"The Idempotency-Key header must be 1 to {KEY_MAX_LENGTH} printable ASCII characters, "
    "such as a UUID."
)
KEY_REUSED = (
    "This Idempotency-Key was already used with a different request (another URL or body). "
    "Use a new key for a new request; keys are kept for 24 hours."
)
KEY_IN_FLIGHT = (
    "A request with this Idempotency-Key is still being processed. Wait for it, then retry."
)


class Claim(StrEnum):
    NEW = "new"  # reserved: run the request, then record its reply
    REPLAY = "replay"  # the same request already ran: answer with its reply
    MISMATCH = "mismatch"  # the key was used for a different request
    IN_FLIGHT = "in_flight"  # the first request with this key has not finished


@dataclass(frozen=True)
class Reservation:
    claim: Claim
    record: IdempotencyKey | None = None


def key_is_valid(key: str) -> bool:
    return 0 < len(key) <= KEY_MAX_LENGTH and all(32 <= ord(c) < 127 for c in key)


def idempotency_key_reserve(
    *, user: User, key: str, request_hash: str, now: datetime | None = None
) -> Reservation:
    """Reserve `key` for this request, or say why it cannot run (see Claim)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            # An expired key is free again; clearing the user's old keys here keeps the table
            # small without a cron job.
            IdempotencyKey.objects.filter(user=user, expires_at__lte=now).delete()
            record = IdempotencyKey.objects.create(
                user=user,
                key=key,
                request_hash=request_hash,
                created_at=now,
                expires_at=now + KEY_LIFETIME,
            )
        return Reservation(Claim.NEW, record)
    except IntegrityError:
        pass
    existing = IdempotencyKey.objects.filter(user=user, key=key).first()
    if existing is None:
        # Released by a failed first request a moment ago: try once more.
        return idempotency_key_reserve(user=user, key=key, request_hash=request_hash, now=now)
    if existing.request_hash != request_hash:
        return Reservation(Claim.MISMATCH, existing)
    if existing.status_code is None:
        return Reservation(Claim.IN_FLIGHT, existing)
    return Reservation(Claim.REPLAY, existing)


def idempotency_key_complete(*, record: IdempotencyKey, status_code: int, body) -> None:
    """Store the reply that retries will get."""
    record.status_code = status_code
    record.response_body = body
    record.save(update_fields=["status_code", "response_body"])


def idempotency_key_release(*, record: IdempotencyKey) -> None:
    """Forget a reservation whose request failed on the server, so a retry can run it."""
    IdempotencyKey.objects.filter(pk=record.pk, status_code__isnull=True).delete()
