"""Follow-through: did the bridge hold? What came of joint events between movements.

The exact definitions are PRODUCT.md's ("Follow-through"); in short, for an event E:

====================  =============================================================================
measured              E is published, has ended (``ends_at`` before now) and has two or more
                      movements; nothing else is measured (figures are ``None``)
D                     the local date of E's start (``DJANGO_TIME_ZONE``)
W                     ``COALITION_FOLLOW_THROUGH_DAYS`` (180)
attendees A(E)        members whose RSVP on E is checked in
real engagement       source ``manual`` or ``import`` (attendance engagements never count)
home(a, E)            the movements of E where a has a real engagement with ``since`` before D
                      (or no ``since``: "before anything we know") and ``until`` empty or on or
                      after D
crossed into m        m is one of E's movements outside home(a, E), and a has a real engagement
                      in m with D ≤ ``since`` ≤ D + W (an empty ``since`` never crosses)
attendees, crossers   |A(E)|; attendees who crossed into at least one movement; rate = crossers /
                      attendees
by movement           per movement m of E: ``came_from`` (attendees with m in their home) and
                      ``crossed_in`` (attendees who crossed into m)
pair (X, Y)           over the measured public events whose movements include X and Y
                      (a private event is measured for those who may open it, but stays
                      out of pairs, which everyone sees): ``events``,
                      distinct ``attendees``, distinct ``crossers`` into X or Y from one of those
                      events, rate = crossers / attendees
====================  =============================================================================

**People bridging movements** (``bridging_by_quarter``): per calendar quarter, the distinct
members with real engagements running at any time in the quarter in two or more movements
of different sectors (``other`` counts as a sector); the last 12 complete quarters and the
current one, marked partial.

**Caching.** The exact figures for the whole network are computed in one pass
(``network_follow_through``: three queries whatever the number of events) and cached as
plain values (ids, numbers, tuples: no model instances) under the network version, the
events version, the hour and the window: an engagement, a check-in, an edit of an event
or the next hour (an event that has just ended) gives a new entry.

**Privacy.** Everyone but curators gets people-counts under the disclosure threshold
(``COALITION_MIN_DISCLOSED_COUNT``) as ``None`` ("fewer than 5"), and a rate is withheld when
its numerator or its denominator is. The per-movement figures of one event come as a group:
when one ``came_from`` (or one ``crossed_in``) is withheld, all of that kind are, since with
the shown total the others would give the missing one away (``disclose_event``). The number
of events is not a people-count (events are public).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from core import privacy
from core.cache import cached, events_version, key
from core.conf import app_settings
from events.models import RSVP, Event, EventStatus, EventVisibility
from movements.models import Engagement, EngagementSource, Movement, running_between
from network.insights.measures import quarter_bounds

REAL_SOURCES = (EngagementSource.MANUAL, EngagementSource.IMPORT)
# "People bridging movements": the last 12 complete quarters and the current one.
BRIDGING_QUARTERS = 13
BRIDGING_LATEST = "coalition:bridging:latest"


# --- exact figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class MovementFigures:
    movement_id: int
    came_from: int
    crossed_in: int


@dataclass(frozen=True)
class EventFigures:
    """The exact follow-through of one measured event."""

    event_id: int
    day: datetime.date
    movement_ids: tuple[int, ...]
    attendees: int
    crossers: int
    by_movement: tuple[MovementFigures, ...]

    @property
    def rate(self) -> float | None:
        return self.crossers / self.attendees if self.attendees else None


@dataclass(frozen=True)
class PairFigures:
    """The exact follow-through of a pair of movements (ids in ascending order)."""

    movement_ids: tuple[int, int]
    events: int
    attendees: int
    crossers: int

    @property
    def rate(self) -> float | None:
        return self.crossers / self.attendees if self.attendees else None


class NetworkFigures:
    """The exact figures of every measured event (``events``, by id) and every pair with a
    measured event (``pairs``, by ``pair_key``). Pickled (for the cache) as plain tuples,
    which load an order of magnitude faster than thousands of objects; ``event()`` and
    ``pair()`` read one without building the others."""

    def __init__(self, window_days: int, events: dict, pairs: dict):
        self.window_days = window_days
        self._events = {
            pk: (
                f.event_id,
                f.day,
                f.movement_ids,
                f.attendees,
                f.crossers,
                tuple((m.movement_id, m.came_from, m.crossed_in) for m in f.by_movement),
            )
            for pk, f in events.items()
        }
        self._pairs = {key: (f.events, f.attendees, f.crossers) for key, f in pairs.items()}

    def __getstate__(self):
        return (self.window_days, self._events, self._pairs)

    def __setstate__(self, state):
        self.window_days, self._events, self._pairs = state

    def event(self, pk: int) -> EventFigures | None:
        raw = self._events.get(pk)
        if raw is None:
            return None
        event_id, day, movement_ids, attendees, crossers, by_movement = raw
        return EventFigures(
            event_id,
            day,
            movement_ids,
            attendees,
            crossers,
            tuple(MovementFigures(*row) for row in by_movement),
        )

    def pair(self, a: int, b: int) -> PairFigures | None:
        key = pair_key(a, b)
        raw = self._pairs.get(key)
        return None if raw is None else PairFigures(key, *raw)

    @property
    def events(self) -> dict[int, EventFigures]:
        return {pk: self.event(pk) for pk in self._events}

    @property
    def pairs(self) -> dict[tuple[int, int], PairFigures]:
        return {key: self.pair(*key) for key in self._pairs}


def window_days() -> int:
    return app_settings.FOLLOW_THROUGH_DAYS


def is_measured(event: Event, *, now: datetime.datetime | None = None) -> bool:
    """Whether ``event`` is measured: published, ended, two or more movements."""
    now = now or timezone.now()
    return (
        event.status == EventStatus.PUBLISHED
        and event.ends_at < now
        and event.movements.count() >= 2
    )


def network_follow_through(*, now: datetime.datetime | None = None) -> NetworkFigures:
    """The exact figures of every measured event and every pair, cached (see above)."""
    now = now or timezone.now()
    window = window_days()
    return cached(
        "follow-through",
        (events_version(), now.replace(minute=0, second=0, microsecond=0), window),
        lambda: compute_network(now=now, window=window),
    )


def compute_network(*, now: datetime.datetime, window: int) -> NetworkFigures:
    """The exact figures, computed (four queries)."""
    through = Event.movements.through.objects.filter(
        event__status=EventStatus.PUBLISHED, event__ends_at__lt=now
    ).values_list("event_id", "movement_id", "event__starts_at", "event__visibility")
    movements_of: dict[int, set[int]] = defaultdict(set)
    starts: dict[int, datetime.datetime] = {}
    private: set[int] = set()
    for event_id, movement_id, starts_at, visibility in through:
        movements_of[event_id].add(movement_id)
        starts[event_id] = starts_at
        if visibility == EventVisibility.PRIVATE:
            private.add(event_id)
    measured = {pk: ids for pk, ids in movements_of.items() if len(ids) >= 2}

    attendees_of: dict[int, set[int]] = defaultdict(set)
    for event_id, member_id in RSVP.objects.filter(
        event_id__in=list(measured), checked_in_at__isnull=False
    ).values_list("event_id", "member_id"):
        attendees_of[event_id].add(member_id)

    members = set().union(*attendees_of.values()) if attendees_of else set()
    movement_ids = set().union(*measured.values()) if measured else set()
    engagements: dict[int, list[tuple[int, datetime.date | None, datetime.date | None]]] = (
        defaultdict(list)
    )
    if members:
        rows = Engagement.objects.filter(
            member_id__in=list(members),
            movement_id__in=list(movement_ids),
            source__in=REAL_SOURCES,
        ).values_list("member_id", "movement_id", "since", "until")
        for member_id, movement_id, since, until in rows:
            engagements[member_id].append((movement_id, since, until))

    events, people = {}, {}
    for event_id, ids in measured.items():
        events[event_id], people[event_id] = _event_figures(
            event_id,
            day=timezone.localdate(starts[event_id]),
            movement_ids=tuple(sorted(ids)),
            attendees=attendees_of.get(event_id, set()),
            engagements=engagements,
            window=window,
        )
    # Who attended and who crossed (member ids) serve the pairs' distinct counts only: they
    # are not kept (nor cached).
    # A pair's figures are shown to everyone (overlap pages, proposals): private events
    # stay out of them, as they stay out of every list (PRODUCT.md, "Privacy").
    public = {pk: figures for pk, figures in events.items() if pk not in private}
    return NetworkFigures(window_days=window, events=events, pairs=_pairs(public, people))


def _event_figures(
    event_id: int,
    *,
    day: datetime.date,
    movement_ids: tuple[int, ...],
    attendees: set[int],
    engagements: dict,
    window: int,
) -> tuple[EventFigures, tuple[set[int], dict[int, set[int]]]]:
    """The event's figures, and (attendees, crossers by movement) as member ids."""
    last_day = day + datetime.timedelta(days=window)
    came_from: dict[int, set[int]] = {m: set() for m in movement_ids}
    crossed_in: dict[int, set[int]] = {m: set() for m in movement_ids}
    for member_id in attendees:
        rows = [row for row in engagements.get(member_id, ()) if row[0] in came_from]
        home = {
            movement
            for movement, since, until in rows
            if (since is None or since < day) and (until is None or until >= day)
        }
        for movement in home:
            came_from[movement].add(member_id)
        for movement, since, _until in rows:
            if movement not in home and since is not None and day <= since <= last_day:
                crossed_in[movement].add(member_id)
    crossers = set().union(*crossed_in.values())
    figures = EventFigures(
        event_id=event_id,
        day=day,
        movement_ids=movement_ids,
        attendees=len(attendees),
        crossers=len(crossers),
        by_movement=tuple(
            MovementFigures(m, came_from=len(came_from[m]), crossed_in=len(crossed_in[m]))
            for m in movement_ids
        ),
    )
    return figures, (attendees, crossed_in)


