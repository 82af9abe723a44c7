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

**Follow-through back into proposals** (PRODUCT.md, "Follow-through"; the figures are
``network/followthrough.py``'s, over each pair's measured joint events):

**follow-up** — a pair of movements (both visible, neither dormant) whose follow-through
  ``rate`` ≥ ``COALITION_FOLLOW_UP_RATE`` (0.2), with ``attendees`` ≥ the disclosure
  threshold and at least one crosser, gets a follow-up proposal: identity ``follow-up:``
  before the usual one (``potluck:3-7`` → ``follow-up:potluck:3-7``), so it never replaces
  nor is replaced by the pair's ordinary potluck. Its kind is always a **potluck** ("meet
  again"): the space that worked, again, whatever the earlier events' kinds were; shared
  work (a working group) is for the people at that table to decide. Title "Follow-up
  potluck in Oakland: fast-food workers and gardeners meet again"; its region is that of
  the *reference event* (the pair's latest public measured joint event), else the first
  region the pair shares, else none. Score: the pair's bridge potential (as for a potluck,
  0 without an overlap) plus ``FOLLOW_UP_BONUS`` (0.25), capped at 1. Hosts: the reference
  event's confirmed hosts standing for each movement first (active, not archived), then
  the usual choice, ``HOSTS_PER_MOVEMENT`` per movement. Reasons, in words: "Their potluck
  on 14 March: 5 of 11 people who came took up work in the other movement." (the pair's
  distinct attendees and crossers; "Their joint events, among them a potluck on 14 March: …"
  with several events; "Their joint events: …" when none is public: a private event is never
  named), then "A space between them that worked: meet again while the new ties are fresh."
  Proposals are public and the reasons are stored once for every viewer, so they carry
  the figures as everyone may see them: a withheld crossers count reads "fewer than 5 of
  11 people who came …" (attendees are at or above the threshold by the rule).

**try another format** — a pair with two or more measured joint events, someone checked
  in, and nobody crossed: every proposal joining the pair loses ``NO_CROSSERS_MALUS``
  (0.25) divided by the proposal's number of pairs (a potluck loses all of it; never below
  0) and gets the reason "Fight for $15 and Food Justice: two joint events, nobody crossed
  yet: try another format." (the count in words up to nine). Events are counted as
  ``network.followthrough`` counts them. A pair whose events had no check-ins says nothing
  about its format and is left alone.

The follow-through figures are read as of ``now`` (an event is measured once it has
ended): ``proposals_refresh`` runs after each check-in (``network/receivers.py``) and every
hour (``network/tasks.py``), which covers "once a day" (events end without any write).

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
from django.utils import dateformat, timezone

from core.conf import app_settings
from core.privacy import disclosed, fewer_than, threshold
from core.text import join_names
from events.models import (
    Event,
    EventHost,
    EventKind,
    EventVisibility,
    HostStatus,
    Proposal,
    ProposalHost,
    ProposalStatus,
    follow_up_identity,
    proposal_identity,
)
from movements.models import (
    Engagement,
    Movement,
    MovementStatus,
    Participation,
    ParticipationRole,
    Tension,
)
from network.followthrough import NetworkFigures, PairFigures, network_follow_through
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
    # A follow-up of joint events that worked (its identity starts ``follow-up:``), and
    # the organizations that hosted the reference event, by movement id, suggested first.
    follow_up: bool = False
    earlier_hosts: dict[int, list] = field(default_factory=dict)

    @property
    def identity(self) -> str:
        ids = [m.pk for m in self.movements]
        if self.follow_up:
            return follow_up_identity(self.kind, ids)
        return proposal_identity(self.kind, ids)


def _plural(name: str) -> str:
    """strike → strikes; divestment, mutual aid, urban gardening stay as they are."""
    uncountable = ("s", "ment", "ing", "aid", "acy", "ism")
    return name if name.endswith(uncountable) else name + "s"


def _bridge(overlap: Overlap | None, a: Movement, b: Movement, cfg: Rules) -> float:
    if overlap is None:
        return 0.0
    bonus = cfg["SECTOR_BONUS"] if a.sector != b.sector else 0.0
    return min(1.0, overlap.affinity * (1 - overlap.ties) + bonus)


