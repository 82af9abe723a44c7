"""Follow-through on pages (issue 16): "Did the bridge hold?" on the event page after a
measured event and on the overlap page of two movements, exact figures in words, withheld
per viewer."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import EventStatus
from tests.factories import (
    EventFactory,
    MemberFactory,
    MovementFactory,
    RSVPFactory,
    days_from_now,
)
from tests.followthrough_scenarios import SENTENCE, attend, bridge_world, small_event
from tests.helpers import ROLES, role_client

pytestmark = pytest.mark.django_db

TITLE = "Did the bridge hold?"
WITHHELD_NOTE = (
    "Counts by movement are withheld together when any of them is fewer than 5: with the "
    "total shown, the others would give it away."
)
PAIR = "/overlaps/fight-for-15/food-justice/"


@pytest.fixture
def world():
    return bridge_world()


def client_for(role, world):
    return role_client(role, host=world["union"], other=world["campus"])


def text(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, title_id: str) -> str:
    start = html.index(">", html.index(f'aria-labelledby="{title_id}"')) + 1
    return text(html[start : html.index("</section>", start)])


def follow_through(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return section(response.content.decode(), "follow-through-title")


# --- the event page -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_event_page_says_whether_the_bridge_held(world, role):
    shown = follow_through(client_for(role, world), "/events/potluck/")

    assert shown.startswith(f"{TITLE} {SENTENCE} People who checked in")
    assert "we keep counting until then" in shown  # the potluck was 30 days ago
    if role == "curator":
        assert "Fight for $15 8 0 Food Justice 3 5" in shown
        assert WITHHELD_NOTE not in shown
    else:
        # 3 came from Food Justice: under 5, and 11 − 8 would tell it.
        assert "Fight for $15 withheld withheld Food Justice withheld withheld" in shown
        assert WITHHELD_NOTE in shown


@pytest.mark.parametrize("role", ROLES)
def test_event_page_withholds_few_people(world, role):
    small_event(world, "small-potluck")

    shown = follow_through(client_for(role, world), "/events/small-potluck/")

    if role == "curator":
        assert "3 people came; 1 of them (33%) took up work in the other movement" in shown
        assert "Fight for $15 3 0 Food Justice 0 1" in shown
    else:
        assert f"{TITLE} Fewer than 5 people came. People who checked in" in shown
        assert "Came from it" not in shown  # nothing by movement when so few came


def test_event_page_after_the_window_stops_counting(world, client):
    small_event(world, "old-potluck", days_ago=200)

    shown = follow_through(client, "/events/old-potluck/")

    assert "we keep counting" not in shown


def test_event_page_with_three_movements_says_another_of_its_movements(world, curator_client):
    climate = MovementFactory(slug="climate", name="Climate", sector="environmental")
    event = small_event(world, "three-way")
    event.movements.add(climate)

    shown = follow_through(curator_client, "/events/three-way/")

    assert "1 of them (33%) took up work in another of its movements within 180 days" in shown
    assert "Fight for $15 3 0 Food Justice 0 1 Climate 0 0" in shown


def test_event_page_with_nobody_checked_in(world, curator_client, client):
    EventFactory(
        slug="empty-potluck",
        starts_at=days_from_now(-3),
        movements=[world["wages"], world["gardens"]],
    )

    assert follow_through(curator_client, "/events/empty-potluck/").startswith(
        f"{TITLE} Nobody checked in."
    )
    assert follow_through(client, "/events/empty-potluck/").startswith(
        f"{TITLE} Fewer than 5 people came."
    )


def test_event_page_shows_nothing_before_the_event_or_when_not_measured(world, curator_client):
    upcoming = EventFactory(slug="next-potluck", movements=[world["wages"], world["gardens"]])
    attend(upcoming, MemberFactory(key="early"))
    EventFactory(
        slug="called-off",
        starts_at=days_from_now(-10),
        movements=[world["wages"], world["gardens"]],
        status=EventStatus.CANCELLED,
    )
    EventFactory(slug="picnic", starts_at=days_from_now(-10), movements=[world["wages"]])
    small_event(world, "draft-night", status=EventStatus.DRAFT)

    for slug in ("next-potluck", "called-off", "picnic", "draft-night"):
        response = curator_client.get(f"/events/{slug}/")
        assert response.status_code == 200
        assert TITLE not in response.content.decode(), slug


def test_event_page_of_a_private_event_only_with_access(world, client):
    small_event(world, "strategy-night", visibility="private", link_key="k" * 24)

    assert client.get("/events/strategy-night/").status_code == 404
    assert follow_through(client, f"/events/strategy-night/?key={'k' * 24}").startswith(
        f"{TITLE} Fewer than 5 people came."
    )


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_event_page_query_count_is_fixed_whatever_the_attendance(world, client):
    page_queries(client, "/events/potluck/")  # the follow-through figures, now cached
    few = page_queries(client, "/events/potluck/")
    for n in range(10):
        attend(world["potluck"], MemberFactory(key=f"late-{n}"))
    page_queries(client, "/events/potluck/")  # the figures again, after the check-ins

    assert page_queries(client, "/events/potluck/") == few
    assert f"{TITLE} 21 people came; 5 of them (24%)" in follow_through(client, "/events/potluck/")


# --- the overlap page -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_overlap_page_shows_what_came_of_the_joint_events(world, role):
    small_event(world, "small-potluck")

    shown = section(
        client_for(role, world).get(PAIR).content.decode(), "overlap-follow-through-title"
    )

    assert shown.startswith(
        f"{TITLE} 2 joint events held: 14 people came; 6 of them (43%) took up work in the "
        "other movement within 180 days."
    )
    # Latest first, each with its date and its own figures.
    small = "3 people came; 1 of them (33%) took up work in the other movement within 180 days."
    if role != "curator":
        small = "Fewer than 5 people came."
    assert re.search(
        rf"Past joint events Small Potluck \d+ \w+ \d{{4}} : {re.escape(small)} "
        rf"Oakland potluck \d+ \w+ \d{{4}} : {re.escape(SENTENCE)}$",
        shown,
    ), shown


@pytest.mark.parametrize(
    ("role", "listed"),
    [
        ("anonymous", False),
        ("member", False),
        ("other_organizer", False),
        ("host_organizer", True),
        ("curator", True),
    ],
)
def test_overlap_page_lists_a_private_joint_event_only_to_its_managers(world, role, listed):
    small_event(world, "strategy-night", visibility="private", link_key="k" * 24)

    shown = section(
        client_for(role, world).get(PAIR).content.decode(), "overlap-follow-through-title"
    )

    assert ("Strategy Night" in shown) is listed
    assert ("k" * 24 in shown) is False


def test_overlap_page_of_a_pair_without_joint_events(world, client):
    EventFactory(slug="next-potluck", movements=[world["wages"], world["gardens"]])
    RSVPFactory(event=world["potluck"], member=MemberFactory(key="late"))
    world["potluck"].movements.remove(world["gardens"])

    shown = section(client.get(PAIR).content.decode(), "overlap-follow-through-title")

    assert shown == f"{TITLE} No joint event of these two movements has been held yet."
