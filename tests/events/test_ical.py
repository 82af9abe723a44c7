import datetime
import zoneinfo

import icalendar
import pytest
from django.utils import timezone

from events.ical import event_calendar, events_calendar
from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")


def only_vevent(body: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(body)
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 1
    return vevents[0]


def test_event_calendar_parses_back_with_uid_times_url_and_location():
    starts = datetime.datetime(2030, 5, 1, 18, 0, tzinfo=LOS_ANGELES)
    event = EventFactory(
        title="Potluck for food and wages",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        venue="Community hall",
        address="1 Main Street, Oakland",
    )

    body = event_calendar(event, url="https://coalition.example.org/events/potluck/")

    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Coalition//Events//EN"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]
    vevent = only_vevent(body)
    assert str(vevent["UID"]) == f"event-{event.pk}@coalition"
    assert str(vevent["SUMMARY"]) == "Potluck for food and wages"
    assert vevent.decoded("DTSTART") == starts
    assert vevent.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=-7)
    assert vevent.decoded("DTEND") == starts + datetime.timedelta(hours=3)
    assert vevent["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert vevent.decoded("DTSTAMP").tzinfo is not None
    assert str(vevent["URL"]) == "https://coalition.example.org/events/potluck/"
    assert str(vevent["LOCATION"]) == "Community hall, 1 Main Street, Oakland"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["DESCRIPTION"]) == (
        "An event used in tests.\n\nhttps://coalition.example.org/events/potluck/"
    )


def test_event_calendar_of_a_private_event_leaves_out_the_address():
    event = EventFactory(visibility="private", online_link="https://meet.example.org/x")

    vevent = only_vevent(event_calendar(event, url="https://example.org/e/"))

    assert str(vevent["LOCATION"]) == "Community hall"


def test_event_calendar_of_a_private_event_for_someone_going_has_the_address():
    event = EventFactory(visibility="private")

    vevent = only_vevent(event_calendar(event, url="https://example.org/e/", show_address=True))

    assert str(vevent["LOCATION"]) == "Community hall, 1 Main Street, Oakland"


def test_event_calendar_without_a_place_has_no_location():
    event = EventFactory(venue="", address="")

    vevent = only_vevent(event_calendar(event, url="https://example.org/e/"))

    assert "LOCATION" not in vevent


def test_event_calendar_marks_a_cancelled_event():
    event = EventFactory(status="cancelled")

    vevent = only_vevent(event_calendar(event, url="https://example.org/e/"))

    assert str(vevent["STATUS"]) == "CANCELLED"


def test_events_calendar_has_one_vevent_per_event_with_its_url():
    first = EventFactory(slug="first")
    second = EventFactory(slug="second", visibility="private")

    body = events_calendar(
        Event.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk"),
        url_for=lambda event: f"https://example.org/events/{event.slug}/",
    )

    vevents = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert [(str(v["UID"]), str(v["URL"]), str(v["LOCATION"])) for v in vevents] == [
        (
            f"event-{first.pk}@coalition",
            "https://example.org/events/first/",
            "Community hall, 1 Main Street, Oakland",
        ),
        (f"event-{second.pk}@coalition", "https://example.org/events/second/", "Community hall"),
    ]


def test_events_calendar_for_people_going_names_itself_shows_addresses_and_asks_for_refresh():
    event = EventFactory(slug="private", visibility="private", address="7 Secret Lane")

    body = events_calendar(
        [event],
        url_for=lambda event: f"https://example.org/events/{event.slug}/",
        name="My Coalition events",
        show_address=True,
        refresh=datetime.timedelta(hours=1),
    )

    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "My Coalition events"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in body
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.pk}@coalition"
    assert str(vevent["LOCATION"]) == "Community hall, 7 Secret Lane"


def test_events_calendar_of_no_events_is_an_empty_calendar():
    calendar = icalendar.Calendar.from_ical(events_calendar([], url_for=str))

    assert calendar.walk("VEVENT") == []
    assert str(calendar["PRODID"]) == "-//Coalition//Events//EN"


def test_event_calendar_writes_times_in_the_current_time_zone():
    starts = datetime.datetime(2030, 1, 10, 9, 0, tzinfo=datetime.UTC)
    event = EventFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=1))

    with timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")):
        vevent = only_vevent(event_calendar(event, url="https://example.org/e/"))

    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert vevent.decoded("DTSTART") == starts
