"""Failure limits per identity, counted across every council's site.

One identity signs in on every council's host, so a guesser must not get a fresh allowance on each of
them. These counters live in the ``identity`` cache alias, whose keys carry no schema (the default
cache's do, through django_tenants.cache.make_key); with Redis (REDIS_URL, production) every process
shares them. The identity is hashed into the key: no email address sits in the cache.
"""

import hashlib

from django.core.cache import caches

CACHE_ALIAS = "identity"

PASSWORD = "password"  # noqa: S105 (a counter's name)
SIGN_IN_CODE = "sign-in-code"


def _key(kind: str, identity: str) -> str:
    return f"failures:{kind}:{hashlib.sha256(identity.strip().lower().encode()).hexdigest()}"


def failures_count(*, kind: str, identity: str) -> int:
    return caches[CACHE_ALIAS].get(_key(kind, identity), 0)


def failure_record(*, kind: str, identity: str, window_seconds: int) -> int:
    """Count one failure; the window starts at the first. Returns the count so far."""
    cache, key = caches[CACHE_ALIAS], _key(kind, identity)
    if cache.add(key, 1, window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window_seconds)
        return 1


def failures_clear(*, kind: str, identity: str) -> None:
    caches[CACHE_ALIAS].delete(_key(kind, identity))
