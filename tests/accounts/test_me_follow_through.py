"""/me/ for organizers (issue 16): each past event my organizations host, when it is
measured, with its follow-through in one line; disclosed as on the event's page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.selectors import organizer_dashboard
from tests.factories import EventFactory, MemberFactory, days_from_now
from tests.followthrough_scenarios import SENTENCE, attend, bridge_world, small_event
from tests.helpers import logged_in, make_organizer

pytestmark = pytest.mark.django_db

LABEL = "Did the bridge hold?"


@pytest.fixture
def world():
    return bridge_world()


def past_cards(user) -> dict[str, str]:
    """The past events of /me/, by title: the text of their cards."""
    page = logged_in(user).get("/me/").content.decode()
    start = page.index('aria-labelledby="hosted-past-title"')
    cards = re.findall(r"<li[^>]*>(.*?)</li>", page[start : page.index("</ul>", start)], re.S)
    found = {}
    for card in cards:
        words = " ".join(re.sub(r"<[^>]+>", " ", card).split())
        found[re.search(r'card__title"><a [^>]*>([^<]+)</a>', card).group(1)] = words
    return found


def test_me_shows_the_follow_through_of_each_past_joint_event(world):
    small_event(world, "small-potluck")
    EventFactory(
        slug="union-picnic",
        title="Union picnic",
        starts_at=days_from_now(-5),
        movements=[world["wages"]],
        hosts=[world["union"]],
    )
    EventFactory(
        slug="next-potluck",
        title="Next potluck",
        movements=[world["wages"], world["gardens"]],
        hosts=[world["union"]],
    )
    organizer = make_organizer(world["union"], "una")

    cards = past_cards(organizer)

    assert list(cards) == ["Union picnic", "Small Potluck", "Oakland potluck"]
    assert cards["Oakland potluck"].endswith(f"{LABEL} {SENTENCE}")
    # An organizer sees what everyone sees: 3 attendees is under the threshold.
    assert cards["Small Potluck"].endswith(f"{LABEL} Fewer than 5 people came.")
    assert LABEL not in cards["Union picnic"]  # one movement: not measured


def test_me_follow_through_is_exact_for_a_curator_who_organizes(world):
    small_event(world, "small-potluck")
    curator = make_organizer(world["union"], "cora")
    curator.is_staff = curator.is_superuser = True
    curator.save()

    cards = past_cards(curator)

    assert cards["Small Potluck"].endswith(
        f"{LABEL} 3 people came; 1 of them (33%) took up work in the other movement within "
        "180 days."
    )


def test_me_follow_through_only_for_the_events_my_organizations_host(world):
    collective_organizer = make_organizer(world["collective"], "gil")
    campus_organizer = make_organizer(world["campus"], "cam")
    small_event(world, "small-potluck")  # hosted by the union only

    assert list(past_cards(collective_organizer)) == ["Oakland potluck"]
    assert organizer_dashboard(campus_organizer)["hosted_past"] == []
    page = logged_in(campus_organizer).get("/me/").content.decode()
    assert LABEL not in page


def test_me_follow_through_adds_no_query_per_event(world):
    organizer = make_organizer(world["union"], "una")
    client = logged_in(organizer)

    def count():
        client.get("/me/")  # the follow-through figures, computed and cached
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/me/").status_code == 200
        return len(queries)

    few = count()
    for n in range(6):
        event = small_event(world, f"potluck-{n}", days_ago=40 + n)
        attend(event, MemberFactory(key=f"extra-{n}"))

    assert count() == few
    assert sum(LABEL in card for card in past_cards(organizer).values()) == 7
