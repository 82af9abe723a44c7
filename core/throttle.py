"""Counting requests per key in a time window, in the shared cache, so that every process
counts against the same limit (Redis in production; ``COALITION_CACHE_URL``).

A fixed window per key: the count of the current window (``window`` seconds, aligned to
the clock) is incremented atomically (``cache.incr``) and compared with the limit. At a
window's edge a caller may get up to twice the limit over a short span; for the limits
used here (tens per hour against floods and guessing) that is acceptable and costs one
cache round trip instead of a list of timestamps.
"""

import hashlib
import time

from django.core.cache import cache

from core.conf import app_settings


def throttle_key(scope: str, value: str) -> str:
    """A cache key for ``value`` (an address, an email) in ``scope`` that does not store the
    value itself: the cache is not a place for people's emails."""
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def throttle_hit(key: str, *, limit: int, window: int) -> int | None:
    """Count one request for ``key``. Returns None when it is within ``limit`` for the
    current ``window`` (seconds), else the seconds until the window ends."""
    now = time.time()
    start = int(now // window) * window
    slot = f"{key}:{start}"
    cache.add(slot, 0, timeout=window + 60)
    try:
        count = cache.incr(slot)
    except ValueError:
        # Evicted between add() and incr(): start the count again.
        cache.set(slot, 1, timeout=window + 60)
        count = 1
    if count <= limit:
        return None
    return max(int(start + window - now), 1)


def client_ip(request) -> str:
    """The address the request came from: the connection's (``REMOTE_ADDR``), or behind
    ``COALITION_PROXY_COUNT`` proxies the entry of ``X-Forwarded-For`` the nearest of them
    added (entries further left are the client's word and can be forged)."""
    hops = app_settings.PROXY_COUNT
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
