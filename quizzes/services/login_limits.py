"""Limits on guessing: failed logins, signups and join codes, counted in the cache.

Login failures are counted three ways, each with its own threshold, because one school's whole
class often shares one public address:
- per (username, address): a few typos by one person, then that person waits (5 → 15 min);
- per username from any address: someone guessing one account from many addresses (20);
- per address: someone trying many accounts from one place (100 — far above what a class of
  30, each with a typo or two, ever reaches).
Each count lives for WINDOW seconds from its first failure; reaching a threshold locks that key
for LOCK seconds. The per-username lock would let anyone keep an account locked by guessing from
many addresses; so a browser its owner logged in from before (a signed cookie naming the account,
set at each successful login) is exempt from that one lock, and only from it. A lock refuses
the attempt before the password is checked (no hashing work for a locked key) and says when to
try again, in the same words whether or not the username exists.

The cache is the site's default cache: Redis when REDIS_URL is set, shared by every app server
and process; the per-process memory cache otherwise (each process then counts on its own, so a
limit is per process — fine on one small server, and why production sets REDIS_URL).
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

WINDOW = 15 * 60
LOCK = 15 * 60

# (scope, threshold): failures within WINDOW that lock the key for LOCK seconds.
PAIR_LIMIT = 5
USERNAME_LIMIT = 20
ADDRESS_LIMIT = 100

LOCKED_OUT = (
    "Too many failed attempts to log in. For your account's safety, logging in is paused: "
    "try again in {minutes}."
)
SIGNUPS_PAUSED = (
    "Too many accounts were created from your network in the last hour. Try again in {minutes}, "
    "or ask your instructor to create your account."
)
JOINS_PAUSED = (
    "Too many join codes were tried that did not match a class. Try again in {minutes}; check "
    "the code with your instructor meanwhile."
)

_PREFIX = "limits"


@dataclass(frozen=True)
class Lock:
    scope: str  # "pair", "username", "address", or a rate limit's name
    retry_after: int  # seconds

    @property
    def minutes(self) -> str:
        n = max(1, math.ceil(self.retry_after / 60))
        return f"{n} minute" if n == 1 else f"{n} minutes"


def _digest(*parts: str) -> str:
    # Hashed: usernames and addresses can hold characters a cache key may not, and the cache
    # then holds no personal data.
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def _normal(username: str) -> str:
    # Usernames are unique regardless of case, so "Asha" and "asha" are one account's counter.
    return (username or "").strip().casefold()


def _login_keys(username: str, ip: str) -> dict[str, str]:
    name = _normal(username)
    return {
        "pair": _digest("pair", name, ip),
        "username": _digest("username", name),
        "address": _digest("address", ip),
    }


_LOGIN_LIMITS = {"pair": PAIR_LIMIT, "username": USERNAME_LIMIT, "address": ADDRESS_LIMIT}


def _lock_key(key: str) -> str:
    return f"{_PREFIX}:lock:{key}"


def _count_key(key: str) -> str:
    return f"{_PREFIX}:count:{key}"


def _locked(scope: str, key: str, now: float) -> Lock | None:
    until = cache.get(_lock_key(key))
    if until is None or until <= now:
        return None
    return Lock(scope, math.ceil(until - now))


def _count(key: str, window: int) -> int:
    """Add one to a counter that lives `window` seconds from its first use."""
    count_key = _count_key(key)
    cache.add(count_key, 0, timeout=window)
    try:
        return cache.incr(count_key)
    except ValueError:
        # It expired between add and incr.
        cache.set(count_key, 1, timeout=window)
        return 1


def _lock(scope: str, key: str, seconds: int, now: float) -> Lock:
    cache.set(_lock_key(key), now + seconds, timeout=seconds)
    cache.delete(_count_key(key))
    return Lock(scope, seconds)


def login_lock(
    *, username: str, ip: str, known_browser: bool = False, now: float | None = None
) -> Lock | None:
    """The lock that refuses this attempt before any password is checked, if there is one.

    `known_browser`: the account logged in from this browser before (see `known_browsers`);
    the username-wide lock, which others can set off, then does not apply.
    """
    now = time.time() if now is None else now
    locks = [
        lock
        for scope, key in _login_keys(username, ip).items()
        if not (known_browser and scope == "username")
        and (lock := _locked(scope, key, now)) is not None
    ]
    return max(locks, key=lambda lock: lock.retry_after, default=None)


def login_failure_record(*, username: str, ip: str, now: float | None = None) -> Lock | None:
    """Count a failed login; the lock it starts, if it reached a threshold."""
    now = time.time() if now is None else now
    started = None
    for scope, key in _login_keys(username, ip).items():
        if _count(key, WINDOW) >= _LOGIN_LIMITS[scope]:
            started = _lock(scope, key, LOCK, now)
    return started


def login_success_record(*, username: str, ip: str) -> None:
    """The person at this address knows the password: forget their typos. The username's and
    the address's counts stay, so a success in between does not reset someone else's guessing."""
    cache.delete(_count_key(_login_keys(username, ip)["pair"]))


# --- Browsers an account logged in from -----------------------------------------------------------

KNOWN_COOKIE = "psoasquiz_known"
KNOWN_SALT = "psoasquiz.login_limits.known"
KNOWN_MAX_AGE = 365 * 24 * 3600
# A shared computer remembers at most this many accounts (the latest).
KNOWN_ACCOUNTS = 5


def known_accounts(cookie: str | None) -> list[str]:
    """The account digests a signed cookie value vouches for; [] when absent, forged or old."""
    if not cookie:
        return []
    try:
        value = signing.loads(cookie, salt=KNOWN_SALT, max_age=KNOWN_MAX_AGE)
    except signing.BadSignature:
        return []
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)][:KNOWN_ACCOUNTS]


def is_known_browser(cookie: str | None, username: str) -> bool:
    return _digest("known", _normal(username)) in known_accounts(cookie)


def known_cookie_after_login(cookie: str | None, username: str) -> str:
    """The cookie value that adds this account (most recent first) to the browser's list."""
    mine = _digest("known", _normal(username))
    others = [item for item in known_accounts(cookie) if item != mine]
    return signing.dumps([mine, *others][:KNOWN_ACCOUNTS], salt=KNOWN_SALT)


