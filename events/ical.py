"""iCalendar (.ics) for events, with the ``icalendar`` package.

Times are written in the site's time zone (``DTSTART;TZID=…`` with its ``VTIMEZONE``), so
calendar apps show the local time the organizers meant. A private event's address is left
out unless the caller says the reader is going (``show_address=True``, e.g. the reminder
mail to people going, or a member's personal feed of the events they are going to).
"""

import datetime
from collections.abc import Callable, Iterable

import icalendar
from django.utils import timezone

from events.models import Event, EventStatus

PRODID = "-//Coalition//Events//EN"
YEAR = datetime.timedelta(days=366)


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@coalition"


def event_location(event: Event, *, show_address: bool | None = None) -> str:
    """Venue and address; a private event's address (and online link) only when
    ``show_address`` is true. ``None`` means: show it unless the event is private."""
    if show_address is None:
        show_address = not event.is_private
    parts = [event.venue]
    if show_address:
        parts += [event.address, event.online_link]
    return ", ".join(part for part in parts if part)


def event_calendar(event: Event, *, url: str, show_address: bool | None = None) -> bytes:
    """A VCALENDAR holding one VEVENT for ``event``; ``url`` is its absolute page URL."""
    calendar = _calendar(event.title)
    calendar.add_component(_vevent(event, url=url, show_address=show_address))
    _add_timezones(calendar, [event])
    return calendar.to_ical()


def events_calendar(
    events: Iterable[Event],
    *,
    url_for: Callable[[Event], str],
    name: str = "Coalition events",
    show_address: bool | None = None,
    refresh: datetime.timedelta | None = None,
) -> bytes:
    """A VCALENDAR feed of ``events`` called ``name``; ``url_for(event)`` gives each
    absolute page URL. Private events show their address only with ``show_address=True``
    (a feed of events its reader is going to). ``refresh`` tells calendar apps how often
    to fetch the feed again (``REFRESH-INTERVAL``, RFC 7986, and ``X-PUBLISHED-TTL``)."""
    events = list(events)
    calendar = _calendar(name)
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(refresh))
    for event in events:
        calendar.add_component(_vevent(event, url=url_for(event), show_address=show_address))
    _add_timezones(calendar, events)
    return calendar.to_ical()


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _add_timezones(calendar: icalendar.Calendar, events: list[Event]) -> None:
    """The VTIMEZONE the events' times refer to, covering just the years around them."""
    if events:
        calendar.add_missing_timezones(
            first_date=min(event.starts_at for event in events).date() - YEAR,
            last_date=max(event.ends_at for event in events).date() + YEAR,
        )


def _vevent(event: Event, *, url: str, show_address: bool | None) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", (event.updated_at or timezone.now()).astimezone(datetime.UTC))
    vevent.add("dtstart", timezone.localtime(event.starts_at))
    vevent.add("dtend", timezone.localtime(event.ends_at))
    vevent.add("summary", event.title)
    description = "\n\n".join(part for part in (event.description.strip(), url) if part)
    vevent.add("description", description)
    vevent.add("url", url)
    location = event_location(event, show_address=show_address)
    if location:
        vevent.add("location", location)
    if event.status == EventStatus.CANCELLED:
        vevent.add("status", "CANCELLED")
    elif event.status == EventStatus.PUBLISHED:
        vevent.add("status", "CONFIRMED")
    else:
        vevent.add("status", "TENTATIVE")
    return vevent
