"""Where pylti1p3 keeps OIDC nonces, state and launch data between requests: the database.

A per-process cache would lose the nonce whenever the login and the launch reach different
app server processes; the database is shared by all of them and needs no extra service.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from pylti1p3.launch_data_storage.cache import CacheDataStorage

from quizzes.models import LtiLaunchValue

# Entries without an expiry of their own (pylti1p3 passes None for some) live this long.
DEFAULT_LIFETIME = timedelta(days=1)


class _DatabaseCache:
    """The three cache calls CacheDataStorage makes, over LtiLaunchValue."""

    def get(self, key: str):
        row = LtiLaunchValue.objects.filter(key=key, expires_at__gt=timezone.now()).first()
        return None if row is None else row.value

    def set(self, key: str, value, exp: int | None = None) -> None:
        lifetime = timedelta(seconds=exp) if exp else DEFAULT_LIFETIME
        expires_at = timezone.now() + lifetime
        try:
            with transaction.atomic():
                LtiLaunchValue.objects.update_or_create(
                    key=key, defaults={"value": value, "expires_at": expires_at}
                )
        except IntegrityError:
            # Two requests wrote the same key at once; either value is the same fact.
            pass

    def delete(self, key: str) -> bool:
        deleted, _ = LtiLaunchValue.objects.filter(key=key, expires_at__gt=timezone.now()).delete()
        return deleted > 0


class DatabaseLaunchDataStorage(CacheDataStorage):
    def __init__(self, *args, **kwargs):
        self._cache = _DatabaseCache()
        super().__init__(*args, **kwargs)

    def consume(self, key: str) -> bool:
        """Remove the value; True only for the one caller that removed it (a nonce used once)."""
        return self._get_cache().delete(self._prepare_key(key))


def launch_values_purge(*, now=None) -> int:
    """Forget expired entries; returns how many. Run from lti_send_grades, i.e. from cron."""
    deleted, _ = LtiLaunchValue.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
