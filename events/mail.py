"""The mails events send: composed here, queued by ``events/services.py`` in the outbox
(``worker.services.mail_queue``) and sent by the task worker after commit.

Bodies are plain-text templates in ``templates/events/email/``. Each ``*_message``
function returns an ``EmailMessage`` for one RSVP, or ``None`` when the person has no
address. Every mail goes to one person: no other address in To, and no Cc, Bcc or
Reply-To, so nobody learns another's address. A private event's address is only ever
written into mails to people going.

Host invitations (``host_*``) go to the invited organization's organizers, one mail each,
or to its public contact address when nobody there has an account; their answers go to
the person who invited.
"""

from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.conf import app_settings
from core.text import join_names
from events.calendar_links import calendar_links
from events.ical import event_calendar, event_location
from events.manage_links import manage_url
from events.models import (
    RSVP,
    Event,
    EventHost,
    EventInvitation,
    EventMessage,
    HostStatus,
    MessageAudience,
    RSVPStatus,
)
from events.outreach import invitation_link
from movements.models import Membership, MembershipRole, Organization
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


def rsvp_confirmation_message(rsvp: RSVP, *, again: bool = False) -> EmailMessage | None:
    """To someone who RSVP'd (with or without an account): going, or their place on the
    waitlist, with the link that manages the RSVP without logging in. ``again``: the
    person already had this RSVP (they asked for their link, or RSVP'd twice); nothing
    changed. Opening the link confirms the address (PRODUCT.md, "Consent and
    verification")."""
    event = rsvp.event
    going = rsvp.status == RSVPStatus.GOING
    if again:
        subject = f"Your RSVP: {event.title}"
    elif going:
        subject = f"You're going: {event.title}"
    else:
        subject = f"On the waitlist: {event.title}"
    return _with_calendar(
        rsvp,
        "rsvp_confirmation",
        subject,
        again=again,
        position=_waitlist_position(rsvp),
    )


def _waitlist_position(rsvp: RSVP) -> int | None:
    if rsvp.status != RSVPStatus.WAITLISTED:
        return None
    return RSVP.objects.waitlisted().ahead_of(rsvp).count() + 1


def promoted_message(rsvp: RSVP) -> EmailMessage | None:
    """To someone moved from the waitlist to going: the place, now with a private event's
    address, the calendar file and links, and the manage link."""
    return _with_calendar(rsvp, "promoted", f"You're in: {rsvp.event.title}")


def _with_calendar(rsvp: RSVP, template: str, subject: str, **context) -> EmailMessage | None:
    """A mail about ``rsvp`` that carries the event for the person's calendar: the
    add-to-calendar links (``calendar_links``) and the manage link in the body, the
    ``.ics`` attached. Going or waitlisted alike; the place follows the address rule
    (a private event's address and online link only for someone going)."""
    event = rsvp.event
    show_address = rsvp.status == RSVPStatus.GOING or not event.is_private
    url = event_url(event)
    message = _message(
        rsvp,
        template,
        subject,
        calendar_links=calendar_links(event, show_address=show_address, url=url),
        manage_url=manage_url(rsvp),
        **context,
    )
    if message is not None:
        _attach_calendar(message, event, show_address=show_address)
    return message


def _attach_calendar(message: EmailMessage, event: Event, *, show_address: bool) -> None:
    message.attach(
        f"{event.slug}.ics",
        event_calendar(event, url=event_url(event), show_address=show_address),
        "text/calendar",
    )


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
        _attach_calendar(message, event, show_address=True)
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


# --- hosts and invitations -----------------------------------------------------------------

# Where someone without an account asks to organize for an organization (issue 14 a).
ASK_TO_ORGANIZE_PATH = "/organizations/{slug}/organize/"


