"""A member's own data: everything stored about them, and deleting their account.

``member_data`` is a read (a fixed number of queries, whatever the history's size);
``account_delete`` is the write behind "Delete my account": it crosses the events and
movements apps, so it lives here, in the layer above both.
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from events.models import RSVP, Event, Proposal
from events.services import RSVPClosed, rsvp_cancel
from movements.models import Member
from movements.services import member_erase, member_for_user

# Bump when the shape of the download changes.
MY_DATA_FORMAT = 1


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    return value.isoformat()


def member_data(*, user) -> dict[str, Any]:
    """Everything Coalition stores about ``user`` and their Member record, as JSON-ready
    data: the account, the person, memberships, engagements, RSVPs, the events they
    created and the proposals they decided. Nothing about anyone else."""
    member = member_for_user(user=user)
    memberships = member.memberships.select_related("organization").order_by("since", "pk")
    engagements = member.engagements.select_related("movement", "organization").order_by(
        "since", "pk"
    )
    rsvps = (
        RSVP.objects.filter(member=member)
        .select_related("event", "movement")
        .order_by("event__starts_at", "pk")
    )
    events_created = Event.objects.filter(created_by=user).order_by("starts_at", "pk")
    proposals = Proposal.objects.filter(decided_by=user).order_by("decided_at", "pk")
    return {
        "format": MY_DATA_FORMAT,
        "exported_at": _iso(timezone.now()),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "member": {
            "key": member.key,
            "name": member.name,
            "email": member.email,
            "region": member.region.slug if member.region_id else None,
            "visibility": member.visibility,
            "created_at": _iso(member.created_at),
        },
        "memberships": [
            {
                "organization": m.organization.slug,
                "organization_name": m.organization.name,
                "role": m.role,
                "since": _iso(m.since),
                "until": _iso(m.until),
            }
            for m in memberships
        ],
        "engagements": [
            {
                "movement": e.movement.slug,
                "movement_name": e.movement.name,
                "organization": e.organization.slug if e.organization else None,
                "role": e.role,
                "since": _iso(e.since),
                "until": _iso(e.until),
                "source": e.source,
            }
            for e in engagements
        ],
        "rsvps": [
            {
                "event": r.event.slug,
                "title": r.event.title,
                "starts_at": _iso(r.event.starts_at),
                "status": r.status,
                "guests": r.guests,
                "movement": r.movement.slug if r.movement else None,
                "created_at": _iso(r.created_at),
                "checked_in_at": _iso(r.checked_in_at),
            }
            for r in rsvps
        ],
        "events_created": [
            {
                "event": e.slug,
                "title": e.title,
                "status": e.status,
                "created_at": _iso(e.created_at),
            }
            for e in events_created
        ],
        "proposals_decided": [
            {
                "id": p.pk,
                "title": p.title,
                "kind": p.kind,
                "status": p.status,
                "decided_at": _iso(p.decided_at),
                "dismissed_reason": p.dismissed_reason,
            }
            for p in proposals
        ],
    }


def account_delete(*, user) -> Member:
    """Delete ``user``'s account, all or nothing: cancel their RSVPs to events that have not
    started (``rsvp_cancel`` promotes and mails the waitlist, after commit), anonymise
    their Member record (``member_erase``; their history stays as anonymous aggregates)
    and delete the login. Returns the anonymised member. The caller logs them out."""
    with transaction.atomic():
        member = member_for_user(user=user)
        upcoming = (
            RSVP.objects.filter(member=member, event__starts_at__gt=timezone.now())
            .active()
            .select_related("event")
            .order_by("event__starts_at", "pk")
        )
        for rsvp in upcoming:
            try:
                rsvp_cancel(rsvp=rsvp)
            except RSVPClosed:
                # It started a moment ago: its attendance record is fixed, and it stays
                # attached to the anonymised member like any past event.
                continue
        member = member_erase(member=member)
        user.delete()
    return member
