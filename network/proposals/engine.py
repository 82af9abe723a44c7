"""The proposal engine: turn overlaps into suggested joint events.

Coalition's bet is that lasting coalitions grow in spaces *between* movements. A proposal
names such a space. The rules below read the overlaps (``network/overlaps.py``) and the
directory, never a hard-coded list:

**potluck** — two movements that
  * share a region (the same region, or one's region lies inside the other's),
  * share at least one theme,
  * organize different constituencies, and
  * have weak existing ties (``ties`` ≤ ``MAX_POTLUCK_TIES``): people who already meet in
    both need a potluck least.

**panel** — three to five movements of one sector that share a tactic and have pairwise
  different themes (no two with the same theme set): the students divesting from fossil
  fuels, from Israel and from private prisons compare notes.

**conference** — two to five movements of at least two different sectors that share a
  tactic in the same region (railroad workers and environmental blockaders on strikes and
  blockades in Richmond). Groups with the same movements merge their tactics.

Potlucks and conferences never join movements with no shared region.

**Score (bridge potential)**, in [0, 1]: for each pair of movements in the proposal,
``affinity × (1 − ties)`` from the overlap, plus ``SECTOR_BONUS`` when the sectors differ
(capped at 1); the proposal's score is the mean over its pairs. Strong affinity with few
existing ties ranks first.

**Hosts**: per movement, one or two organizations with a current participation (active,
not archived), lead role first, then the most people engaged through them now; each is
stored with the movement it is suggested for and its rank there (``ProposalHost``), and an
organization is suggested once, for the first of the proposal's movements.

All of it is configurable through ``settings.COALITION_PROPOSALS`` (keys and defaults in
``core/conf.py``). ``proposals_refresh()`` writes the Proposal rows: open ones are updated,
dismissed ones stay dismissed, accepted ones keep their event; open proposals that no
longer follow from the data are removed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from django.db import transaction
from django.db.models import Count, prefetch_related_objects
from django.utils import timezone

from core.conf import app_settings
from core.privacy import disclosed
from core.text import join_names
from events.models import EventKind, Proposal, ProposalHost, ProposalStatus, proposal_identity
from movements.models import (
    Engagement,
    Movement,
    MovementStatus,
    Participation,
    ParticipationRole,
    Tension,
)
from network.overlaps import Overlap, all_overlaps

# Each curated tension between a proposal's movements is one more reason, with this prefix;
# the pages show the tensions from the Tension rows instead (``selectors.proposal_cards``).
TENSION_PREFIX = "Tension to discuss: "

#: The engine's rules, ``COALITION_PROPOSALS`` by key (read-only).
Rules = Mapping[str, Any]


def config() -> Rules:
    """The engine's rules: ``COALITION_PROPOSALS`` merged over its defaults."""
    return app_settings.PROPOSALS


@dataclass(frozen=True)
class SuggestedHost:
    """An organization suggested to host for one of a candidate's movements; ``rank`` 1
    is that movement's first choice."""

    organization: Any
    movement: Movement
    rank: int


@dataclass
class Candidate:
    kind: str
    movements: list[Movement]
    title: str
    score: float
    reasons: list[str]
    region: object | None = None
    shared_themes: list[str] = field(default_factory=list)
    shared_tactics: list[str] = field(default_factory=list)
    hosts: list[SuggestedHost] = field(default_factory=list)
    agenda: str = ""

    @property
    def identity(self) -> str:
        return proposal_identity(self.kind, (m.pk for m in self.movements))


def _plural(name: str) -> str:
    """strike → strikes; divestment, mutual aid, urban gardening stay as they are."""
    uncountable = ("s", "ment", "ing", "aid", "acy", "ism")
    return name if name.endswith(uncountable) else name + "s"


def _bridge(overlap: Overlap | None, a: Movement, b: Movement, cfg: Rules) -> float:
    if overlap is None:
        return 0.0
    bonus = cfg["SECTOR_BONUS"] if a.sector != b.sector else 0.0
    return min(1.0, overlap.affinity * (1 - overlap.ties) + bonus)


