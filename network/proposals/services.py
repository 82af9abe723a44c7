"""Decisions on proposals: accept one (it becomes a draft Event, pre-filled and linked back,
hosted by the accepting organizer's organization and inviting a suggested host of each other
movement) or dismiss it for good. The Proposal rows live in ``events`` (an Event points at the
proposal it came from); what is done with them lives here, beside the engine that makes
them. Each service owns its transaction and locks the proposal row first, so two
organizers deciding at once get one outcome.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from events.models import (
    Event,
    EventHost,
    EventStatus,
    HostStatus,
    Proposal,
    ProposalHost,
    ProposalStatus,
)
from events.services import _event_host_invite, unique_event_slug
from movements.models import Movement, Organization


class ProposalError(Exception):
    """The proposal cannot be accepted or dismissed as asked; nothing was changed."""


# A draft made from a proposal starts three weeks out, in the early evening, for three
# hours; the organizer sets the real time on the event form they land on.
PROPOSAL_DRAFT_LEAD = datetime.timedelta(weeks=3)
PROPOSAL_DRAFT_START = datetime.time(18, 0)
PROPOSAL_DRAFT_LENGTH = datetime.timedelta(hours=3)


def proposal_accept(
    *, proposal: Proposal, user, organization: Organization, movement: Movement
) -> Event:
    """Turn a proposal into a draft Event, pre-filled and linked back, exactly once.

    ``organization`` hosts it, confirmed, standing for ``movement`` (one of the
    proposal's; the caller checks that ``user`` may stand for that pair:
    ``events.permissions.proposal_host_choices``). The first-ranked suggested host of each
    *other* movement is invited to co-host, standing for it (``ProposalHost``; the
    accepting organization and archived ones are passed over), and its organizers are
    mailed after commit, as for any invitation (``events.services``). Accepting an
    accepted proposal returns its event; a dismissed one cannot be accepted."""
    if organization is None or movement is None:
        raise ProposalError("Choose the organization you host for and the movement it stands for.")
    with transaction.atomic(durable=True):
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status == ProposalStatus.ACCEPTED:
            existing = proposal.events.order_by("pk").first()
            if existing is not None:
                return existing
        if proposal.status == ProposalStatus.DISMISSED:
            raise ProposalError("This proposal was dismissed and cannot be accepted.")
        movements = list(proposal.movements.order_by("name", "pk"))
        if movement not in movements:
            raise ProposalError(f"“{movement}” is not one of this proposal's movements.")
        if organization.archived_at is not None:
            raise ProposalError(f"{organization} is archived and cannot host events.")
        now = timezone.now()
        day = timezone.localdate() + PROPOSAL_DRAFT_LEAD
        starts_at = timezone.make_aware(datetime.datetime.combine(day, PROPOSAL_DRAFT_START))
        event = Event.objects.create(
            title=proposal.title[:200],
            slug=unique_event_slug(proposal.title),
            kind=proposal.kind,
            description=proposal.agenda,
            starts_at=starts_at,
            ends_at=starts_at + PROPOSAL_DRAFT_LENGTH,
            region=proposal.region,
            status=EventStatus.DRAFT,
            proposal=proposal,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        event.movements.set(movements)
        EventHost.objects.create(
            event=event,
            organization=organization,
            movement=movement,
            status=HostStatus.CONFIRMED,
            decided_at=now,
        )
        for other in movements:
            if other == movement:
                continue
            first = (
                ProposalHost.objects.filter(
                    proposal=proposal, movement=other, organization__archived_at__isnull=True
                )
                .exclude(organization=organization)
                .select_related("organization")
                .order_by("rank", "pk")
                .first()
            )
            if first is not None:
                _event_host_invite(
                    event=event, organization=first.organization, movement=other, by=user
                )
        proposal.status = ProposalStatus.ACCEPTED
        proposal.decided_by = user
        proposal.decided_at = now
        proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return event


def proposal_dismiss(*, proposal: Proposal, user, reason: str = "") -> Proposal:
    """Dismiss a proposal for good: refreshes leave it dismissed."""
    with transaction.atomic(durable=True):
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status == ProposalStatus.ACCEPTED:
            raise ProposalError("This proposal was accepted; cancel its event instead.")
        if proposal.status == ProposalStatus.OPEN:
            proposal.status = ProposalStatus.DISMISSED
            proposal.dismissed_reason = reason.strip()
            proposal.decided_by = user
            proposal.decided_at = timezone.now()
            proposal.save(update_fields=["status", "dismissed_reason", "decided_by", "decided_at"])
    return proposal
