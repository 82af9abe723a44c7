"""Overlaps on pages that belong to other apps (the movement page lives in ``movements``,
which must not import ``coalition``; its template loads this tag instead)."""

from django import template

from coalition.overlaps import movement_overlaps

register = template.Library()

RELATED_LIMIT = 5


@register.inclusion_tag("coalition/includes/related_movements.html", takes_context=True)
def related_movements(context, movement, limit: int = RELATED_LIMIT):
    """The movements that overlap most with ``movement``, with their reasons."""
    overlaps = movement_overlaps(movement)[:limit]
    return {
        "movement": movement,
        "related": [(overlap.other(movement), overlap) for overlap in overlaps],
        "request": context.get("request"),
    }


@register.inclusion_tag("coalition/includes/movement_proposals.html")
def movement_proposals(movement, limit: int = 5):
    """Open proposals that include ``movement``: "Proposed with …"."""
    from events.models import Proposal

    proposals = list(
        Proposal.objects.open().involving(movement).ranked().prefetch_related("movements")[:limit]
    )
    return {
        "movement": movement,
        "proposals": [
            (proposal, [m for m in proposal.movements.all() if m.pk != movement.pk])
            for proposal in proposals
        ],
    }
