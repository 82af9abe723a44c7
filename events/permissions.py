"""Who may do what with events. Every view, API endpoint and admin action asks here.

Roles (PRODUCT.md): a *curator* is an active staff user (``core.roles.is_curator``); an
*organizer* is someone with an open organizer or leader Membership in an organization
(``Organization.objects.managed_by``), and may manage the events that organization hosts;
everyone else signed in is a *member*.
"""

import secrets

from core.roles import is_curator
from events.models import EventStatus
from movements.models import Organization


def is_organizer(user) -> bool:
    return is_curator(user) or Organization.objects.managed_by(user).exists()


def can_manage_event(user, event) -> bool:
    """Curators, and organizers of one of the event's host organizations."""
    if is_curator(user):
        return True
    if not (user and user.is_authenticated and user.is_active) or event.pk is None:
        return False
    return Organization.objects.managed_by(user).filter(hosted_events=event).exists()


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
    anyone presenting its secret ``key`` (``/events/<slug>/?key=…``)."""
    if event.status == EventStatus.DRAFT:
        return can_manage_event(user, event)
    if not event.is_private or has_link_key(event, key):
        return True
    if not (user and user.is_authenticated):
        return False
    if event.rsvps.active().filter(member__user=user).exists():
        return True
    return can_manage_event(user, event)


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


def proposal_hosts_for(user, proposal) -> list:
    """The suggested hosts ``user`` may host for (all suggested hosts for curators)."""
    suggested = proposal.organizations.all()
    if is_curator(user):
        return list(suggested)
    return list(Organization.objects.managed_by(user).filter(proposals=proposal))