def _pairs(
    events: dict[int, EventFigures], people: dict[int, tuple[set[int], dict[int, set[int]]]]
) -> dict[tuple[int, int], PairFigures]:
    count: dict[tuple[int, int], int] = defaultdict(int)
    attendees: dict[tuple[int, int], set[int]] = defaultdict(set)
    crossers: dict[tuple[int, int], set[int]] = defaultdict(set)
    for event_id, figures in events.items():
        came, crossed = people[event_id]
        for pair in combinations(figures.movement_ids, 2):
            count[pair] += 1
            attendees[pair] |= came
            crossers[pair] |= crossed[pair[0]] | crossed[pair[1]]
    return {
        pair: PairFigures(
            movement_ids=pair,
            events=count[pair],
            attendees=len(attendees[pair]),
            crossers=len(crossers[pair]),
        )
        for pair in count
    }


def pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


# --- what a viewer may see ------------------------------------------------------------------


def _rate(numerator: int | None, denominator: int | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 4)


def disclose_event(event: Event, *, curator: bool, now: datetime.datetime | None = None) -> dict:
    """``/api/events/<slug>/follow-through/`` for this viewer: ``measured``, ``attendees``,
    ``crossers``, ``rate`` (4 places), ``window_days`` and ``by_movement`` (``movement``
    slug, ``came_from``, ``crossed_in``), nulls where not measured or withheld."""
    now = now or timezone.now()
    network = network_follow_through(now=now)
    figures = network.event(event.pk) if is_measured(event, now=now) else None
    if figures is None:
        return {
            "measured": False,
            "attendees": None,
            "crossers": None,
            "rate": None,
            "window_days": network.window_days,
            "by_movement": [],
        }

    def shown(count: int) -> int | None:
        return privacy.disclosed(count, curator=curator)

    slugs = dict(Movement.objects.filter(pk__in=figures.movement_ids).values_list("pk", "slug"))
    came = [shown(m.came_from) for m in figures.by_movement]
    crossed = [shown(m.crossed_in) for m in figures.by_movement]
    # One withheld figure of a kind withholds the kind: with the total shown, the others
    # would give it away.
    if None in came:
        came = [None] * len(came)
    if None in crossed:
        crossed = [None] * len(crossed)
    attendees, crossers = shown(figures.attendees), shown(figures.crossers)
    return {
        "measured": True,
        "attendees": attendees,
        "crossers": crossers,
        "rate": _rate(crossers, attendees),
        "window_days": network.window_days,
        "by_movement": [
            {"movement": slugs[m.movement_id], "came_from": c, "crossed_in": x}
            for m, c, x in zip(figures.by_movement, came, crossed, strict=True)
        ],
    }


