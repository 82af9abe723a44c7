"""Where movements meet: overlaps computed from the data, never typed in.

The overlap of two movements is made of

* **shared members** — distinct people with an engagement in both movements that is still
  ongoing or ended inside the look-back window (``COALITION_OVERLAP["WINDOW_DAYS"]``,
  three years by default);
* **shared organizations** — organizations with a current participation in both;
* **shared themes, tactics and regions** — a region counts as shared when both movements
  name it, or when one names it and the other names a region inside it (a movement in the
  Bay Area and one in Oakland share the Bay Area);
* the **sector** of each.

Each part becomes a component in [0, 1]:

==============  ==========================================================================
members         shared people / people of the smaller movement (both counted in the window)
organizations   shared organizations / organizations of the smaller movement
themes          Jaccard index of the two theme sets
tactics         Jaccard index of the two tactic sets
regions         1 when a region is shared exactly, 0.5 when only through a parent region
sector          1 when both movements are in the same sector
==============  ==========================================================================

The **score** is the weighted sum of the components with the weights in
``COALITION_OVERLAP["WEIGHTS"]`` (normalised to sum to 1; the defaults are in
``core/conf.py``), so it lies in [0, 1] and is symmetric. **Ties** (members, organizations:
people and groups already bridging the two) and **affinity** (themes, tactics, regions: what
the two have in common to talk about) are the weighted means of their components; proposals
rank by affinity with few ties.

**Who sees what.** Overlaps are computed for a viewer: for curators from every count, for
everyone else from the *disclosed* counts only (``core.privacy``): a pair's shared people
below the disclosure threshold are left out before anything is derived from them, so no
public score, ties figure, reason, order of related movements, map edge or proposal can
depend on a withheld count (a pair that shares only a few people is no pair at all in the
public view). Cache keys carry the role.

Everything for a whole network comes from eight queries: one aggregate self-join of the
engagement table for shared people, one aggregate over engagements for people per
movement, one read each of movements and their themes, tactics and regions, the current
participations (two integers a row), and the organizations that are in more than one
movement. Python then only walks *pairs of movements that share something*, built by
inverting those small tables — never a loop over people. At benchmark scale (310
movements, 250,000 engagements, 44,000 pairs) the shared-people query is a third of the
time and building and scoring one ``Overlap`` per pair most of the rest; see
docs/benchmarks.md.
"""

from __future__ import annotations

import datetime
import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations
from operator import attrgetter

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core import privacy
from core.cache import cached, queryset_key
from core.conf import DEFAULTS, app_settings
from core.privacy import disclosed
from core.text import join_names
from movements.models import (
    Engagement,
    Movement,
    Organization,
    Participation,
    Region,
    Tactic,
    Theme,
)

# The score's components, in the order of their weights in core/conf.py.
COMPONENTS = tuple(DEFAULTS["OVERLAP"]["WEIGHTS"])
TIES = ("members", "organizations")
AFFINITY = ("themes", "tactics", "regions")


@dataclass(frozen=True)
class OverlapConfig:
    """``COALITION_OVERLAP`` ready to use: the window, and the weights normalised to sum
    to 1 (its ``repr`` is part of cache keys)."""

    window_days: int
    weights: dict[str, float]

    @classmethod
    def from_settings(cls) -> OverlapConfig:
        configured = app_settings.OVERLAP  # checked at startup: weights ≥ 0, not all 0
        total = sum(configured["WEIGHTS"].values())
        return cls(
            window_days=configured["WINDOW_DAYS"],
            weights={name: value / total for name, value in configured["WEIGHTS"].items()},
        )

    def window_start(self, today: datetime.date) -> datetime.date:
        return today - datetime.timedelta(days=self.window_days)


