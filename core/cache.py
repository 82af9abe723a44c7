"""Caching of the network reads, keyed by a *network version*; and the *events version*.

Overlaps and the map read the whole engagement table; they change only when the network
does. ``network_version()`` is a number kept in Django's cache (``CACHES["default"]``) and
``bump_network_version()`` moves it on after every write that can change an overlap (or
the directory's pages): saves and deletes of engagements, participations, memberships,
members, movements (and their themes, tactics and regions), organizations, tensions,
themes, tactics and regions, and every import (``movements.signals.network_imported``;
bulk writes send no model signals). ``network/receivers.py`` connects those signals. Every
cache key carries the version, so a write makes every older entry unreachable at once;
nothing is deleted, old entries age out.

Results go through Django's cache, which pickles them: a process holds no long-lived
copy. (Keeping tens of thousands of ``Overlap`` objects alive in a worker instead made
every full garbage collection walk them: ~200 ms pauses on unrelated pages.)

Entries live ``COALITION_CACHE_SECONDS`` (``core/conf.py``: 300 by default). With the
default per-process ``LocMemCache`` a write made through one worker reaches the others'
entries only when they expire; set ``DJANGO_CACHE_BACKEND`` and ``DJANGO_CACHE_LOCATION``
to a shared cache (Redis, Memcached) to have every worker see every bump at once.
``COALITION_CACHE_SECONDS`` of 0 turns the caching off.

The *events version* (``events_version()``) is the same kind of number for events and
RSVPs: ``network/receivers.py`` bumps it on saves and deletes of ``events.Event`` and
``events.RSVP``, on changes to an event's movements and hosts, and after the bulk updates
in ``events/services.py`` (``events.signals.events_bulk_changed``). The network version
does not move with it, so an RSVP leaves the cached overlaps alone. Whole pages that
show events (``core/pagecache.py``) are keyed by both.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from core.conf import app_settings

VERSION_KEY = "coalition:network-version"
EVENTS_VERSION_KEY = "coalition:events-version"


def _version(version_key: str) -> int:
    """The version stored at ``version_key``, starting it from the clock when missing (so
    a restarted cache never meets entries of an earlier life)."""
    version = cache.get(version_key)
    if version is None:
        version = _start(version_key)
    return version


def _start(version_key: str) -> int:
    version = time.time_ns()
    if not cache.add(version_key, version, timeout=None):
        version = cache.get(version_key, version)
    return version


def _bump(version_key: str) -> int:
    try:
        return cache.incr(version_key)
    except ValueError:  # not in the cache (evicted or never read)
        version = time.time_ns()
        cache.set(version_key, version, timeout=None)
        return version


def network_version() -> int:
    """The current network version."""
    return _version(VERSION_KEY)


def bump_network_version() -> int:
    """Move the network version on: every cached read computed before is now stale."""
    return _bump(VERSION_KEY)


def events_version() -> int:
    """The current events version (events, RSVPs, an event's movements and hosts)."""
    return _version(EVENTS_VERSION_KEY)


def bump_events_version() -> int:
    """Move the events version on: every cached page showing events is now stale."""
    return _bump(EVENTS_VERSION_KEY)


VERSION_KEYS = {"network": VERSION_KEY, "events": EVENTS_VERSION_KEY}


def versions(names: tuple[str, ...]) -> tuple[int, ...]:
    """The current versions named (``"network"``, ``"events"``), read in one round trip."""
    keys = [VERSION_KEYS[name] for name in names]
    found = cache.get_many(keys)
    return tuple(found[k] if k in found else _start(k) for k in keys)


def network_changed(sender=None, using=None, **kwargs) -> None:
    """Signal receiver: bump now (so this transaction reads its own writes) and again
    when the transaction commits (so a read that ran meanwhile on the old data is not
    kept under the new version)."""
    bump_network_version()
    transaction.on_commit(bump_network_version, using=using)


def events_changed(sender=None, using=None, **kwargs) -> None:
    """``network_changed`` for the events version: bump now and at commit."""
    bump_events_version()
    transaction.on_commit(bump_events_version, using=using)


def key(name: str, *parts: Any) -> str:
    """A cache key for ``name`` and ``parts`` (anything with a stable ``repr``) at the
    current network version. Take the key *before* computing the value."""
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"coalition:{name}:{network_version()}:{digest}"


def cached(name: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``'s result from Django's cache, computing and storing it on a miss."""
    seconds = app_settings.CACHE_SECONDS
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