def organizer_addresses(organization: Organization) -> list[str]:
    """The addresses of ``organization``'s organizers who have an account (an ongoing
    organizer or leader membership, an active login): each one's account address, else
    their member address. Sorted, without repeats; empty when nobody there can answer."""
    rows = Membership.objects.filter(
        organization=organization,
        until__isnull=True,
        role__in=MembershipRole.organizing(),
        member__user__isnull=False,
        member__user__is_active=True,
    ).values_list("member__user__email", "member__email")
    return sorted({user_email or member_email for user_email, member_email in rows} - {""})


def user_address(user) -> str:
    """Where to write to a user: their account's address, else their member record's."""
    if user is None:
        return ""
    if user.email:
        return user.email
    member = getattr(user, "member", None)
    return member.email if member is not None else ""


def _host_context(host: EventHost) -> dict:
    """What the host mails show. The invitation names the inviting organizations (the
    confirmed hosts), never a person: it may go to a public contact address."""
    event = host.event
    inviting = list(
        EventHost.objects.confirmed()
        .filter(event=event)
        .exclude(pk=host.pk)
        .order_by("organization__name")
        .values_list("organization__name", flat=True)
    )
    return {
        "inviting": join_names(inviting) if inviting else f"The hosts of “{event.title}”",
        "inviting_count": len(inviting),
        "host": host,
        "event": event,
        "organization": host.organization,
        "movement": host.movement,
        "movements": list(event.movements.order_by("name")),
        "inviter": _person_name(host.invited_by),
        "event_url": site_url(event.get_absolute_url()),
        "location": event_location(event, show_address=False),
        "site_url": site_url("/"),
    }


def _person_name(user) -> str:
    """How a mail names a user: their member name, else their full name; never their
    username, which may be an email address."""
    if user is None:
        return ""
    member = getattr(user, "member", None)
    return " ".join(((member.name if member else "") or user.get_full_name()).split())


def _host_mail(to: str, template: str, subject: str, **context) -> EmailMessage | None:
    if not to:
        return None
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string(f"events/email/{template}.txt", context),
        to=[to],
    )


def host_invitation_message(
    host: EventHost, *, to: str, reminder: bool = False
) -> EmailMessage | None:
    """To one organizer of the invited organization: what the event is, which movement
    their organization would stand for, and where to confirm or decline."""
    prefix = "Reminder: " if reminder else ""
    return _host_mail(
        to,
        "host_invitation",
        f"{prefix}{host.organization.name} is invited to co-host “{host.event.title}”",
        reminder=reminder,
        **_host_context(host),
    )


def host_invitation_contact_message(
    host: EventHost, *, reminder: bool = False
) -> EmailMessage | None:
    """To the invited organization's public contact address, when nobody there has an
    organizer account: the invitation, and the link to ask to organize (then answer it
    on Coalition). None without a contact address."""
    prefix = "Reminder: " if reminder else ""
    organization = host.organization
    return _host_mail(
        organization.contact_email,
        "host_invitation_contact",
        f"{prefix}{organization.name} is invited to co-host “{host.event.title}”",
        reminder=reminder,
        organize_url=site_url(ASK_TO_ORGANIZE_PATH.format(slug=organization.slug)),
        **_host_context(host),
    )


def host_nobody_can_answer_message(host: EventHost) -> EmailMessage | None:
    """To the inviter, when nobody at the invited organization has an organizer account:
    nobody can answer on Coalition until someone asks to organize for it."""
    return _host_mail(
        user_address(host.invited_by),
        "host_nobody_can_answer",
        f"Nobody at {host.organization.name} can answer your invitation yet",
        **_host_context(host),
    )


def host_answered_message(host: EventHost) -> EmailMessage | None:
    """To the inviter: the invited organization confirmed or declined."""
    confirmed = host.status == HostStatus.CONFIRMED
    verb = "will co-host" if confirmed else "declined to co-host"
    return _host_mail(
        user_address(host.invited_by),
        "host_answered",
        f"{host.organization.name} {verb} “{host.event.title}”",
        confirmed=confirmed,
        hosts_url=site_url(reverse("events:event_hosts", kwargs={"slug": host.event.slug})),
        **_host_context(host),
    )
