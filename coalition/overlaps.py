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
``COALITION_OVERLAP["WEIGHTS"]`` (normalised to sum to 1), so it lies in [0, 1] and is
symmetric. **Ties** (members, organizations: people and groups already bridging the two)
and **affinity** (themes, tactics, regions: what the two have in common to talk about) are
the weighted means of their components; proposals rank by affinity with few ties.

Everything for a whole network comes from a fixed handful of queries: one aggregate
self-join of the engagement table for shared people, one aggregate over engagements for
people per movement, and one read each of movements, their themes, tactics and regions,
current participations and regions. Python then only walks *pairs of movements that share
something*, built by inverting those small tables — never a loop over people.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from coalition.cache import cached, queryset_key
from movements.models import Engagement, Movement, Organization, Participation, Region

DEFAULT_WINDOW_DAYS = 3 * 365
DEFAULT_WEIGHTS = {
    "members": 0.30,
    "organizations": 0.20,
    "themes": 0.20,
    "tactics": 0.15,
    "regions": 0.10,
    "sector": 0.05,
}
TIES = ("members", "organizations")
AFFINITY = ("themes", "tactics", "regions")


@dataclass(frozen=True)
class OverlapConfig:
    window_days: int
    weights: dict[str, float]

    @classmethod
    def from_settings(cls) -> OverlapConfig:
        configured = getattr(settings, "COALITION_OVERLAP", {})
        weights = {**DEFAULT_WEIGHTS, **configured.get("WEIGHTS", {})}
        unknown = set(weights) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ValueError(f"Unknown overlap weights: {', '.join(sorted(unknown))}")
        total = sum(weights.values())
        if total <= 0 or any(value < 0 for value in weights.values()):
            raise ValueError("Overlap weights must be non-negative and not all zero.")
        return cls(
            window_days=int(configured.get("WINDOW_DAYS", DEFAULT_WINDOW_DAYS)),
            weights={name: value / total for name, value in weights.items()},
        )

    def window_start(self, today: datetime.date) -> datetime.date:
        return today - datetime.timedelta(days=self.window_days)


@dataclass
class Overlap:
    """How two movements meet. ``a`` and ``b`` are ordered by name."""

    a: Movement
    b: Movement
    shared_members: int = 0
    shared_organizations: list[Organization] = field(default_factory=list)
    shared_themes: list = field(default_factory=list)
    shared_tactics: list = field(default_factory=list)
    shared_regions: list[Region] = field(default_factory=list)
    components: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    ties: float = 0.0
    affinity: float = 0.0
    _reasons: list[str] | None = field(default=None, repr=False)

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
        if curator or self.shared_members >= settings.COALITION_MIN_DISCLOSED_COUNT:
            return self.shared_members
        return None