def disclose_pair(
    a: Movement, b: Movement, *, curator: bool, now: datetime.datetime | None = None
) -> dict:
    """The ``follow_through`` of ``/api/overlaps/<a>/<b>/``: ``events`` (a count of events),
    ``attendees``, ``crossers`` and ``rate`` as this viewer may see them."""
    figures = network_follow_through(now=now).pair(a.pk, b.pk)
    if figures is None:
        return {"events": 0, "attendees": None, "crossers": None, "rate": None}
    attendees = privacy.disclosed(figures.attendees, curator=curator)
    crossers = privacy.disclosed(figures.crossers, curator=curator)
    return {
        "events": figures.events,
        "attendees": attendees,
        "crossers": crossers,
        "rate": _rate(crossers, attendees),
    }


# --- people bridging movements --------------------------------------------------------------


@dataclass(frozen=True)
class QuarterCount:
    label: str  # "2026Q4"
    start: datetime.date
    end: datetime.date  # the last day counted (today for the current quarter)
    partial: bool
    people: int


def bridging_by_quarter(*, today: datetime.date | None = None) -> tuple[QuarterCount, ...]:
    """People bridging movements per quarter (exact; see the module docstring), oldest
    first.

    Counting them takes a GROUP BY over the engagements of 13 quarters (one query, 0.44 s
    at ``seed_demo --scale 170`` on PostgreSQL), too slow for the home page right after a
    write. So the figures are served stale while they are refreshed: the entry for the
    current network version and day when there is one; otherwise the latest figures
    computed (at most a day or a few writes old) while ``network.tasks.refresh_bridging``
    computes the current ones in the background (debounced; with a backend that runs
    tasks at once, as in development and the tests, they are current before this
    returns). Only the very first request, with nothing computed yet, waits."""
    today = today or timezone.localdate()
    if app_settings.CACHE_SECONDS <= 0:
        return _bridging(today)
    current = cache.get(key("bridging", today))
    if current is not None:
        return current
    latest = cache.get(BRIDGING_LATEST)
    if latest is None:
        return store_bridging(today)
    from network.tasks import schedule_bridging_refresh

    schedule_bridging_refresh()
    return cache.get(key("bridging", today)) or latest[1]