def compute_proposals(today: datetime.date | None = None) -> list[Candidate]:
    """Every proposal the data supports, best first (reads only)."""
    cfg = config()
    today = today or timezone.localdate()
    movements_qs = Movement.objects.visible().exclude(status=MovementStatus.DORMANT)
    overlaps = all_overlaps(movements_qs, today=today)
    by_pair = {frozenset((o.a.pk, o.b.pk)): o for o in overlaps}
    movements = {}
    for overlap in overlaps:
        movements[overlap.a.pk] = overlap.a
        movements[overlap.b.pk] = overlap.b
    prefetch_related_objects(list(movements.values()), "themes", "tactics", "regions")

    candidates = (
        _potlucks(overlaps, cfg)
        + _panels(movements, by_pair, cfg)
        + _conferences(movements, by_pair, cfg)
    )
    _attach_hosts(candidates, today, cfg)
    _attach_agenda(candidates)
    return sorted(candidates, key=lambda c: (-c.score, c.kind, c.title))


def _potlucks(overlaps: list[Overlap], cfg: Rules) -> list[Candidate]:
    result = []
    for overlap in overlaps:
        a, b = overlap.a, overlap.b
        if not (overlap.shared_regions and overlap.shared_themes):
            continue
        if a.constituency.strip().lower() == b.constituency.strip().lower():
            continue
        if overlap.ties > cfg["MAX_POTLUCK_TIES"]:
            continue
        region = overlap.shared_regions[0]
        themes = [t.name.lower() for t in overlap.shared_themes]
        who = [a.constituency or a.name, b.constituency or b.name]
        reasons = [
            f"{a.name} and {b.name} both work on {join_names(themes)} in {region.name}.",
            f"They organize different people: {who[0]} and {who[1]}.",
        ]
        if overlap.ties == 0:
            reasons.append("They share no organizations or people yet: a new space between them.")
        else:
            reasons.append("Few people or organizations connect them yet.")
        result.append(
            Candidate(
                kind=EventKind.POTLUCK,
                movements=[a, b],
                title=f"Potluck in {region.name}: {who[0]} and {who[1]} on {join_names(themes)}",
                score=round(_bridge(overlap, a, b, cfg), 4),
                reasons=reasons,
                region=region,
                shared_themes=[t.slug for t in overlap.shared_themes],
                shared_tactics=[t.slug for t in overlap.shared_tactics],
            )
        )
    return result


def _group_score(group: list[Movement], by_pair: dict, cfg: Rules) -> float:
    pairs = list(combinations(group, 2))
    total = sum(_bridge(by_pair.get(frozenset((a.pk, b.pk))), a, b, cfg) for a, b in pairs)
    return round(total / len(pairs), 4) if pairs else 0.0


def _common_region(group: list[Movement]):
    """A region every movement of the group is in (directly or through a parent)."""
    counts = defaultdict(int)
    regions = {}
    for movement in group:
        seen = set()
        for region in movement.regions.all():
            for candidate in (region, region.parent):
                if candidate is not None and candidate.pk not in seen:
                    seen.add(candidate.pk)
                    regions[candidate.pk] = candidate
                    counts[candidate.pk] += 1
    shared = [pk for pk, n in counts.items() if n == len(group)]
    if not shared:
        return None
    # The narrowest: a region that is not the parent of another shared one.
    parents = {regions[pk].parent_id for pk in shared}
    narrow = [pk for pk in shared if pk not in parents] or shared
    return regions[sorted(narrow, key=lambda pk: regions[pk].name)[0]]