def movement_overlaps(
    movement: Movement,
    *,
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
        overlaps = _compute(queryset, focus=movement.pk, today=today, config=config)
        return sorted(overlaps, key=lambda o: (-o.score, o.other(movement).name))

    parts = (movement.pk, queryset_key(queryset), today, config, _threshold())
    return list(cached("movement-overlaps", parts, compute))


def all_overlaps(
    movements: QuerySet | None = None,
    *,
    today: datetime.date | None = None,
    config: OverlapConfig | None = None,
) -> list[Overlap]:
    """Overlaps of every pair of ``movements`` (visible movements by default) that share
    anything, best first."""
    queryset = movements if movements is not None else Movement.objects.visible()
    config = config or OverlapConfig.from_settings()
    today = today or timezone.localdate()

    def compute() -> list[Overlap]:
        overlaps = _compute(queryset, focus=None, today=today, config=config)
        return sorted(overlaps, key=lambda o: (-o.score, o.a.name, o.b.name))

    # Cached per network version (coalition/cache.py).
    parts = (queryset_key(queryset), today, config, _threshold())
    return list(cached("all-overlaps", parts, compute))


def _threshold() -> int:
    """Reasons spell counts out from this threshold on, so cached results depend on it."""
    return settings.COALITION_MIN_DISCLOSED_COUNT


def pair_overlap(
    a: Movement,
    b: Movement,
    *,
    today: datetime.date | None = None,
    config: OverlapConfig | None = None,
) -> Overlap:
    """The overlap of one pair; a zero overlap when they share nothing."""
    overlaps = _compute(
        Movement.objects.filter(pk__in=[a.pk, b.pk]), focus=a.pk, today=today, config=config
    )
    if overlaps:
        return overlaps[0]
    first, second = sorted([a, b], key=lambda m: (m.name, m.pk))
    return _score(Overlap(a=first, b=second), {}, {}, config or OverlapConfig.from_settings())


def _compute(
    queryset: QuerySet,
    *,
    focus: int | None,
    today: datetime.date | None,
    config: OverlapConfig | None,
) -> list[Overlap]:
    config = config or OverlapConfig.from_settings()
    today = today or timezone.localdate()
    since = config.window_start(today)

    movements = {
        m.pk: m
        for m in queryset.distinct().order_by().prefetch_related("themes", "tactics", "regions")
    }
    if len(movements) < 2:
        return []
    ids = set(movements)

    regions = {r.pk: r for r in Region.objects.order_by()}
    people = dict(
        Engagement.objects.filter(movement__in=ids)
        .filter(Q(until__isnull=True) | Q(until__gte=since))
        .order_by()
        .values("movement")
        .annotate(n=Count("member", distinct=True))
        .values_list("movement", "n")
    )
    organizations_of: dict[int, set[int]] = defaultdict(set)
    organization_objects: dict[int, Organization] = {}
    for participation in (
        Participation.objects.current(today)
        .filter(movement__in=ids, organization__archived_at__isnull=True)
        .select_related("organization")
        .order_by()
    ):
        organizations_of[participation.movement_id].add(participation.organization_id)
        organization_objects[participation.organization_id] = participation.organization

    pairs: dict[tuple[int, int], Overlap] = {}

    def pair(x: int, y: int) -> Overlap | None:
        if x == y or (focus is not None and focus not in (x, y)):
            return None
        key = (x, y) if x < y else (y, x)
        if key not in pairs:
            first, second = sorted((movements[x], movements[y]), key=lambda m: (m.name, m.pk))
            pairs[key] = Overlap(a=first, b=second)
        return pairs[key]

    for x, y, shared in _shared_member_counts(ids, since=since, focus=focus):
        pair(x, y).shared_members = shared

    for attribute, target in (("themes", "shared_themes"), ("tactics", "shared_tactics")):
        holders = defaultdict(list)
        for movement in movements.values():
            for item in getattr(movement, attribute).all():
                holders[item].append(movement.pk)
        for item, holding in holders.items():
            for x, y in combinations(holding, 2):
                if overlap := pair(x, y):
                    getattr(overlap, target).append(item)

    organizations_holders = defaultdict(list)
    for movement_id, organization_ids in organizations_of.items():
        for organization_id in organization_ids:
            organizations_holders[organization_id].append(movement_id)
    for organization_id, holding in organizations_holders.items():
        for x, y in combinations(holding, 2):
            if overlap := pair(x, y):
                overlap.shared_organizations.append(organization_objects[organization_id])

    exact_region = {}
    region_holders = defaultdict(set)
    for movement in movements.values():
        for region in movement.regions.all():
            region_holders[region.pk].add(movement.pk)
    for region_id, holding in region_holders.items():
        # Movements in this region, and those in the region directly above it.
        parent_id = regions[region_id].parent_id
        for x, y in combinations(sorted(holding), 2):
            if overlap := pair(x, y):
                overlap.shared_regions.append(regions[region_id])
                exact_region[(overlap.a.pk, overlap.b.pk)] = True
        for x in holding:
            for y in region_holders.get(parent_id, ()):
                if (overlap := pair(x, y)) and regions[parent_id] not in overlap.shared_regions:
                    overlap.shared_regions.append(regions[parent_id])

    sizes = {
        pk: (
            people.get(pk, 0),
            len(organizations_of.get(pk, ())),
            len(movement.themes.all()),
            len(movement.tactics.all()),
        )
        for pk, movement in movements.items()
    }
    return [
        _score(overlap, sizes, exact_region, config)
        for overlap in pairs.values()
        if overlap.shared_members
        or overlap.shared_organizations
        or overlap.shared_themes
        or overlap.shared_tactics
        or overlap.shared_regions
    ]


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


def _jaccard(shared: int, size_a: int, size_b: int) -> float:
    union = size_a + size_b - shared
    return shared / union if union else 0.0


def _fraction_of_smaller(shared: int, size_a: int, size_b: int) -> float:
    smaller = min(size_a, size_b)
    return min(1.0, shared / smaller) if smaller else 0.0


def _score(overlap: Overlap, sizes: dict, exact_region: dict, config: OverlapConfig) -> Overlap:
    a, b = overlap.a, overlap.b
    people_a, organizations_a, themes_a, tactics_a = sizes.get(a.pk) or _sizes_of(a)
    people_b, organizations_b, themes_b, tactics_b = sizes.get(b.pk) or _sizes_of(b)
    for shared in (
        overlap.shared_organizations,
        overlap.shared_themes,
        overlap.shared_tactics,
        overlap.shared_regions,
    ):
        if len(shared) > 1:
            shared.sort(key=lambda item: item.name)
    if not overlap.shared_regions:
        regions = 0.0
    elif exact_region.get((a.pk, b.pk)) or exact_region.get((b.pk, a.pk)):
        regions = 1.0
    else:
        regions = 0.5
    components = {
        "members": _fraction_of_smaller(overlap.shared_members, people_a, people_b),
        "organizations": _fraction_of_smaller(
            len(overlap.shared_organizations), organizations_a, organizations_b
        ),
        "themes": _jaccard(len(overlap.shared_themes), themes_a, themes_b),
        "tactics": _jaccard(len(overlap.shared_tactics), tactics_a, tactics_b),
        "regions": regions,
        "sector": 1.0 if a.sector == b.sector else 0.0,
    }
    weights = config.weights
    overlap.components = components
    overlap.score = round(sum(weights[name] * value for name, value in components.items()), 4)
    overlap.ties = round(_weighted_mean(components, weights, TIES), 4)
    overlap.affinity = round(_weighted_mean(components, weights, AFFINITY), 4)
    return overlap


def _sizes_of(movement: Movement) -> tuple[int, int, int, int]:
    """Sizes for a movement that shares nothing (only ``pair_overlap`` needs this)."""
    return (0, 0, len(movement.themes.all()), len(movement.tactics.all()))


def _weighted_mean(components: dict, weights: dict, names: tuple[str, ...]) -> float:
    total = sum(weights[name] for name in names)
    if not total:
        return 0.0
    return sum(weights[name] * components[name] for name in names) / total


def _names(items) -> str:
    names = [str(item) for item in items]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _reasons(overlap: Overlap) -> list[str]:
    """Plain sentences an organizer can check against the data. People are only ever a
    count, and a count below the disclosure threshold is not spelled out."""
    reasons = []
    shared = overlap.shared_members
    threshold = settings.COALITION_MIN_DISCLOSED_COUNT
    if shared >= threshold:
        reasons.append(f"{shared} people are engaged in both.")
    elif shared:
        reasons.append(f"Fewer than {threshold} people are engaged in both.")
    organizations = overlap.shared_organizations
    if organizations:
        count = len(organizations)
        noun = "organization works" if count == 1 else "organizations work"
        reasons.append(f"{count} {noun} on both: {_names(organizations)}.")
    if overlap.shared_themes:
        reasons.append(f"Both work on {_names(t.name.lower() for t in overlap.shared_themes)}.")
    if overlap.shared_tactics:
        tactics = _names(t.name.lower() for t in overlap.shared_tactics)
        reasons.append(f"Both use {tactics}.")
    if overlap.shared_regions:
        reasons.append(f"Both active in {_names(r.name for r in overlap.shared_regions)}.")
    if overlap.sectors_differ:
        reasons.append(
            f"Different sectors: {overlap.a.get_sector_display().lower()} and "
            f"{overlap.b.get_sector_display().lower()}."
        )
    else:
        reasons.append(f"Both are {overlap.a.get_sector_display().lower()} movements.")
    return reasons
