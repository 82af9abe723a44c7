"""What the analysis layer adds to the directory's pages (``core.sections``): related
movements and proposed joint events on a movement's page, the engagement section on a
movement's and an organization's page, and "Did the bridge hold?" on an event's page after
a measured event. ``network/receivers.py`` connects these to the pages' signals; each
returns its sections with the context its template needs, computed here."""

from __future__ import annotations

from core import privacy
from core.roles import is_curator
from core.sections import Section
from events.models import Proposal
from network.followthrough_pages import event_follow_through
from network.insights.chart import figures, quarter_chart
from network.insights.measures import engagement_insights, organizes
from network.overlaps import movement_overlaps

RELATED_LIMIT = 5
PROPOSALS_LIMIT = 5


def related_movements(movement, *, user, limit: int = RELATED_LIMIT) -> Section:
    """The movements that overlap most with ``movement``, with their reasons, as ``user``
    may see them."""
    overlaps = movement_overlaps(movement, curator=is_curator(user))[:limit]
    context = {
        "movement": movement,
        "related": [(overlap.other(movement), overlap) for overlap in overlaps],
    }
    return Section("main", "network/includes/related_movements.html", context, order=10)


def movement_proposals(movement, *, limit: int = PROPOSALS_LIMIT) -> Section:
    """Open proposals that include ``movement``: "Proposed with …"."""
    proposals = list(
        Proposal.objects.open().involving(movement).ranked().prefetch_related("movements")[:limit]
    )
    context = {
        "movement": movement,
        "proposals": [
            (proposal, [m for m in proposal.movements.all() if m.pk != movement.pk])
            for proposal in proposals
        ],
    }
    return Section("main", "network/includes/movement_proposals.html", context, order=20)


def engagement(subject, *, user) -> Section:
    """The "Engagement" section of a movement's or an organization's page."""
    curator = is_curator(user)
    insights = engagement_insights(
        subject, curator=curator, organizer=not curator and organizes(user, subject)
    )
    prefix = f"engagement-{insights.kind}-{subject.pk}"
    context = {
        "subject": subject,
        "insights": insights,
        "figures": figures(insights),
        "chart": quarter_chart(insights, prefix=prefix),
        "section_id": prefix,
        "threshold": privacy.threshold(),
    }
    return Section("end", "network/includes/engagement.html", context, order=10)


def movement_page_sections(sender, request, movement, **kwargs) -> list[Section]:
    return [
        related_movements(movement, user=request.user),
        movement_proposals(movement),
        engagement(movement, user=request.user),
    ]


def organization_page_sections(sender, request, organization, **kwargs) -> list[Section]:
    return [engagement(organization, user=request.user)]


def follow_through(event, *, user) -> Section | None:
    """The event page's "Did the bridge hold?" section: after a measured event only
    (``network.followthrough_pages.event_follow_through``)."""
    context = event_follow_through(event, user=user)
    if context is None:
        return None
    return Section("end", "network/includes/event_follow_through.html", context, order=10)


def event_page_sections(sender, request, event, **kwargs) -> list[Section]:
    section = follow_through(event, user=request.user)
    return [section] if section is not None else []