def _panels(movements: dict, by_pair: dict, cfg: Rules) -> list[Candidate]:
    low, high = cfg["PANEL_SIZE"]
    holders = defaultdict(list)
    for movement in movements.values():
        for tactic in movement.tactics.all():
            holders[(movement.sector, tactic)].append(movement)
    groups: dict[frozenset, list] = {}
    for (sector, tactic), members in holders.items():
        # Keep one movement per theme set, so themes differ pairwise; biggest first.
        distinct = {}
        for movement in sorted(members, key=lambda m: m.name):
            distinct.setdefault(frozenset(t.pk for t in movement.themes.all()), movement)
        chosen = sorted(distinct.values(), key=lambda m: m.name)[:high]
        if len(chosen) < low:
            continue
        key = frozenset(m.pk for m in chosen)
        groups.setdefault(key, [chosen, sector, []])[2].append(tactic)
    result = []
    for chosen, _sector, tactics in groups.values():
        tactic_names = [_plural(t.name.lower()) for t in sorted(tactics, key=lambda t: t.name)]
        region = _common_region(chosen)
        where = f" in {region.name}" if region else ""
        names = [m.name for m in chosen]
        sector_label = chosen[0].get_sector_display().lower()
        reasons = [
            f"{join_names(names)} are all {sector_label} movements "
            f"using {join_names(tactic_names)}.",
            "Each works on different themes: "
            + "; ".join(
                f"{m.name} on {join_names([t.name.lower() for t in m.themes.all()]) or 'no theme'}"
                for m in chosen
            )
            + ".",
        ]
        if region:
            reasons.append(f"All are active in {region.name}.")
        result.append(
            Candidate(
                kind=EventKind.PANEL,
                movements=chosen,
                title=f"Panel on {join_names(tactic_names)}{where}: {join_names(names)}",
                score=_group_score(chosen, by_pair, cfg),
                reasons=reasons,
                region=region,
                shared_tactics=sorted(t.slug for t in tactics),
            )
        )
    return result


def _conferences(movements: dict, by_pair: dict, cfg: Rules) -> list[Candidate]:
    holders = defaultdict(list)
    for movement in movements.values():
        for tactic in movement.tactics.all():
            for region in movement.regions.all():
                holders[(tactic, region)].append(movement)
    groups: dict[frozenset, list] = {}
    for (tactic, region), members in holders.items():
        if len({m.sector for m in members}) < 2:
            continue
        chosen = sorted(members, key=lambda m: m.name)[: cfg["CONFERENCE_MAX_SIZE"]]
        if len({m.sector for m in chosen}) < 2:
            continue
        key = frozenset(m.pk for m in chosen)
        groups.setdefault(key, [chosen, region, []])[2].append(tactic)
    result = []
    for chosen, region, tactics in groups.values():
        tactics = sorted(set(tactics), key=lambda t: t.name)
        tactic_names = [_plural(t.name.lower()) for t in tactics]
        sectors = sorted({m.get_sector_display().lower() for m in chosen})
        names = [m.name for m in chosen]
        reasons = [
            f"{join_names(names)} all use {join_names([t.name.lower() for t in tactics])} "
            f"in {region.name}.",
            f"They come from different sectors: {join_names(sectors)}.",
        ]
        result.append(
            Candidate(
                kind=EventKind.CONFERENCE,
                movements=chosen,
                title=(
                    f"Conference on {join_names(tactic_names)} in {region.name}: "
                    f"{join_names(names)}"
                ),
                score=_group_score(chosen, by_pair, cfg),
                reasons=reasons,
                region=region,
                shared_tactics=[t.slug for t in tactics],
            )
        )
    return result


def _attach_hosts(candidates: list[Candidate], today: datetime.date, cfg: Rules) -> None:
    """One or two host organizations per movement, each with the movement it is suggested
    for and its rank there: lead role first, then the most people engaged through them
    now. Two queries for all candidates."""
    ids = {m.pk for c in candidates for m in c.movements}
    if not ids:
        return
    # Hosts rank by how many people they bring, but only by disclosed counts: proposals are
    # public, so which host is suggested must not tell a withheld count.
    engaged = {
        (row["organization"], row["movement"]): disclosed(row["n"], curator=False) or 0
        for row in Engagement.objects.filter(movement__in=ids, organization__isnull=False)
        .running(today)
        .order_by()
        .values("organization", "movement")
        .annotate(n=Count("member", distinct=True))
    }
    by_movement = defaultdict(list)
    for participation in (
        Participation.objects.current(today)
        .filter(movement__in=ids, organization__active=True, organization__archived_at=None)
        .select_related("organization")
        .order_by()
    ):
        by_movement[participation.movement_id].append(participation)
    for participations in by_movement.values():
        participations.sort(
            key=lambda p: (
                ParticipationRole.rank_of(p.role),
                -engaged.get((p.organization_id, p.movement_id), 0),
                p.organization.name,
            )
        )
    for candidate in candidates:
        hosts, seen = [], set()
        for movement in candidate.movements:
            rank = 0
            for participation in by_movement.get(movement.pk, [])[: cfg["HOSTS_PER_MOVEMENT"]]:
                # An organization is suggested once, for the first movement it is chosen for.
                if participation.organization_id in seen:
                    continue
                seen.add(participation.organization_id)
                rank += 1
                hosts.append(SuggestedHost(participation.organization, movement, rank))
        candidate.hosts = hosts


