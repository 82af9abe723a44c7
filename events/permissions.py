"""Who may do what with events. Every view, API endpoint and admin action asks here.

Roles (PRODUCT.md): a *curator* is a staff user; an *organizer* is someone with an open
organizer or leader Membership in an organization, and may manage the events that
organization hosts; everyone else signed in is a *member*.
"""

from django.db.models import QuerySet

from movements.models import MembershipRole, Organization


def is_curator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def organizations_managed_by(user) -> QuerySet:
    """Organizations whose events ``user`` may manage (all of them for curators)."""
    if is_curator(user):
        return Organization.objects.visible()
    if not (user and user.is_authenticated and user.is_active):
        return Organization.objects.none()
    return (
        Organization.objects.visible()
        .filter(
            memberships__member__user=user,
            memberships__until__isnull=True,
            memberships__role__in=[MembershipRole.ORGANIZER, MembershipRole.LEADER],
        )
        .distinct()
    )


def is_organizer(user) -> bool:
    return is_curator(user) or organizations_managed_by(user).exists()


def can_manage_event(user, event) -> bool:
    """Curators, and organizers of one of the event's host organizations."""
    if is_curator(user):
        return True
    if not (user and user.is_authenticated and user.is_active) or event.pk is None:
        return False
    return organizations_managed_by(user).filter(hosted_events=event).exists()


def can_decide_proposal(user, proposal) -> bool:
    """Curators, and organizers of one of the proposal's suggested host organizations."""
    if is_curator(user):
        return True
    return organizations_managed_by(user).filter(proposals=proposal).exists()


def proposal_hosts_for(user, proposal) -> list:
    """The suggested hosts ``user`` may host for (all suggested hosts for curators)."""
    suggested = proposal.organizations.all()
    if is_curator(user):
        return list(suggested)
    return list(organizations_managed_by(user).filter(proposals=proposal))
