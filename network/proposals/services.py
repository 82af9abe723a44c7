"""Decisions on proposals: accept one (it becomes a draft Event, pre-filled and linked back)
or dismiss it for good. The Proposal rows live in ``events`` (an Event points at the
proposal it came from); what is done with them lives here, beside the engine that makes
them. Each service owns its transaction and locks the proposal row first, so two
organizers deciding at once get one outcome.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from events.models import Event, EventStatus, Proposal, ProposalStatus
from events.services import unique_event_slug
from movements.models import Organization


class ProposalError(Exception):
    """The proposal cannot be accepted or dismissed as asked; nothing was changed."""


# A draft made from a proposal starts three weeks out, in the early evening, for three
# hours; the organizer sets the real time on the event form they land on.
PROPOSAL_DRAFT_LEAD = datetime.timedelta(weeks=3)
PROPOSAL_DRAFT_START = datetime.time(18, 0)
PROPOSAL_DRAFT_LENGTH = datetime.timedelta(hours=3)


def proposal_accept(*, proposal: Proposal, user, hosts: list[Organization]) -> Event:
    """Turn a proposal into a draft Event, pre-filled and linked back, exactly once.

    ``hosts`` are the organizations that will host (the caller checks that ``user`` may
    host for them). Accepting an accepted proposal returns its event; a dismissed one
    cannot be accepted."""
    if not hosts:
        raise ProposalError("Choose at least one organization to host the event.")
    with transaction.atomic(durable=True):
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status == ProposalStatus.ACCEPTED:
            existing = proposal.events.order_by("pk").first()
            if existing is not None:
                return existing
        if proposal.status == ProposalStatus.DISMISSED:
            raise ProposalError("This proposal was dismissed and cannot be accepted.")
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
        event.movements.set(proposal.movements.all())
        event.hosts.set(hosts)
        proposal.status = ProposalStatus.ACCEPTED
        proposal.decided_by = user
        proposal.decided_at = timezone.now()
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
