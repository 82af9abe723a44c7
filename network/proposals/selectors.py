"""Reads for the proposal pages: proposals with everything a card shows, for one viewer."""

from collections import defaultdict
from itertools import combinations

from django.db.models import Prefetch

from core.roles import is_curator
from events.models import Event, Proposal, ProposalStatus
from movements.models import Organization, Tactic, Tension, Theme
from network.proposals.engine import TENSION_PREFIX


def proposals_for_cards(viewer):
    """Proposals with everything a card reads, best first; the event each became only when
    ``viewer`` may see it linked (``Event.objects.linkable_for``)."""
    events = Event.objects.linkable_for(viewer).order_by("pk")
    return (
        Proposal.objects.ranked()
        .with_relations()
        .prefetch_related(Prefetch("events", queryset=events, to_attr="linked_events"))
    )


def proposal_cards(proposals, *, viewer) -> list[Proposal]:
    """Attach to each proposal what its card shows, reading what several cards share once:

    ``card_reasons`` (the reasons, tensions left out), ``card_themes`` and ``card_tactics``
    (Theme and Tactic rows for the shared slugs), ``card_tensions`` (``(a, b, note)`` for
    each curated tension between two of its movements), ``card_hosts`` (its suggested
    hosts) and ``card_host_rows`` (the same as ProposalHost rows: with the movement each
    is suggested for), ``card_event`` (the event it became, when the viewer may see it) and
    ``card_can_decide`` (the viewer may accept or dismiss it)."""
    proposals = list(proposals)
    user = viewer
    curator = is_curator(user)
    movement_ids = {m.pk for p in proposals for m in p.movements.all()}
    tensions = defaultdict(list)
    if movement_ids:
        rows = Tension.objects.filter(movement_a__in=movement_ids, movement_b__in=movement_ids)
        for tension in rows.order_by("pk"):
            tensions[(tension.movement_a_id, tension.movement_b_id)].append(tension.note)
    theme_slugs = {slug for p in proposals for slug in p.shared_themes}
    tactic_slugs = {slug for p in proposals for slug in p.shared_tactics}
    themes = {t.slug: t for t in Theme.objects.filter(slug__in=theme_slugs)} if theme_slugs else {}
    tactics = (
        {t.slug: t for t in Tactic.objects.filter(slug__in=tactic_slugs)} if tactic_slugs else {}
    )
    managed = set()
    if proposals and not curator and user.is_authenticated:
        managed = set(Organization.objects.managed_by(user).values_list("pk", flat=True))

    for proposal in proposals:
        movements = sorted(proposal.movements.all(), key=lambda m: m.pk)
        proposal.card_reasons = [r for r in proposal.reasons if not r.startswith(TENSION_PREFIX)]
        proposal.card_themes = [themes[s] for s in proposal.shared_themes if s in themes]
        proposal.card_tactics = [tactics[s] for s in proposal.shared_tactics if s in tactics]
        proposal.card_tensions = [
            (a, b, note)
            for a, b in combinations(movements, 2)
            for note in tensions.get((a.pk, b.pk), [])
        ]
        proposal.card_host_rows = list(proposal.ranked_hosts)
        proposal.card_hosts = [host.organization for host in proposal.card_host_rows]
        proposal.card_event = proposal.linked_events[0] if proposal.linked_events else None
        proposal.card_can_decide = proposal.status == ProposalStatus.OPEN and (
            curator or bool(managed & {host.pk for host in proposal.card_hosts})
        )
    return proposals
