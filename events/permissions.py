"""Who may do what with events. Every view, API endpoint and admin action asks here.

Roles (PRODUCT.md): a *curator* is an active staff user (``core.roles.is_curator``); an
*organizer* is someone with an open organizer or leader Membership in an organization
(``Organization.objects.managed_by``), and may manage the events that organization hosts
as a *confirmed* host (``EventHost``); an organization that is only invited gives its
organizers no say until they confirm, but lets them open the event to answer. Everyone
else signed in is a *member*.
"""

import secrets

from django.db.models import Q

from core.roles import is_curator
from events.models import EventHost, EventStatus, HostStatus, ProposalHost
from movements.models import Organization, Participation


def is_organizer(user) -> bool:
    return is_curator(user) or Organization.objects.managed_by(user).exists()


def can_manage_event(user, event) -> bool:
    """Curators, and organizers of one of the event's confirmed hosts."""
    if is_curator(user):
        return True
    if not (user and user.is_authenticated and user.is_active) or event.pk is None:
        return False
    return (
        EventHost.objects.confirmed()
        .filter(event=event, organization__in=Organization.objects.managed_by(user))
        .exists()
    )


def is_invited_organizer(user, event) -> bool:
    """Whether ``user`` organizes an organization invited to host ``event`` (an answer
    pending): they may open the event to confirm or decline, nothing more."""
    if not (user and user.is_authenticated and user.is_active) or event.pk is None:
        return False
    return EventHost.objects.filter(event=event).answerable_by(user).exists()


def can_answer_invitation(user, host: EventHost) -> bool:
    """Organizers of the invited organization, and curators, confirm or decline."""
    return Organization.objects.managed_by(user).filter(pk=host.organization_id).exists()


def can_withdraw_host(user, host: EventHost) -> bool:
    """A confirmed host leaves by its own organizers (or a curator); an invitation (or a
    declined one) is taken back by the event's managers."""
    if host.status == HostStatus.CONFIRMED:
        return can_answer_invitation(user, host)
    return can_manage_event(user, host.event)


def can_see_invitations(user, event) -> bool:
    """Who sees an event's invited and declined hosts: its managers (confirmed hosts'
    organizers, curators). Everyone else sees the confirmed hosts only (and the
    organizers of an invited organization their own invitation: ``hosts_visible_to``)."""
    return can_manage_event(user, event)


def hosts_visible_to(user, event):
    """``event``'s EventHost rows ``user`` may see, with organization and movement, by
    movement: all of them for its managers; the confirmed ones, and those of
    organizations ``user`` organizes, for everyone else."""
    hosts = EventHost.objects.filter(event=event).with_relations().in_display_order()
    if can_see_invitations(user, event):
        return hosts
    own = Organization.objects.managed_by(user)
    return hosts.filter(Q(status=HostStatus.CONFIRMED) | Q(organization__in=own))


def has_link_key(event, key) -> bool:
    """Whether ``key`` is ``event``'s private-link secret (compared in constant time)."""
    if not key or not isinstance(key, str) or not event.link_key:
        return False
    return secrets.compare_digest(key.encode(), event.link_key.encode())


def can_open_event(user, event, key: str | None = None) -> bool:
    """Whether ``user`` may open ``event`` at all (its page, calendar file, API, RSVPs);
    everywhere else it answers exactly as an unknown slug. Drafts: only the people who
    manage it. Public events: everyone. Private events: the people who manage it (they
    know the link), people with an active RSVP to it (they got the link by mail) and
    anyone presenting its secret ``key`` (``/events/<slug>/?key=…``). Organizers of an
    organization invited to host it open it too, to answer the invitation (its address
    stays for the people going and its managers: ``can_see_address``)."""
    if event.status == EventStatus.DRAFT:
        return can_manage_event(user, event) or is_invited_organizer(user, event)
    if not event.is_private or has_link_key(event, key):
        return True
    if not (user and user.is_authenticated):
        return False
    if event.rsvps.active().filter(member__user=user).exists():
        return True
    return can_manage_event(user, event) or is_invited_organizer(user, event)


def can_see_address(user, event, *, going: bool | None = None) -> bool:
    """Whether ``user`` may see where ``event`` happens (its address and online link), on
    pages, calendar files and the API alike: everyone for a public event; for a private
    one, the people going and those who manage it. A caller that already knows whether
    ``user`` is going says so in ``going`` and saves the query."""
    if not event.is_private:
        return True
    if not (user and user.is_authenticated):
        return False
    if going is None:
        going = event.rsvps.going().filter(member__user=user).exists()
    return going or can_manage_event(user, event)


CANNOT_DECIDE_PROPOSAL = (
    "Only organizers of a suggested host organization and curators can accept or dismiss "
    "this proposal."
)


def can_decide_proposal(user, proposal) -> bool:
    """Curators, and organizers of one of the proposal's suggested host organizations."""
    if is_curator(user):
        return True
    return Organization.objects.managed_by(user).filter(proposals=proposal).exists()


def proposal_host_choices(user, proposal) -> list[tuple]:
    """What ``user`` may stand for when accepting ``proposal``: ``(organization,
    movement)`` pairs, best first. Each suggested host they organize for the movement it
    was suggested for (by rank), then each organization they organize that takes part now
    in one of the proposal's movements, for that movement (by name). Curators:
    every suggested host. Archived organizations never."""
    suggested = (
        ProposalHost.objects.filter(proposal=proposal, organization__archived_at__isnull=True)
        .select_related("organization", "movement")
        .order_by("rank", "movement__name", "organization__name", "pk")
    )
    if is_curator(user):
        return [(host.organization, host.movement) for host in suggested]
    managed = Organization.objects.managed_by(user)
    choices = [
        (host.organization, host.movement) for host in suggested.filter(organization__in=managed)
    ]
    participations = (
        Participation.objects.current()
        .filter(organization__in=managed, movement__in=proposal.movements.all())
        .select_related("organization", "movement")
        .order_by("organization__name", "movement__name", "pk")
    )
    for participation in participations:
        pair = (participation.organization, participation.movement)
        if pair not in choices:
            choices.append(pair)
    return choices