def _attach_agenda(candidates: list[Candidate]) -> None:
    """A suggested description: why these movements, what to talk about, the tensions."""
    ids = {m.pk for c in candidates for m in c.movements}
    tensions = defaultdict(list)
    for tension in Tension.objects.filter(movement_a__in=ids, movement_b__in=ids).order_by("pk"):
        tensions[frozenset((tension.movement_a_id, tension.movement_b_id))].append(tension.note)
    for candidate in candidates:
        notes = []
        for a, b in combinations(candidate.movements, 2):
            notes.extend(tensions.get(frozenset((a.pk, b.pk)), []))
        names = join_names([m.name for m in candidate.movements])
        lines = [
            f"A {EventKind(candidate.kind).label.lower()} between {names}.",
            "",
            "Why these movements:",
            *[f"- {reason}" for reason in candidate.reasons],
            "",
            "Suggested agenda:",
            "- Introductions: who we are and what we are fighting for.",
            "- Where our struggles meet, from the overlaps above.",
        ]
        if notes:
            lines.append("- Overlaps and contradictions to talk through honestly:")
            lines.extend(f"  - {note}" for note in notes)
            candidate.reasons.extend(f"{TENSION_PREFIX}{note}" for note in notes)
        lines.append("- One thing we can do together next.")
        candidate.agenda = "\n".join(lines)


def proposals_refresh(*, today: datetime.date | None = None) -> dict[str, int]:
    """Recompute proposals and store them. Returns counts of created, updated and removed
    open proposals (dismissed and accepted ones are never changed)."""
    candidates = compute_proposals(today)
    now = timezone.now()
    by_identity = {c.identity: c for c in candidates}
    with transaction.atomic(durable=True):
        existing = {p.identity: p for p in Proposal.objects.select_for_update()}
        to_create, to_update = [], []
        for identity, candidate in by_identity.items():
            proposal = existing.get(identity)
            if proposal is None:
                proposal = Proposal(identity=identity)
                to_create.append(proposal)
            elif proposal.status != ProposalStatus.OPEN:
                continue
            else:
                to_update.append(proposal)
            proposal.kind = candidate.kind
            proposal.title = candidate.title[:200]
            proposal.region = candidate.region
            proposal.score = candidate.score
            proposal.reasons = candidate.reasons
            proposal.agenda = candidate.agenda
            proposal.shared_themes = candidate.shared_themes
            proposal.shared_tactics = candidate.shared_tactics
            proposal.refreshed_at = now
        stale = [
            p.pk
            for identity, p in existing.items()
            if p.status == ProposalStatus.OPEN and identity not in by_identity
        ]
        Proposal.objects.filter(pk__in=stale).delete()
        Proposal.objects.bulk_create(to_create, batch_size=500)
        fields = ["kind", "title", "region", "score", "reasons", "agenda", "shared_themes",
                  "shared_tactics", "refreshed_at"]  # fmt: skip
        Proposal.objects.bulk_update(to_update, fields, batch_size=500)

        touched = to_create + to_update
        movement_links = Proposal.movements.through
        host_links = ProposalHost
        movement_links.objects.filter(proposal__in=[p.pk for p in to_update]).delete()
        host_links.objects.filter(proposal__in=[p.pk for p in to_update]).delete()
        movement_links.objects.bulk_create(
            [
                movement_links(proposal_id=p.pk, movement_id=m.pk)
                for p in touched
                for m in by_identity[p.identity].movements
            ],
            batch_size=1000,
        )
        host_links.objects.bulk_create(
            [
                host_links(
                    proposal_id=p.pk,
                    organization_id=host.organization.pk,
                    movement_id=host.movement.pk,
                    rank=host.rank,
                )
                for p in touched
                for host in by_identity[p.identity].hosts
            ],
            batch_size=1000,
        )
    return {"created": len(to_create), "updated": len(to_update), "removed": len(stale)}
