"""The event page as issue 15 (d) wants it: the RSVP right after the date and place, "who is
coming" following each RSVP, "no one yet" only when nobody at all is going, sharing, and one
time format."""

import re

import pytest
from django.test import Client

from tests.factories import EventFactory, MovementFactory, RSVPFactory, UserFactory, days_from_now
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def potluck():
    return EventFactory(
        title="Wages and Gardens Potluck",
        slug="potluck",
        starts_at=days_from_now(7),
        ends_at=days_from_now(7, hour=21),
        capacity=10,
        movements=[
            MovementFactory(slug="fight-for-15", name="Fight for $15"),
            MovementFactory(slug="food-justice", name="Food Justice"),
        ],
    )


def page(client=None, slug="potluck") -> str:
    return (client or Client()).get(f"/events/{slug}/").content.decode()


def test_the_rsvp_comes_before_the_story_in_the_page(potluck):
    body = page()

    when, rsvp, about = (
        body.index('class="lead event-head__when"'),
        body.index('id="rsvp"'),
        body.index('aria-labelledby="movements-title"'),
    )
    assert when < rsvp < about
    assert '<a class="button" href="#rsvp">RSVP</a>' in body


def test_no_one_yet_only_when_nobody_at_all_is_going(potluck):
    assert "No one yet: be the first." in page()

    RSVPFactory(event=potluck, movement=None)
    body = page()

    # One person going, through no movement: each movement's zero is withheld like any
    # count under the threshold, never "no one" beside a public total of 1.
    assert "No one yet" not in body
    counts = re.findall(r'<span class="through__count">([^<]+)</span>', body)
    assert counts == ["fewer than 5 people", "fewer than 5 people"]


def test_who_is_coming_follows_an_rsvp_out_of_band(potluck):
    client = logged_in(UserFactory())

    response = client.post("/events/potluck/rsvp/", {"guests": "0"}, **HTMX)

    body = response.content.decode()
    oob = '<section id="who-is-coming" aria-labelledby="through-title" hx-swap-oob="true">'
    assert oob in body
    assert "No one yet" not in body
    assert '<div id="rsvp-jump" hx-swap-oob="true"></div>' in body  # nothing left to do


def test_share_block_on_open_events_only(potluck):
    assert 'data-share-url="http://testserver/events/potluck/"' in page()

    potluck.status = "cancelled"
    potluck.save()
    assert "data-share-url" not in page()


def test_a_private_events_share_link_keeps_its_key_for_those_who_came_with_it(potluck):
    potluck.visibility = "private"
    potluck.save()

    body = Client().get(f"/events/potluck/?key={potluck.link_key}").content.decode()

    assert f'data-share-url="http://testserver/events/potluck/?key={potluck.link_key}"' in body


def test_times_read_in_one_format(potluck):
    body = page()

    assert re.search(r"\w+day \d{1,2} \w+ \d{4}, \d{1,2}:\d{2} (AM|PM)", body)
    assert not re.search(r"\b\d{2}:\d{2}\b(?! (AM|PM))", re.sub(r'datetime="[^"]+"', "", body))


def test_add_to_calendar_links_follow_the_address_rule(potluck):
    potluck.visibility = "private"
    potluck.address = "12 Hidden Lane"
    potluck.save()

    body = Client().get(f"/events/potluck/?key={potluck.link_key}").content.decode()

    assert 'href="https://calendar.google.com/calendar/render?' in body
    assert 'href="https://outlook.live.com/calendar/0/deeplink/compose?' in body
    assert "Hidden" not in body  # not going: neither the page nor the links carry it


def test_no_calendar_links_for_a_cancelled_event(potluck):
    potluck.status = "cancelled"
    potluck.save()

    assert "calendar.google.com" not in page()
