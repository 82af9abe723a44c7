"""Follow-through on pages, in words: the event page's "Did the bridge hold?" section, the
overlap page's past joint events and the organizer's /me/ (issue 16).

The figures are ``network.followthrough``'s, disclosed to each viewer exactly as its API
answers them (``disclose_event``, ``disclose_pair``): counts of people under the
disclosure threshold read "fewer than 5" for everyone but curators, and a rate is withheld
with its numerator or its denominator. Organizers of an event's hosts see no more than
anyone else here: the figures come from people's engagements in other movements, which
organizers never see.

Sentences (``event_sentence``, ``pair_sentence``):

=====================  ===================================================================
nobody checked in      "Nobody checked in." (curators only: for everyone else 0 is a
                       count under the threshold)
attendees withheld     "Fewer than 5 people came." (then the crossers are too)
crossers withheld      "11 people came; fewer than 5 of them took up work in the other
                       movement within 180 days."
none crossed           "11 people came; none of them took up work in …"
otherwise              "11 people came; 5 of them (45%) took up work in …"
=====================  ===================================================================

"the other movement" for an event of two movements, "another of its movements" for more.
Nothing is shown for events that are not measured (upcoming, cancelled, drafts, a single
movement).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import ngettext

from core import privacy
from core.roles import is_curator
from core.text import percent
from events.models import Event, EventStatus
from movements.models import Movement
from network.followthrough import (
    EventFigures,
    disclose_event,
    disclose_pair,
    is_measured,
    network_follow_through,
)

# Past joint events listed on an overlap page, latest first.
PAST_JOINT_EVENTS_SHOWN = 5


def event_totals(figures: EventFigures, *, curator: bool) -> dict:
    """``attendees``, ``crossers`` and ``rate`` of one measured event as this viewer may
    see them: the same values as ``disclose_event``, without its query."""
    attendees = privacy.disclosed(figures.attendees, curator=curator)
    crossers = privacy.disclosed(figures.crossers, curator=curator)
    rate = round(crossers / attendees, 4) if crossers is not None and attendees else None
    return {"attendees": attendees, "crossers": crossers, "rate": rate}


def _people(count: int) -> str:
    return f"{count} {ngettext('person', 'people', count)}"


def _came(attendees: int, crossers: int | None, rate: float | None, *, into: str) -> str:
    if crossers is None:
        took = f"{privacy.fewer_than('')} of them"
    elif crossers == 0:
        took = "none of them"
    else:
        took = f"{crossers} of them" + (f" ({percent(rate)})" if rate is not None else "")
    return f"{_people(attendees)} came; {took} took up work in {into}"


def event_sentence(shown: dict, *, movements: int = 2) -> str:
    """One measured event's follow-through (``disclose_event`` or ``event_totals``, plus
    ``window_days``), in words (see the module docstring)."""
    attendees = shown["attendees"]
    if attendees is None:
        return f"{privacy.fewer_than().capitalize()} came."
    if attendees == 0:
        return "Nobody checked in."
    into = "the other movement" if movements <= 2 else "another of its movements"
    came = _came(attendees, shown["crossers"], shown["rate"], into=into)
    return f"{came} within {shown['window_days']} days."


def pair_sentence(shown: dict, *, window_days: int) -> str:
    """A pair's follow-through (``disclose_pair``) in words."""
    events = shown["events"]
    if not events:
        return "No joint event of these two movements has been held yet."
    held = ngettext("%(n)d joint event held", "%(n)d joint events held", events) % {"n": events}
    attendees = shown["attendees"]
    if attendees is None:
        return f"{held}: {privacy.fewer_than()} came."
    if attendees == 0:
        return f"{held}: nobody checked in."
    came = _came(attendees, shown["crossers"], shown["rate"], into="the other movement")
    return f"{held}: {came} within {window_days} days."


# --- the event page -------------------------------------------------------------------------


def event_follow_through(
    event: Event, *, user, now: datetime.datetime | None = None
) -> dict | None:
    """The context of the event page's "Did the bridge hold?" section, or None when the
    event is not measured. No query for an event that has not ended (the page's query
    count stays the same); for a measured one, the cached figures and one query."""
    now = now or timezone.now()
    if event.status != EventStatus.PUBLISHED or event.ends_at >= now:
        return None
    if not is_measured(event, now=now):
        return None
    curator = is_curator(user)
    shown = disclose_event(event, curator=curator, now=now)
    if not shown["measured"]:
        return None
    movements = {m.slug: m for m in event.movements.all()}
    # Nothing by movement when fewer than the threshold came (or nobody): each is smaller.
    by_movement = [
        {**row, "movement": movements[row["movement"]]}
        for row in (shown["by_movement"] if shown["attendees"] else [])
    ]
    day = timezone.localdate(event.starts_at)
    window_ends = day + datetime.timedelta(days=shown["window_days"])
    return {
        "event": event,
        "shown": shown,
        "sentence": event_sentence(shown, movements=len(shown["by_movement"])),
        "by_movement": by_movement,
        "group_withheld": any(
            row["came_from"] is None or row["crossed_in"] is None for row in by_movement
        ),
        "window_ends": window_ends,
        "still_counting": timezone.localdate(now) <= window_ends,
        "threshold": privacy.threshold(),
        "curator": curator,
    }


# --- the overlap page -----------------------------------------------------------------------


def pair_follow_through(
    first: Movement, second: Movement, *, user, now: datetime.datetime | None = None
) -> dict:
    """The overlap page's follow-through: the pair's figures (``disclose_pair``) in words,
    and its latest past joint events this viewer may open, each with its own figures in
    words. Two queries besides the cached figures."""
    now = now or timezone.now()
    curator = is_curator(user)
    network = network_follow_through(now=now)
    shown = disclose_pair(first, second, curator=curator, now=now)
    events = (
        Event.objects.linkable_for(user)
        .filter(status=EventStatus.PUBLISHED, ends_at__lt=now)
        .filter(movements=first)
        .filter(movements=second)
        .order_by("-starts_at", "-pk")[:PAST_JOINT_EVENTS_SHOWN]
    )
    past = []
    for event in events:
        # An event that ended within the hour may not be in the cached figures yet.
        if (figures := network.events.get(event.pk)) is not None:
            totals = {**event_totals(figures, curator=curator), "window_days": network.window_days}
            past.append((event, event_sentence(totals, movements=len(figures.movement_ids))))
    return {
        "follow_through": shown,
        "follow_through_sentence": pair_sentence(shown, window_days=network.window_days),
        "follow_through_events": past,
        "follow_through_window_days": network.window_days,
    }


# --- the organizer's /me/ -------------------------------------------------------------------


def hosted_follow_through(events, *, user, now: datetime.datetime | None = None) -> dict[int, str]:
    """For /me/: the follow-through of each of ``events`` (the past events an organizer's
    organizations host) that is measured, in one sentence, by event id. No query besides
    the cached figures."""
    network = network_follow_through(now=now)
    curator = is_curator(user)
    lines = {}
    for event in events:
        figures = network.events.get(event.pk)
        if figures is None:
            continue
        totals = {**event_totals(figures, curator=curator), "window_days": network.window_days}
        lines[event.pk] = event_sentence(totals, movements=len(figures.movement_ids))
    return lines
