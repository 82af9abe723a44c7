"""Caching of the network reads, keyed by a *network version*; and the *events version*.

Overlaps and the map read the whole engagement table; they change only when the network
does. ``network_version()`` is a number kept in the database, where every process sees it
(the web workers, ``manage.py`` in a terminal, the task worker), and
``bump_network_version()`` moves it on after every write that can change an overlap (or
the directory's pages): saves and deletes of engagements, participations, memberships,
members, movements (and their themes, tactics and regions), organizations, tensions,
themes, tactics and regions, and every import (``movements.signals.network_imported``;
bulk writes send no model signals). ``network/receivers.py`` connects those signals. Every
cache key carries the version, so a write makes every older entry unreachable at once, in
every process; nothing is deleted, old entries age out.

The *events version* (``events_version()``) is the same kind of number for events and
RSVPs: ``network/receivers.py`` bumps it on saves and deletes of ``events.Event`` and
``events.RSVP``, on changes to an event's movements and hosts, and after the bulk updates
in ``events/services.py`` (``events.signals.events_bulk_changed``). The network version
does not move with it, so an RSVP leaves the cached overlaps alone. Whole pages that
show events (``core/pagecache.py``) are keyed by both.

Where the versions live (``core/migrations/0001_cache_versions.py``): on PostgreSQL one
SEQUENCE per version, bumped with ``nextval`` (not transactional, no row lock: writes are
not serialized and cannot deadlock with the RSVP row locks; a number is never handed out
twice, even when its transaction rolls back) and read with ``last_value``; on SQLite a
small table, ``coalition_version``, updated in place (SQLite serializes writers anyway). A
bump there sets the version to at least the clock in nanoseconds, so that a number a
rolled-back transaction used is not used again. Never in a per-process cache.

The protocol, unchanged since the versions lived in the cache: a write bumps when it
happens (the writing transaction reads its own writes under a new version) and again when
it commits (a read computed meanwhile, in another process, on the data before the commit
was stored under the in-between version, which nobody reaches any more). A reader takes
the versions *before* it reads the data, so whatever it stores under a version was read
after that version was current: new data may sit under an old version (which no reader
reaches once the write committed), never old data under the current one. The window left
is a process that dies between its commit and the second bump: entries computed meanwhile
stay reachable until they expire (``COALITION_CACHE_SECONDS``, ``COALITION_PAGE_CACHE_SECONDS``).

``migrate`` (which ``make serve`` runs at every start) moves both versions to at least the
clock in nanoseconds: a database recreated, or restored from a ``pg_dump``, never hands out
a number a shared cache (Redis) still holds entries of from its earlier life.

Cost: reading both versions is one query (``SELECT`` of two sequences or of the two rows),
made at most once per request: the first read in a request is kept until it ends
(``request_started``/``request_finished``), updated by the request's own bumps. Outside a
request (commands, the task worker) every read asks the database. See the README
(Benchmarks) for the time it takes.

Results go through Django's cache, which pickles them: a process holds no long-lived
copy. (Keeping tens of thousands of ``Overlap`` objects alive in a worker instead made
every full garbage collection walk them: ~200 ms pauses on unrelated pages.) The cache is
``CACHES["default"]``: per-process ``LocMemCache`` unless ``DJANGO_CACHE_URL`` names Redis;
either way every process sees every bump, the shared cache only saves recomputing.
Entries live ``COALITION_CACHE_SECONDS`` (``core/conf.py``: 300 by default); 0 turns the
caching off.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from asgiref.local import Local
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from core.conf import app_settings

NAMES = ("network", "events")
TABLE = "coalition_version"  # SQLite: (name, value)


def sequence(name: str) -> str:
    """The PostgreSQL sequence holding version ``name``."""
    return f"coalition_{name}_version"


# The versions read in the current request (None until the first read), or no attribute
# outside a request. Local: one per thread (and per async context).
_request = Local()


def request_started(**kwargs) -> None:
    """``request_started`` receiver: from now on keep the first read for the request."""
    _request.versions = None


def request_finished(**kwargs) -> None:
    """``request_finished`` receiver: the next read asks the database again."""
    if hasattr(_request, "versions"):
        del _request.versions


def _read(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Both versions, in one query."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = ", ".join(f"(SELECT last_value FROM {sequence(name)})" for name in NAMES)
            cursor.execute(f"SELECT {columns}")
            return dict(zip(NAMES, cursor.fetchone(), strict=True))
        cursor.execute(f"SELECT name, value FROM {TABLE}")  # noqa: S608 (a constant)
        return dict(cursor.fetchall())


def all_versions() -> dict[str, int]:
    """The versions, ``{"network": …, "events": …}``: read once per request."""
    kept = getattr(_request, "versions", False)
    if kept:
        return kept
    found = _read()
    if kept is None:  # inside a request
        _request.versions = found
    return found


def _bump(name: str, using: str | None = None) -> int:
    connection = connections[using or DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s)", [sequence(name)])
        else:
            cursor.execute(
                f"UPDATE {TABLE} SET value = MAX(value + 1, %s) WHERE name = %s RETURNING value",
                [time.time_ns(), name],
            )
        [version] = cursor.fetchone()
    kept = getattr(_request, "versions", None)
    if kept:  # this request reads its own writes from now on
        _request.versions = {**kept, name: max(kept[name], version)}
    return version


def advance_versions(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Move both versions to at least the clock in nanoseconds (``post_migrate``
    receiver): a recreated or restored database starts past every number its earlier life
    handed out, so a shared cache's entries of that life are never reached. Only forward;
    nothing before the versions exist (``migrate core zero``)."""
    connection = connections[using]
    clock = time.time_ns()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in NAMES:
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [sequence(name)])
                if cursor.fetchone()[0]:
                    cursor.execute(
                        f"SELECT setval(%s, %s) FROM {sequence(name)} WHERE last_value < %s",
                        [sequence(name), clock, clock],
                    )
        elif TABLE in connection.introspection.table_names(cursor):
            cursor.execute(f"UPDATE {TABLE} SET value = MAX(value, %s)", [clock])


def network_version() -> int:
    """The current network version."""
    return all_versions()["network"]


def bump_network_version(using: str | None = None) -> int:
    """Move the network version on: every cached read computed before is now stale."""
    return _bump("network", using)


def events_version() -> int:
    """The current events version (events, RSVPs, an event's movements and hosts)."""
    return all_versions()["events"]


def bump_events_version(using: str | None = None) -> int:
    """Move the events version on: every cached page showing events is now stale."""
    return _bump("events", using)


def versions(names: tuple[str, ...]) -> tuple[int, ...]:
    """The current versions named (``"network"``, ``"events"``), in one query at most."""
    found = all_versions()
    return tuple(found[name] for name in names)


def network_changed(sender=None, using=None, **kwargs) -> None:
    """Signal receiver: bump now (so this transaction reads its own writes) and again
    when the transaction commits (so a read that ran meanwhile on the old data is not
    kept under the new version)."""
    bump_network_version(using)
    transaction.on_commit(lambda: bump_network_version(using), using=using)


def events_changed(sender=None, using=None, **kwargs) -> None:
    """``network_changed`` for the events version: bump now and at commit."""
    bump_events_version(using)
    transaction.on_commit(lambda: bump_events_version(using), using=using)


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