@dataclass(slots=True)
class Overlap:
    """How two movements meet. ``a`` and ``b`` are ordered by name."""

    a: Movement
    b: Movement
    shared_members: int = 0
    # Tuples, in name order: an overlap is a value, and ``()`` costs nothing per pair.
    shared_organizations: tuple[Organization, ...] = ()
    shared_themes: tuple[Theme, ...] = ()
    shared_tactics: tuple[Tactic, ...] = ()
    shared_regions: tuple[Region, ...] = ()
    #: The components in ``COMPONENTS`` order (a tuple: cheap to build, store and pickle).
    component_values: tuple[float, ...] = (0.0,) * 6
    score: float = 0.0
    ties: float = 0.0
    affinity: float = 0.0
    _reasons: list[str] | None = field(default=None, repr=False)

    def __reduce__(self):
        """Pickle (for the cache) as one constructor call, without the derived reasons."""
        return (
            Overlap,
            (
                self.a,
                self.b,
                self.shared_members,
                self.shared_organizations,
                self.shared_themes,
                self.shared_tactics,
                self.shared_regions,
                self.component_values,
                self.score,
                self.ties,
                self.affinity,
            ),
        )

    @property
    def components(self) -> dict[str, float]:
        """Each component in [0, 1], by name (see the module docstring)."""
        return dict(zip(COMPONENTS, self.component_values, strict=True))

    @property
    def reasons(self) -> list[str]:
        """Plain sentences, built on first use (a whole network has many pairs)."""
        if self._reasons is None:
            self._reasons = _reasons(self)
        return self._reasons

    @property
    def sectors_differ(self) -> bool:
        return self.a.sector != self.b.sector

    def other(self, movement: Movement) -> Movement:
        return self.b if movement.pk == self.a.pk else self.a

    def shared_members_disclosed(self, *, curator: bool = False) -> int | None:
        """The shared-people count, or None when it must be suppressed for this viewer."""
        return disclosed(self.shared_members, curator=curator)


def movement_overlaps(
    movement: Movement,
    *,
    curator: bool = False,
    movements: QuerySet | None = None,
    today: datetime.date | None = None,
    config: OverlapConfig | None = None,
) -> list[Overlap]:
    """Overlaps of ``movement`` with every other (visible) movement it shares anything
    with, best first."""
    candidates = movements if movements is not None else Movement.objects.visible()
    queryset = Movement.objects.filter(Q(pk__in=candidates.values("pk")) | Q(pk=movement.pk))
    config = config or OverlapConfig.from_settings()
    today = today or timezone.localdate()

    def compute() -> list[Overlap]:
        overlaps = _compute(
            queryset, focus=movement.pk, today=today, config=config, curator=curator
        )
        return sorted(overlaps, key=lambda o: (-o.score, o.other(movement).name))

    parts = (movement.pk, queryset_key(queryset), today, config, _threshold(), curator)
    return list(cached("movement-overlaps", parts, compute))


def all_overlaps(
    movements: QuerySet | None = None,
    *,
    curator: bool = False,
    today: datetime.date | None = None,
    config: OverlapConfig | None = None,
) -> list[Overlap]:
    """Overlaps of every pair of ``movements`` (visible movements by default) that share
    anything, best first."""
    queryset = movements if movements is not None else Movement.objects.visible()
    config = config or OverlapConfig.from_settings()
    today = today or timezone.localdate()

    def compute() -> list[Overlap]:
        overlaps = _compute(queryset, focus=None, today=today, config=config, curator=curator)
        # _compute lists pairs in name order; sort() is stable, also in reverse.
        overlaps.sort(key=attrgetter("score"), reverse=True)
        return overlaps

    # Cached per network version (core/cache.py).
    parts = (queryset_key(queryset), today, config, _threshold(), curator)
    with _cycle_collector_paused():
        return list(cached("all-overlaps", parts, compute))