def compute_proposals(
    today: datetime.date | None = None, *, now: datetime.datetime | None = None
) -> list[Candidate]:
    """Every proposal the data supports, best first (reads only). ``today`` dates the
    overlaps and hosts, ``now`` the follow-through (which events have ended); each
    defaults to the current one."""
    cfg = config()
    now = now or timezone.now()
    today = today or timezone.localdate(now)
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
    follow_through = network_follow_through(now=now)
    _rank_stalled_lower(candidates, follow_through, cfg)
    candidates += _follow_ups(follow_through, movements_qs, by_pair, today, cfg)
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


# --- follow-through back into proposals ------------------------------------------------------

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TRY_ANOTHER_FORMAT = "{names}: {events} joint events, nobody crossed yet: try another format."
FOLLOW_UP_TITLE = "Follow-up potluck{where}: {who} meet again"
FOLLOW_UP_WORKED = "A space between them that worked: meet again while the new ties are fresh."
TOOK_UP_WORK = "{crossers} of {attendees} people who came took up work in the other movement."


def _in_words(number: int) -> str:
    return NUMBER_WORDS[number] if 0 <= number < len(NUMBER_WORDS) else str(number)


def _pairs_of(candidate: Candidate) -> list[tuple[int, int]]:
    return [
        (a, b) if a < b else (b, a)
        for a, b in combinations((m.pk for m in candidate.movements), 2)
    ]


def _rank_stalled_lower(candidates: list[Candidate], network: NetworkFigures, cfg: Rules):
    """Two or more joint events, someone checked in, nobody crossed: each proposal joining
    such a pair loses its share of ``NO_CROSSERS_MALUS`` and says why."""
    stalled = {
        key: figures
        for key, figures in network.pairs.items()
        if figures.events >= 2 and figures.attendees > 0 and figures.crossers == 0
    }
    if not stalled:
        return
    for candidate in candidates:
        pairs = _pairs_of(candidate)
        hit = [key for key in pairs if key in stalled]
        if not hit:
            continue
        by_id = {m.pk: m for m in candidate.movements}
        names = sorted(candidate.movements, key=lambda m: m.name)
        order = {m.pk: i for i, m in enumerate(names)}
        penalty = cfg["NO_CROSSERS_MALUS"] * len(hit) / len(pairs)
        candidate.score = round(max(0.0, candidate.score - penalty), 4)
        for key in hit:
            a, b = sorted((by_id[pk] for pk in key), key=lambda m: order[m.pk])
            candidate.reasons.append(
                TRY_ANOTHER_FORMAT.format(
                    names=f"{a.name} and {b.name}", events=_in_words(stalled[key].events)
                )
            )


