"""Text that people type or import is shown as text: a movement called
``<script>alert(1)</script>``, an organization, a theme, an event and the proposals built from
them render escaped on every page that shows them, and stay plain strings in JSON and in
calendar files."""

import json

import pytest
from django.utils.html import escape

from events.models import Proposal
from movements.models import Movement, Organization, Region, Theme
from network.proposals.engine import proposals_refresh
from tests.factories import PINNED_TODAY, EventFactory

pytestmark = pytest.mark.django_db

MOVEMENT = "<script>alert(1)</script>"
STUDENTS = '<img src=x onerror="alert(2)">'
ORGANIZATION = "<b>Union</b> & <i>Friends</i>"
THEME = "<u>food</u>"
REGION = "<em>Oakland</em>"
EVENT = '<script>alert("event")</script>'
DESCRIPTION = "<a href='javascript:alert(3)'>Bring food</a>"
PROPOSAL = "Panel on <marquee>divestment</marquee>"
HOSTILE = [MOVEMENT, STUDENTS, ORGANIZATION, THEME, REGION, EVENT, DESCRIPTION, PROPOSAL]


@pytest.fixture
def hostile(proposal_network):
    """The proposals pages' network, renamed with markup; a proposal and an event too."""
    Movement.objects.filter(slug="fight-for-15").update(name=MOVEMENT)
    Movement.objects.filter(slug="fossil-free").update(name=STUDENTS)
    Organization.objects.filter(slug="fast-food-union").update(name=ORGANIZATION)
    Theme.objects.filter(slug="food").update(name=THEME)
    Region.objects.filter(slug="oakland").update(name=REGION)
    proposals_refresh(today=PINNED_TODAY)
    Proposal.objects.filter(kind="panel").update(title=PROPOSAL)
    event = EventFactory(
        slug="potluck",
        title=EVENT,
        description=DESCRIPTION,
        movements=[proposal_network["fast_food"], proposal_network["food_justice"]],
        hosts=[proposal_network["union"]],
        region=proposal_network["oakland"],
    )
    return {
        "event": event,
        "potluck": Proposal.objects.get(kind="potluck"),
        "panel": Proposal.objects.get(kind="panel"),
    }


# Each page and the hostile texts it shows (escaped).
PAGES = {
    "/": [MOVEMENT, STUDENTS],
    "/movements/": [MOVEMENT, STUDENTS, THEME, REGION],
    "/movements/fight-for-15/": [MOVEMENT, ORGANIZATION, THEME, REGION],
    "/movements/food-justice/": [MOVEMENT, THEME, REGION],
    "/organizations/": [ORGANIZATION],
    "/organizations/fast-food-union/": [ORGANIZATION, MOVEMENT],
    "/map/table/": [MOVEMENT, STUDENTS],
    "/overlaps/fight-for-15/food-justice/": [MOVEMENT, THEME, REGION],
    "/events/": [EVENT, MOVEMENT, REGION],
    "/events/potluck/": [EVENT, DESCRIPTION, MOVEMENT, ORGANIZATION, REGION],
    "/proposals/": [MOVEMENT, STUDENTS, ORGANIZATION, THEME, REGION, PROPOSAL],
    "/proposals/{potluck}/": [MOVEMENT, ORGANIZATION, THEME, REGION],
    "/proposals/{panel}/": [STUDENTS, PROPOSAL],
}


@pytest.mark.parametrize("path", list(PAGES))
def test_markup_in_names_renders_as_text(client, hostile, path):
    response = client.get(path.format(potluck=hostile["potluck"].pk, panel=hostile["panel"].pk))

    body = response.content.decode()
    assert response.status_code == 200
    assert [text for text in HOSTILE if text in body] == []
    assert [text for text in PAGES[path] if escape(text) not in body] == []


def test_curators_see_the_same_escaping(curator_client, hostile):
    body = curator_client.get("/events/potluck/").content.decode()

    assert [text for text in HOSTILE if text in body] == []
    assert escape(EVENT) in body


def test_graph_json_carries_names_as_json_strings(client, hostile):
    response = client.get("/map/graph.json")

    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    names = {node["id"]: node["name"] for node in json.loads(response.content)["nodes"]}
    assert names["movement:fight-for-15"] == MOVEMENT
    assert names["movement:fossil-free"] == STUDENTS


def test_api_returns_names_unchanged_as_json(client, hostile):
    movement = client.get("/api/movements/fight-for-15/").json()
    event = client.get("/api/events/potluck/").json()

    assert movement["name"] == MOVEMENT
    assert event["title"] == EVENT


def test_calendar_file_is_plain_text_not_html(client, hostile):
    response = client.get("/events/potluck.ics")

    assert response.headers["Content-Type"].startswith("text/calendar")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert f"SUMMARY:{EVENT}" in response.content.decode()
