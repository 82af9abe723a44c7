"""Caching of the network reads, keyed by a *network version*.

Overlaps and the map read the whole engagement table; they change only when the network
does. ``network_version()`` is a number kept in Django's cache (``CACHES["default"]``) and
``bump_network_version()`` moves it on after every write that can change an overlap:
saves and deletes of engagements, participations, memberships, movements (and their
themes, tactics and regions), organizations, tensions, themes, tactics and regions, and
every import (``movements.signals.network_imported``; bulk writes send no model signals).
``coalition/apps.py`` connects those signals. Every cache key carries the version, so a
write makes every older entry unreachable at once; nothing is deleted, old entries age out.

Results go through Django's cache, which pickles them: a process holds no long-lived
copy. (Keeping tens of thousands of ``Overlap`` objects alive in a worker instead made
every full garbage collection walk them: ~200 ms pauses on unrelated pages.)

Entries live ``COALITION_CACHE_SECONDS`` (300 by default). With the default per-process
``LocMemCache`` a write made through one worker reaches the others' entries only when they
expire; set ``DJANGO_CACHE_BACKEND`` and ``DJANGO_CACHE_LOCATION`` to a shared cache
(Redis, Memcached) to have every worker see every bump at once. ``COALITION_CACHE_SECONDS``
of 0 turns the caching off.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "coalition:network-version"
DEFAULT_TIMEOUT = 300


def timeout() -> int:
    return int(getattr(settings, "COALITION_CACHE_SECONDS", DEFAULT_TIMEOUT))


def network_version() -> int:
    """The current network version (starts from the clock, so a restarted cache never
    meets entries of an earlier life)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def bump_network_version() -> int:
    """Move the network version on: every cached read computed before is now stale."""
    try:
        return cache.incr(VERSION_KEY)
    except ValueError:  # not in the cache (evicted or never read)
        version = time.time_ns()
        cache.set(VERSION_KEY, version, timeout=None)
        return version


def network_changed(sender=None, using=None, **kwargs) -> None:
    """Signal receiver: bump now (so this transaction reads its own writes) and again
    when the transaction commits (so a read that ran meanwhile on the old data is not
    kept under the new version)."""
    bump_network_version()
    transaction.on_commit(bump_network_version, using=using)


def key(name: str, *parts: Any) -> str:
    """A cache key for ``name`` and ``parts`` (anything with a stable ``repr``) at the
    current network version. Take the key *before* computing the value."""
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"coalition:{name}:{network_version()}:{digest}"


def cached(name: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``'s result from Django's cache, computing and storing it on a miss."""
    seconds = timeout()
    if seconds <= 0:  # caching turned off: do not pay for pickling either
        return compute()
    cache_key = key(name, *parts)
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, seconds)
    return value


def queryset_key(queryset) -> tuple:
    """A QuerySet as a key part: its SQL and parameters."""
    sql, params = queryset.query.sql_with_params()
    return (sql, tuple(params))