def _follow_ups(
    network: NetworkFigures,
    movements_qs,
    by_pair: dict,
    today: datetime.date,
    cfg: Rules,
) -> list[Candidate]:
    """A follow-up potluck for each pair whose joint events worked (module docstring).
    Three queries whatever the number of pairs (none when no pair qualifies)."""
    least = threshold()
    worked = [
        figures
        for figures in network.pairs.values()
        if figures.crossers > 0
        and figures.attendees >= least
        and figures.rate >= app_settings.FOLLOW_UP_RATE
    ]
    if not worked:
        return []
    ids = {pk for figures in worked for pk in figures.movement_ids}
    movements = {
        m.pk: m
        for m in movements_qs.filter(pk__in=ids).prefetch_related("themes", "tactics", "regions")
    }
    worked = [f for f in worked if all(pk in movements for pk in f.movement_ids)]
    keys = {figures.movement_ids for figures in worked}
    events_of = defaultdict(list)
    for event in network.events.values():
        # movement_ids are in ascending order, and so are the pairs they make: pair keys.
        for pair in combinations(event.movement_ids, 2):
            if pair in keys:
                events_of[pair].append(event.event_id)
    wanted = {pk for pks in events_of.values() for pk in pks}
    public = {
        event.pk: event
        for event in Event.objects.filter(pk__in=wanted, visibility=EventVisibility.PUBLIC)
        .select_related("region")
        .order_by()
    }
    reference = {}
    for pair, event_ids in events_of.items():
        shown = [public[pk] for pk in event_ids if pk in public]
        if shown:
            reference[pair] = max(shown, key=lambda e: (e.starts_at, e.pk))
    hosts_of = defaultdict(lambda: defaultdict(list))
    if reference:
        for host in (
            EventHost.objects.filter(
                event__in=[e.pk for e in reference.values()],
                status=HostStatus.CONFIRMED,
                organization__active=True,
                organization__archived_at=None,
            )
            .select_related("organization")
            .order_by("pk")
        ):
            hosts_of[host.event_id][host.movement_id].append(host.organization)

    result = []
    for figures in worked:
        a, b = sorted((movements[pk] for pk in figures.movement_ids), key=lambda m: m.name)
        overlap = by_pair.get(frozenset((a.pk, b.pk)))
        event = reference.get(figures.movement_ids)
        region = (
            event.region
            if event is not None and event.region is not None
            else (overlap.shared_regions[0] if overlap and overlap.shared_regions else None)
        )
        who = [a.constituency or a.name, b.constituency or b.name]
        if who[0].strip().lower() == who[1].strip().lower():
            who = [a.name, b.name]
        where = f" in {region.name}" if region else ""
        earlier = hosts_of.get(event.pk, {}) if event is not None else {}
        result.append(
            Candidate(
                kind=EventKind.POTLUCK,
                movements=[a, b],
                title=FOLLOW_UP_TITLE.format(where=where, who=join_names(who)),
                score=round(min(1.0, _bridge(overlap, a, b, cfg) + cfg["FOLLOW_UP_BONUS"]), 4),
                reasons=[_took_up_work(figures, event, today), FOLLOW_UP_WORKED],
                region=region,
                shared_themes=[t.slug for t in overlap.shared_themes] if overlap else [],
                shared_tactics=[t.slug for t in overlap.shared_tactics] if overlap else [],
                follow_up=True,
                earlier_hosts={pk: list(orgs) for pk, orgs in earlier.items()},
            )
        )
    return result


def _took_up_work(figures: PairFigures, event: Event | None, today: datetime.date) -> str:
    """ "Their potluck on 14 March: 5 of 11 people who came took up work in the other
    movement.", with the counts as everyone may see them (the reasons are public)."""
    several = figures.events > 1
    if event is None:  # none of them public: a private event is never named
        which = "Their joint events" if several else "Their joint event"
    else:
        day = timezone.localdate(event.starts_at)
        when = dateformat.format(day, "j F" if day.year == today.year else "j F Y")
        kind = EventKind(event.kind).label.lower() if event.kind != EventKind.OTHER else ""
        named = f"{kind or 'joint event'} on {when}"
        which = f"Their joint events, among them a {named}" if several else f"Their {named}"
    crossers = disclosed(figures.crossers, curator=False)
    attendees = disclosed(figures.attendees, curator=False)  # at or above the threshold
    return f"{which}: " + TOOK_UP_WORK.format(
        crossers=fewer_than("") if crossers is None else crossers, attendees=attendees
    )


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
            choices = [p.organization for p in by_movement.get(movement.pk, [])]
            earlier = candidate.earlier_hosts.get(movement.pk, [])
            if earlier:  # a follow-up: the reference event's hosts first
                first = {organization.pk for organization in earlier}
                choices = earlier + [o for o in choices if o.pk not in first]
            for organization in choices[: cfg["HOSTS_PER_MOVEMENT"]]:
                # An organization is suggested once, for the first movement it is chosen for.
                if organization.pk in seen:
                    continue
                seen.add(organization.pk)
                rank += 1
                hosts.append(SuggestedHost(organization, movement, rank))
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
        what = EventKind(candidate.kind).label.lower()
        if candidate.follow_up:
            what = f"follow-up {what}"
        lines = [
            f"A {what} between {names}.",
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


def proposals_refresh(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Recompute proposals and store them. Returns counts of created, updated and removed
    open proposals (dismissed and accepted ones are never changed)."""
    candidates = compute_proposals(today, now=now)
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