def address_lock(*, ip: str, now: float | None = None) -> Lock | None:
    """For credentials other than a password (API tokens): only the per-address count applies."""
    now = time.time() if now is None else now
    return _locked("address", _login_keys("", ip)["address"], now)


def address_failure_record(*, ip: str, now: float | None = None) -> Lock | None:
    now = time.time() if now is None else now
    key = _login_keys("", ip)["address"]
    if _count(key, WINDOW) >= ADDRESS_LIMIT:
        return _lock("address", key, LOCK, now)
    return None


# --- Rates for signups and join codes -----------------------------------------------------------


def parse_rate(rate: str) -> tuple[int, int]:
    """'20/hour' → (20, 3600). Units: second, minute, hour, day (first letter is enough)."""
    number, _, unit = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit.strip()[:1].lower()]
    return int(number), seconds


def rate_hit(*, name: str, key: str, rate: str, now: float | None = None) -> Lock | None:
    """Count one event for `key`. Once the rate's number of events happened in its period
    (which starts at the first one), the key is refused until the period ends: the Lock that
    started, if this event was the last one allowed. Ask `rate_peek` before acting."""
    now = time.time() if now is None else now
    limit, period = parse_rate(rate)
    digest = _digest("rate", name, key)
    started_key = f"{_PREFIX}:started:{digest}"
    cache.add(started_key, now, timeout=period)
    if _count(digest, period) >= limit:
        started = cache.get(started_key, now)
        return _lock(name, digest, max(1, math.ceil(started + period - now)), now)
    return None


def rate_peek(*, name: str, key: str, now: float | None = None) -> Lock | None:
    """The refusal in force for `key`, without counting anything."""
    now = time.time() if now is None else now
    return _locked(name, _digest("rate", name, key), now)


def signup_rate() -> str:
    return settings.PSOASQUIZ_SIGNUP_RATE


def join_rate() -> str:
    return settings.PSOASQUIZ_JOIN_RATE


# One account trying codes: far more than anyone mistypes, far too few to find a code (27^8).
JOIN_RATE_PER_ACCOUNT = "20/hour"