def store_bridging(today: datetime.date) -> tuple[QuarterCount, ...]:
    """Compute the figures and keep them: under the network version and the day, and as
    the latest (kept two days, so that a quiet night still has figures to serve)."""
    cache_key = key("bridging", today)  # the version before computing
    value = _bridging(today)
    cache.set(cache_key, value, app_settings.CACHE_SECONDS)
    cache.set(BRIDGING_LATEST, (today, value), 2 * 24 * 3600)
    return value


def _bridging(today: datetime.date) -> tuple[QuarterCount, ...]:
    """One query: per member, the distinct sectors of their real engagements running in
    each quarter (13 filtered ``COUNT(DISTINCT …)``), then per quarter the members with
    two or more."""
    bounds = quarter_bounds(today, BRIDGING_QUARTERS)
    per_member = (
        Engagement.objects.filter(
            running_between(bounds[0][1], bounds[-1][2]), source__in=REAL_SOURCES
        )
        .values("member_id")
        .annotate(
            **{
                f"s{index}": Count(
                    "movement__sector", distinct=True, filter=running_between(start, end)
                )
                for index, (_label, start, end) in enumerate(bounds)
            }
        )
    )
    counts = per_member.aggregate(
        **{
            f"q{index}": Count("member_id", filter=Q(**{f"s{index}__gte": 2}))
            for index in range(len(bounds))
        }
    )
    last = len(bounds) - 1
    return tuple(
        QuarterCount(
            label,
            start,
            end,
            partial=index == last,  # the current quarter, counted up to today
            people=counts[f"q{index}"] or 0,
        )
        for index, (label, start, end) in enumerate(bounds)
    )


def disclose_bridging(quarters: tuple[QuarterCount, ...], *, curator: bool) -> list[dict]:
    """Each quarter's count as this viewer may see it (``people`` null when withheld)."""
    return [
        {
            "quarter": q.label,
            "start": q.start.isoformat(),
            "end": q.end.isoformat(),
            "partial": q.partial,
            "people": privacy.disclosed(q.people, curator=curator),
        }
        for q in quarters
    ]
