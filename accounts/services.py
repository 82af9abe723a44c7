"""Writes on a person's account: creating it at sign-up and deleting it.

``account_delete`` is the write behind "Delete my account": it crosses the events and
movements apps, so it lives here, in the layer above both. Reads are in ``selectors.py``.
"""

from django.db import transaction
from django.utils import timezone

from events.models import RSVP
from events.services import RSVPClosed, _rsvp_cancel
from movements.models import Member
from movements.services import member_erase, member_for_user


def account_delete(*, user) -> Member:
    """Delete ``user``'s account, all or nothing: cancel their RSVPs to events that have not
    started (``rsvp_cancel``, in this transaction: it promotes and mails the waitlist after
    commit), anonymise their Member record (``member_erase``; their history stays as
    anonymous aggregates) and delete the login. Returns the anonymised member. The caller
    logs them out."""
    with transaction.atomic(durable=True):
        member = member_for_user(user=user)
        upcoming = (
            RSVP.objects.filter(member=member, event__starts_at__gt=timezone.now())
            .active()
            .select_related("event")
            .order_by("event__starts_at", "pk")
        )
        for rsvp in upcoming:
            try:
                _rsvp_cancel(rsvp=rsvp)
            except RSVPClosed:
                # It started a moment ago: its attendance record is fixed, and it stays
                # attached to the anonymised member like any past event.
                continue
        member = member_erase(member=member)
        user.delete()
    return member


def account_create(*, user, name: str = "") -> Member:
    """Save a new (unsaved) ``user`` and give them their Member record, private by default,
    named ``name`` (their username when empty). Both rows or neither."""
    with transaction.atomic(durable=True):
        user.save()
        member = member_for_user(user=user)
        if name and member.name != name:
            member.name = name
            member.save(update_fields=["name"])
    return member


def member_set_visibility(*, member: Member, visibility: str) -> Member:
    """Make ``member``'s profile public or private (``Visibility``)."""
    member.visibility = visibility
    member.save(update_fields=["visibility"])
    return member
