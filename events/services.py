"""Writes on events, their hosts and RSVPs: capacity, waitlist, check-in, co-host
invitations and the mail they cause.

Every function takes keyword-only arguments, owns its ``transaction.atomic`` and returns the
object it changed. Views, API views, admin actions and management commands all call these.
Their transactions are durable: a service is the outermost block, so when it returns its
work is committed and its mail on the way. Where a caller must hold the transaction itself
(``accounts.services.account_delete``; Django admin's change form, which saves inside its
own), it calls the in-transaction form, ``_rsvp_create``, ``_rsvp_cancel`` or
``_event_update``, which starts no transaction and refuses to run outside one.

Capacity is guarded the pretix way: each RSVP write first locks the event row
(``select_for_update``), and only then counts the places taken, so on PostgreSQL two
simultaneous RSVPs to the last place queue up behind each other instead of both getting
it. Mail is written to the outbox (``worker.services.mail_queue``) in the same transaction
and sent by the task worker after commit, so nobody is told about a change that was rolled
back and no request waits on the mail server.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, QuerySet, Sum
from django.utils import dateformat, timezone
from django.utils.dateformat import format as format_date
from django.utils.text import slugify

from core.conf import app_settings
from events import mail
from events.models import (
    MESSAGE_BODY_MAX_LENGTH,
    MESSAGE_SUBJECT_MAX_LENGTH,
    RSVP,
    Event,
    EventHost,
    EventInvitation,
    EventMessage,
    EventStatus,
    HostStatus,
    MessageAudience,
    RSVPStatus,
    new_link_key,
    new_manage_key,
)
from events.outreach import outreach_due, outreach_recipients
from events.signals import events_bulk_changed
from movements.models import (
    Engagement,
    EngagementRole,
    EngagementSource,
    Member,
    Movement,
    Organization,
    Participation,
)
from worker.services import mail_queue

logger = logging.getLogger(__name__)

# Paths under /events/ that an event slug must never shadow.
RESERVED_EVENT_SLUGS = frozenset({"new", "feed"})

# The model's ``rsvp_guests_bounded`` constraint.
MAX_GUESTS = 20

# Changes to these fields are worth a mail to the people going.
NOTIFY_FIELDS = ("starts_at", "ends_at", "venue", "address", "online_link")

# Changes to these fields may make a published event due for outreach (public, joint).
OUTREACH_FIELDS = frozenset({"visibility", "movements"})

# How long before an event its reminder goes out.
REMINDER_WINDOW = datetime.timedelta(hours=24)

# The window ``COALITION_EVENT_MESSAGES_PER_DAY`` counts an event's messages over.
MESSAGE_WINDOW = datetime.timedelta(hours=24)

# Check-in opens ``COALITION_CHECK_IN_OPENS_MINUTES`` before the start and closes this long
# after the end (people are checked in late from paper lists).
CHECK_IN_CLOSES_AFTER = datetime.timedelta(days=3)

# How a moment reads in refusals (the templates' format, in the site's time zone).
MOMENT_FORMAT = "D j M Y, g:i A"


class RSVPError(Exception):
    """The RSVP cannot be made or changed as asked; nothing was changed."""


class RSVPClosed(RSVPError):
    """The event takes no RSVP changes: not published, cancelled, or already started."""


class RSVPNotAllowed(RSVPError):
    """The request itself is not acceptable (too many guests, wrong movement, …)."""


class CheckInClosed(RSVPClosed):
    """Check-in is not open: it opens ``COALITION_CHECK_IN_OPENS_MINUTES`` before the
    start and closes ``CHECK_IN_CLOSES_AFTER`` the end."""


class EventError(Exception):
    """The event cannot change as asked; nothing was changed."""


class EventBusy(RSVPError, EventError):
    """The event's row lock was not free within ``COALITION_LOCK_TIMEOUT_SECONDS``: many
    changes are queued on it. Nothing was changed; trying again a moment later works. Both
    an RSVPError and an EventError, so every caller that shows those shows this too."""

    def __init__(self, message: str = ""):
        super().__init__(
            message or "Many people are changing RSVPs for this event right now; please try again."
        )


class EventSlugUnavailable(EventError):
    """A new event found no free slug: others took each one tried first. Nothing was saved;
    trying again usually works."""


class MessageError(EventError):
    """An organizer's message cannot be sent as asked; nothing was sent or logged."""


class MessageLimitReached(MessageError):
    """The event has had ``COALITION_EVENT_MESSAGES_PER_DAY`` messages in the last 24
    hours; ``next_at`` is when the next one may go."""

    def __init__(self, next_at: datetime.datetime):
        self.next_at = next_at
        limit = app_settings.EVENT_MESSAGES_PER_DAY
        when = dateformat.format(timezone.localtime(next_at), "D j M, g:i A")
        super().__init__(
            f"This event has had {limit} message{'' if limit == 1 else 's'} in the last "
            f"24 hours, the most allowed; the next one can go from {when}."
        )


class CapacityBelowTaken(EventError):
    """The new capacity is lower than the places already taken; nothing was changed."""

    def __init__(self, taken: int):
        self.taken = taken
        super().__init__(capacity_below_taken_message(taken))


def capacity_below_taken_message(taken: int) -> str:
    places = "place is" if taken == 1 else "places are"
    return (
        f"{taken} {places} already taken (people going and their guests); "
        "capacity cannot be lower."
    )


def capacity_error(event: Event, capacity: int | None) -> str:
    """Why ``capacity`` cannot be ``event``'s (an existing one): fewer places than already
    taken. "" when it can. For forms; ``event_update`` checks again under the row lock."""
    if event.pk is None or capacity is None:
        return ""
    taken = _places_taken(event)
    return capacity_below_taken_message(taken) if capacity < taken else ""


@dataclass(frozen=True)
class CheckInWindow:
    """When people can be checked in to an event: from ``opens_at`` to ``closes_at``,
    both included, unless the event is cancelled."""

    opens_at: datetime.datetime
    closes_at: datetime.datetime
    cancelled: bool = False

    def state(self, now: datetime.datetime) -> str:
        """At ``now``: "cancelled", "not_yet", "open" or "closed"."""
        if self.cancelled:
            return "cancelled"
        if now < self.opens_at:
            return "not_yet"
        if now > self.closes_at:
            return "closed"
        return "open"


