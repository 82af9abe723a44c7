"""Outreach: inviting the members of an event's movements (PRODUCT.md, "Organizing
together"). The reads and rules live here; the write that sends is
``events.services.event_outreach_send``.

- **When**: an event is *due* for outreach (``outreach_due``) while it is published,
  public, joint and not started. Whichever of those happens last triggers the sending:
  publishing (``event_publish``), an edit that makes it public or changes its movements
  (``event_update``), and, once hosts exist, a host confirming (the caller runs
  ``event_outreach_send`` then). Private events never send outreach.
- **Joint** is one seam, ``is_joint``: for now "two or more movements"; when events know
  their confirmed hosts it becomes "confirmed hosts stand for two or more movements"
  (``Event.is_joint``), and nothing else here changes.
- **Who**: members who may receive outreach (``Member.objects.outreach_allowed()``:
  opted in, with an address that is confirmed or came with an imported opt-in), with an
  ongoing engagement in one of the event's movements, not invited to it yet and without an
  RSVP to it (they know it already).
- **Through which movement** (the link's ``?via=``): the movement of their most recent
  ongoing engagement among the event's movements (latest ``since``; an unknown ``since``
  is the oldest).
- **Once**: ``EventInvitation`` is unique per event and member, and the sending holds
  the event's row lock, so however often or concurrently it runs nobody gets a second
  mail for an event.
- **What organizers see**: counts per movement (``invitation_figures``), suppressed
  below the disclosure threshold for everyone but curators (``core.privacy``), never
  who; before publishing, an estimate computed the same way.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.http import urlencode

from core.privacy import people_label, withheld
from events.models import RSVP, Event, EventInvitation, EventStatus, EventVisibility
from movements.models import Engagement, Member, Movement


def is_joint(event: Event) -> bool:
    """Whether ``event`` is joint: its confirmed hosts stand for two or more movements
    (``Event.is_joint``; a prefetch or the ``joint`` annotation when there is one)."""
    return event.is_joint


def outreach_due(event: Event, *, now: datetime.datetime | None = None) -> bool:
    """Whether ``event`` invites the members of its movements now: published, public,
    joint and not started yet (an invitation to RSVP after RSVPs closed helps nobody)."""
    return event.status == EventStatus.PUBLISHED and would_invite_when_published(event, now=now)


def would_invite_when_published(event: Event, *, now: datetime.datetime | None = None) -> bool:
    """``outreach_due`` but for the status: what a draft's hosts are told before they
    publish."""
    return (
        event.visibility == EventVisibility.PUBLIC
        and event.starts_at > (now or timezone.now())
        and is_joint(event)
    )


def outreach_recipients(event: Event, *, today: datetime.date | None = None) -> QuerySet:
    """The members outreach for ``event`` would mail now (whatever its status): see the
    module docstring. Each is annotated ``via_id``, the movement they are invited
    through. ``today`` decides which engagements are ongoing (the site's date)."""
    today = today or timezone.localdate()
    engaged = Engagement.objects.ongoing_on(today).filter(
        movement__in=event.movements.values("pk")
    )
    latest = (
        engaged.filter(member=OuterRef("pk"))
        .order_by(F("since").desc(nulls_last=True), "-pk")
        .values("movement")[:1]
    )
    return (
        Member.objects.outreach_allowed()
        .filter(pk__in=engaged.values("member"))
        .exclude(pk__in=EventInvitation.objects.filter(event=event).values("member"))
        .exclude(pk__in=RSVP.objects.filter(event=event).values("member"))
        .annotate(via_id=Subquery(latest))
    )


def outreach_estimate(event: Event, *, today: datetime.date | None = None) -> dict[int, int]:
    """``{movement id: people}`` outreach would invite for ``event`` now, in one query."""
    rows = (
        outreach_recipients(event, today=today)
        .order_by()
        .values_list("via_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def invitation_link(event: Event, movement: Movement | None) -> str:
    """The path an invitation (or a share link) for ``event`` through ``movement`` opens:
    ``/events/<slug>/?via=<movement>``, with a private event's ``key`` too."""
    query = {}
    if movement is not None:
        query["via"] = movement.slug
    if event.is_private:
        query["key"] = event.link_key
    path = event.get_absolute_url()
    return f"{path}?{urlencode(query)}" if query else path


@dataclass(frozen=True)
class InvitationFigures:
    """How many people outreach invited (or would invite) per movement, as one viewer
    may see them: ``rows`` of (movement, label), and ``total``, a label, or "" when it
    would reveal a withheld row (for anyone but a curator, the total shows only when no
    row is withheld: a total beside shown rows would give away the hidden one)."""

    rows: list[tuple[Movement, str]] = field(default_factory=list)
    total: str = ""


def invitation_figures(
    counts: dict[int, int], movements: list[Movement], *, curator: bool
) -> InvitationFigures:
    """``counts`` (``{movement id: people}``) per movement of ``movements``, labelled
    for this viewer (``core.privacy.people_label``)."""
    numbers = [counts.get(movement.pk, 0) for movement in movements]
    rows = [
        (movement, people_label(n, curator=curator))
        for movement, n in zip(movements, numbers, strict=True)
    ]
    hidden = any(withheld(n, curator=curator) for n in numbers)
    total = "" if hidden else people_label(sum(numbers), curator=curator)
    return InvitationFigures(rows=rows, total=total)


@dataclass(frozen=True)
class OutreachSummary:
    """What the event's manage box says about outreach: ``state`` is "private",
    "not_joint", "estimate" (a draft that publishing would make due), "closed" (a
    draft that has started) or "invited"; ``figures`` the counts for this viewer."""

    state: str
    figures: InvitationFigures | None = None


def outreach_summary(event: Event, *, curator: bool) -> OutreachSummary:
    """Outreach for ``event``'s managers (two queries at most: its movements, which a
    page has usually prefetched, and one count)."""
    movements = list(event.movements.all())
    if event.status == EventStatus.DRAFT:
        if event.is_private:
            return OutreachSummary("private")
        if not is_joint(event):
            return OutreachSummary("not_joint")
        if not would_invite_when_published(event):
            return OutreachSummary("closed")
        counts = outreach_estimate(event)
        return OutreachSummary("estimate", invitation_figures(counts, movements, curator=curator))
    counts = EventInvitation.objects.filter(event=event).count_by_movement()
    if not counts:
        if event.is_private:
            return OutreachSummary("private")
        if not is_joint(event):
            return OutreachSummary("not_joint")
    return OutreachSummary("invited", invitation_figures(counts, movements, curator=curator))
