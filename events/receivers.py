"""Receivers of the events app, connected once by ``EventsConfig.ready()``.

``organization_merging`` (``movements.services.organization_merge``, inside its
transaction): the events the duplicates host or are invited to, and the proposals that
suggest them, move to the organization kept. Where the kept organization (or an earlier
duplicate) already has a row for the same event or proposal, one row stays: for an
event the one whose status weighs most (confirmed, then invited, then declined; the
kept organization's own on a tie), for a proposal the better rank.
"""

from events.models import EventHost, HostStatus, ProposalHost
from events.signals import events_bulk_changed

# How much a host row's status weighs when two organizations merge into one.
STATUS_WEIGHT = {HostStatus.CONFIRMED: 0, HostStatus.INVITED: 1, HostStatus.DECLINED: 2}


def connect() -> None:
    from movements.signals import demo_seeding, organization_merging

    organization_merging.connect(merge_hosts, dispatch_uid="events.merge_hosts")
    demo_seeding.connect(seed_demo_events, dispatch_uid="events.seed_demo_events")


def seed_demo_events(sender, *, scale: int, today, **kwargs) -> str:
    """``manage.py seed_demo``: the demo's events (``events/demo.py``); returns the line
    the command prints."""
    from events.demo import demo_events_seed

    created = demo_events_seed(scale=scale, today=today)
    if created:
        events_bulk_changed.send(sender=EventHost)
        return f"Demo events: {len(created)} created."
    return "Demo events: already there, left alone."


def merge_hosts(sender, *, keep, duplicate_ids: list[int], **kwargs) -> None:
    moved = _merge_rows(
        EventHost.objects.filter(organization__in=[keep.pk, *duplicate_ids]),
        owner="event_id",
        keep=keep,
        better=lambda row: (STATUS_WEIGHT[row.status], row.organization_id != keep.pk, row.pk),
    )
    _merge_rows(
        ProposalHost.objects.filter(organization__in=[keep.pk, *duplicate_ids]),
        owner="proposal_id",
        keep=keep,
        better=lambda row: (row.rank, row.organization_id != keep.pk, row.pk),
    )
    if moved:
        events_bulk_changed.send(sender=EventHost)


def _merge_rows(rows, *, owner: str, keep, better) -> bool:
    """Make one row per owner (event or proposal) among ``rows`` (the kept organization's
    and the duplicates'), the best by ``better`` (lowest first), belonging to ``keep``.
    Returns whether anything changed."""
    groups: dict[int, list] = {}
    for row in rows.order_by("pk"):
        groups.setdefault(getattr(row, owner), []).append(row)
    losers, moved = [], []
    for group in groups.values():
        best = min(group, key=better)
        losers += [row.pk for row in group if row is not best]
        if best.organization_id != keep.pk:
            moved.append(best.pk)
    model = rows.model
    if losers:
        model.objects.filter(pk__in=losers).delete()
    if moved:
        model.objects.filter(pk__in=moved).update(organization=keep)
    return bool(losers or moved)