def check_in_window(event: Event) -> CheckInWindow:
    """The one rule of when ``event``'s check-in is open (the service, the attendee page)."""
    return CheckInWindow(
        opens_at=event.starts_at - datetime.timedelta(minutes=app_settings.CHECK_IN_OPENS_MINUTES),
        closes_at=event.ends_at + CHECK_IN_CLOSES_AFTER,
        cancelled=event.status == EventStatus.CANCELLED,
    )


def format_moment(moment: datetime.datetime) -> str:
    """``moment`` in the site's time zone, as refusals and pages write it."""
    return format_date(timezone.localtime(moment), MOMENT_FORMAT)


# How many slugs a new event tries: another event may take one between choosing and saving.
SLUG_ATTEMPTS = 3


# --- helpers -------------------------------------------------------------------------------


# PostgreSQL's SQLSTATE for a lock not granted within lock_timeout.
LOCK_NOT_AVAILABLE = "55P03"


def _lock_event(event: Event) -> Event:
    """Lock the event row for the rest of the transaction and return it fresh.

    On PostgreSQL the wait is bounded (pretix does the same): ``SET LOCAL lock_timeout``
    to ``COALITION_LOCK_TIMEOUT_SECONDS`` for the rest of the transaction, and a lock not
    granted in time raises ``EventBusy``; the transaction is then rolled back by the
    service's ``atomic`` block, with nothing changed."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("The event row can only be locked inside a transaction.")
    if connection.vendor == "postgresql":
        milliseconds = max(1, round(app_settings.LOCK_TIMEOUT_SECONDS * 1000))
        with connection.cursor() as cursor:
            # An int, so formatting it in is safe; SET takes no query parameters.
            cursor.execute(f"SET LOCAL lock_timeout = '{milliseconds:d}ms'")
    try:
        return Event.objects.select_for_update().get(pk=event.pk)
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) == LOCK_NOT_AVAILABLE:
            raise EventBusy() from error
        raise


def _places_taken(event: Event) -> int:
    """People going, guests included."""
    taken = RSVP.objects.filter(event=event, status=RSVPStatus.GOING).aggregate(
        n=Sum(F("guests") + 1)
    )["n"]
    return taken or 0


def _fits(event: Event, *, taken: int, places: int) -> bool:
    return event.capacity is None or taken + places <= event.capacity


def _closed_reason(event: Event, now: datetime.datetime) -> str:
    """Why ``event`` takes no RSVPs right now, or "" when it does."""
    if event.status == EventStatus.CANCELLED:
        return f"“{event.title}” has been cancelled."
    if event.status != EventStatus.PUBLISHED:
        return f"“{event.title}” is not published yet."
    if event.starts_at <= now:
        return f"“{event.title}” has already started; RSVPs are closed."
    return ""


def rsvp_changes_open(event: Event) -> bool:
    """Whether RSVPs to ``event`` may be made or changed now (published, not started)."""
    return not _closed_reason(event, timezone.now())


def _check_open(event: Event) -> None:
    reason = _closed_reason(event, timezone.now())
    if reason:
        raise RSVPClosed(reason)


def _check_guests(guests: int) -> None:
    if not isinstance(guests, int) or isinstance(guests, bool) or not 0 <= guests <= MAX_GUESTS:
        raise RSVPNotAllowed(f"Guests must be a whole number from 0 to {MAX_GUESTS}.")


def party_never_fits_message(capacity: int, places: int) -> str:
    return (
        f"This event has {capacity} place{'' if capacity == 1 else 's'}; "
        f"a party of {places} can never fit."
    )


def _check_party_can_fit(event: Event, guests: int) -> None:
    """Refuse a party (the person and ``guests``) bigger than the whole event: it could
    only ever wait. The caller holds the event lock, so ``event.capacity`` is current."""
    places = 1 + guests
    if event.capacity is not None and places > event.capacity:
        raise RSVPNotAllowed(party_never_fits_message(event.capacity, places))


def _movement_for(*, event: Event, movement: Movement | None) -> Movement | None:
    """The movement the person says they come through: ``movement`` as they chose it (it
    must be one of the event's), or None. Never guessed from their engagements: those are
    private, and what is stored here is shown to the event's organizers."""
    if movement is not None and not event.movements.filter(pk=movement.pk).exists():
        raise RSVPNotAllowed(f"“{movement}” is not one of the movements of “{event.title}”.")
    return movement


def _promote_waitlisted(event: Event) -> list[RSVP]:
    """Fill free places from the waitlist, in queue order (``created_at``, then ``pk``).

    Each waitlisted RSVP that fits in the places left is promoted; one that does not fit
    (too many guests) keeps its place in the queue and the next one is tried, so a free
    place never stays empty while someone who fits is waiting. The caller holds the event
    lock. Each promoted person is mailed after commit."""
    if _closed_reason(event, timezone.now()):
        return []
    taken = _places_taken(event)
    promoted = []
    for rsvp in RSVP.objects.filter(event=event).waitlisted().in_queue_order():
        if event.capacity is not None and taken >= event.capacity:
            break
        if _fits(event, taken=taken, places=rsvp.places):
            rsvp.status = RSVPStatus.GOING
            rsvp.save(update_fields=["status", "updated_at"])
            taken += rsvp.places
            promoted.append(rsvp)
    mail_queue(messages=[mail.promoted_message(rsvp) for rsvp in promoted])
    return promoted


# --- RSVPs ---------------------------------------------------------------------------------


def rsvp_create(
    *, event: Event, member: Member, guests: int = 0, movement: Movement | None = None
) -> RSVP:
    """RSVP ``member`` (and ``guests`` people coming along) to ``event``.

    Going when ``1 + guests`` places are free (no capacity means no limit), waitlisted
    otherwise. Raises ``RSVPClosed`` when the event is not published, cancelled or has
    started, ``RSVPNotAllowed`` for a bad guest count or a movement that is not the event's.

    A party that can never fit (``1 + guests`` above the capacity) is refused with
    ``RSVPNotAllowed``, for a new RSVP and for a changed guest count alike. (An organizer
    may still lower the capacity below a party already waitlisted: it keeps waiting.)

    Submitting twice is harmless: an existing going or waitlisted RSVP is returned as it
    is. Only a different guest count changes it: a waitlisted RSVP takes the new count,
    and with fewer guests it is promoted at once when it now fits, by the waitlist's own
    rule (``_promote_waitlisted``: earlier parties that fit come first) and mailed like
    any promotion; a going one takes it when the extra places are free (raising
    ``RSVPNotAllowed`` and changing nothing when they are not), and places it frees go
    to the waitlist. A cancelled RSVP is made again from scratch, at the back of the queue.

    A new (or remade) RSVP records the event's movements as what the person was told
    (``told_movements``): check-in records attendance in those only.
    """
    with transaction.atomic(durable=True):
        return _rsvp_create(
            event=event, member=member, guests=guests, movement=movement, confirm=True
        )


def _rsvp_create(
    *,
    event: Event,
    member: Member,
    guests: int = 0,
    movement: Movement | None = None,
    name: str = "",
    confirm: bool = False,
) -> RSVP:
    """``rsvp_create`` inside the caller's transaction (the admin's change form, which
    mails nobody: the admin is for repairs). ``confirm``: a new or remade RSVP is
    confirmed by mail, with its manage link (``events.manage_links``). ``name``: the name
    typed with an RSVP made without an account, kept on the RSVP."""
    _check_guests(guests)
    event = _lock_event(event)
    _check_open(event)
    rsvp = RSVP.objects.filter(event=event, member=member).first()
    if rsvp is not None and rsvp.status != RSVPStatus.CANCELLED:
        if rsvp.guests != guests:
            _change_guests(event=event, rsvp=rsvp, guests=guests)
        return rsvp

    _check_party_can_fit(event, guests)
    movement = _movement_for(event=event, movement=movement)
    places = 1 + guests
    status = (
        RSVPStatus.GOING
        if _fits(event, taken=_places_taken(event), places=places)
        else RSVPStatus.WAITLISTED
    )
    if rsvp is None:
        rsvp = RSVP.objects.create(
            event=event,
            member=member,
            status=status,
            guests=guests,
            movement=movement,
            name=name,
            created_at=timezone.now(),
        )
    else:
        rsvp.status = status
        rsvp.guests = guests
        rsvp.movement = movement
        rsvp.name = name
        rsvp.created_at = timezone.now()
        rsvp.checked_in_at = None
        rsvp.reminded_at = None
        rsvp.save(
            update_fields=[
                "status",
                "guests",
                "movement",
                "name",
                "created_at",
                "checked_in_at",
                "reminded_at",
                "updated_at",
            ]
        )
    _tell_movements(rsvp, event)
    if confirm:
        mail_queue(messages=[mail.rsvp_confirmation_message(rsvp)])
    return rsvp


def _tell_movements(rsvp: RSVP, event: Event) -> None:
    """A new RSVP was made on the event as it is: its movements are what the person saw,
    so check-in may record attendance in them (``RSVP.told_movements``)."""
    rsvp.told_movements.set(event.movements.all())


def _change_guests(*, event: Event, rsvp: RSVP, guests: int) -> None:
    """Change the guest count of an active RSVP; the caller holds the event lock. Fewer
    guests free places (going) or may make the party fit (waitlisted): the waitlist is
    then promoted, and ``rsvp`` reloaded with its status."""
    _check_party_can_fit(event, guests)
    if rsvp.status == RSVPStatus.GOING:
        taken_by_others = _places_taken(event) - rsvp.places
        if not _fits(event, taken=taken_by_others, places=1 + guests):
            left = event.capacity - taken_by_others - 1
            raise RSVPNotAllowed(
                f"There is room for {max(left, 0)} guest{'' if left == 1 else 's'} with you "
                f"at “{event.title}”, not {guests}; your RSVP is unchanged."
            )
    fewer = guests < rsvp.guests
    rsvp.guests = guests
    rsvp.save(update_fields=["guests", "updated_at"])
    if fewer:
        _promote_waitlisted(event)
        rsvp.refresh_from_db(fields=["status", "updated_at"])


def rsvp_cancel(*, rsvp: RSVP) -> RSVP:
    """Cancel ``rsvp`` (for a waitlisted one: leave the waitlist).

    When it was going, the places it frees go to the earliest waitlisted RSVPs that fit,
    and each of them is mailed. Cancelling twice is harmless. Raises ``RSVPClosed`` once
    the event has started: the attendance record is then fixed."""
    with transaction.atomic(durable=True):
        return _rsvp_cancel(rsvp=rsvp)


def _rsvp_cancel(*, rsvp: RSVP) -> RSVP:
    """``rsvp_cancel`` inside the caller's transaction (``accounts.services.account_delete``).
    A refusal is raised before anything is written, so the caller may go on."""
    event = _lock_event(rsvp.event)
    rsvp = RSVP.objects.select_for_update().get(pk=rsvp.pk)
    if rsvp.status == RSVPStatus.CANCELLED:
        return rsvp
    if event.starts_at <= timezone.now():
        raise RSVPClosed(f"“{event.title}” has already started; RSVPs can no longer change.")
    was_going = rsvp.status == RSVPStatus.GOING
    rsvp.status = RSVPStatus.CANCELLED
    rsvp.save(update_fields=["status", "updated_at"])
    if was_going:
        _promote_waitlisted(event)
    return rsvp


# --- RSVPs without an account --------------------------------------------------------------


def member_for_email(email: str) -> Member | None:
    """The person an email address stands for: the member with that address compared
    case-insensitively, the first by key when several have it (legacy rosters)."""
    email = email.strip()
    if not email:
        return None
    return Member.objects.filter(email__iexact=email).order_by("key").first()


def _new_member_key() -> str:
    """``rsvp-<random>`` for a person first known by an RSVP; never an imported key."""
    while True:
        key = f"rsvp-{secrets.token_hex(6)}"
        if not Member.objects.filter(key=key).exists():
            return key


def rsvp_request(
    *,
    event: Event,
    name: str,
    email: str,
    guests: int = 0,
    movement: Movement | None = None,
) -> RSVP:
    """An RSVP made with a name and an email address, without an account (PRODUCT.md,
    "Anonymous RSVP"). The answer to the person is the same whatever the address's
    history; what happened goes by mail to the address, so nobody learns from the page
    whether an address is known or already going.

    Refusals that do not depend on the address come first and change nothing: the event
    takes no RSVPs (``RSVPClosed``), a bad guest count, a party that can never fit or a
    movement that is not the event's (``RSVPNotAllowed``).

    The address is the person: an existing member with it (``member_for_email``) is
    reused and never renamed (``name`` is kept on the RSVP); otherwise a private member is
    created with this name and address, unconfirmed and without invitations. When that
    person already has an active RSVP to the event nothing changes (a stranger typing
    someone's address must not change their RSVP) and the address is mailed its manage
    link again; otherwise the RSVP is made (or remade) by ``rsvp_create``'s rules and
    confirmed by mail with its manage link. The event lock is taken before the person is
    looked up, so two simultaneous requests with one new address make one person and one
    RSVP."""
    email = BaseUserManager.normalize_email(email.strip())
    name = " ".join(name.split())
    with transaction.atomic(durable=True):
        _check_guests(guests)
        event = _lock_event(event)
        _check_open(event)
        _check_party_can_fit(event, guests)
        _movement_for(event=event, movement=movement)
        member = member_for_email(email)
        if member is None:
            member = Member.objects.create(key=_new_member_key(), name=name, email=email)
        rsvp = RSVP.objects.filter(event=event, member=member).first()
        if rsvp is not None and rsvp.status != RSVPStatus.CANCELLED:
            mail_queue(messages=[mail.rsvp_confirmation_message(rsvp, again=True)])
            return rsvp
        return _rsvp_create(
            event=event, member=member, guests=guests, movement=movement, name=name, confirm=True
        )


def rsvp_manage_link_resend(*, event: Event, email: str) -> int:
    """ "I lost my link": mail the manage link of each active RSVP to ``event`` made with
    ``email`` (compared case-insensitively) to that address. The caller answers the same
    whether or not there was one; returns how many mails were queued (for tests)."""
    email = email.strip()
    if not email:
        return 0
    with transaction.atomic(durable=True):
        rsvps = list(
            RSVP.objects.filter(event=event, member__email__iexact=email)
            .active()
            .select_related("event", "member", "movement")
        )
        mail_queue(messages=[mail.rsvp_confirmation_message(rsvp, again=True) for rsvp in rsvps])
    return len(rsvps)


def rsvp_manage_link_renew(*, rsvp: RSVP) -> RSVP:
    """Revoke ``rsvp``'s manage links (a new secret) and mail the new one to its address:
    for a link forwarded or shared by mistake."""
    with transaction.atomic(durable=True):
        rsvp = RSVP.objects.select_for_update().select_related("event", "member").get(pk=rsvp.pk)
        rsvp.manage_key = new_manage_key()
        rsvp.save(update_fields=["manage_key", "updated_at"])
        mail_queue(messages=[mail.rsvp_confirmation_message(rsvp, again=True)])
    return rsvp


def rsvp_delete(*, rsvp: RSVP) -> Member | None:
    """Delete ``rsvp`` and, when the person is known by nothing else, their details: the
    manage page's "delete my RSVP and my details".

    The RSVP is cancelled first (its places go to the waitlist, by ``rsvp_cancel``'s
    rules: refused with ``RSVPClosed`` once the event has started) and then removed. The
    member goes too when they have no login and nothing else: no other RSVP, membership,
    engagement, organizer request or invitation. Returns the member when it was kept."""
    with transaction.atomic(durable=True):
        rsvp = _rsvp_cancel(rsvp=rsvp)
        if rsvp.checked_in_at is not None:
            raise RSVPClosed("You were checked in at this event, so the RSVP stays on record.")
        member = Member.objects.select_for_update().get(pk=rsvp.member_id)
        rsvp.delete()
        if member.user_id is None and not _member_known_otherwise(member):
            member.delete()
            return None
    return member


def _member_known_otherwise(member: Member) -> bool:
    return (
        RSVP.objects.filter(member=member).exists()
        or member.memberships.exists()
        or member.engagements.exists()
        or member.organizer_requests.exists()
        or EventInvitation.objects.filter(member=member).exists()
    )


def rsvp_check_in(*, rsvp: RSVP, by=None, now: datetime.datetime | None = None) -> RSVP:
    """Record that a going person came: set ``checked_in_at`` and add an engagement
    (source: event attendance, on the event's date) in each of the event's movements
    that they were told about (``RSVP.told_movements``: when they RSVP'd, or by mail
    when the movements changed) and have no such engagement in yet. A movement added
    without telling them, or removed, gets none. Checking in twice changes nothing.

    Check-in is open from ``COALITION_CHECK_IN_OPENS_MINUTES`` before the start until
    ``CHECK_IN_CLOSES_AFTER`` the end (``check_in_window``; ``now`` defaults to the
    clock). Raises ``RSVPClosed`` for a cancelled event, ``CheckInClosed`` outside the
    window and ``RSVPNotAllowed`` for an RSVP that is not going; nothing is changed then.
    ``by`` (the user checking people in) is logged."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        event = _lock_event(rsvp.event)
        rsvp = RSVP.objects.select_for_update().select_related("member").get(pk=rsvp.pk)
        if rsvp.checked_in_at is not None:
            return rsvp
        if event.status == EventStatus.CANCELLED:
            raise RSVPClosed(f"“{event.title}” has been cancelled.")
        _check_check_in_open(event, now)
        if rsvp.status != RSVPStatus.GOING:
            raise RSVPNotAllowed(
                f"{rsvp.member} is {rsvp.get_status_display().lower()}, not going: "
                "only people going can be checked in."
            )
        rsvp.checked_in_at = now
        rsvp.save(update_fields=["checked_in_at", "updated_at"])

        day = timezone.localdate(event.starts_at)
        already = set(
            Engagement.objects.filter(
                member=rsvp.member_id, source=EngagementSource.EVENT, since=day
            ).values_list("movement", flat=True)
        )
        Engagement.objects.bulk_create(
            Engagement(
                member_id=rsvp.member_id,
                movement=movement,
                organization=None,
                role=EngagementRole.PARTICIPANT,
                since=day,
                until=day,
                source=EngagementSource.EVENT,
            )
            for movement in event.movements.filter(
                pk__in=rsvp.told_movements.values("pk")
            ).order_by("pk")
            if movement.pk not in already
        )
    logger.info("Checked in RSVP %s (event %s) by %s", rsvp.pk, event.pk, by)
    return rsvp


def _check_check_in_open(event: Event, now: datetime.datetime) -> None:
    window = check_in_window(event)
    state = window.state(now)
    if state == "not_yet":
        raise CheckInClosed(
            f"Check-in for “{event.title}” opens at {format_moment(window.opens_at)}, "
            f"{app_settings.CHECK_IN_OPENS_MINUTES} minutes before the start."
        )
    if state == "closed":
        raise CheckInClosed(
            f"Check-in for “{event.title}” closed at {format_moment(window.closes_at)}, "
            "three days after the event ended."
        )


# --- events --------------------------------------------------------------------------------


def event_publish(*, event: Event) -> Event:
    """Open a draft event for RSVPs. Publishing twice is harmless; a cancelled event
    cannot be published again (raises ``EventError``). Publishing a public joint event
    invites the members of its movements, in the same transaction
    (``_event_outreach_send``)."""
    with transaction.atomic(durable=True):
        locked = _lock_event(event)
        if locked.status == EventStatus.CANCELLED:
            raise EventError(f"“{locked.title}” was cancelled and cannot be published again.")
        if locked.status != EventStatus.PUBLISHED:
            locked.status = EventStatus.PUBLISHED
            locked.save(update_fields=["status", "updated_at"])
            _event_outreach_send(event=locked)
    event.status, event.updated_at = locked.status, locked.updated_at
    return event


def event_link_regenerate(*, event: Event) -> Event:
    """Give ``event`` a new private-link secret: links already sent (``?key=…``) stop
    working; people going and the hosts still open it without one."""
    event.link_key = new_link_key()
    event.save(update_fields=["link_key", "updated_at"])
    return event


def event_cancel(*, event: Event, reason: str = "") -> Event:
    """Cancel ``event`` and mail everyone going or waitlisted (with ``reason``, if
    given). Their RSVPs stay as they were, as a record. Cancelling twice sends no mail."""
    with transaction.atomic(durable=True):
        locked = _lock_event(event)
        if locked.status != EventStatus.CANCELLED:
            locked.status = EventStatus.CANCELLED
            locked.save(update_fields=["status", "updated_at"])
            rsvps = (
                RSVP.objects.filter(event=locked)
                .active()
                .select_related("member", "event")
                .in_queue_order()
            )
            mail_queue(
                messages=[
                    mail.event_cancelled_message(rsvp, reason=reason.strip()) for rsvp in rsvps
                ]
            )
    event.status, event.updated_at = locked.status, locked.updated_at
    return event


def event_create(*, user: AbstractBaseUser, form: forms.ModelForm) -> Event:
    """Save the new event in ``form`` as a draft created by ``user``, under a fresh slug
    made from its title, and return it.

    ``form`` is a valid, bound ModelForm for a new Event (``EventForm``). The service takes
    the form rather than the instance and its many-to-many data because the form knows how
    to save what it shows: the movements and hosts, and ``EventForm``'s rule that hosts
    the organizer cannot choose stay on the event; the service adds the rules of a new
    event (draft, creator, slug) and the transaction. Another event may take the chosen
    slug between choosing it and saving: that attempt is rolled back and the next free
    slug tried, ``SLUG_ATTEMPTS`` times in all, after which ``EventSlugUnavailable`` is
    raised and nothing is saved."""
    event = form.instance
    event.status = EventStatus.DRAFT
    event.created_by = user
    for _attempt in range(SLUG_ATTEMPTS):
        event.slug = unique_event_slug(event.title)
        try:
            with transaction.atomic(durable=True):
                return form.save()
        except IntegrityError:
            event.pk = None
    raise EventSlugUnavailable("Could not save the event just now; please try again.")


def event_update(*, form: forms.ModelForm) -> Event:
    """Save an organizer's changes to an event and tell the people going, in one
    transaction; return the event.

    ``form`` is a valid, bound ModelForm for an existing Event (``EventForm``, or the
    admin's), for the reasons given at ``event_create``; ``form.changed_data`` says what
    changed. The event row is locked first, so the change and its consequences never
    interleave with an RSVP. For a published event whose time or place changed
    (``NOTIFY_FIELDS``) the people going are mailed after commit, and a new start time
    clears ``reminded_at`` so that the reminder goes again; changed movements are mailed
    to everyone going or waitlisted (``_notify_movements_changed``); a changed capacity
    fills new places from the waitlist (each promoted person is mailed). A rollback sends
    nothing.
    A capacity below the places already taken raises ``CapacityBelowTaken`` (nothing
    changed)."""
    with transaction.atomic(durable=True):
        return _event_update(form=form)


def _event_update(*, form: forms.ModelForm) -> Event:
    """``event_update`` inside the caller's transaction (the admin's change form)."""
    _lock_event(form.instance)
    changed = list(form.changed_data)
    capacity = form.instance.capacity
    if "capacity" in changed and capacity is not None:
        taken = _places_taken(form.instance)
        if capacity < taken:
            raise CapacityBelowTaken(taken)
    # The movements as they were: the form saves the new ones with the event.
    movements_before = (
        set(form.instance.movements.values_list("pk", flat=True))
        if "movements" in changed
        else None
    )
    event = form.save()
    if movements_before is not None:
        _hosts_follow_movements(event)
    if changed:
        _notify_event_changed(event, changed_fields=changed, movements_before=movements_before)
    if OUTREACH_FIELDS.intersection(changed):
        _event_outreach_send(event=event)
    return event


def _notify_event_changed(
    event: Event, *, changed_fields: list[str], movements_before: set[int] | None = None
) -> None:
    """What follows an organizer's change to ``event`` (saved, its row locked)."""
    if event.status != EventStatus.PUBLISHED:
        return
    if movements_before is not None:
        _notify_movements_changed(event, before=movements_before)
    changed = [field for field in NOTIFY_FIELDS if field in changed_fields]
    if "starts_at" in changed:
        RSVP.objects.filter(event=event, reminded_at__isnull=False).update(reminded_at=None)
        events_bulk_changed.send(sender=RSVP)
    if changed and event.ends_at > timezone.now():
        going = (
            RSVP.objects.filter(event=event)
            .going()
            .select_related("member", "event")
            .in_queue_order()
        )
        mail_queue(
            messages=[mail.event_updated_message(rsvp, changed_fields=changed) for rsvp in going]
        )
    if "capacity" in changed_fields:
        _promote_waitlisted(event)


# --- messages to the people of an event ----------------------------------------------------


def next_message_at(event: Event, *, now: datetime.datetime | None = None):
    """When ``event``'s organizers may send their next message: ``None`` when they may now,
    else the moment the oldest of the last ``COALITION_EVENT_MESSAGES_PER_DAY`` messages
    leaves the 24-hour window, rounded up to the minute (the minute people are told)."""
    now = now or timezone.now()
    limit = app_settings.EVENT_MESSAGES_PER_DAY
    recent = list(
        EventMessage.objects.filter(event=event)
        .sent_since(now - MESSAGE_WINDOW)
        .latest_first()
        .values_list("sent_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    free_at = recent[-1] + MESSAGE_WINDOW
    rounded = free_at.replace(second=0, microsecond=0)
    return rounded if rounded == free_at else rounded + datetime.timedelta(minutes=1)


def event_message_send(
    *,
    event: Event,
    sender: AbstractBaseUser,
    subject: str,
    body: str,
    audience: str,
) -> EventMessage:
    """Mail ``event``'s people in ``audience`` (a ``MessageAudience``: going, waitlisted or
    both) the organizer's message, one mail each after commit, and log it; return the log
    row. The sender gets a copy saying how many it went to (never who). Organizers reach
    people this way without ever reading an address (PRODUCT.md, Privacy).

    Only people with an email address count and are mailed. Raises ``MessageError``,
    sending and logging nothing, for an empty or too long subject or body, an event that
    is not published (a draft has nobody going; a cancelled event's people were told by
    its cancellation mail), or nobody to reach; ``MessageLimitReached`` when the event has
    had ``COALITION_EVENT_MESSAGES_PER_DAY`` messages in the last 24 hours. The event row
    is locked first, so two messages sent at once cannot both pass the limit."""
    subject = " ".join(subject.split())
    body = body.strip()
    if audience not in MessageAudience.values:
        raise MessageError("Choose who the message goes to.")
    if not subject or not body:
        raise MessageError("A message needs a subject and a text.")
    if len(subject) > MESSAGE_SUBJECT_MAX_LENGTH or len(body) > MESSAGE_BODY_MAX_LENGTH:
        raise MessageError(
            f"A message has at most {MESSAGE_SUBJECT_MAX_LENGTH} characters of subject and "
            f"{MESSAGE_BODY_MAX_LENGTH} of text."
        )
    with transaction.atomic(durable=True):
        locked = _lock_event(event)
        if locked.status != EventStatus.PUBLISHED:
            raise MessageError(
                f"Messages go to the people of a published event; “{locked.title}” is "
                f"{locked.get_status_display().lower()}."
            )
        now = timezone.now()
        next_at = next_message_at(locked, now=now)
        if next_at is not None:
            raise MessageLimitReached(next_at)
        rsvps = list(
            RSVP.objects.filter(event=locked)
            .for_audience(audience)
            .reachable()
            .select_related("member", "event")
            .in_queue_order()
        )
        if not rsvps:
            raise MessageError(
                "Nobody to send it to: there is nobody with an email address among "
                f"{mail.AUDIENCE_PHRASES[audience]} “{locked.title}”."
            )
        message = EventMessage.objects.create(
            event=locked,
            sender=sender,
            subject=subject,
            body=body,
            audience=audience,
            recipients=len(rsvps),
            sent_at=now,
        )
        mail_queue(
            messages=[mail.organizer_message(message, rsvp) for rsvp in rsvps]
            + [mail.organizer_message_copy(message)]
        )
    logger.info("Message %s to %s people of event %s", message.pk, len(rsvps), locked.pk)
    return message


def _notify_movements_changed(event: Event, *, before: set[int]) -> None:
    """``event``'s movements changed from ``before`` (saved, its row locked): mail each
    person going or waitlisted the movements added and removed and those in which
    checking in will record their attendance, after commit; record on their RSVPs that
    they were told (``told_movements``: the new set). Nobody keeps a removed movement.
    A person without an address is not told, so check-in records nothing in an added
    movement for them. Once check-in has closed, nobody is mailed."""
    after = set(event.movements.values_list("pk", flat=True))
    added, removed = after - before, before - after
    if not added and not removed:
        return
    told = RSVP.told_movements.through
    if removed:
        told.objects.filter(rsvp__event=event, movement__in=removed).delete()
    if check_in_window(event).state(timezone.now()) == "closed":
        return
    names = dict(Movement.objects.filter(pk__in=after | removed).values_list("pk", "name"))

    def named(pks: set[int]) -> list[str]:
        return sorted((names[pk] for pk in pks), key=str.casefold)

    rsvps = RSVP.objects.filter(event=event).active().select_related("member", "event")
    messages = {
        rsvp.pk: mail.movements_changed_message(
            rsvp, added=named(added), removed=named(removed), movements=named(after)
        )
        for rsvp in rsvps.in_queue_order()
    }
    told.objects.bulk_create(
        [
            told(rsvp_id=rsvp_id, movement_id=movement_id)
            for rsvp_id, message in messages.items()
            if message is not None
            for movement_id in sorted(after)
        ],
        ignore_conflicts=True,
    )
    mail_queue(messages=list(messages.values()))


# --- outreach ------------------------------------------------------------------------------


def event_outreach_send(*, event: Event) -> list[EventInvitation]:
    """Invite the members of ``event``'s movements, if it is due for outreach
    (``events.outreach``: published, public, joint, not started): one mail each, after
    commit, to every member outreach may reach who has an ongoing engagement in one of
    its movements, has no RSVP to it and was never invited to it. Returns the invitations
    made now (none when it is not due or everyone was invited already).

    Idempotent and safe to run at the same time from many places: it holds the event's
    row lock, and ``EventInvitation`` is unique per event and member, so nobody is ever
    invited twice to one event. Call it where an event may just have become due; the
    events app does on publishing and on edits of its visibility or movements, and
    confirming a host (joint happens last) should too."""
    with transaction.atomic(durable=True):
        return _event_outreach_send(event=event)


def _event_outreach_send(*, event: Event) -> list[EventInvitation]:
    """``event_outreach_send`` inside the caller's transaction (publishing, an edit, the
    admin's change form)."""
    locked = _lock_event(event)
    if not outreach_due(locked):
        return []
    now = timezone.now()
    recipients = list(outreach_recipients(locked).order_by("pk").values_list("pk", "via_id"))
    # Under the event lock nobody else invites to this event, so every row is new; the
    # constraint (and ignore_conflicts) keeps it so even for a caller that forgot to lock.
    EventInvitation.objects.bulk_create(
        [
            EventInvitation(event=locked, member_id=member_id, movement_id=via_id, sent_at=now)
            for member_id, via_id in recipients
        ],
        ignore_conflicts=True,
    )
    invitations = list(
        EventInvitation.objects.filter(event=locked, sent_at=now)
        .select_related("member", "movement", "event")
        .prefetch_related("event__movements")
        .order_by("pk")
    )
    mail_queue(messages=[mail.invitation_message(invitation) for invitation in invitations])
    if invitations:
        logger.info("Invited %s people to event %s", len(invitations), locked.pk)
    return invitations


# --- reminders -----------------------------------------------------------------------------


def send_due_reminders(
    *, now: datetime.datetime | None = None, window: datetime.timedelta = REMINDER_WINDOW
) -> int:
    """Mail each going person of a published event starting within ``window`` (24 hours)
    a reminder with the event's .ics attached, once. Returns how many were sent.

    The RSVPs are locked with ``SKIP LOCKED`` and marked ``reminded_at`` in the same
    transaction, so two runs at the same moment (cron every few minutes) never pick the
    same RSVP; the mails leave after commit. Safe to run as often as you like."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        due = list(
            RSVP.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=RSVPStatus.GOING,
                reminded_at__isnull=True,
                event__status=EventStatus.PUBLISHED,
                event__starts_at__gt=now,
                event__starts_at__lte=now + window,
            )
            .exclude(member__email="")
            .select_related("event", "member")
            .order_by("event__starts_at", "created_at", "pk")
        )
        if not due:
            return 0
        RSVP.objects.filter(pk__in=[rsvp.pk for rsvp in due]).update(
            reminded_at=now, updated_at=timezone.now()
        )
        events_bulk_changed.send(sender=RSVP)
        mail_queue(messages=[mail.reminder_message(rsvp) for rsvp in due])
    return len(due)


# --- hosts and invitations -----------------------------------------------------------------

# An invitation nobody answered is reminded once, this long after it was sent.
HOST_REMINDER_AFTER = datetime.timedelta(days=3)


class HostError(EventError):
    """A host cannot be invited, answer or leave as asked; nothing was changed."""


class HostNotAllowed(HostError):
    """The request itself cannot be: an archived organization, a movement that is not
    the event's, an organization that does not take part in it, a cancelled event."""


class HostConflict(HostError):
    """The hosts' state forbids it: the organization already hosts or is invited, the
    invitation was already answered (or withdrawn), the last confirmed host leaving."""


def default_host_movement(*, organization: Organization, movements: list[Movement]) -> Movement:
    """The movement a host stands for when nobody chose one: the first of ``movements``
    (the event's, by slug) that ``organization`` takes part in (a participation, ongoing
    or past), else the first of them. The import's plain host slugs follow the same rule."""
    ordered = sorted(movements, key=lambda movement: (movement.slug, movement.pk))
    takes_part = set(
        Participation.objects.filter(
            organization=organization, movement__in=[m.pk for m in ordered]
        ).values_list("movement", flat=True)
    )
    return next((m for m in ordered if m.pk in takes_part), ordered[0])


def _lock_host(host: EventHost) -> EventHost:
    """The host row, locked (the caller holds the event's lock); ``HostConflict`` when it
    is gone (withdrawn meanwhile)."""
    locked = (
        EventHost.objects.select_for_update(of=("self",))
        .select_related("organization", "movement", "invited_by")
        .filter(pk=host.pk)
        .first()
    )
    if locked is None:
        raise HostConflict(f"{host.organization} is no longer a host of or invited to this event.")
    return locked


def _check_can_host(*, event: Event, organization: Organization, movement: Movement) -> None:
    """The rules for a new host or invitation (not its state): a live event, a visible
    organization, one of the event's movements, which the organization takes part in."""
    if event.status == EventStatus.CANCELLED:
        raise HostNotAllowed(f"“{event.title}” has been cancelled.")
    if organization.archived_at is not None:
        raise HostNotAllowed(f"{organization} is archived and cannot host events.")
    if not event.movements.filter(pk=movement.pk).exists():
        raise HostNotAllowed(f"“{movement}” is not one of the movements of “{event.title}”.")
    takes_part = Participation.objects.current().filter(
        organization=organization, movement=movement
    )
    if not takes_part.exists():
        raise HostNotAllowed(
            f"{organization} does not take part in {movement}; invite an organization of "
            "that movement."
        )


def event_host_invite(
    *,
    event: Event,
    organization: Organization,
    movement: Movement,
    by: AbstractBaseUser | None,
) -> EventHost:
    """Invite ``organization`` to host ``event``, standing for ``movement``; return the
    invitation (status invited). The caller checks that ``by`` may (the event's
    managers: ``permissions.can_manage_event``).

    Raises ``HostNotAllowed`` for a cancelled event, an archived organization, a movement
    that is not the event's or that the organization takes no part in now;
    ``HostConflict`` when the organization already hosts or is invited. An organization
    that declined may be invited again (the same row, waiting for an answer again), and
    another organization of the movement may be invited in its place.

    Its organizers (ongoing organizer or leader memberships with an account) are mailed
    after commit; an organization without any gets the mail at its ``contact_email``,
    with a link to ask to organize, and ``by`` is told that nobody can answer yet."""
    with transaction.atomic(durable=True):
        locked = _lock_event(event)
        _check_can_host(event=locked, organization=organization, movement=movement)
        existing = EventHost.objects.filter(event=locked, organization=organization).first()
        if existing is not None and existing.status != HostStatus.DECLINED:
            state = "hosts" if existing.status == HostStatus.CONFIRMED else "is invited to host"
            raise HostConflict(f"{organization} already {state} “{locked.title}”.")
        host = _event_host_invite(
            event=locked, organization=organization, movement=movement, by=by, row=existing
        )
    logger.info("Invited %s to host event %s by %s", organization.pk, locked.pk, by)
    return host


def _event_host_invite(
    *,
    event: Event,
    organization: Organization,
    movement: Movement,
    by: AbstractBaseUser | None,
    row: EventHost | None = None,
) -> EventHost:
    """``event_host_invite`` inside the caller's transaction, without its checks (the
    caller holds the event lock and made sure, as ``proposal_accept`` does for the
    suggested hosts): write the invitation (a new row, or ``row``, a declined one, asked
    again) and queue its mails."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("An invitation is written inside the caller's transaction.")
    now = timezone.now()
    host = row or EventHost(event=event, organization=organization)
    host.event = event
    host.movement = movement
    host.status = HostStatus.INVITED
    host.invited_by = by if getattr(by, "is_authenticated", False) else None
    host.invited_at = now
    host.decided_at = None
    host.reminded_at = None
    host.save()
    _queue_invitation(host)
    return host


def _queue_invitation(host: EventHost, *, reminder: bool = False) -> None:
    """The invitation's mails: to the organization's organizers, or else its contact
    address; and, when nobody there has an account, the inviter is told (not again for
    a reminder)."""
    addresses = mail.organizer_addresses(host.organization)
    messages = [
        mail.host_invitation_message(host, to=address, reminder=reminder) for address in addresses
    ]
    if not addresses:
        messages.append(mail.host_invitation_contact_message(host, reminder=reminder))
        if not reminder:
            messages.append(mail.host_nobody_can_answer_message(host))
    mail_queue(messages=messages)


def event_host_confirm(*, host: EventHost, by: AbstractBaseUser | None) -> EventHost:
    """Confirm an invitation: the organization hosts the event, standing for its
    movement, and its organizers manage it from now on. The inviter is mailed after
    commit. The caller checks that ``by`` may answer (``can_answer_invitation``). Raises
    ``HostConflict`` when it was already answered or withdrawn."""
    return _answer(host=host, by=by, status=HostStatus.CONFIRMED)


def event_host_decline(*, host: EventHost, by: AbstractBaseUser | None) -> EventHost:
    """Decline an invitation; the inviter is mailed after commit, and may invite another
    organization of that movement. Raises ``HostConflict`` when it was already answered
    or withdrawn."""
    return _answer(host=host, by=by, status=HostStatus.DECLINED)


def _answer(*, host: EventHost, by, status: str) -> EventHost:
    with transaction.atomic(durable=True):
        event = _lock_event(host.event)
        locked = _lock_host(host)
        if locked.status != HostStatus.INVITED:
            raise HostConflict(
                f"{locked.organization} already {locked.get_status_display().lower()} "
                f"the invitation to host “{event.title}”."
            )
        locked.status = status
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        locked.event = event
        mail_queue(messages=[mail.host_answered_message(locked)])
        if status == HostStatus.CONFIRMED:
            # Confirming a host can be what makes a published event joint: invite now.
            _event_outreach_send(event=event)
    logger.info("Host %s of event %s %s by %s", locked.pk, event.pk, status, by)
    return locked


def event_host_withdraw(*, host: EventHost, by: AbstractBaseUser | None) -> EventHost:
    """Take ``host`` off the event: a confirmed host leaves (the event stays with its
    other hosts), an invitation (or a declined one) is taken back. Returns the removed
    row (unsaved). The caller checks that ``by`` may (``can_withdraw_host``). Raises
    ``HostConflict`` for the last confirmed host: an event always has one (cancel the
    event instead), and when the row is already gone."""
    with transaction.atomic(durable=True):
        event = _lock_event(host.event)
        locked = _lock_host(host)
        if locked.status == HostStatus.CONFIRMED:
            others = EventHost.objects.confirmed().filter(event=event).exclude(pk=locked.pk)
            if not others.exists():
                raise HostConflict(
                    f"{locked.organization} is the last confirmed host of “{event.title}” "
                    "and cannot leave it; cancel the event instead, or wait until another "
                    "host confirms."
                )
        locked.delete()
    logger.info("Host %s left event %s (by %s)", host.organization_id, event.pk, by)
    return locked


def send_due_host_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind each invitation nobody answered ``HOST_REMINDER_AFTER`` (3 days) after it
    was sent, once, while its event is neither cancelled nor over. Returns how many were
    reminded. Rows are locked with ``SKIP LOCKED`` and marked ``reminded_at`` in the same
    transaction, so two runs at once never remind the same invitation; the mails leave
    after commit."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        due = list(
            EventHost.objects.select_for_update(skip_locked=True, of=("self",))
            .invited()
            .filter(
                reminded_at__isnull=True,
                invited_at__lte=now - HOST_REMINDER_AFTER,
                event__ends_at__gt=now,
            )
            .exclude(event__status=EventStatus.CANCELLED)
            .select_related("event", "organization", "movement", "invited_by")
            .order_by("invited_at", "pk")
        )
        if not due:
            return 0
        EventHost.objects.filter(pk__in=[host.pk for host in due]).update(reminded_at=now)
        for host in due:
            _queue_invitation(host, reminder=True)
    return len(due)


def _hosts_choose(
    *,
    event: Event,
    chosen: list[Organization],
    choosable: QuerySet,
    by: AbstractBaseUser | None,
) -> None:
    """The event form's hosts (inside its save, the event's movements saved): each of
    ``chosen`` (organizations ``by`` organizes) is a confirmed host, a new one standing
    for ``default_host_movement``, an invited one confirming; confirmed hosts among
    ``choosable`` that were not chosen leave. Hosts ``by`` cannot choose are untouched."""
    now = timezone.now()
    rows = {
        host.organization_id: host
        for host in EventHost.objects.filter(event=event, organization__in=choosable.values("pk"))
    }
    movements = list(event.movements.all())
    chosen_ids = {organization.pk for organization in chosen}
    for organization in chosen:
        host = rows.get(organization.pk)
        if host is None:
            EventHost.objects.create(
                event=event,
                organization=organization,
                movement=default_host_movement(organization=organization, movements=movements),
                status=HostStatus.CONFIRMED,
                decided_at=now,
            )
        elif host.status != HostStatus.CONFIRMED:
            host.status = HostStatus.CONFIRMED
            host.decided_at = now
            host.save(update_fields=["status", "decided_at"])
    gone = [
        host.pk
        for organization_id, host in rows.items()
        if organization_id not in chosen_ids and host.status == HostStatus.CONFIRMED
    ]
    for host in EventHost.objects.filter(pk__in=gone):
        host.delete()


def _hosts_follow_movements(event: Event) -> None:
    """``event``'s movements changed (saved): a host standing for a movement it no longer
    has stands for ``default_host_movement`` instead; a declined invitation for it is
    dropped."""
    movements = list(event.movements.all())
    stale = EventHost.objects.filter(event=event).exclude(movement__in=[m.pk for m in movements])
    for host in stale.select_related("organization"):
        if host.status == HostStatus.DECLINED:
            host.delete()
            continue
        host.movement = default_host_movement(organization=host.organization, movements=movements)
        host.save(update_fields=["movement"])


def unique_event_slug(title: str) -> str:
    """A slug for a new event from its title, unique among events and never reserved."""
    base = slugify(title)[:90].strip("-") or "event"
    taken = (
        set(Event.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        | RESERVED_EVENT_SLUGS
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug
