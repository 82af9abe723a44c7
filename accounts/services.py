"""Writes on a person's account: creating it at sign-up, checking the password again, and
deleting it.

``account_delete`` is the write behind "Delete my account": it crosses the events and
movements apps, so it lives here, in the layer above both. Reads are in ``selectors.py``.
"""

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from events.models import RSVP
from events.services import RSVPClosed, _rsvp_cancel
from movements.models import Member
from movements.services import member_erase, member_for_user


def password_check(*, request, user, password: str) -> bool:
    """Whether ``password`` is ``user``'s, asked again before a change that needs it
    (password change, account deletion).

    Checked through ``authenticate()``, so django-axes counts it exactly like a login:
    a wrong password is a failure for this username and address, and once they are
    locked out (``AXES_FAILURE_LIMIT``) every answer is False, the right password too,
    and axes' middleware answers with the lockout page. A right answer clears the
    failures as a login does (``AXES_RESET_ON_SUCCESS``)."""
    username = user.get_username()
    checked = authenticate(request, username=username, password=password)
    if checked is None or checked.pk != user.pk:
        return False
    if settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS:
        axes_reset(ip=get_client_ip_address(request), username=username)
    return True


def account_delete(*, user) -> Member:
    """Delete ``user``'s account, all or nothing: cancel their RSVPs to events that have not
    started (``rsvp_cancel``, in this transaction: it promotes and mails the waitlist after
    commit), anonymise their Member record (``member_erase``; their history stays as
    anonymous aggregates), delete the login records django-axes keeps for their username
    and delete the login. Returns the anonymised member. The caller
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
        username = user.get_username()
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username=username).delete()
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