@contextmanager
def _cycle_collector_paused():
    """Build (or unpickle) tens of thousands of overlaps without the cycle collector.

    Each new container object counts towards Python's next garbage collection, and a whole
    network's overlaps are ~200,000 of them: left on, the collector runs full passes over
    every object of the process again and again while they are built (measured: 85 % of
    the time to unpickle a cached network). Overlaps hold no reference cycles, so nothing
    is lost by collecting once, afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _threshold() -> int:
    """Reasons spell counts out from this threshold on, so cached results depend on it."""
    return privacy.threshold()


def pair_overlap(
    a: Movement,
    b: Movement,
    *,
    curator: bool = False,
    today: datetime.date | None = None,
    config: OverlapConfig | None = None,
) -> Overlap:
    """The overlap of one pair; a zero overlap when they share nothing."""
    overlaps = _compute(
        Movement.objects.filter(pk__in=[a.pk, b.pk]),
        focus=a.pk,
        today=today,
        config=config,
        curator=curator,
    )
    if overlaps:
        return overlaps[0]
    first, second = sorted([a, b], key=lambda m: (m.name, m.pk))
    sizes = [(0, 0, len(m.themes.all()), len(m.tactics.all())) for m in (first, second)]
    nothing_shared = ({}, {}, {}, {}, {})
    config = config or OverlapConfig.from_settings()
    return _overlaps([(0, 1)], [first, second], sizes, nothing_shared, set(), config)[0]


def _compute(
    queryset: QuerySet,
    *,
    focus: int | None,
    today: datetime.date | None,
    config: OverlapConfig | None,
    curator: bool,
) -> list[Overlap]:
    config = config or OverlapConfig.from_settings()
    today = today or timezone.localdate()
    since = config.window_start(today)

    # Movements in name order, known by their rank in it: a pair is (lower rank, higher
    # rank), which is also its (a, b) order. Items are walked in name order too, so every
    # pair's shared lists come out sorted without sorting them.
    ordered = sorted(
        queryset.distinct().order_by().prefetch_related("themes", "tactics", "regions"),
        key=lambda m: (m.name, m.pk),
    )
    if len(ordered) < 2:
        return []
    rank = {m.pk: i for i, m in enumerate(ordered)}
    focus_rank = rank[focus] if focus is not None else None

    def wanted(x: int, y: int) -> tuple[int, int] | None:
        if x == y or (focus_rank is not None and focus_rank != x and focus_rank != y):
            return None
        return (x, y) if x < y else (y, x)

    def shared_by(holders: dict) -> defaultdict[tuple[int, int], list]:
        """{pair: items both hold} from {item: ranks holding it, ascending}."""
        shared = defaultdict(list)
        for item, holding in holders.items():
            for x, y in combinations(holding, 2):
                if pair := wanted(x, y):
                    shared[pair].append(item)
        return shared

    def holders_of(attribute: str) -> dict:
        holders = defaultdict(list)
        for i, movement in enumerate(ordered):
            for item in getattr(movement, attribute).all():
                holders[item].append(i)
        return dict(sorted(holders.items(), key=lambda entry: (entry[0].name, entry[0].pk)))

    people = dict(
        Engagement.objects.filter(movement__in=rank)
        .running(since)
        .order_by()
        .values("movement")
        .annotate(n=Count("member", distinct=True))
        .values_list("movement", "n")
    )
    movements_of: dict[int, set[int]] = defaultdict(set)
    for organization_id, movement_id in (
        Participation.objects.current(today)
        .filter(movement__in=rank, organization__archived_at__isnull=True)
        .order_by()
        .values_list("organization_id", "movement_id")
    ):
        movements_of[organization_id].add(rank[movement_id])
    organization_counts = [0] * len(ordered)
    for holding in movements_of.values():
        for i in holding:
            organization_counts[i] += 1
    # Organization objects only for those in more than one movement (the shared ones).
    bridging = Organization.objects.filter(
        pk__in=[pk for pk, holding in movements_of.items() if len(holding) > 1]
    ).order_by("name", "pk")
    organization_holders = {o: sorted(movements_of[o.pk]) for o in bridging}

    members: dict[tuple[int, int], int] = {}
    for x, y, shared in _shared_member_counts(set(rank), since=since, focus=focus):
        # Seen by anyone but a curator, a withheld count is not there at all: nothing below
        # (which pairs exist, their scores, ties, order, reasons) can then depend on it.
        if (pair := wanted(rank[x], rank[y])) and not privacy.withheld(shared, curator=curator):
            members[pair] = shared
    organizations = shared_by(organization_holders)
    themes = shared_by(holders_of("themes"))
    tactics = shared_by(holders_of("tactics"))

    # Regions: named by both (exact), or named by one while the other names a region
    # directly inside it (through the parent).
    in_region = holders_of("regions")
    regions_shared = shared_by(in_region)
    exact = set(regions_shared)
    named = {region.pk: region for region in in_region}
    through_parent = set()
    for region, holding in in_region.items():
        if (parent := named.get(region.parent_id)) is None:
            continue
        parent_holding = in_region[parent]
        for x in holding:
            for y in parent_holding:
                if (pair := wanted(x, y)) and parent not in (listed := regions_shared[pair]):
                    listed.append(parent)
                    through_parent.add(pair)
    for pair in through_parent:
        regions_shared[pair].sort(key=lambda r: (r.name, r.pk))

    sizes = [
        (people.get(m.pk, 0), organization_counts[i], len(m.themes.all()), len(m.tactics.all()))
        for i, m in enumerate(ordered)
    ]
    shared = (members, organizations, themes, tactics, regions_shared)
    # In (a, b) name order, so that a stable sort by score alone ranks ties by name.
    pairs = sorted(set().union(*(found.keys() for found in shared)))
    overlaps = _overlaps(pairs, ordered, sizes, shared, exact, config)
    # The movements go out (and into the cache) as plain rows: a prefetched relation is
    # a whole QuerySet, query included, and pickling three per movement made a cached read
    # of one movement's overlaps ~150,000 objects. Callers that walk a movement's themes,
    # tactics or regions prefetch them themselves.
    for movement in ordered:
        movement.__dict__.pop("_prefetched_objects_cache", None)
    return overlaps


def _overlaps(
    pairs: list[tuple[int, int]],
    movements: list[Movement],
    sizes: list[tuple[int, int, int, int]],
    shared: tuple[dict, dict, dict, dict, dict],
    exact: set[tuple[int, int]],
    config: OverlapConfig,
) -> list[Overlap]:
    """An Overlap, scored, for each pair of indexes into ``movements``.

    ``sizes`` holds each movement's (people, organizations, themes, tactics); ``shared``
    maps pairs to their shared people (a count), organizations, themes, tactics and
    regions; ``exact`` holds the pairs that name a region in common. The components and
    weights are the module docstring's. This loop runs once per pair of a whole network,
    so it is written out flat: no call, dict or tuple per pair that it can do without.
    """
    members, organizations, themes, tactics, regions = shared
    w = config.weights
    w_members, w_organizations = w["members"], w["organizations"]
    w_themes, w_tactics, w_regions, w_sector = w["themes"], w["tactics"], w["regions"], w["sector"]
    ties_total = sum(w[name] for name in TIES)
    affinity_total = sum(w[name] for name in AFFINITY)
    result = []
    for pair in pairs:
        x, y = pair
        a, b = movements[x], movements[y]
        people_a, organizations_a, themes_a, tactics_a = sizes[x]
        people_b, organizations_b, themes_b, tactics_b = sizes[y]
        shared_members = members.get(pair, 0)
        shared_organizations = tuple(organizations.get(pair, ()))
        shared_themes = tuple(themes.get(pair, ()))
        shared_tactics = tuple(tactics.get(pair, ()))
        shared_regions = tuple(regions.get(pair, ()))
        # members, organizations: shared / the smaller movement's; themes, tactics: Jaccard.
        smaller = min(people_a, people_b)
        c_members = min(1.0, shared_members / smaller) if smaller else 0.0
        smaller = min(organizations_a, organizations_b)
        c_organizations = min(1.0, len(shared_organizations) / smaller) if smaller else 0.0
        n = len(shared_themes)
        union = themes_a + themes_b - n
        c_themes = n / union if union else 0.0
        n = len(shared_tactics)
        union = tactics_a + tactics_b - n
        c_tactics = n / union if union else 0.0
        c_regions = (1.0 if pair in exact else 0.5) if shared_regions else 0.0
        c_sector = 1.0 if a.sector == b.sector else 0.0
        ties = (w_members * c_members, w_organizations * c_organizations)
        affinity = (w_themes * c_themes, w_tactics * c_tactics, w_regions * c_regions)
        # sum() adds floats with compensation: one sum over all terms, not ties + affinity.
        result.append(
            Overlap(
                a,
                b,
                shared_members,
                shared_organizations,
                shared_themes,
                shared_tactics,
                shared_regions,
                (c_members, c_organizations, c_themes, c_tactics, c_regions, c_sector),
                round(sum((*ties, *affinity, w_sector * c_sector)), 4),
                round(sum(ties) / ties_total, 4) if ties_total else 0.0,
                round(sum(affinity) / affinity_total, 4) if affinity_total else 0.0,
            )
        )
    return result


def _shared_member_counts(ids: set[int], *, since: datetime.date, focus: int | None):
    """(movement, other movement, distinct shared people) for every pair of movements with
    people engaged in both inside the window: one aggregate self-join."""
    table = connection.ops.quote_name(Engagement._meta.db_table)
    if focus is None:
        where_focus = "AND e1.movement_id < e2.movement_id"
    else:
        where_focus = "AND e1.movement_id = %s"
    sql = f"""
        SELECT e1.movement_id, e2.movement_id, COUNT(DISTINCT e1.member_id)
        FROM {table} e1
        JOIN {table} e2 ON e2.member_id = e1.member_id AND e2.movement_id <> e1.movement_id
        WHERE (e1.until IS NULL OR e1.until >= %s)
          AND (e2.until IS NULL OR e2.until >= %s)
          {where_focus}
        GROUP BY e1.movement_id, e2.movement_id
    """  # noqa: S608 — table name from model metadata, values are parameters
    params = [since, since] + ([focus] if focus is not None else [])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(x, y, n) for x, y, n in cursor.fetchall() if x in ids and y in ids]


def _reasons(overlap: Overlap) -> list[str]:
    """Plain sentences an organizer can check against the data. People are only ever a
    count, and a count below the disclosure threshold is not spelled out."""
    reasons = []
    shared = overlap.shared_members
    if shared and not privacy.withheld(shared, curator=False):
        reasons.append(f"{shared} people are engaged in both.")
    elif shared:
        reasons.append(f"{privacy.fewer_than().capitalize()} are engaged in both.")
    organizations = overlap.shared_organizations
    if organizations:
        count = len(organizations)
        noun = "organization works" if count == 1 else "organizations work"
        reasons.append(f"{count} {noun} on both: {join_names(organizations)}.")
    if overlap.shared_themes:
        reasons.append(
            f"Both work on {join_names(t.name.lower() for t in overlap.shared_themes)}."
        )
    if overlap.shared_tactics:
        tactics = join_names(t.name.lower() for t in overlap.shared_tactics)
        reasons.append(f"Both use {tactics}.")
    if overlap.shared_regions:
        reasons.append(f"Both active in {join_names(r.name for r in overlap.shared_regions)}.")
    if overlap.sectors_differ:
        reasons.append(
            f"Different sectors: {overlap.a.get_sector_display().lower()} and "
            f"{overlap.b.get_sector_display().lower()}."
        )
    else:
        reasons.append(f"Both are {overlap.a.get_sector_display().lower()} movements.")
    return reasons
