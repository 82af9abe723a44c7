"""The mails events send: composed here, queued by ``events/services.py`` in the outbox
(``worker.services.mail_queue``) and sent by the task worker after commit.

Bodies are plain-text templates in ``templates/events/email/``. Each ``*_message``
function returns an ``EmailMessage`` for one RSVP, or ``None`` when the person has no
address. Every mail goes to one person: no other address in To, and no Cc, Bcc or
Reply-To, so nobody learns another's address. A private event's address is only ever
written into mails to people going.
"""

from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.conf import app_settings
from events.ical import event_calendar, event_location
from events.models import (
    RSVP,
    Event,
    EventInvitation,
    EventMessage,
    MessageAudience,
    RSVPStatus,
)
from events.outreach import invitation_link
from movements.verification import unsubscribe_url

FIELD_LABELS = {
    "starts_at": "start time",
    "ends_at": "end time",
    "venue": "venue",
    "address": "address",
    "online_link": "online link",
}


def site_url(path: str = "") -> str:
    """Absolute URL for ``path`` on this site (``COALITION_SITE_URL``)."""
    return f"{app_settings.SITE_URL}{path}"


def event_url(event: Event) -> str:
    """The event's page; a private event's carries its secret link key, so a person who
    cancels (and so no longer opens it by their RSVP) can still come back."""
    return site_url(event.get_link_url())


def promoted_message(rsvp: RSVP) -> EmailMessage | None:
    """To someone moved from the waitlist to going."""
    return _message(rsvp, "promoted", f"You're in: {rsvp.event.title}")


def event_cancelled_message(rsvp: RSVP, *, reason: str = "") -> EmailMessage | None:
    """To someone going or waitlisted, when the event is cancelled."""
    return _message(rsvp, "cancelled", f"Cancelled: {rsvp.event.title}", reason=reason)


def event_updated_message(rsvp: RSVP, *, changed_fields: list[str]) -> EmailMessage | None:
    """To someone going, when the event's time or place changed."""
    changes = [FIELD_LABELS.get(field, field.replace("_", " ")) for field in changed_fields]
    return _message(rsvp, "updated", f"Changed: {rsvp.event.title}", changes=changes)


def movements_changed_message(
    rsvp: RSVP, *, added: list[str], removed: list[str], movements: list[str]
) -> EmailMessage | None:
    """To someone going or waitlisted, when the event's movements changed: the movements
    ``added`` and ``removed`` (names), and those checking in will record their attendance
    in (``movements``, the event's now)."""
    return _message(
        rsvp,
        "movements",
        f"Movements changed: {rsvp.event.title}",
        added=added,
        removed=removed,
        movements=movements,
    )


def reminder_message(rsvp: RSVP) -> EmailMessage | None:
    """To someone going, about a day before; the event's .ics is attached."""
    event = rsvp.event
    day = timezone.localtime(event.starts_at).strftime("%a %-d %b")
    message = _message(rsvp, "reminder", f"Reminder: {event.title}, {day}")
    if message is not None:
        message.attach(
            f"{event.slug}.ics",
            event_calendar(event, url=event_url(event), show_address=True),
            "text/calendar",
        )
    return message


def invitation_message(invitation: EventInvitation) -> EmailMessage | None:
    """Outreach: the one invitation a member gets to a joint event, its link carrying
    ``?via=<movement>`` (the movement they are invited through), with the one-click way
    out in the body and in the ``List-Unsubscribe`` headers (RFC 2369, RFC 8058: mail
    programs POST the link on their own). ``None`` for a member without an address."""
    member, event = invitation.member, invitation.event
    if not member.email:
        return None
    stop_url = unsubscribe_url(member)
    link = site_url(invitation_link(event, invitation.movement))
    body = render_to_string(
        "events/email/invitation.txt",
        {
            "member": member,
            "event": event,
            "via": invitation.movement,
            "movements": [movement.name for movement in event.movements.all()],
            "location": event_location(event),
            "event_url": link,
            "unsubscribe_url": stop_url,
            "me_url": site_url(reverse("me")),
        },
    )
    return EmailMessage(
        subject=" ".join(f"You're invited: {event.title}".split()),
        body=body,
        to=[member.email],
        headers={
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def via_coalition(name: str) -> str:
    """The site's sender address under the display name "<name> via Coalition", so that
    a message shows who wrote it without giving their address."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if "@" not in address:
        return settings.DEFAULT_FROM_EMAIL
    return str(Address(display_name=f"{name} via Coalition", addr_spec=address))


AUDIENCE_PHRASES = {
    MessageAudience.GOING: "the people going to",
    MessageAudience.WAITLISTED: "the people on the waitlist for",
    MessageAudience.GOING_AND_WAITLISTED: "the people going to or waitlisted for",
}


def organizer_message(message: EventMessage, rsvp: RSVP) -> EmailMessage | None:
    """An organizer's ``message`` to one person going or waitlisted. From the site's
    address as "<sender> via Coalition"; replies go to the site, never to the sender's
    own address, which stays as private as the recipient's."""
    email = _message(
        rsvp,
        "organizer_message",
        message.subject,
        message=message,
        audience=AUDIENCE_PHRASES[message.audience],
    )
    if email is not None:
        email.from_email = via_coalition(message.sender_name)
    return email


def organizer_message_copy(message: EventMessage) -> EmailMessage | None:
    """The sender's own copy of ``message``, saying how many it went to (never who);
    ``None`` when the sender has no address (or no account any more)."""
    sender = message.sender
    if sender is None or not sender.email:
        return None
    event = message.event
    body = render_to_string(
        "events/email/organizer_message_copy.txt",
        {
            "message": message,
            "event": event,
            "audience": AUDIENCE_PHRASES[message.audience],
            "log_url": site_url(reverse("events:event_messages", kwargs={"slug": event.slug})),
        },
    )
    return EmailMessage(
        subject=" ".join(f"Copy: {message.subject}".split()),
        body=body,
        from_email=via_coalition(message.sender_name),
        to=[sender.email],
    )


def _message(rsvp: RSVP, template: str, subject: str, **context) -> EmailMessage | None:
    member, event = rsvp.member, rsvp.event
    if not member.email:
        return None
    going = rsvp.status == RSVPStatus.GOING
    body = render_to_string(
        f"events/email/{template}.txt",
        {
            "rsvp": rsvp,
            "member": member,
            "event": event,
            "going": going,
            "location": event_location(event, show_address=going or None),
            "event_url": event_url(event),
            "site_url": site_url("/"),
            **context,
        },
    )
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[member.email],
    )
